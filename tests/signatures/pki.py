"""A throwaway PKI built in memory for the signature tests: a root CA, an intermediate and end-entity
certificates, made with `cryptography`; PDFs are signed with pyHanko. No file from outside is used."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.UTC


def _name(common: str, org: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, common)]
    if org:
        parts.insert(1, x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(parts)


@dataclass
class Issued:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def issue(
    common: str,
    *,
    org: str = "",
    issuer: Issued | None = None,
    ca: bool = False,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(UTC)
    not_before = not_before or now - dt.timedelta(days=30)
    not_after = not_after or now + dt.timedelta(days=365)
    subject = _name(common, org)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
    cert = builder.sign((issuer or Issued(key, None)).key, hashes.SHA256())  # type: ignore[arg-type]
    return Issued(key=key, cert=cert)


@dataclass
class TestPKI:
    root: Issued
    intermediate: Issued

    def signer(self, common: str, org: str = "", **kwargs) -> Issued:
        return issue(common, org=org, issuer=self.intermediate, **kwargs)

    def p12(self, who: Issued, passphrase: bytes = b"seal") -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"seal",
            who.key,
            who.cert,
            [self.intermediate.cert],
            serialization.BestAvailableEncryption(passphrase),
        )


def make_pki(label: str = "Test") -> TestPKI:
    root = issue(f"{label} Root CA", org="Test PKI", ca=True, not_before=dt.datetime.now(UTC) - dt.timedelta(days=3650))
    intermediate = issue(f"{label} Issuing CA", org="Test PKI", issuer=root, ca=True)
    return TestPKI(root=root, intermediate=intermediate)


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def sign_pdf(pdf: bytes, who: Issued, pki: TestPKI, field: str = "Signature1") -> bytes:
    """Appends a PAdES signature by `who` (an incremental update) and returns the new bytes."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = asn1_keys.PrivateKeyInfo.load(
        who.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(who.cert),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(pki.intermediate.cert)]),
    )
    from units.signatures import run_async

    out = io.BytesIO()
    run_async(
        signers.async_sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)),
            signers.PdfSignatureMetadata(field_name=field, subfilter=None),
            signer=signer,
            output=out,
        )
    )
    return out.getvalue()


def plain_pdf(text: str = "Tờ trình", pages: int = 1, padding: int = 0) -> bytes:
    """A small valid PDF built with pyHanko's writer (optionally padded with an uncompressed stream)."""
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    for i in range(pages):
        content = f"BT /F1 12 Tf 72 720 Td ({text.encode('ascii', 'replace').decode()} {i + 1}) Tj ET".encode()
        if padding:
            content += b"\n%" + b"x" * padding
        _add_page(writer, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _add_page(writer, content: bytes) -> None:
    """Appends an A4 page drawing `content` (a content stream) to a pyHanko writer, plain or incremental."""
    from pyhanko.pdf_utils import generic

    page = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Page"),
            generic.pdf_name("/MediaBox"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 595, 842)]),
            generic.pdf_name("/Contents"): writer.add_object(generic.StreamObject(stream_data=content)),
            generic.pdf_name("/Resources"): generic.DictionaryObject(),
        }
    )
    writer.insert_page(page)


def add_page_after(pdf: bytes) -> bytes:
    """An incremental update that adds a page to an already signed file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    _add_page(writer, b"BT /F1 12 Tf 72 720 Td (Trang them) Tj ET")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

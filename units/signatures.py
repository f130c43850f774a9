"""Digital signatures (chữ ký số) on PDFs, with pyHanko: verify what is uploaded, seal what is generated.

Verification, per embedded signature: the signer's name and organisation (from the certificate), the signing
time (and the timestamp's, when there is one), intact (the signed bytes are unchanged), valid (the
cryptography holds), trusted (the chain reaches a root of SIGNATURE_TRUST_ROOTS), modified after signing
(an incremental update beyond the signature that is more than another signature or form filling) and the
certificate's validity at the signing time. Revocation is not fetched (no network is assumed): every
signature says "chưa kiểm tra thu hồi" and revocation never makes it pass or fail.

Results are stored per file content (units.models.SignatureCheck, keyed by SHA-256), so the check runs once
at upload (units.uploads calls `check_content`) and pages find it by the stored file's name
(`attach_checks`).

Sealing: with SIGNATURE_SEAL_P12 (+ SIGNATURE_SEAL_PASSPHRASE) every generated PDF gets a PAdES signature of
the deployment (`seal_pdf`), with a timestamp from SIGNATURE_TSA_URL when set; without them PDFs stay as
they were.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

REVOCATION_NOT_CHECKED = "chưa kiểm tra thu hồi"


# --- trust store ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustStore:
    roots: tuple  # asn1crypto x509.Certificate
    key: str  # fingerprint of the set: a stored check made against another set is stale


def _pem_blocks(data: bytes) -> list[bytes]:
    from asn1crypto import pem

    if pem.detect(data):
        return [der for _type, _headers, der in pem.unarmor(data, multiple=True)]
    return [data]  # a single DER certificate


@cache
def _load_store(location: str, stamp: float) -> TrustStore:
    from asn1crypto import x509

    path = Path(location)
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    roots = []
    for file in files:
        try:
            for der in _pem_blocks(file.read_bytes()):
                roots.append(x509.Certificate.load(der))
        except (OSError, ValueError) as exc:
            logger.warning("signature trust root %s unreadable: %s", file, exc)
    digest = hashlib.sha256(b"".join(sorted(c.sha256 for c in roots))).hexdigest()
    return TrustStore(roots=tuple(roots), key=digest)


def trust_store() -> TrustStore:
    location = settings.SIGNATURE_TRUST_ROOTS
    if not location or not Path(location).exists():
        return TrustStore(roots=(), key="")
    path = Path(location)
    stamp = max(
        [path.stat().st_mtime, *(p.stat().st_mtime for p in path.iterdir())]
        if path.is_dir()
        else [path.stat().st_mtime]
    )
    return _load_store(location, stamp)


# --- verification --------------------------------------------------------------------------------------


@dataclass
class Verdict:
    """One file: is it a PDF we could read, and its signatures (dicts, as stored)."""

    is_pdf: bool
    readable: bool
    signatures: list[dict] = field(default_factory=list)
    error: str = ""

    @property
    def status(self) -> str:
        return file_status(self.readable, self.signatures)


def signature_ok(sig: dict) -> bool:
    """Intact, valid, trusted and not modified after signing: what a rule that asks for a signature accepts."""
    return bool(sig["intact"] and sig["valid"] and sig["trusted"] and not sig["modified_after"])


def file_status(readable: bool, signatures: list[dict]) -> str:
    from units.models import SignatureCheck

    if not readable:
        return SignatureCheck.Status.UNREADABLE
    if not signatures:
        return SignatureCheck.Status.UNSIGNED
    if any(signature_ok(s) for s in signatures):
        return SignatureCheck.Status.VALID
    if any(not s["intact"] or s["modified_after"] for s in signatures):
        return SignatureCheck.Status.MODIFIED
    return SignatureCheck.Status.INVALID


def _name_parts(cert) -> tuple[str, str]:
    subject = cert.subject.native
    name = subject.get("common_name") or ""
    org = subject.get("organization_name") or subject.get("organizational_unit_name") or ""
    if isinstance(name, list):
        name = name[0]
    if isinstance(org, list):
        org = ", ".join(org)
    return str(name), str(org)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def run_async(coro):
    """pyHanko's API is async; run it here, or in a worker thread when this thread already runs an event loop
    (an ASGI server, a browser test)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _validate(embedded, store: TrustStore, moment: dt.datetime | None):
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    def context():
        return ValidationContext(
            trust_roots=list(store.roots),
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=moment,
        )

    return run_async(
        async_validate_pdf_signature(embedded, signer_validation_context=context(), ts_validation_context=context())
    )


def _describe(embedded, store: TrustStore) -> dict:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    status = _validate(embedded, store, None)
    ts = status.timestamp_validity
    ts_time = ts.timestamp if ts is not None and ts.intact and ts.valid else None
    if ts_time and ts.trusted and not status.trusted and status.intact and status.valid:
        # A trusted timestamp proves when it was signed: judge the certificate at that moment (it may have
        # expired since, which does not undo a signature made while it was valid).
        status = _validate(embedded, store, ts_time)
    cert = status.signing_cert
    signer, org = _name_parts(cert)
    signing_time = ts_time or status.signer_reported_dt
    not_before, not_after = cert.not_valid_before, cert.not_valid_after
    cert_ok = signing_time is not None and not_before <= signing_time <= not_after
    level = status.modification_level
    updates_after = status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    modified_after = updates_after and (level is None or level > ModificationLevel.FORM_FILLING)
    trusted = bool(status.trusted)
    problems = []
    if not status.intact:
        problems.append(_("nội dung đã ký bị thay đổi"))
    elif not status.valid:
        problems.append(_("chữ ký không đúng về mật mã"))
    if modified_after:
        problems.append(_("tệp có phần được thêm hoặc sửa sau khi ký"))
    if not cert_ok:
        problems.append(_("chứng thư số không còn hiệu lực tại thời điểm ký"))
    if status.intact and status.valid and not trusted:
        if not store.roots:
            problems.append(_("chưa cấu hình kho chứng thư gốc tin cậy (SIGNATURE_TRUST_ROOTS)"))
        else:
            problems.append(_("chứng thư không chuỗi được tới tổ chức cung cấp dịch vụ tin cậy"))
    return {
        "field": str(embedded.field_name),
        "signer": signer,
        "organisation": org,
        "signing_time": _iso(signing_time),
        "timestamp_time": _iso(ts_time),
        "intact": bool(status.intact),
        "valid": bool(status.valid),
        "trusted": trusted and cert_ok,
        "modified_after": bool(modified_after),
        "updates_after": bool(updates_after),
        "cert_valid_at_signing": bool(cert_ok),
        "cert_not_before": _iso(not_before),
        "cert_not_after": _iso(not_after),
        "issuer": cert.issuer.native.get("common_name", "") if isinstance(cert.issuer.native, dict) else "",
        "revocation": REVOCATION_NOT_CHECKED,
        "problems": problems,
    }


def verify_pdf(data: bytes, store: TrustStore | None = None) -> Verdict:
    """Every embedded signature of a PDF, judged against the trust store (the configured one by default)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if b"%PDF-" not in data[:1024]:
        return Verdict(is_pdf=False, readable=False, error=_("không phải tệp PDF"))
    store = store or trust_store()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_regular_signatures)
        return Verdict(is_pdf=True, readable=True, signatures=[_describe(e, store) for e in embedded])
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        return Verdict(is_pdf=True, readable=False, error=_("không đọc được tệp PDF (%(e)s)") % {"e": exc})
    except Exception as exc:  # a malformed file must never turn an upload into a server error
        logger.warning("signature check failed on a PDF: %r", exc)
        return Verdict(
            is_pdf=True, readable=False, error=_("không đọc được tệp PDF (%(e)s)") % {"e": type(exc).__name__}
        )


# --- stored checks -------------------------------------------------------------------------------------


def check_content(data: bytes):
    """The stored check of this content, made now if it is new or was made against another trust store."""
    from units.models import SignatureCheck

    digest = hashlib.sha256(data).hexdigest()
    store = trust_store()
    check = SignatureCheck.objects.filter(sha256=digest).first()
    if check is not None and check.trust_key == store.key:
        return check
    verdict = verify_pdf(data, store)
    check, _created = SignatureCheck.objects.update_or_create(
        sha256=digest,
        defaults={
            "size": len(data),
            "status": verdict.status,
            "signatures": verdict.signatures,
            "trust_key": store.key,
            "checked_at": timezone.now(),
        },
    )
    return check


def checks_for(files: Iterable) -> dict:
    """{stored name: SignatureCheck} for PDF FieldFiles (empty ones skipped): two queries, plus a one-time
    read of files no page has looked at yet (uploaded before the check existed, or by another path)."""
    from units.models import SignatureCheck, StoredFileDigest

    files = [f for f in files if f and f.name and f.name.lower().endswith(".pdf")]
    if not files:
        return {}
    digests = dict(StoredFileDigest.objects.filter(name__in=[f.name for f in files]).values_list("name", "sha256"))
    store_key = trust_store().key
    checks = {c.sha256: c for c in SignatureCheck.objects.filter(sha256__in=digests.values(), trust_key=store_key)}
    result = {}
    for f in files:
        check = checks.get(digests.get(f.name, ""))
        if check is None:
            try:
                with f.open("rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            check = check_content(data)
            StoredFileDigest.objects.update_or_create(name=f.name, defaults={"sha256": check.sha256})
        result[f.name] = check
    return result


def attach_checks(objects: Iterable, attr: str) -> list:
    """Sets `signature_check` on each object from its FieldFile `attr` (None when no PDF): for templates."""
    objects = list(objects)
    checks = checks_for(getattr(o, attr) for o in objects)
    for o in objects:
        f = getattr(o, attr)
        o.signature_check = checks.get(f.name) if f else None
    return objects


def check_for_file(file_field):
    return checks_for([file_field]).get(file_field.name) if file_field else None


def moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def summary(check) -> str:
    """The badge's one line: "Đã ký số: <người ký>, <đơn vị>, <thời điểm> — hợp lệ" and its other forms."""
    from units.models import SignatureCheck

    if check is None or check.status in (SignatureCheck.Status.UNSIGNED, SignatureCheck.Status.UNREADABLE):
        return str(SignatureCheck.Status(check.status).label) if check else str(SignatureCheck.Status.UNSIGNED.label)
    sigs = check.signatures
    best = next((s for s in sigs if signature_ok(s)), sigs[0])
    when = moment(best["signing_time"])
    parts = [best["signer"] or _("(không rõ tên)")]
    if best["organisation"]:
        parts.append(best["organisation"])
    if when:
        parts.append(timezone.localtime(when).strftime("%H:%M %d/%m/%Y"))
    return _("Đã ký số: %(who)s — %(verdict)s") % {
        "who": ", ".join(parts),
        "verdict": SignatureCheck.Status(check.status).label,
    }


def display_rows(signatures: list[dict]) -> list[dict]:
    """The stored signatures with their times as local datetimes and a verdict, for the badge's details."""
    rows = []
    for sig in signatures:
        row = dict(sig)
        for key in ("signing_time", "timestamp_time", "cert_not_before", "cert_not_after"):
            value = moment(sig.get(key))
            row[key] = timezone.localtime(value) if value else None
        row["ok"] = signature_ok(sig)
        rows.append(row)
    return rows


# --- sealing -------------------------------------------------------------------------------------------


def seal_configured() -> bool:
    return bool(settings.SIGNATURE_SEAL_P12)


@cache
def _seal_signer(path: str, passphrase: str):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase.encode() if passphrase else None)
    if signer is None:
        raise ValueError(f"SIGNATURE_SEAL_P12 {path} could not be loaded")
    return signer


def seal_pdf(data: bytes) -> bytes:
    """The PDF sealed with the deployment's certificate (PAdES B-B, B-T with a TSA), or unchanged when no seal
    is configured."""
    if not seal_configured():
        return data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    signer = _seal_signer(settings.SIGNATURE_SEAL_P12, settings.SIGNATURE_SEAL_PASSPHRASE)
    timestamper = timestamps.HTTPTimeStamper(settings.SIGNATURE_TSA_URL) if settings.SIGNATURE_TSA_URL else None
    out = io.BytesIO()
    signing = signers.async_sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data), strict=False),
        signers.PdfSignatureMetadata(
            field_name="SealThiDua",
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason="Cổng thi đua",
        ),
        signer=signer,
        timestamper=timestamper,
        output=out,
    )
    run_async(signing)
    return out.getvalue()

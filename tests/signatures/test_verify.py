"""Uploaded PDFs' digital signatures, checked with pyHanko against a test PKI given as SIGNATURE_TRUST_ROOTS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from units.models import SignatureCheck
from units.signatures import check_content, summary, verify_pdf
from units.uploads import check_upload

from .pki import add_page_after, make_pki, plain_pdf, sign_pdf

pytestmark = pytest.mark.signatures

HEAD = "NGUYỄN VĂN AN"
SCHOOL = "Trường THCS An Bình"


@pytest.fixture(scope="module")
def signed(pki):
    return sign_pdf(plain_pdf("To trinh"), pki.signer(HEAD, SCHOOL), pki)


def test_valid_and_trusted(signed, trust):
    verdict = verify_pdf(signed)
    assert verdict.status == SignatureCheck.Status.VALID
    [sig] = verdict.signatures
    assert (sig["signer"], sig["organisation"]) == (HEAD, SCHOOL)
    assert sig["intact"] and sig["valid"] and sig["trusted"] and sig["cert_valid_at_signing"]
    assert not sig["modified_after"] and sig["revocation"] == "chưa kiểm tra thu hồi"
    signed_at = dt.datetime.fromisoformat(sig["signing_time"])
    assert abs(dt.datetime.now(dt.UTC) - signed_at) < dt.timedelta(hours=1)


def test_untrusted_root(signed, tmp_path, settings):
    other = make_pki("Other")
    path = tmp_path / "other.pem"
    path.write_bytes(other.root.pem)
    settings.SIGNATURE_TRUST_ROOTS = str(path)
    verdict = verify_pdf(signed)
    [sig] = verdict.signatures
    assert sig["intact"] and sig["valid"] and not sig["trusted"]
    assert verdict.status == SignatureCheck.Status.INVALID
    assert "tin cậy" in sig["problems"][0]


def test_trust_roots_folder(signed, pki, tmp_path, settings):
    (tmp_path / "roots").mkdir()
    (tmp_path / "roots" / "other.pem").write_bytes(make_pki("Other").root.pem)
    (tmp_path / "roots" / "ours.crt").write_bytes(pki.root.pem)
    settings.SIGNATURE_TRUST_ROOTS = str(tmp_path / "roots")
    assert verify_pdf(signed).status == SignatureCheck.Status.VALID


def test_expired_signer(pki, trust):
    now = dt.datetime.now(dt.UTC)
    expired = pki.signer(HEAD, SCHOOL, not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=35))
    verdict = verify_pdf(sign_pdf(plain_pdf(), expired, pki))
    [sig] = verdict.signatures
    assert sig["intact"] and sig["valid"]
    assert not sig["cert_valid_at_signing"] and not sig["trusted"]
    assert verdict.status == SignatureCheck.Status.INVALID
    assert "không còn hiệu lực tại thời điểm ký" in "; ".join(sig["problems"])


@pytest.mark.django_db
def test_one_byte_changed(signed, trust):
    data = bytearray(signed)
    at = data.index(b"(To trinh")
    data[at + 1] = ord("X")
    verdict = verify_pdf(bytes(data))
    [sig] = verdict.signatures
    assert not sig["intact"] and not sig["trusted"]
    assert verdict.status == SignatureCheck.Status.MODIFIED
    badge = summary(check_content(bytes(data)))
    assert badge.startswith(f"Đã ký số: {HEAD}") and badge.endswith("— tệp bị sửa sau khi ký")


def test_page_added_after_signing(signed, trust):
    verdict = verify_pdf(add_page_after(signed))
    [sig] = verdict.signatures
    assert sig["intact"] and sig["valid"]  # the signed revision is unchanged…
    assert sig["updates_after"] and sig["modified_after"]  # …but a page came after it
    assert verdict.status == SignatureCheck.Status.MODIFIED


def test_two_signatures(signed, pki, trust):
    twice = sign_pdf(signed, pki.signer("Trần Thị Bình", "Phòng GD&ĐT Phú Điền"), pki, field="Signature2")
    verdict = verify_pdf(twice)
    assert [s["signer"] for s in verdict.signatures] == [HEAD, "Trần Thị Bình"]
    first, second = verdict.signatures
    # The second signature is an update after the first, but only a signature: not a modification.
    assert first["updates_after"] and not first["modified_after"] and first["trusted"]
    assert second["trusted"] and not second["updates_after"]
    assert verdict.status == SignatureCheck.Status.VALID


def test_no_signature(trust):
    verdict = verify_pdf(plain_pdf())
    assert verdict.readable and verdict.signatures == []
    assert verdict.status == SignatureCheck.Status.UNSIGNED


def test_not_a_pdf_renamed(trust):
    verdict = verify_pdf(b"PK\x03\x04 this is a zip renamed .pdf")
    assert not verdict.is_pdf and verdict.status == SignatureCheck.Status.UNREADABLE


@pytest.mark.django_db
def test_upload_stores_the_check_once_and_the_badge_reads_it(signed, trust):
    problem, checked = check_upload(SimpleUploadedFile("to-trinh.pdf", signed), accept=("pdf",))
    assert problem is None and checked.extension == "pdf"
    check = SignatureCheck.objects.get()
    assert check.status == SignatureCheck.Status.VALID and check.size == len(signed)
    assert summary(check).startswith(f"Đã ký số: {HEAD}, {SCHOOL}, ") and summary(check).endswith("— hợp lệ")
    assert check_content(signed).pk == check.pk  # the same content is not checked again
    assert SignatureCheck.objects.count() == 1


@pytest.mark.django_db
def test_changed_trust_store_rechecks(signed, trust, tmp_path, settings):
    assert check_content(signed).status == SignatureCheck.Status.VALID
    path = tmp_path / "other.pem"
    path.write_bytes(make_pki("Other").root.pem)
    settings.SIGNATURE_TRUST_ROOTS = str(path)
    assert check_content(signed).status == SignatureCheck.Status.INVALID


def _run(*files) -> tuple[int, str]:
    import io

    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_signature", *files, stdout=out)
    return exit_.value.code, out.getvalue()


def test_command_exit_codes(signed, trust, tmp_path):
    good = tmp_path / "to-trinh.pdf"
    good.write_bytes(signed)
    tampered = tmp_path / "sua.pdf"
    data = bytearray(signed)
    data[data.index(b"(To trinh") + 1] = ord("X")
    tampered.write_bytes(bytes(data))
    unsigned = tmp_path / "chua-ky.pdf"
    unsigned.write_bytes(plain_pdf())
    fake = tmp_path / "gia.pdf"
    fake.write_bytes(b"hello, not a pdf")

    code, out = _run(str(good))
    assert code == 0
    assert f"người ký: {HEAD}, {SCHOOL}" in out and "toàn vẹn: có · hợp lệ: có · tin cậy: có" in out
    assert "sửa sau khi ký: không" in out and "thu hồi: chưa kiểm tra thu hồi" in out

    code, out = _run(str(good), str(tampered))
    assert code == 1 and "toàn vẹn: KHÔNG" in out and out.count("[1] trường") == 2

    code, out = _run(str(unsigned))
    assert code == 1 and out.strip() == f"{unsigned}: không có chữ ký số"

    code, out = _run(str(fake))
    assert code == 1 and out.strip() == f"{fake}: không phải tệp PDF"

    code, out = _run(str(good), str(tmp_path / "khong-co.pdf"))
    assert code == 2 and "không đọc được tệp" in out

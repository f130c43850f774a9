"""Issue 15 §3: a zip-based document (xlsx, docx, pptx, odt...) is measured before it is stored: its declared
and real unpacked size and its compression ratio; and each refusal names what the field accepts."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from criteria import services as criteria_services
from criteria.models import Assessment, EvidenceItem
from units.uploads import check_upload

from ..campaigns.test_views import _published

pytestmark = pytest.mark.security

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def as_user(user) -> Client:
    browser = Client()
    browser.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return browser


def workbook() -> bytes:
    book = Workbook()
    book.active.append(["Minh chứng", "Số"])
    book.active.append(["Kế hoạch năm học", 1])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx(*, zeros_mb: int = 0, macro: bool = False, lie: bool = False) -> bytes:
    """A Word-looking package; with `zeros_mb` its document part unpacks to that many MB (a zip bomb of a
    few hundred KB); with `lie` the part's declared size says 1 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w") as part:
            part.write(b"<w:document/>")
            for _ in range(zeros_mb):
                part.write(b" " * (1024 * 1024))
        if macro:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    data = out.getvalue()
    if lie:
        real = (len(b"<w:document/>") + zeros_mb * 1024 * 1024).to_bytes(4, "little")
        assert data.count(real) == 2  # local header and central directory
        data = data.replace(real, (1024).to_bytes(4, "little"))
    return data


def evidence_post(cast, name: str, data: bytes):
    return as_user(cast.principal_a).post(
        reverse("criteria:evidence_list", args=[cast.school_a.code]),
        {"title": "Minh chứng", "file": SimpleUploadedFile(name, data)},
        follow=True,
    )


@pytest.mark.parametrize("lie", [False, True], ids=["declared", "lying-about-its-size"])
def test_evidence_library_refuses_an_office_zip_bomb_and_stores_nothing(cast, lie):
    bomb = docx(zeros_mb=300, lie=lie)
    assert len(bomb) < 1024 * 1024  # a few hundred KB on the wire, 300 MB unpacked
    page = evidence_post(cast, "ke-hoach.docx", bomb)
    assert "“ke-hoach.docx” không được nhận" in page.text and "bom giải nén" in page.text
    assert "Ô này nhận: PDF, ảnh (JPG, PNG), Word, Excel, PowerPoint." in page.text
    assert not EvidenceItem.objects.exists()
    # An ordinary workbook is still kept (the ratio of small files is not held against them).
    evidence_post(cast, "so-lieu.xlsx", workbook())
    assert EvidenceItem.objects.get().content_type.endswith("spreadsheetml.sheet")


def test_the_minutes_upload_measures_the_zip_too(cast):
    assessment = criteria_services.assessment_start(cast.school_a, "2025-2026", actor=cast.principal_a)
    bomb = SimpleUploadedFile("bien-ban.docx", docx(zeros_mb=200))
    with pytest.raises(ValidationError, match="bom giải nén"):
        criteria_services.minutes_record(assessment, actor=cast.principal_a, upload=bomb)
    assert not Assessment.objects.get(pk=assessment.pk).minutes_file


def test_each_refusal_names_what_the_field_accepts(cast, login):
    campaign = _published(cast)
    page = login(cast.officer_s).post(
        reverse("campaigns:attachment_upload", args=[campaign.public_id]),
        {"file": SimpleUploadedFile("ke-hoach.docx", docx())},
        follow=True,
    )
    assert "Tệp “ke-hoach.docx” không đúng loại được nhận (PDF)." in page.text
    assert "macro" not in page.text and "Office" not in page.text
    problem, _ok = check_upload(SimpleUploadedFile("to-trinh.xlsx", workbook()), accept=("pdf",))
    assert "(PDF)" in problem and "macro" not in problem
    # A field that takes Office files says why this one is refused.
    problem, _ok = check_upload(SimpleUploadedFile("bao-cao.docm", docx(macro=True)))
    assert "là tệp Office có macro" in problem
    problem, _ok = check_upload(SimpleUploadedFile("anh.png", b"MZ\x90 program"), accept=("image",))
    assert "(ảnh (JPG, PNG))" in problem and "macro" not in problem

"""Evidence uploads refused by content (nothing stored), and indicator sets through Excel."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from criteria import services, sets
from criteria.models import Assessment, EvidenceItem, Indicator, IndicatorSet
from units.importing import read_table

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def as_user(user) -> Client:
    browser = Client()
    browser.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return browser


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bao-cao.pdf", b"MZ\x90\x00\x03 this is a program", "không đúng loại được nhận"),
        ("trong.pdf", b"", "rỗng"),
        ("script.pdf", b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>", "chứa mã lệnh"),
        ("eicar.pdf", b"%PDF-1.4\n" + EICAR, "phần mềm diệt virus"),
        ("eicar.com", EICAR, "phần mềm diệt virus"),
        ("lon.pdf", b"%PDF-1.4 " + b"x" * 3000, "quá lớn"),
    ],
)
def test_bad_evidence_is_refused_with_a_clear_message_and_nothing_is_stored(cast, settings, name, data, message):
    settings.UPLOAD_MAX_BYTES = 2000
    r = as_user(cast.principal_a).post(
        reverse("criteria:evidence_list", args=[cast.school_a.code]),
        {"title": "Minh chứng", "file": SimpleUploadedFile(name, data)},
        follow=True,
    )
    assert message in r.text
    assert not EvidenceItem.objects.exists()


def test_good_evidence_is_kept_once_and_served_safely(cast):
    head = as_user(cast.principal_a)
    url = reverse("criteria:evidence_list", args=[cast.school_a.code])
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
    for _ in range(2):
        head.post(url, {"title": "Ảnh phòng máy", "issued_on": "02/10/2025", "file": SimpleUploadedFile("a.png", png)})
    item = EvidenceItem.objects.get()
    assert item.content_type == "image/png" and item.issued_on.isoformat() == "2025-10-02"
    r = head.get(reverse("criteria:evidence_download", args=[item.public_id]))
    assert r["Content-Type"] == "image/png" and r["X-Content-Type-Options"] == "nosniff"
    head.post(url, {"title": "Cổng thông tin", "url": "javascript:alert(1)"})
    assert EvidenceItem.objects.count() == 1
    head.post(url, {"title": "Cổng thông tin", "url": "https://thcs-anbinh.edu.vn/cds"})
    assert EvidenceItem.objects.count() == 2


def test_export_then_import_creates_a_new_version_and_past_assessments_keep_theirs(cast):
    assessment = services.assessment_start(cast.school_a, "2025-2026", actor=cast.principal_a)
    officer = as_user(cast.officer_s)
    export = officer.get(reverse("criteria:set_export", args=["qd4725-v1"]))
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["Nhóm", "Tên nhóm tiêu chí", "Mã tiêu chí", "Tên tiêu chí", "Mã chỉ số", "Nội dung chỉ số"]
    text_col = header.index("Nội dung chỉ số") + 1
    sheet.cell(row=2, column=text_col, value="Nhà trường ban hành kế hoạch tổ chức dạy học trực tuyến")
    buffer = io.BytesIO()
    book.save(buffer)
    url = reverse("criteria:set_import", args=["qd4725-v1"])
    check = officer.post(url, {"file": SimpleUploadedFile("bo.xlsx", buffer.getvalue())})
    assert "Kiểm tra xong: 15 chỉ số hợp lệ" in check.text
    assert IndicatorSet.objects.filter(family="qd4725").count() == 1
    done = officer.post(url, {"confirm": "1"}, follow=True)
    assert "Đã tạo phiên bản 2" in done.text
    new = IndicatorSet.objects.get(code="qd4725-v2")
    assert Indicator.objects.filter(
        criterion__group__indicator_set=new, text__startswith="Nhà trường ban hành"
    ).exists()
    # The Sở officer's version is the province's own, written inactive; activating it is a separate step.
    assert new.province == cast.so_s.province and not new.is_active
    officer.post(reverse("criteria:set_activate", args=["qd4725-v2"]), {"action": "activate"})
    assert IndicatorSet.objects.get(code="qd4725-v1").is_active
    assert Assessment.objects.get(pk=assessment.pk).indicator_set.code == "qd4725-v1"
    assert (
        services.assessment_start(cast.school_b, "2025-2026", actor=cast.principal_b).indicator_set.code == "qd4725-v2"
    )


def test_import_errors_name_the_row_and_write_nothing(cast):
    base = IndicatorSet.objects.get(code="qd4725-v1")
    csv = (
        "Nhóm,Tên nhóm tiêu chí,Mã tiêu chí,Tên tiêu chí,Mã chỉ số,Nội dung chỉ số,Kiểu nhập,Điểm tối đa,"
        "Tham số chấm điểm (JSON),Bắt buộc minh chứng\n"
        "1,Dạy học,1.1,TC,1.1.1,Nội dung,yes_no,60,,Có\n"
        "3,Dạy học,1.1,TC,1.1.2,Nội dung,bogus,abc,{oops,Có lẽ\n"
        '1,Dạy học,1.1,TC,1.1.3,=HYPERLINK("x"),yes_no,50,,Có\n'
    ).encode()
    report, new = sets.set_import(read_table(csv, "bo.csv"), base=base)
    messages = [str(e) for e in report.errors]
    assert new is None and IndicatorSet.objects.filter(family="qd4725").count() == 1
    assert any(m.startswith("Dòng 3:") and "Nhóm phải là" in m and "Kiểu nhập" in m and "JSON" in m for m in messages)
    assert any(m.startswith("Dòng 4:") and "công thức" in m for m in messages)

"""Indicator sets are shared data (issue 15 §1) and honest until official (issue 18 §4).

National sets (QĐ 4725, 3276, 3806) change only by a national role; a Sở derives its province's own version,
which never switches off another province's or the national one. Loading the official set is checked (each
group sums to its total, thresholds present, mandatory conditions flagged), previewed as a diff, written
inactive and activated as a separate, audited step. A provisional set says so on every output."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from criteria import services, sets
from criteria.models import Assessment, Indicator, IndicatorSet
from units.models import AuditEntry, Role

from ..factories import UserFactory, grant

YEAR = "2025-2026"


def as_user(user) -> Client:
    browser = Client()
    browser.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return browser


def _workbook(browser: Client, code: str = "qd4725-v1"):
    response = browser.get(reverse("criteria:set_export", args=[code]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _edited(browser: Client, edit, code: str = "qd4725-v1") -> bytes:
    """The set's Excel file, with `edit(sheet, header)` applied to its first sheet."""
    book = _workbook(browser, code)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    edit(sheet, header)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _retitle_first(text: str):
    def edit(sheet, header):
        sheet.cell(row=2, column=header.index("Nội dung chỉ số") + 1, value=text)

    return edit


def _import(browser: Client, data: bytes, code: str = "qd4725-v1", name: str = "bo.xlsx"):
    """Check, then confirm: the second step writes the file the first one previewed."""
    url = reverse("criteria:set_import", args=[code])
    check = browser.post(url, {"file": SimpleUploadedFile(name, data)})
    done = browser.post(url, {"confirm": "1"}, follow=True)
    return check, done


@pytest.fixture
def officer_t(cast):
    user = UserFactory(username="officer_t", first_name="Cán bộ Sở T")
    grant(user, cast.so_t, Role.OFFICER)
    return user


# --- Issue 15 §1: who governs a set ------------------------------------------------------------------------


@pytest.mark.security
def test_a_provincial_import_is_its_own_province_version_and_never_switches_off_the_national_one(cast, officer_t):
    officer = as_user(cast.officer_s)
    _check, done = _import(officer, _edited(officer, _retitle_first("Kế hoạch dạy học trực tuyến của tỉnh S")))
    derived = IndicatorSet.objects.get(code="qd4725-v2")
    assert "Đã tạo phiên bản 2" in done.text
    assert derived.province == cast.so_s.province and not derived.is_active
    officer.post(reverse("criteria:set_activate", args=[derived.code]), {"action": "activate"})
    derived.refresh_from_db()
    assert derived.is_active and IndicatorSet.objects.get(code="qd4725-v1").is_active
    # Inside province S new assessments take the derived version; province T keeps the national one.
    assert services.assessment_start(cast.school_a, YEAR, actor=cast.principal_a).indicator_set == derived
    assert services.assessment_start(cast.school_x, YEAR, actor=cast.outsider).indicator_set.code == "qd4725-v1"
    # Province T's officer neither sees it nor may touch it (404), and its list shows the national set "đang dùng".
    other = as_user(officer_t)
    assert other.get(reverse("criteria:set_detail", args=[derived.code])).status_code == 404
    assert other.post(reverse("criteria:set_activate", args=[derived.code]), {"action": "withdraw"}).status_code == 404
    listing = other.get(reverse("criteria:set_list")).text
    assert "Kế hoạch dạy học trực tuyến của tỉnh S" not in listing and "qd4725-v2" not in listing
    assert IndicatorSet.objects.get(code="qd4725-v2").is_active


@pytest.mark.security
def test_only_the_national_role_activates_a_national_version(cast, national):
    ministry = as_user(national)
    check, _done = _import(ministry, _edited(ministry, _retitle_first("Nội dung chính thức 1.1.1")))
    assert "vai trò cấp Bộ" in check.text
    new = IndicatorSet.objects.get(code="qd4725-v2")
    assert new.province is None and not new.is_active
    # The Sở officer may not switch a national version on (nor off), on the page or through the service.
    r = as_user(cast.officer_s).post(reverse("criteria:set_activate", args=[new.code]), {"action": "activate"})
    assert r.status_code == 403
    with pytest.raises(Exception, match="cấp khác quản lý"):
        sets.set_activate(new, actor=cast.officer_s)
    assert not IndicatorSet.objects.get(pk=new.pk).is_active
    ministry.post(reverse("criteria:set_activate", args=[new.code]), {"action": "activate"})
    assert IndicatorSet.objects.get(pk=new.pk).is_active
    assert not IndicatorSet.objects.get(code="qd4725-v1").is_active
    entry = AuditEntry.objects.get(action="indicator_set.activated")
    assert (
        entry.actor == national and entry.before == {"active": ["qd4725-v1"]} and entry.after == {"active": [new.code]}
    )
    assert AuditEntry.objects.filter(action="indicator_set.imported", object_repr__contains="phiên bản 2").exists()


@pytest.mark.security
def test_a_new_national_version_leaves_a_province_own_version_in_force_and_withdrawal_goes_back(cast, national):
    officer = as_user(cast.officer_s)
    _import(officer, _edited(officer, _retitle_first("Bản của tỉnh S")))
    officer.post(reverse("criteria:set_activate", args=["qd4725-v2"]), {"action": "activate"})
    ministry = as_user(national)
    _import(ministry, _edited(ministry, _retitle_first("Bản toàn quốc mới")))
    ministry.post(reverse("criteria:set_activate", args=["qd4725-v3"]), {"action": "activate"})
    active = dict(IndicatorSet.objects.filter(family="qd4725").values_list("code", "is_active"))
    assert active == {"qd4725-v1": False, "qd4725-v2": True, "qd4725-v3": True}
    assert sets.set_for(cast.school_a.kind, YEAR, cast.school_a.province_id).code == "qd4725-v2"
    assert sets.set_for(cast.school_x.kind, YEAR, cast.school_x.province_id).code == "qd4725-v3"
    # Self-assessments keep the version they started with.
    started = services.assessment_start(cast.school_a, YEAR, actor=cast.principal_a)
    officer.post(reverse("criteria:set_activate", args=["qd4725-v2"]), {"action": "withdraw"})
    assert sets.set_for(cast.school_a.kind, YEAR, cast.school_a.province_id).code == "qd4725-v3"
    assert Assessment.objects.get(pk=started.pk).indicator_set.code == "qd4725-v2"
    assert AuditEntry.objects.filter(action="indicator_set.withdrawn", unit=cast.so_s).exists()


@pytest.mark.security
def test_schools_read_sets_but_neither_import_nor_activate(cast):
    head = as_user(cast.principal_a)
    assert head.get(reverse("criteria:set_import", args=["qd4725-v1"])).status_code == 403
    assert head.post(reverse("criteria:set_activate", args=["qd4725-v1"])).status_code == 403
    page = head.get(reverse("criteria:set_detail", args=["qd4725-v1"])).text
    assert "Nhập Excel" not in page and "Kích hoạt" not in page


# --- Issue 18 §4: honest until official --------------------------------------------------------------------


@pytest.mark.firsthour
def test_the_template_carries_instructions_group_totals_and_the_provisional_note(cast, national):
    book = _workbook(as_user(national))
    data, guide = book.worksheets
    header = [c.value for c in data[1]]
    assert {"Tổng điểm nhóm", "Mức độ 2 từ (điểm)", "Mức độ 3 khi trên (điểm)"} <= set(header)
    assert next(r[header.index("Tổng điểm nhóm")] for r in data.iter_rows(min_row=2, values_only=True)) == 100
    lines = [r[0] for r in guide.iter_rows(values_only=True) if r[0]]
    assert guide.title == "Hướng dẫn" and lines[0] == "Bộ chỉ số tạm — chưa phải văn bản chính thức"
    assert any("phải bằng “Tổng điểm nhóm” (100)" in line for line in lines)


@pytest.mark.firsthour
def test_a_group_that_does_not_sum_to_its_total_or_lacks_thresholds_is_refused_and_nothing_is_written(cast, national):
    ministry = as_user(national)

    def break_group_1(sheet, header):
        sheet.cell(row=4, column=header.index("Điểm tối đa") + 1, value=1)  # 1.2.1: 10 points → 1
        for row in range(2, sheet.max_row + 1):
            if str(sheet.cell(row=row, column=1).value) == "2":
                sheet.cell(row=row, column=header.index("Mức độ 2 từ (điểm)") + 1).value = None

    url = reverse("criteria:set_import", args=["qd4725-v1"])
    check = ministry.post(url, {"file": SimpleUploadedFile("bo.xlsx", _edited(ministry, break_group_1))})
    assert "Tệp có lỗi, chưa ghi gì" in check.text
    assert "Nhóm 1: tổng điểm tối đa các chỉ số là 91, phải bằng 100 điểm của nhóm." in check.text
    assert "Nhóm 2: thiếu ngưỡng điểm mức độ 2 hoặc mức độ 3." in check.text
    assert 'name="confirm"' not in check.text  # no button to write a file that failed its check
    ministry.post(url, {"confirm": "1"})
    assert IndicatorSet.objects.filter(family="qd4725").count() == 1
    # Not an Excel file: one clear line, nothing written.
    bad = ministry.post(url, {"file": SimpleUploadedFile("bo.xlsx", b"not a spreadsheet")}, follow=True)
    assert "Tệp không phải bảng tính Excel (.xlsx) hợp lệ." in bad.text
    assert IndicatorSet.objects.filter(family="qd4725").count() == 1


@pytest.mark.firsthour
def test_the_preview_shows_the_diff_and_flags_mandatory_conditions_before_anything_is_written(cast, national):
    ministry = as_user(national)
    first = Indicator.objects.filter(criterion__group__indicator_set__code="qd4725-v1").order_by(
        "criterion__group__number", "criterion__order", "order"
    )[0]

    def edit(sheet, header):
        sheet.cell(row=2, column=header.index("Nội dung chỉ số") + 1, value="Kế hoạch tổ chức dạy học trực tuyến")

    url = reverse("criteria:set_import", args=["qd4725-v1"])
    check = ministry.post(url, {"file": SimpleUploadedFile("bo.xlsx", _edited(ministry, edit))})
    text = check.text
    assert "Khác biệt so với phiên bản hiện tại" in text and first.code in text
    assert "nội dung: " in text and "→ Kế hoạch tổ chức dạy học trực tuyến" in text
    assert "Nhóm 1: 2 điều kiện bắt buộc" in text and "Nhóm 1 (Chuyển đổi số trong dạy, học): 100/100 điểm" in text
    assert IndicatorSet.objects.filter(family="qd4725").count() == 1  # previewed, not written
    done = ministry.post(url, {"confirm": "1"}, follow=True)
    assert "chưa dùng" in done.text and IndicatorSet.objects.filter(family="qd4725").count() == 2


@pytest.mark.firsthour
def test_activation_refuses_an_inconsistent_set(cast, national):
    ministry = as_user(national)
    _import(ministry, _edited(ministry, _retitle_first("Nội dung chính thức")))
    new = IndicatorSet.objects.get(code="qd4725-v2")
    Indicator.objects.filter(criterion__group__indicator_set=new, kind="yes_no").update(max_points=0)
    r = ministry.post(reverse("criteria:set_activate", args=[new.code]), {"action": "activate"}, follow=True)
    assert "Chưa kích hoạt được" in r.text and "phải bằng 100 điểm của nhóm" in r.text
    assert not IndicatorSet.objects.get(pk=new.pk).is_active
    assert not AuditEntry.objects.filter(action="indicator_set.activated").exists()


@pytest.mark.firsthour
def test_an_official_set_loses_the_provisional_mark(cast, national):
    ministry = as_user(national)

    def officialise(sheet, header):
        text = header.index("Nội dung chỉ số") + 1
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=text, value=f"Chỉ số chính thức số {row - 1}")

    _import(ministry, _edited(ministry, officialise))
    new = IndicatorSet.objects.get(code="qd4725-v2")
    assert not new.is_provisional
    page = ministry.get(reverse("criteria:set_detail", args=[new.code])).text
    assert "Bộ chỉ số tạm — chưa phải văn bản chính thức" not in page
    assert (
        "Bộ chỉ số tạm — chưa phải văn bản chính thức"
        in ministry.get(reverse("criteria:set_detail", args=["qd4725-v1"])).text
    )


NOTE = "Bộ chỉ số tạm — chưa phải văn bản chính thức"


def _report(user, kind, unit, params):
    from reports import services as report_services
    from reports.models import ReportJob

    job = report_services.job_request(user, kind=kind, unit=unit, params=params)
    report_services.job_run(job.pk)
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE, job.message
    with job.file.open("rb") as f:
        return job, f.read()


@pytest.mark.firsthour
def test_every_output_computed_from_a_provisional_set_says_so(cast, client):
    from pypdf import PdfReader

    from reports.models import IssuedDocument

    assessment = services.assessment_start(cast.school_a, YEAR, actor=cast.principal_a)
    Assessment.objects.filter(pk=assessment.pk).update(
        state="published", recognition_number="9/QĐ-PGDĐT", recognition_date="2026-06-18", approval_number="5/QĐ"
    )
    head, reviewer = as_user(cast.principal_a), as_user(cast.reviewer_p)
    pages = {
        "detail": head.get(reverse("criteria:detail", args=[assessment.public_id])),
        "public": client.get(reverse("criteria:public", args=[assessment.public_id])),
        "review": reviewer.get(reverse("criteria:review", args=[assessment.public_id])),
        "queue": reviewer.get(reverse("criteria:queue") + f"?nam-hoc={YEAR}"),
        "summary": reviewer.get(reverse("criteria:summary") + f"?nam-hoc={YEAR}"),
        "set": head.get(reverse("criteria:set_detail", args=["qd4725-v1"])),
        "sets": head.get(reverse("criteria:set_list")),
    }
    for name, response in pages.items():
        assert response.status_code == 200 and NOTE in response.text, name
    # The official PDF with its QR code: the note on the page and on the verification page the QR opens.
    job, pdf = _report(cast.principal_a, "assessment_pdf", cast.school_a, {"assessment": assessment.public_id})
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert NOTE in text
    doc = IssuedDocument.objects.get(job=job)
    assert NOTE in client.get(reverse("reports:verify", args=[doc.code])).text
    # The draft minutes PDF, and the Excel export of results.
    minutes = head.get(reverse("criteria:minutes", args=[assessment.public_id]))
    raw = b"".join(minutes.streaming_content)
    assert NOTE in " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages).split())
    _job, xlsx = _report(cast.reviewer_p, "assessment_results", cast.phong_p, {"school_year": YEAR})
    book = load_workbook(io.BytesIO(xlsx))
    assert book["Lưu ý"]["A1"].value == NOTE
    assert any(ws.title.startswith("KQ tạm") for ws in book.worksheets)


@pytest.mark.firsthour
def test_recognition_on_a_provisional_set_asks_for_confirmation(cast):
    assessment = services.assessment_start(cast.school_a, YEAR, actor=cast.principal_a)
    Assessment.objects.filter(pk=assessment.pk).update(state="submitted")
    reviewer = as_user(cast.reviewer_p)
    url = reverse("criteria:review", args=[assessment.public_id])
    page = reviewer.get(url).text
    assert "Tôi biết bộ chỉ số là bộ tạm" in page
    posted = {"action": "recognise", "number": "12/QĐ-PGDĐT", "date": "18/06/2026"}
    refused = reviewer.post(url, posted, follow=True)
    assert f"{NOTE}: kết quả của {cast.school_a.name}" in refused.text
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"
    done = reviewer.post(url, {**posted, "confirm_provisional": "1"}, follow=True)
    assert "Đã công nhận kết quả." in done.text and Assessment.objects.get(pk=assessment.pk).state == "recognised"

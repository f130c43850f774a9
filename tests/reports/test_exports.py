"""Excel and PDF reports built from the selectors: contents, formula safety, NĐ 30 documents with their
verification page, and who may fetch a job's file."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from campaigns import services as campaign_services
from criteria import services as criteria_services
from nominations import services as nomination_services
from reports import services
from reports.models import IssuedDocument, ReportJob
from units.models import Person

from ..factories import school_campaign, yearly_target_report
from ..nominations.helpers import YEAR, as_user, campaign_000, council_pass, dossier, heads, ready

pytestmark = pytest.mark.django_db
NASTY = ['=HYPERLINK("http://x.example","bấm")', "+1", "@SUM(A1)", "-2+3", "\tTab", "\rCR"]


def _run(user, kind, unit, params):
    job = services.job_request(user, kind=kind, unit=unit, params=params)
    services.job_run(job.pk)
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE, job.message
    return job


def _book(job):
    with job.file.open("rb") as f:
        return load_workbook(io.BytesIO(f.read()))


def _pdf_text(job) -> str:
    with job.file.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    """The text with line breaks made spaces (a long title may wrap on the page)."""
    return " ".join(text.split())


def _all_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


@pytest.fixture
def published(cast):
    campaign = school_campaign(cast)
    _deadline, target = yearly_target_report(campaign)
    campaign_services.campaign_publish(campaign, now=dt.datetime(2025, 8, 2, 9, 0, tzinfo=dt.UTC))
    campaign.refresh_from_db()
    campaign_services.obligations_materialise(campaign)
    campaign_services.target_report_save(
        target=target, unit=cast.school_a, period="2025", actor=cast.principal_a, numerator=3, denominator=4
    )
    return campaign


def test_targets_excel(cast, published):
    job = _run(cast.officer_s, "targets", cast.so_s, {"campaign": published.public_id})
    wb = _book(job)
    row = [c.value for c in next(wb["Theo đơn vị"].iter_rows(min_row=3))]
    assert row[:4] == ["TRUONG-A", "Trường THCS An Bình", "Phòng Giáo dục và Đào tạo huyện Phú Điền", "2025"]
    assert row[4:7] == [3, 4, 75]
    agg = [c.value for c in next(wb["Tổng hợp theo cấp trên"].iter_rows(min_row=3))]
    assert agg[0] == "Phòng Giáo dục và Đào tạo huyện Phú Điền" and agg[5] == 75


def test_campaign_status_excel(cast, published):
    job = _run(cast.officer_s, "campaign_status", cast.so_s, {"campaign": published.public_id})
    wb = _book(job)
    assert wb.sheetnames == ["Thông tin", "Tình hình nộp"]
    ws = wb["Tình hình nộp"]
    assert ws.freeze_panes == "C3"
    assert [c.value for c in ws[2]][:5] == ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Khối thi đua", "Đơn vị cấp trên"]
    assert any(str(r) == "F1:H1" for r in ws.merged_cells.ranges)  # the deadline's title over its 3 columns
    names = [row[1].value for row in ws.iter_rows(min_row=3)]
    assert set(names) == {"Trường THCS An Bình", "Trường Tiểu học Bình Minh"}
    assert wb["Thông tin"]["B2"].value == cast.so_s.name
    assert wb["Thông tin"]["A3"].value == "Kế hoạch" and wb["Thông tin"]["B3"].value.startswith("12/KH-SGDĐT — ")
    assert job.expires_at > timezone.now() and job.size > 0


def test_formulas_are_written_as_text_in_every_export(cast, published):
    cast.school_a.name = NASTY[0]
    cast.school_a.save()
    h = heads(cast)
    award_round = nomination_services.round_create(
        campaign_000(cast), kind="yearly", school_year=YEAR, actor=h["head_p"]
    )
    form = award_round.award_forms.get()
    people = [
        Person.objects.create(code=f"N{i}", full_name=text, category="teacher", unit=cast.school_a)
        for i, text in enumerate(NASTY[1:])
    ]
    for p in people:
        n = nomination_services.nomination_create(
            award_round, cast.school_a, actor=cast.principal_a, award_form=form, subject="individual", person=p
        )
        ready(n, cast.principal_a, summary="=1+1")
    council_pass(award_round, cast.school_a, cast.principal_a)
    sub = dossier(award_round, cast.school_a, cast.principal_a)
    nomination_services.submission_submit(sub, actor=cast.principal_a, version=sub.version)
    criteria_services.assessment_start(cast.school_a, YEAR, actor=cast.principal_a)
    jobs = [
        _run(cast.officer_s, "campaign_status", cast.so_s, {"campaign": published.public_id}),
        _run(cast.officer_s, "nominations", cast.so_s, {"round": award_round.public_id}),
        _run(cast.officer_s, "assessment_results", cast.so_s, {"school_year": YEAR}),
    ]
    for job in jobs:
        seen = []
        for cell in _all_cells(_book(job)):
            value = cell.value
            assert cell.data_type != "f", f"{job.kind}: formula in {cell.coordinate}: {value!r}"
            if isinstance(value, str) and value.lstrip("'") in [*NASTY, "=1+1"]:
                assert value.startswith("'"), f"{job.kind}: {value!r} not neutralised"
                seen.append(value)
        assert seen, f"{job.kind}: the hostile names did not reach the export"


def _teacher_nominated(cast, *, summary: str = "", voted: bool = True):
    """Seed 000's round with Lê Thị Thu of school A nominated, her report ready and (by default) passed by
    the school's council."""
    h = heads(cast)
    award_round = nomination_services.round_create(
        campaign_000(cast), kind="yearly", school_year=YEAR, actor=h["head_p"]
    )
    n = nomination_services.nomination_create(
        award_round,
        cast.school_a,
        actor=cast.principal_a,
        award_form=award_round.award_forms.get(),
        subject="individual",
        person=cast.person_teacher_a,
        summary=summary,
    )
    if voted:
        ready(n, cast.principal_a, summary=summary or "Tiên phong học liệu số")
        council_pass(award_round, cast.school_a, cast.principal_a)
    return award_round, n


def test_nominations_list_in_legal_layout(cast):
    award_round, _n = _teacher_nominated(cast, summary="Giáo viên tiêu biểu")
    sub = dossier(award_round, cast.school_a, cast.principal_a)
    nomination_services.submission_submit(sub, actor=cast.principal_a, version=sub.version)
    job = _run(cast.reviewer_p, "nominations", cast.phong_p, {"round": award_round.public_id})
    ws = _book(job)["Danh sách trích ngang"]
    assert [c.value for c in ws[2]] == [
        "STT",
        "Họ và tên / tên tập thể",
        "Ngày sinh",
        "Giới tính",
        "Chức vụ, đơn vị công tác",
        "Tóm tắt thành tích",
        "Hình thức đề nghị",
        "Ghi chú",
    ]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert rows[0][0].startswith("Cá nhân — Giấy khen")
    assert rows[1][:2] == [1, "Lê Thị Thu"] and rows[1][5] == "Giáo viên tiêu biểu"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_dossier_and_decision_pdfs_in_nd30_layout(cast, client):
    award_round, _n = _teacher_nominated(cast)
    sub = dossier(award_round, cast.school_a, cast.principal_a, number="15/TTr-THCSAB")
    job = _run(cast.principal_a, "dossier_pdf", cast.school_a, {"submission": sub.public_id})
    raw = _pdf_text(job)
    assert raw == _nfc(raw)  # extracted as NFC
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in raw  # the quốc hiệu on one line
    text = _flat(raw)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TỜ TRÌNH",
        "15/TTr-THCSAB",
        "Nơi nhận",
        "Kính gửi: Phòng Giáo dục và Đào tạo huyện Phú Điền",
        "BIÊN BẢN",
        "Lê Thị Thu",
        "BÁO CÁO THÀNH TÍCH",
        "Phú Điền",
        "THỦ TRƯỞNG",
    ):
        assert expected in text, expected
    doc = IssuedDocument.objects.get(job=job, kind="Tờ trình đề nghị khen thưởng")
    assert doc.code in text
    page = client.get(reverse("reports:verify", args=[doc.code])).content.decode()
    assert "15/TTr-THCSAB" in page and "25/09/2025" in page and "Trường THCS An Bình" in page
    assert client.get(reverse("reports:verify", args=["KHONGCO"])).status_code == 404
    # A re-run of the same job replaces its file and reuses its verification record.
    ReportJob.objects.filter(pk=job.pk).update(state="running")
    services.job_run(job.pk)
    assert IssuedDocument.objects.filter(job=job, kind="Tờ trình đề nghị khen thưởng").count() == 1


def test_decision_pdf_with_certificates(cast):
    from nominations.models import Decision

    award_round, n = _teacher_nominated(cast, voted=False)
    decision = Decision.objects.create(
        round=award_round,
        unit=cast.so_s,
        award_form=n.award_form,
        number="125/QĐ-SGDĐT",
        signed_on=dt.date(2026, 10, 15),
        authority_name="Giám đốc Sở GD&ĐT Sông Xanh",
        signer_name="Nguyễn Văn Giám",
        signer_position="Giám đốc",
    )
    decision.nominations.add(n)
    job = _run(cast.officer_s, "decision_pdf", cast.so_s, {"decision": decision.public_id})
    text = _flat(_pdf_text(job))
    for expected in (
        "QUYẾT ĐỊNH",
        "125/QĐ-SGDĐT",
        "Điều 1.",
        "Nơi nhận",
        "GIẤY KHEN CỦA GIÁM ĐỐC SỞ GD&ĐT",
        "Lê Thị Thu",
        "Nguyễn Văn Giám",
    ):
        assert expected in text, expected


def test_jobs_are_the_requesters_alone(cast, published):
    job = _run(cast.officer_s, "campaign_status", cast.so_s, {"campaign": published.public_id})
    mine = as_user(cast.officer_s)
    assert mine.get(reverse("reports:download", args=[job.public_id])).status_code == 200
    for other in (cast.reviewer_p, cast.principal_a, cast.outsider):
        client = as_user(other)
        assert client.get(reverse("reports:job", args=[job.public_id])).status_code == 404
        assert client.get(reverse("reports:download", args=[job.public_id])).status_code == 404
    response = mine.get(reverse("reports:download", args=[job.public_id]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_request_through_the_page_and_poll(cast, published, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        client = as_user(cast.officer_s)
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(
                reverse("reports:home"), {"kind": "campaign_status", "unit": "SO-S", "campaign": published.public_id}
            )
        assert r.status_code == 302
        job = ReportJob.objects.get()
        status = client.get(r["Location"], HTTP_HX_REQUEST="true").content.decode()
        assert "Tải về" in status and "every 2s" not in status
        # Another province's campaign is not a filter anyone here may use.
        foreign = school_campaign(cast, issuer=cast.so_t, number="9/KH-SGDĐT-T")
        r = client.post(
            reverse("reports:home"), {"kind": "campaign_status", "unit": "SO-S", "campaign": foreign.public_id}
        )
        assert r.status_code == 404
        assert ReportJob.objects.count() == 1 and job.state in ("queued", "done")
    finally:
        app.conf.task_always_eager = False


def test_limits_expiry_and_recovery(cast, published, settings):
    settings.REPORT_MAX_ACTIVE = 2
    params = {"campaign": published.public_id}
    a = services.job_request(cast.officer_s, kind="campaign_status", unit=cast.so_s, params=params)
    assert services.job_request(cast.officer_s, kind="campaign_status", unit=cast.so_s, params=params) == a
    services.job_request(cast.officer_s, kind="targets", unit=cast.so_s, params=params)
    with pytest.raises(Exception, match="chưa tạo xong"):
        services.job_request(
            cast.officer_s, kind="campaign_status", unit=cast.so_s, params={**params, "period": "2026"}
        )
    # A job whose worker vanished is queued again; one that kept failing is given up with a message.
    later = timezone.now() + dt.timedelta(seconds=settings.REPORT_STALE_SECONDS + 1)
    assert services.jobs_recover(now=later) == 2
    ReportJob.objects.filter(pk=a.pk).update(attempts=settings.REPORT_MAX_ATTEMPTS)
    services.jobs_recover(now=later + dt.timedelta(seconds=settings.REPORT_STALE_SECONDS + 1))
    a.refresh_from_db()
    assert a.state == "failed" and "nhiều lần" in a.message
    # Files are deleted when they expire; the page says so.
    done = ReportJob.objects.exclude(pk=a.pk).first()
    services.job_run(done.pk)
    done.refresh_from_db()
    path = done.file.name
    assert services.jobs_expire(now=done.expires_at + dt.timedelta(seconds=1)) == 1
    done.refresh_from_db()
    assert not done.file and not ReportJob._meta.get_field("file").storage.exists(path)
    r = as_user(cast.officer_s).get(reverse("reports:download", args=[done.public_id]))
    assert r.status_code == 302


def test_assessment_results_values_summaries_and_chart(cast):
    from criteria.models import Assessment, CriterionEntry, Indicator

    assessment = criteria_services.assessment_start(cast.school_a, YEAR, actor=cast.principal_a)
    entry = CriterionEntry.objects.get(assessment=assessment, criterion__code="1.3")
    indicator = Indicator.objects.get(criterion=entry.criterion)
    criteria_services.entry_save(
        entry,
        actor=cast.principal_a,
        values={indicator.pk: {"value": "", "numerator": "30", "denominator": "40", "note": ""}},
        evidence={},
        version=entry.version,
    )
    criteria_services.assessment_start(cast.school_b, YEAR, actor=cast.principal_b)
    Assessment.objects.filter(unit=cast.school_b).update(state="recognised", level_1=2, level_2=3)
    job = _run(cast.reviewer_p, "assessment_results", cast.phong_p, {"school_year": YEAR})
    wb = _book(job)
    results = [ws for ws in wb.worksheets if ws.title.startswith("KQ")]
    assert len(results) == 1  # both schools use QĐ 4725
    ws = results[0]
    groups, header = [c.value for c in ws[1]], [c.value for c in ws[2]]
    column = groups.index(f"Chỉ số {indicator.code}")
    assert header[column : column + 2] == ["Giá trị", "Điểm"]
    assert header[-4:] == ["Điểm", "Mức", "Điểm", "Mức"] and groups[-4] == "Nhóm 1" and groups[-2] == "Nhóm 2"
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"TRUONG-A", "TRUONG-B"}
    assessment.refresh_from_db()
    row_a = rows["TRUONG-A"]
    assert row_a[column] == 75  # 30/40 as a percentage
    assert row_a[-4:] == (float(assessment.points_1), assessment.level_1, float(assessment.points_2), 1)
    assert rows["TRUONG-B"][5] == "Đã được công nhận" and rows["TRUONG-B"][-3] == 2
    by_kind = [[c.value for c in r] for r in wb["Theo loại đơn vị"].iter_rows(min_row=3)]
    assert by_kind == [["Trường tiểu học", 1, 0, 1, 0, 0, 0, 1]]  # only recognised results are counted
    assert "Biểu đồ" in wb.sheetnames
    import zipfile

    with job.file.open("rb") as f:
        names = zipfile.ZipFile(io.BytesIO(f.read())).namelist()
    assert "xl/charts/chart1.xml" in names  # openpyxl does not read charts back; the part is there


def test_job_pages_query_counts_do_not_grow(cast, published):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(cast.officer_s)
    counts = []
    for size in (3, 40):
        have = ReportJob.objects.count()
        ReportJob.objects.bulk_create(
            [
                ReportJob(requester=cast.officer_s, unit=cast.so_s, kind="targets", params={"n": i}, state="done")
                for i in range(have, size)
            ]
        )
        row = []
        for url in (reverse("reports:home"), reverse("reports:jobs")):
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            row.append(len(ctx.captured_queries))
        counts.append(row)
    assert counts[0] == counts[1], counts


def test_draft_minutes_pdf_has_the_nd30_header(cast):
    """The self-assessment team's draft minutes share the documents' NĐ 30 header and style."""
    assessment = criteria_services.assessment_start(cast.school_a, "2025-2026", actor=cast.principal_a)
    r = as_user(cast.principal_a).get(reverse("criteria:minutes", args=[assessment.public_id]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = _flat(_nfc("".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(r.streaming_content))).pages)))
    for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BIÊN BẢN", "BB-"):
        assert _flat(part) in text, part
    assert _flat(cast.school_a.name.upper()) in text.upper() or _flat(cast.school_a.name) in text
    assert _flat(cast.phong_p.name.upper()) in text.upper() or _flat(cast.phong_p.name) in text


@pytest.mark.seedrules
def test_status_workbook_reads_lateness_reopening_and_excuse(cast):
    """Issue 17: a reopened unit that sent after the deadline is "Nộp muộn" with its days late; an excused
    unit says "Được miễn" with the reason; an open reopening says until when."""
    from campaigns.models import Obligation

    campaign = school_campaign(cast, end_date=dt.date(2099, 12, 31))
    campaign_services.deadline_save(
        campaign, title="Báo cáo sơ kết", kind="other", recurrence="once", due_date=dt.date(2025, 12, 15), locks=True
    )
    campaign_services.campaign_publish(campaign, now=dt.datetime(2025, 8, 2, 9, 0, tzinfo=dt.UTC))
    obs = {o.unit.code: o for o in Obligation.objects.filter(deadline__campaign=campaign).select_related("unit")}
    until = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    campaign_services.obligation_reopen(obs["TRUONG-A"], actor=cast.reviewer_p, until=until, reason="Mất điện")
    campaign_services.obligation_submit(obs["TRUONG-A"], now=dt.datetime(2025, 12, 19, 12, 0, tzinfo=dt.UTC))
    campaign_services.obligation_excuse(obs["TRUONG-B"], actor=cast.reviewer_p, reason="Trường sáp nhập")
    ws = _book(_run(cast.officer_s, "campaign_status", cast.so_s, {"campaign": campaign.public_id}))["Tình hình nộp"]
    rows = {row[0].value: [c.value for c in row[5:8]] for row in ws.iter_rows(min_row=3)}
    assert rows["TRUONG-A"][0] == "Nộp muộn" and rows["TRUONG-A"][2] == 5
    assert rows["TRUONG-B"] == ["Được miễn: Trường sáp nhập", None, None]

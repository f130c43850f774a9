"""Campaign pages as the cast uses them, with bad input, and query counts that do not grow with units."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import services
from campaigns.deadlines import LOCAL_TZ
from campaigns.models import Campaign, Obligation, TargetReport
from units.models import Membership, Role, Unit, UnitKind, User

from ..factories import school_campaign


def _published(cast) -> Campaign:
    campaign = school_campaign(cast)
    services.deadline_save(
        campaign, title="Nộp kế hoạch hưởng ứng", kind="response_plan", recurrence="once", due_date=dt.date(2099, 8, 20)
    )
    services.target_save(campaign, name="Hồ sơ xử lý trên môi trường số", kind="percent", values=[("2025", None, 80)])
    services.campaign_publish(campaign, now=dt.datetime(2025, 8, 2, 9, tzinfo=LOCAL_TZ))
    return Campaign.objects.get(pk=campaign.pk)


def test_officer_builds_a_plan_with_clear_errors_and_publishes(cast, login):
    client = login(cast.officer_s)
    r = client.post(
        reverse("campaigns:create"),
        {
            "issuer": "SO-S",
            "title": "Kế hoạch thi đua năm học 2025-2026",
            "start_date": "01/09/2025",
            "end_date": "31/05/2025",
            "participant_kinds": [UnitKind.objects.get(code="thcs").pk],
        },
    )
    assert "Ngày kết thúc phải sau ngày bắt đầu" in r.text and 'value="Kế hoạch thi đua năm học 2025-2026"' in r.text
    r = client.post(
        reverse("campaigns:create"),
        {
            "issuer": "SO-S",
            "title": "Kế hoạch thi đua năm học 2025-2026",
            "start_date": "01/09/2025",
            "end_date": "31/05/2026",
            "participant_kinds": [UnitKind.objects.get(code="thcs").pk],
        },
    )
    campaign = Campaign.objects.get(title="Kế hoạch thi đua năm học 2025-2026")
    assert r.status_code == 302 and campaign.status == "draft"

    def add(part, data):
        url = reverse("campaigns:part_add", args=[campaign.public_id, part])
        return client.post(url, {f"{part}-{k}": v for k, v in data.items()})

    bad_phase = add("giai-doan", {"order": 1, "name": "Học kỳ I", "start_date": "01/08/2025", "end_date": "31/12/2025"})
    assert "nằm ngoài thời gian thi đua" in bad_phase.text and 'value="Học kỳ I"' in bad_phase.text
    bad_deadline = add(
        "han-nop",
        {
            "title": "Báo cáo",
            "kind": "other",
            "recurrence": "yearly",
            "day": 30,
            "month": 2,
            "basis": "school_year",
            "audience": "participants",
            "before": "on",
        },
    )
    assert "30/02 không có trong mọi năm" in bad_deadline.text
    bad_target = add(
        "chi-tieu", {"order": 1, "name": "Tỷ lệ", "kind": "percent", "goals": "2026: 120", "higher_is_better": "on"}
    )
    assert "Tỷ lệ mục tiêu phải từ 0 đến 100%" in bad_target.text
    add(
        "han-nop",
        {
            "title": "Nộp kế hoạch hưởng ứng",
            "kind": "response_plan",
            "recurrence": "once",
            "due_date": "20/09/2025",
            "basis": "school_year",
            "audience": "participants",
            "before": "on",
        },
    )
    no_number = client.post(reverse("campaigns:publish", args=[campaign.public_id]), follow=True)
    assert "Cần nhập số, ký hiệu và ngày ban hành" in no_number.text
    Campaign.objects.filter(pk=campaign.pk).update(number="99/KH-SGDĐT", issued_on=dt.date(2025, 9, 1))
    done = client.post(reverse("campaigns:publish", args=[campaign.public_id]), follow=True)
    assert "Đã ban hành kế hoạch; đã lập 1 nghĩa vụ" in done.text  # school A is the only THCS
    # The plan ended on 31/05/2026: its deadlines stay on the plan's page (the home page's work list only
    # carries plans that are running or ended within campaigns.selectors.WORK_LIST_GRACE).
    page = login(cast.principal_a).get(reverse("campaigns:detail", args=[campaign.public_id]) + "?tab=tien-do").text
    assert "Nộp kế hoạch hưởng ứng" in page and "99/KH-SGDĐT" in page


def test_principal_answers_and_the_officer_sees_who_answered(cast, login):
    campaign = _published(cast)
    head = login(cast.principal_a)
    page = head.get(reverse("campaigns:detail", args=[campaign.public_id]) + "?tab=tien-do").text
    assert "Xây dựng kế hoạch hưởng ứng" in page
    r = head.post(reverse("campaigns:answer", args=[campaign.public_id]), {"unit": "TRUONG-A"})
    response = Campaign.objects.get(answers=campaign, issuer=cast.school_a)
    assert r.status_code == 302 and response.status == "draft"
    Campaign.objects.filter(pk=response.pk).update(number="5/KH-THCS", issued_on=dt.date(2025, 8, 10))
    head.post(reverse("campaigns:publish", args=[response.public_id]))
    table = login(cast.officer_s).get(reverse("campaigns:detail", args=[campaign.public_id]), {"tab": "don-vi"}).text
    assert "5/KH-THCS" in table and "Đã nộp đúng hạn" in table
    assert "Trường Tiểu học Bình Minh" in table and "chưa có" in table
    reviewer_sees = login(cast.reviewer_p).get(
        reverse("campaigns:detail", args=[campaign.public_id]), {"tab": "don-vi"}
    )
    assert reviewer_sees.status_code == 200 and "Trường THCS An Bình" in reviewer_sees.text
    assert (
        login(cast.principal_b)
        .get(reverse("campaigns:detail", args=[campaign.public_id]), {"tab": "don-vi"})
        .status_code
        == 403
    )
    assert login(cast.outsider).get(reverse("campaigns:detail", args=[campaign.public_id])).status_code == 404


def test_target_report_errors_keep_input_and_stale_forms_are_refused(cast, login):
    campaign = _published(cast)
    target = campaign.targets.get()
    url = reverse("campaigns:target_report", args=[campaign.public_id, "TRUONG-A", "2025"])
    client = login(cast.teacher_a)
    bad = client.post(url, {f"t{target.pk}-numerator": "12", f"t{target.pk}-denominator": "10"})
    assert "không được lớn hơn mẫu số" in bad.text and 'value="12"' in bad.text
    client.post(url, {f"t{target.pk}-numerator": "9", f"t{target.pk}-denominator": "10"})
    assert TargetReport.objects.get().version == 1
    login(cast.principal_a).post(
        url, {f"t{target.pk}-numerator": "8", f"t{target.pk}-denominator": "10", f"t{target.pk}-version": "1"}
    )
    stale = login(cast.teacher_a).post(
        url, {f"t{target.pk}-numerator": "7", f"t{target.pk}-denominator": "10", f"t{target.pk}-version": "1"}
    )
    assert "vừa được người khác cập nhật" in stale.text and 'value="7"' in stale.text
    assert TargetReport.objects.get().numerator == 8
    progress = (
        login(cast.officer_s).get(reverse("campaigns:detail", args=[campaign.public_id]), {"tab": "chi-tieu"}).text
    )
    assert "80,0%" in progress or "80.0%" in progress


def test_attachment_checks_content_and_size(cast, login, settings):
    campaign = _published(cast)
    client = login(cast.officer_s)
    url = reverse("campaigns:attachment_upload", args=[campaign.public_id])
    exe = client.post(url, {"file": SimpleUploadedFile("ke-hoach.pdf", b"MZ\x90\x00 not a pdf")}, follow=True)
    assert "không đúng loại được nhận (PDF)" in exe.text
    settings.UPLOAD_MAX_BYTES = 100
    big = client.post(url, {"file": SimpleUploadedFile("kh.pdf", b"%PDF-1.4 " + b"x" * 200)}, follow=True)
    assert "quá lớn" in big.text
    settings.UPLOAD_MAX_BYTES = 10_000
    client.post(url, {"file": SimpleUploadedFile("../../etc/passwd.pdf", b"%PDF-1.4 ok")})
    campaign.refresh_from_db()
    assert campaign.attachment.name.startswith("campaigns/") and "passwd" not in campaign.attachment.name
    download = login(cast.principal_a).get(reverse("campaigns:attachment_download", args=[campaign.public_id]))
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 ok"


def test_reviewer_reopens_with_reason(cast, login):
    campaign = _published(cast)
    ob = Obligation.objects.get(deadline__campaign=campaign, unit=cast.school_a)
    client = login(cast.reviewer_p)
    url = reverse("campaigns:obligation_reopen", args=[ob.public_id])
    missing = client.post(url, {"until": "31/12/2099"}, follow=True)
    assert "Cần nhập ngày mở lại" in missing.text
    client.post(url, {"until": "31/12/2099", "reason": "Đơn vị bổ sung hồ sơ"})
    ob.refresh_from_db()
    assert ob.reopened_until == dt.datetime(2100, 1, 1, tzinfo=LOCAL_TZ)


def _scale(schools: int) -> tuple[Campaign, User]:
    Campaign.objects.filter(issuer__code__startswith="SC-").delete()  # their deadlines and obligations go too
    call_command("generate_scale", "--clear", stdout=io.StringIO())
    call_command(
        "generate_scale", "--provinces", "1", "--schools", str(schools), "--staff-per-school", "0", stdout=io.StringIO()
    )
    so = Unit.objects.get(code="SC-01-SO")
    campaign = services.campaign_create(
        issuer=so,
        number="1/KH",
        issued_on=dt.date(2025, 8, 1),
        title="KH quy mô",
        start_date=dt.date(2025, 8, 1),
        end_date=dt.date(2026, 12, 31),
        participant_kinds=list(UnitKind.objects.filter(category="school")),
    )
    services.deadline_save(
        campaign, title="Kế hoạch hưởng ứng", kind="response_plan", recurrence="once", due_date=dt.date(2025, 9, 1)
    )
    services.deadline_save(
        campaign, title="Báo cáo", kind="target_report", recurrence="yearly", day=1, month=12, basis="calendar_year"
    )
    services.target_save(campaign, name="Tỷ lệ", kind="percent", values=[("2025", None, 80)])
    services.campaign_publish(campaign, now=dt.datetime(2025, 8, 2, 9, tzinfo=LOCAL_TZ))
    officer = Membership.objects.get(unit=so, role=Role.OFFICER).user
    return Campaign.objects.get(pk=campaign.pk), officer


@pytest.mark.parametrize("tab", ["tong-quan", "tien-do", "chi-tieu", "nhiem-vu", "don-vi", "van-ban"])
def test_campaign_pages_query_counts_do_not_grow(cast, client, tab):
    counts = []
    for schools in (50, 5000):
        campaign, officer = _scale(schools)
        client.force_login(officer, backend="allauth.account.auth_backends.AuthenticationBackend")
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(reverse("campaigns:detail", args=[campaign.public_id]), {"tab": tab})
        assert r.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 20

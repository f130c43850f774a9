"""Issue 17, self-assessment (seed 003, QĐ 3806/4725): after a return only the returned criteria change,
the decisions' dates are in order and not in the future (late approvals are flagged with days late), and
one computation feeds the reviewer's queue and the assessment page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.deadlines import LOCAL_TZ
from criteria import scoring, selectors, services
from criteria.models import Assessment, CriterionEntry, Indicator
from units.models import Role

from ..factories import UserFactory, grant, school_campaign
from .test_cycle import YEAR, as_user, entry_of

pytestmark = pytest.mark.seedrules


def service_values(entry: CriterionEntry) -> dict[int, dict]:
    values = {}
    for indicator in Indicator.objects.filter(criterion=entry.criterion):
        if indicator.kind in (Indicator.Kind.MANDATORY, Indicator.Kind.YES_NO):
            values[indicator.pk] = {"value": "yes"}
        elif indicator.kind == Indicator.Kind.LEVELS:
            values[indicator.pk] = {"value": "2"}
        elif indicator.kind == Indicator.Kind.NUMBER:
            values[indicator.pk] = {"value": "5"}
        elif indicator.kind == Indicator.Kind.PERCENTAGE:
            values[indicator.pk] = {"numerator": "30", "denominator": "40"}
    return values


def filled(cast, unit=None, head=None) -> Assessment:
    """An assessment of the unit with every criterion answered and the team's minutes recorded."""
    unit, head = unit or cast.school_a, head or cast.principal_a
    assessment = services.assessment_start(unit, YEAR, actor=head)
    services.team_save(assessment, actor=head, decision_number="1", decision_date=None, members=[(head, True, "")])
    item = services.evidence_link(unit, url="https://example.vn/kh.pdf", title="Kế hoạch", issued_on=None, actor=head)
    for entry in assessment.entries.select_related("criterion"):
        values = service_values(entry)
        evidence = {pk: [item] for pk in values}
        services.entry_save(entry, actor=head, values=values, evidence=evidence, version=entry.version)
    services.minutes_record(assessment, actor=head)
    return Assessment.objects.get(pk=assessment.pk)


def returned(cast) -> Assessment:
    assessment = filled(cast)
    services.assessment_approve(assessment, actor=cast.principal_a, number="20/QĐ", date=dt.date(2026, 6, 1))
    services.assessment_submit(assessment, actor=cast.principal_a)
    services.assessment_return(assessment, actor=cast.reviewer_p, reasons={"1.3": "Bổ sung minh chứng"})
    return Assessment.objects.get(pk=assessment.pk)


def test_after_a_return_only_returned_criteria_are_editable(cast):
    assessment = returned(cast)
    e12, e13 = entry_of(assessment, "1.2"), entry_of(assessment, "1.3")
    with pytest.raises(ValidationError, match=r"tiêu chí 1\.2 không bị trả lại"):
        services.entry_save(e12, actor=cast.principal_a, values=service_values(e12), evidence={}, version=e12.version)
    services.entry_save(e13, actor=cast.principal_a, values=service_values(e13), evidence={}, version=e13.version)
    assert entry_of(assessment, "1.3").version == e13.version + 1
    # The page shows the criterion not returned read-only, the returned one editable.
    head = as_user(cast.principal_a)
    page = head.get(reverse("criteria:entry", args=[assessment.public_id, e12.pk])).text
    assert "không bị trả lại nên chỉ xem" in page and "Lưu tiêu chí" not in page
    page = head.get(reverse("criteria:entry", args=[assessment.public_id, e13.pk])).text
    assert "Bổ sung minh chứng" in page and "Lưu tiêu chí" in page
    # The assessment page offers "Nhập" only on the returned criterion.
    detail = head.get(reverse("criteria:detail", args=[assessment.public_id])).text
    url12 = reverse("criteria:entry", args=[assessment.public_id, e12.pk])
    url13 = reverse("criteria:entry", args=[assessment.public_id, e13.pk])
    assert f'href="{url12}">Xem</a>' in detail and f'href="{url13}">Nhập</a>' in detail
    # A post to the closed criterion is refused with the message; nothing is written.
    indicator = Indicator.objects.filter(criterion=e12.criterion).first()
    r = head.post(
        reverse("criteria:entry", args=[assessment.public_id, e12.pk]),
        {"version": e12.version, f"i{indicator.pk}-note": "sửa lén"},
    )
    assert "không bị trả lại" in r.text
    assert entry_of(assessment, "1.2").version == e12.version
    # Once sent again and returned for 1.2, criterion 1.2 is open and 1.3 closed.
    services.assessment_submit(assessment, actor=cast.principal_a)
    services.assessment_return(assessment, actor=cast.reviewer_p, reasons={"1.2": "Sai số liệu"})
    e12, e13 = entry_of(assessment, "1.2"), entry_of(assessment, "1.3")
    services.entry_save(e12, actor=cast.principal_a, values=service_values(e12), evidence={}, version=e12.version)
    with pytest.raises(ValidationError, match=r"tiêu chí 1\.3 không bị trả lại"):
        services.entry_save(e13, actor=cast.principal_a, values=service_values(e13), evidence={}, version=e13.version)


def approval_deadline(cast):
    """Seed 003: the head approves "trước 10/6" (due at the start of 10/06/2026, last day 09/06/2026)."""
    campaign = school_campaign(cast)
    campaign_services.deadline_save(
        campaign,
        title="Phê duyệt kết quả tự đánh giá",
        kind="sa_approval",
        recurrence="yearly",
        day=10,
        month=6,
        basis="school_year",
        locks=False,
    )
    campaign_services.campaign_publish(campaign, now=dt.datetime(2025, 8, 2, 9, tzinfo=LOCAL_TZ))


def test_approval_date_not_in_the_future_nor_before_the_team_and_late_approvals_are_flagged(cast):
    approval_deadline(cast)
    assessment = filled(cast)
    Assessment.objects.filter(pk=assessment.pk).update(team_decision_date=dt.date(2025, 9, 5))
    now = dt.datetime(2026, 6, 20, 9, tzinfo=LOCAL_TZ)
    head = as_user(cast.principal_a)
    url = reverse("criteria:step", args=[assessment.public_id, "phe-duyet"])
    # 15/06 of the next year: in the future; refused next to the date, what was typed stays on the page.
    r = head.post(url, {"version": assessment.version, "number": "20/QĐ-THCSAB", "date": "15/06/2027"})
    assert r.status_code == 400
    assert "Ngày quyết định 15/06/2027 ở tương lai" in r.text
    assert 'value="20/QĐ-THCSAB"' in r.text and 'value="15/06/2027"' in r.text
    assert Assessment.objects.get(pk=assessment.pk).state == "minutes"
    # Before the decision forming the team: out of order.
    with pytest.raises(ValidationError, match=r"trước ngày quyết định thành lập tổ \(05/09/2025\)"):
        services.assessment_approve(assessment, actor=cast.principal_a, number="20", date=dt.date(2025, 9, 1), now=now)
    # After the 10/6 deadline: accepted, recorded and shown with the days late.
    services.assessment_approve(assessment, actor=cast.principal_a, number="20/QĐ", date=dt.date(2026, 6, 15), now=now)
    assessment.refresh_from_db()
    assert assessment.state == "approved" and assessment.approval_date == dt.date(2026, 6, 15)
    assert selectors.approval_lateness(assessment) == (6, dt.date(2026, 6, 9))
    event = assessment.events.get(action="approved")
    assert "phê duyệt trễ 6 ngày so với hạn 09/06/2026" in event.reason
    page = head.get(reverse("criteria:detail", args=[assessment.public_id])).text
    assert "Phê duyệt trễ 6 ngày (hạn 09/06/2026)" in page


def test_approval_on_the_last_day_is_not_late(cast):
    approval_deadline(cast)
    assessment = filled(cast)
    services.assessment_approve(assessment, actor=cast.principal_a, number="20/QĐ", date=dt.date(2026, 6, 9))
    assessment.refresh_from_db()
    assert selectors.approval_lateness(assessment) == (0, dt.date(2026, 6, 9))
    assert "trễ" not in assessment.events.get(action="approved").reason


def test_recognition_not_before_approval_nor_in_the_future(cast):
    assessment = filled(cast)
    services.assessment_approve(assessment, actor=cast.principal_a, number="20/QĐ", date=dt.date(2026, 6, 8))
    services.assessment_submit(assessment, actor=cast.principal_a)
    reviewer = as_user(cast.reviewer_p)
    url = reverse("criteria:review", args=[assessment.public_id])
    data = {"action": "recognise", "number": "99/QĐ-PGDĐT", "confirm_provisional": "1"}
    r = reviewer.post(url, {**data, "date": "01/06/2026"})
    assert r.status_code == 400
    assert "Ngày quyết định 01/06/2026 trước ngày thủ trưởng phê duyệt (08/06/2026)" in r.text
    assert 'value="99/QĐ-PGDĐT"' in r.text and 'value="01/06/2026"' in r.text
    future = (timezone.localdate() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    r = reviewer.post(url, {**data, "date": future})
    assert r.status_code == 400 and f"Ngày quyết định {future} ở tương lai" in r.text
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"
    r = reviewer.post(url, {**data, "date": "20/06/2026"}, follow=True)
    assert "Đã công nhận" in r.text
    assert Assessment.objects.get(pk=assessment.pk).recognition_date == dt.date(2026, 6, 20)


def test_the_queue_and_the_assessment_page_show_one_computation_of_group_ii(cast):
    """QĐ 3806 group II counts the recognised schools below the Phòng: recognising a school changes the
    Phòng's result, and the Sở's queue shows what the Phòng's assessment page shows."""
    head_p, reviewer_s = UserFactory(username="head_p"), UserFactory(username="reviewer_s")
    grant(head_p, cast.phong_p, Role.HEAD)
    grant(reviewer_s, cast.so_s, Role.REVIEWER)
    phong = services.assessment_start(cast.phong_p, YEAR, actor=head_p)
    assert phong.indicator_set.code == "qd3806-v1"
    school = filled(cast)
    services.assessment_approve(school, actor=cast.principal_a, number="20/QĐ", date=dt.date(2026, 6, 8))
    services.assessment_submit(school, actor=cast.principal_a)
    reviewer = as_user(cast.reviewer_p)
    r = reviewer.post(
        reverse("criteria:review", args=[school.public_id]),
        {"action": "recognise", "number": "99/QĐ-PGDĐT", "date": "20/06/2026", "confirm_provisional": "1"},
    )
    assert r.status_code == 302
    phong.refresh_from_db()
    computed = selectors.assessment_result(phong).groups[1]
    assert computed.points > 0, "one of the two schools below reaches level 2"
    assert (phong.points_2, phong.level_2) == (computed.points, computed.level)
    shown = f"{scoring.fmt_points(computed.points)} · mức {computed.level}"
    queue = as_user(reviewer_s).get(reverse("criteria:queue") + f"?don-vi={cast.so_s.code}&nam-hoc={YEAR}").text
    detail = as_user(head_p).get(reverse("criteria:detail", args=[phong.public_id])).text
    assert shown in queue
    assert scoring.fmt_points(computed.points) in detail

"""Campaign rules told as stories with the cast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaigns import services
from campaigns.deadlines import LOCAL_TZ
from campaigns.models import Campaign, CampaignChange, Deadline, Obligation, TargetReport
from units.models import UnitKind

from ..factories import school_campaign


def at(y, m, d, h=9):
    return dt.datetime(y, m, d, h, tzinfo=LOCAL_TZ)


@pytest.fixture
def plan(cast):
    """Sở S's plan: schools answer by 20/8/2025 (once) and report targets by 15/12 each year (locked after)."""
    campaign = school_campaign(cast)
    services.deadline_save(
        campaign, title="Nộp kế hoạch hưởng ứng", kind="response_plan", recurrence="once", due_date=dt.date(2025, 8, 20)
    )
    services.deadline_save(
        campaign,
        title="Báo cáo chỉ tiêu",
        kind="target_report",
        recurrence="yearly",
        day=15,
        month=12,
        basis="calendar_year",
        locks=True,
    )
    services.target_save(
        campaign,
        name="Hồ sơ xử lý trên môi trường số",
        kind="percent",
        values=[("2025", None, 80), ("2025", UnitKind.objects.get(code="thcs"), 90)],
    )
    services.campaign_publish(campaign, now=at(2025, 8, 2))
    return Campaign.objects.get(pk=campaign.pk)


def test_publish_creates_obligations_once(cast, plan):
    obligations = Obligation.objects.filter(deadline__campaign=plan)
    assert set(obligations.values_list("unit__code", flat=True)) == {"TRUONG-A", "TRUONG-B"}
    before = obligations.count()
    assert services.campaign_publish(plan) == 0  # a double click publishes once
    assert services.obligations_materialise(plan, today=dt.date(2025, 8, 2)) > 0  # attempted ...
    assert obligations.count() == before  # ... but nothing new


def test_roll_forward_adds_the_next_year_only(cast, plan):
    def periods():
        return sorted(set(Obligation.objects.filter(deadline__kind="target_report").values_list("period", flat=True)))

    assert periods() == ["2025"]
    services.obligations_roll_forward(today=dt.date(2026, 8, 2))
    assert periods() == ["2025", "2026"]


def test_closed_unit_gets_no_obligation(cast):
    from units import services as unit_services

    unit_services.unit_update(cast.school_b, name=cast.school_b.name)
    type(cast.school_b).objects.filter(pk=cast.school_b.pk).update(
        active_from=dt.date(2000, 1, 1), active_to=dt.date(2024, 1, 1)
    )
    campaign = services.campaign_create(
        issuer=cast.so_s,
        number="1/KH",
        issued_on=dt.date(2025, 8, 1),
        title="KH",
        start_date=dt.date(2025, 8, 1),
        end_date=dt.date(2025, 12, 31),
        participant_kinds=list(UnitKind.objects.filter(code__in=["thcs", "tieu-hoc"])),
    )
    services.deadline_save(campaign, title="Báo cáo", recurrence="once", due_date=dt.date(2025, 9, 1))
    services.campaign_publish(campaign)
    assert set(Obligation.objects.filter(deadline__campaign=campaign).values_list("unit__code", flat=True)) == {
        "TRUONG-A"
    }


def test_response_plan_must_answer_an_ancestor(cast, plan):
    with pytest.raises(ValidationError, match="cấp trên"):
        services.campaign_create(
            issuer=cast.school_x,
            title="KH",
            start_date=dt.date(2025, 9, 1),
            end_date=dt.date(2025, 12, 31),
            answers=plan,
        )


def test_response_on_time_and_late(cast, plan):
    on_time = services.campaign_clone(plan, issuer=cast.school_a, answers=plan)
    on_time = services.campaign_update(on_time, number="5/KH-THCS", issued_on=dt.date(2025, 8, 10))
    services.campaign_publish(on_time, now=at(2025, 8, 19, 23))
    late = services.campaign_clone(plan, issuer=cast.school_b, answers=plan)
    late = services.campaign_update(late, number="7/KH-TH", issued_on=dt.date(2025, 8, 21))
    services.campaign_publish(late, now=at(2025, 8, 20, 0))
    statuses = dict(Obligation.objects.filter(deadline__kind="response_plan").values_list("unit__code", "status"))
    assert statuses == {"TRUONG-A": "submitted", "TRUONG-B": "late"}
    assert on_time.phases.count() == plan.phases.count() and on_time.targets.count() == 1
    assert not on_time.deadlines.filter(kind="response_plan").exists()
    with pytest.raises(ValidationError, match="đã có kế hoạch hưởng ứng"):
        services.campaign_clone(plan, issuer=cast.school_a, answers=plan)


def test_locked_deadline_refuses_late_work_until_reopened(cast, plan):
    ob = Obligation.objects.get(deadline__kind="target_report", unit=cast.school_a, period="2025")
    with pytest.raises(ValidationError, match="bị khóa"):
        services.obligation_submit(ob, now=at(2025, 12, 16))
    with pytest.raises(ValidationError, match="lý do"):
        services.obligation_reopen(ob, actor=cast.reviewer_p, until=at(2099, 1, 1), reason=" ")
    services.obligation_reopen(ob, actor=cast.reviewer_p, until=at(2099, 1, 1), reason="Bổ sung minh chứng")
    ob = services.obligation_submit(ob, now=at(2025, 12, 16))
    assert ob.status == Obligation.Status.LATE  # let in by the reopening, still late (issue 17)
    change = CampaignChange.objects.get(what="reopen")
    assert change.unit == cast.school_a and change.reason == "Bổ sung minh chứng" and change.actor == cast.reviewer_p


def test_deadline_change_needs_a_reason_and_moves_open_obligations_only(cast, plan):
    deadline = plan.deadlines.get(kind="target_report")
    submitted = Obligation.objects.get(deadline=deadline, unit=cast.school_b)
    services.obligation_submit(submitted, now=at(2025, 12, 1))
    with pytest.raises(ValidationError, match="lý do"):
        services.deadline_change(deadline, actor=cast.officer_s, reason="", day=1, month=12)
    services.deadline_change(deadline, actor=cast.officer_s, reason="Theo công văn 99/SGDĐT", day=1, month=12)
    open_ob = Obligation.objects.get(deadline=deadline, unit=cast.school_a)
    assert open_ob.due_at == dt.datetime(2025, 12, 1, tzinfo=LOCAL_TZ)
    submitted.refresh_from_db()
    assert submitted.due_at == dt.datetime(2025, 12, 15, tzinfo=LOCAL_TZ)
    change = CampaignChange.objects.get(what="deadline")
    assert (change.before, change.after) == ("trước ngày 15/12 hằng năm", "trước ngày 01/12 hằng năm")


def test_target_report_validation_lock_and_stale_form(cast, plan):
    target = plan.targets.get()

    def save(**kw):
        return services.target_report_save(target=target, unit=cast.school_a, period="2025", now=at(2025, 11, 1), **kw)

    with pytest.raises(ValidationError, match="không được lớn hơn mẫu số"):
        save(numerator=Decimal(12), denominator=Decimal(10))
    with pytest.raises(ValidationError, match="Mẫu số phải lớn hơn 0"):
        save(numerator=Decimal(0), denominator=Decimal(0))
    with pytest.raises(ValidationError, match="không được âm"):
        save(numerator=Decimal(-1), denominator=Decimal(10))
    report = save(numerator=Decimal(9), denominator=Decimal(10))
    assert report.version == 1 and report.actual == Decimal(90)
    save(numerator=Decimal(8), denominator=Decimal(10), expected_version=1)
    with pytest.raises(ValidationError, match="vừa được người khác cập nhật"):
        save(numerator=Decimal(7), denominator=Decimal(10), expected_version=1)
    with pytest.raises(ValidationError, match="Đã quá hạn báo cáo chỉ tiêu"):
        services.target_report_save(
            target=target,
            unit=cast.school_a,
            period="2025",
            numerator=Decimal(1),
            denominator=Decimal(2),
            now=at(2025, 12, 15, 0),
        )
    assert TargetReport.objects.get().numerator == Decimal(8)


def test_phase_outside_period_and_target_over_hundred_refused(cast):
    draft = services.campaign_create(
        issuer=cast.so_s, title="Dự thảo", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31)
    )
    with pytest.raises(ValidationError, match="nằm ngoài thời gian thi đua"):
        services.phase_save(draft, name="GĐ", start_date=dt.date(2025, 12, 1), end_date=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError):
        services.target_save(draft, name="Tỷ lệ", kind="percent", values=[("2026", None, 120)])
    with pytest.raises(ValidationError, match="không có trong mọi năm"):
        services.deadline_save(draft, title="Hạn", recurrence="yearly", day=30, month=2)
    assert draft.deadlines.count() == 0


def test_published_plan_is_not_edited_silently(cast, plan):
    with pytest.raises(ValidationError, match="ghi lý do"):
        services.campaign_update(plan, title="Đổi tên")
    with pytest.raises(ValidationError, match="ghi lý do"):
        services.deadline_save(plan, title="Hạn mới", recurrence="once", due_date=dt.date(2025, 9, 1))
    assert Deadline.objects.filter(campaign=plan).count() == 2

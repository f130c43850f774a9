"""Issue 17 (seeds 000, 002): lateness is a fact counted from the original deadline. A reopening lets late
work in without making it on time; "Được miễn" is its own status with its reason; the unit's row and the
change log say what happened (reopened until when, before and after)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from campaigns import selectors, services
from campaigns.deadlines import LOCAL_TZ
from campaigns.models import Campaign, CampaignChange, Obligation

from ..factories import school_campaign

pytestmark = [pytest.mark.django_db, pytest.mark.seedrules]


def at(y, m, d, h=9):
    return dt.datetime(y, m, d, h, tzinfo=LOCAL_TZ)


@pytest.fixture
def plan(cast):
    """Sở S's running plan: each school reports by 15/12/2025, locked after."""
    campaign = school_campaign(cast, start_date=dt.date(2025, 8, 1), end_date=dt.date(2099, 12, 31))
    services.deadline_save(
        campaign, title="Báo cáo sơ kết", kind="other", recurrence="once", due_date=dt.date(2025, 12, 15), locks=True
    )
    services.campaign_publish(campaign, now=at(2025, 8, 2))
    return Campaign.objects.get(pk=campaign.pk)


def _ob(plan, unit) -> Obligation:
    return Obligation.objects.select_related("deadline").get(deadline__campaign=plan, unit=unit)


def test_reopened_submission_is_late_with_its_days_late(cast, plan):
    ob = _ob(plan, cast.school_a)
    services.obligation_reopen(ob, actor=cast.reviewer_p, until=at(2099, 1, 1), reason="Trường bị mất điện")
    ob = services.obligation_submit(ob, now=at(2025, 12, 20))
    assert ob.status == Obligation.Status.LATE and ob.get_status_display() == "Nộp muộn"
    assert ob.days_late(at(2026, 6, 1)) == 6  # from 00:00 15/12 to 09:00 20/12: six started days
    on_time = services.obligation_submit(_ob(plan, cast.school_b), now=at(2025, 12, 14))
    assert on_time.status == Obligation.Status.SUBMITTED


def test_excused_unit_is_its_own_status_even_if_it_sends_later(cast, plan):
    ob = _ob(plan, cast.school_a)
    services.obligation_excuse(ob, actor=cast.reviewer_p, reason="Trường sáp nhập")
    services.obligation_reopen(ob, actor=cast.reviewer_p, until=at(2099, 1, 1), reason="Gửi để lưu")
    ob = services.obligation_submit(ob, now=at(2025, 12, 20))
    assert ob.status == Obligation.Status.EXCUSED and ob.days_late(at(2026, 1, 1)) == 0
    change = CampaignChange.objects.get(what=CampaignChange.What.STATUS, unit=cast.school_a)
    assert change.after == "Được miễn" and change.reason == "Trường sáp nhập" and change.before.startswith("Quá hạn ")


def test_on_time_rate_counts_a_reopened_late_submission_as_late(cast, plan):
    services.obligation_reopen(_ob(plan, cast.school_a), actor=cast.reviewer_p, until=at(2099, 1, 1), reason="Bổ sung")
    services.obligation_submit(_ob(plan, cast.school_a), now=at(2025, 12, 20))
    services.obligation_submit(_ob(plan, cast.school_b), now=at(2025, 12, 10))
    (row,) = [r for r in selectors.running_plans_progress([cast.so_s], now=at(2026, 1, 5)) if r["plan"] == plan]
    assert row["met"] == 2 and row["response_rate"] == 100 and row["on_time_rate"] == 50


def test_reopen_log_keeps_before_and_after_and_the_row_shows_reopened_until(cast, plan, login):
    ob = _ob(plan, cast.school_a)
    client = login(cast.reviewer_p)
    url = reverse("campaigns:obligation_reopen", args=[ob.public_id])
    client.post(url, {"until": "31/12/2099", "reason": "Đơn vị bổ sung hồ sơ"})
    change = CampaignChange.objects.get(what=CampaignChange.What.REOPEN)
    assert change.before.startswith("Quá hạn ") and "chưa nộp (hạn trước ngày 15/12/2025)" in change.before
    assert change.after == "Mở lại đến 00:00 01/01/2100"
    page = login(cast.officer_s).get(reverse("campaigns:detail", args=[plan.public_id]), {"tab": "don-vi"}).text
    assert "Đã mở lại đến 00:00 01/01/2100" in page
    row = page[page.index("Trường THCS An Bình") :]
    row = row[: row.index("</tr>")]
    assert "quá hạn" not in row and "Đã mở lại đến" in row
    history = login(cast.officer_s).get(reverse("campaigns:detail", args=[plan.public_id]), {"tab": "van-ban"}).text
    assert "Quá hạn" in history and "→ Mở lại đến 00:00 01/01/2100" in history


def test_home_panels_say_reopened_until_for_an_overdue_unit(cast, plan):
    from django.template.loader import render_to_string
    from django.utils import timezone

    services.obligation_reopen(_ob(plan, cast.school_a), actor=cast.reviewer_p, until=at(2099, 1, 1), reason="Bổ sung")
    followed = selectors.subtree_work([cast.so_s], now=timezone.now())
    html = render_to_string("campaigns/panel_followed.html", {"panel": followed})
    row = html[html.index("Trường THCS An Bình") :]
    row = row[: row.index("</tr>")]
    assert "Đã mở lại đến 09:00 01/01/2099" in row
    own = selectors.own_work([cast.school_a], now=timezone.now())
    html = render_to_string("campaigns/panel_deadlines.html", {"panel": own})
    assert "Đã mở lại đến 09:00 01/01/2099" in html and "Đã khóa" not in html

"""The cashless-payment eligibility check finds its target by a stable code (`Target.measure`), not by
matching the target's Vietnamese wording (issue 16)."""

from __future__ import annotations

import pytest

from campaigns.models import Target, TargetReport
from nominations import eligibility, services
from nominations.models import Nomination

from .helpers import YEAR, campaign_000, heads

pytestmark = pytest.mark.redesign


def _nomination(cast) -> Nomination:
    h = heads(cast)
    award_round = services.round_create(campaign_000(cast), kind="yearly", school_year=YEAR, actor=h["head_p"])
    return services.nomination_create(
        award_round,
        cast.school_a,
        actor=cast.principal_a,
        award_form=award_round.award_forms.get(),
        subject="individual",
        person=cast.person_teacher_a,
    )


def test_the_cashless_target_is_found_by_its_code_whatever_its_wording(cast):
    n = _nomination(cast)
    campaign = n.round.campaign
    # Worded like a plan may word it, without the words "không dùng tiền mặt": found by its code.
    coded = Target.objects.create(
        campaign=campaign, code="7", name="Tỷ lệ khoản thu học phí qua ngân hàng", measure=Target.Measure.CASHLESS
    )
    # Worded with those words but not coded: not the one the check reads.
    Target.objects.create(campaign=campaign, code="8", name="Thanh toán không dùng tiền mặt (tham khảo)")
    TargetReport.objects.create(target=coded, unit=cast.school_a, period=n.round.period, numerator=40, denominator=40)
    result = eligibility.check_cashless(n, cast.school_a)
    assert result["ok"] is True and f"kỳ {n.round.period}" in result["detail"]


def test_without_a_coded_target_the_check_says_the_plan_has_none(cast):
    n = _nomination(cast)
    Target.objects.create(campaign=n.round.campaign, code="8", name="Thanh toán không dùng tiền mặt")
    result = eligibility.check_cashless(n, cast.school_a)
    assert result["ok"] is None and "không có chỉ tiêu" in result["detail"]

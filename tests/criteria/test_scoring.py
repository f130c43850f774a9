"""Levels per shipped set at the thresholds, the must-have rule and "what is missing for the next level"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from criteria import scoring
from criteria.models import Indicator, IndicatorSet
from criteria.selectors import set_structure


class A:
    """An answer without a database row."""

    def __init__(self, **values):
        self.value_bool = values.get("value_bool")
        self.value_choice = values.get("value_choice")
        self.value_number = values.get("value_number")
        self.numerator = values.get("numerator")
        self.denominator = values.get("denominator")


def _group(code: str, number: int):
    indicator_set = IndicatorSet.objects.get(code=code)
    groups, by_group, _all = set_structure(indicator_set)
    group = next(g for g in groups if g.number == number)
    return indicator_set, group, by_group[group.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["qd4725-v1", "qd3276-v1"])
@pytest.mark.parametrize(
    ("points", "level"),
    [("0", 1), ("49.99", 1), ("50", 2), ("62.5", 2), ("75", 2), ("75.01", 3), ("100", 3)],
)
def test_levels_at_the_thresholds(code, points, level):
    indicator_set, group, indicators = _group(code, 1)
    target = Decimal(points)
    answers = {i.pk: A(value_bool=True) for i in indicators if i.kind == Indicator.Kind.MANDATORY}
    # Fill yes/no and level indicators, then the proportional percentage takes the remainder.
    earned = Decimal(0)
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.YES_NO and earned + indicator.max_points <= target:
            answers[indicator.pk] = A(value_bool=True)
            earned += indicator.max_points
        elif indicator.kind == Indicator.Kind.LEVELS and earned + indicator.max_points <= target:
            answers[indicator.pk] = A(value_choice=2)
            earned += indicator.max_points
        elif indicator.kind == Indicator.Kind.NUMBER and earned + indicator.max_points <= target:
            answers[indicator.pk] = A(value_number=Decimal(5))
            earned += indicator.max_points
    rest = target - earned
    percentage = next(i for i in indicators if i.kind == Indicator.Kind.PERCENTAGE)
    assert rest <= percentage.max_points
    answers[percentage.pk] = A(numerator=int(rest * 400), denominator=10000)  # rest/25 of the share
    result = scoring.group_result(indicator_set, group, indicators, answers, {})
    assert result.points == target
    assert result.level == level


@pytest.mark.django_db
def test_a_failed_mandatory_condition_caps_the_group_at_level_one():
    indicator_set, group, indicators = _group("qd4725-v1", 1)
    answers = {
        i.pk: A(value_bool=True, value_choice=2, value_number=Decimal(9), numerator=1, denominator=1)
        for i in indicators
    }
    first_mandatory = next(i for i in indicators if i.kind == Indicator.Kind.MANDATORY)
    answers[first_mandatory.pk] = A(value_bool=False)
    result = scoring.group_result(indicator_set, group, indicators, answers, {})
    assert result.points == Decimal(100) and result.level == 1 and result.capped
    assert "đáp ứng điều kiện bắt buộc 1.1.1" in scoring.missing_text(result)
    indicator_set.mandatory_caps_level = False  # the rule is data on the set
    assert scoring.group_result(indicator_set, group, indicators, answers, {}).level == 3


@pytest.mark.django_db
def test_what_is_missing_names_the_fewest_indicators_for_the_next_level():
    indicator_set, group, indicators = _group("qd4725-v1", 2)
    answers = {i.pk: A(value_bool=True) for i in indicators if i.kind == Indicator.Kind.MANDATORY}
    yes_no = [i for i in indicators if i.kind == Indicator.Kind.YES_NO]
    for indicator in yes_no:
        answers[indicator.pk] = A(value_bool=True)  # 2 x 10 points
    result = scoring.group_result(indicator_set, group, indicators, answers, {})
    assert result.points == Decimal(20) and result.level == 1 and result.unanswered == 4
    assert result.points_needed == Decimal(30)
    assert [g.points for g in result.suggestions] == [Decimal(25), Decimal(25)]  # two indicators close 30 points
    assert scoring.missing_text(result) == "Để lên mức độ 2 cần thêm 30 điểm."


@pytest.mark.django_db
def test_percentage_and_number_points():
    _set, _grp, indicators = _group("qd4725-v1", 1)
    percentage = next(i for i in indicators if i.kind == Indicator.Kind.PERCENTAGE)
    number = next(i for i in indicators if i.kind == Indicator.Kind.NUMBER)
    assert scoring.indicator_points(percentage, A(numerator=1, denominator=3)) == Decimal("8.33")
    assert scoring.indicator_points(percentage, A(numerator=1, denominator=0)) == 0
    assert [scoring.indicator_points(number, A(value_number=Decimal(n))) for n in (0, 1, 4, 5, 50)] == [
        0,
        10,
        20,
        25,
        25,
    ]


@pytest.mark.django_db
def test_children_share_for_sở_and_phòng_set():
    indicator_set, group, indicators = _group("qd3806-v1", 2)
    assert group.from_children
    facts = {
        indicators[0].pk: scoring.ChildrenFact(total=20, recognised=15, reaching=12),
        indicators[1].pk: scoring.ChildrenFact(total=10, recognised=10, reaching=5),
    }
    result = scoring.group_result(indicator_set, group, indicators, {}, facts)
    assert result.points == Decimal(55) and result.level == 2  # 50 x 60% + 50 x 50%

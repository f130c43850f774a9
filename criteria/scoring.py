"""Points, group totals, levels and "what is missing for the next level" — pure functions over a loaded set
and the answers, so the page computes them live and the tests check the boundaries without a database."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .models import Indicator, Level

ZERO = Decimal(0)
CENT = Decimal("0.01")


def fmt_points(value: Decimal) -> str:
    """75 → "75", 62.50 → "62,5" (Vietnamese decimal comma)."""
    text = f"{Decimal(value).quantize(CENT):f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text).replace(".", ",")


@dataclass
class ChildrenFact:
    """For a CHILDREN indicator: how many schools under the unit count, and how many are recognised."""

    total: int = 0
    recognised: int = 0
    reaching: int = 0  # recognised at or above the indicator's min_level

    @property
    def share(self) -> Decimal:
        return Decimal(self.reaching * 100) / self.total if self.total else ZERO


def _step_points(value: Decimal, steps, max_points: Decimal) -> Decimal:
    points = ZERO
    for minimum, step_points in steps:
        if value >= Decimal(str(minimum)):
            points = max(points, Decimal(str(step_points)))
    return min(points, max_points)


def indicator_points(indicator: Indicator, answer, children: ChildrenFact | None = None) -> Decimal:
    """Points an answer earns; an unanswered indicator earns nothing. Mandatory conditions earn none."""
    kind, maximum, options = indicator.kind, indicator.max_points, indicator.options or {}
    if kind == Indicator.Kind.CHILDREN:
        share = (children or ChildrenFact()).share
        steps = options.get("steps")
        points = _step_points(share, steps, maximum) if steps else maximum * share / 100
        return points.quantize(CENT, ROUND_HALF_UP)
    if answer is None or kind == Indicator.Kind.MANDATORY:
        return ZERO
    if kind == Indicator.Kind.YES_NO:
        return maximum if answer.value_bool else ZERO
    if kind == Indicator.Kind.LEVELS:
        choices = options.get("choices", [])
        if answer.value_choice is None or not 0 <= answer.value_choice < len(choices):
            return ZERO
        return min(Decimal(str(choices[answer.value_choice]["points"])), maximum)
    if kind == Indicator.Kind.NUMBER:
        if answer.value_number is None:
            return ZERO
        return _step_points(answer.value_number, options.get("steps", []), maximum)
    if kind == Indicator.Kind.PERCENTAGE:
        if not answer.denominator or answer.numerator is None:
            return ZERO
        share = Decimal(answer.numerator * 100) / answer.denominator
        steps = options.get("steps")
        points = _step_points(share, steps, maximum) if steps else maximum * share / 100
        return points.quantize(CENT, ROUND_HALF_UP)
    return ZERO


def is_answered(indicator: Indicator, answer) -> bool:
    if indicator.kind == Indicator.Kind.CHILDREN:
        return True
    if answer is None:
        return False
    return {
        Indicator.Kind.MANDATORY: answer.value_bool is not None,
        Indicator.Kind.YES_NO: answer.value_bool is not None,
        Indicator.Kind.LEVELS: answer.value_choice is not None,
        Indicator.Kind.NUMBER: answer.value_number is not None,
        Indicator.Kind.PERCENTAGE: answer.numerator is not None and bool(answer.denominator),
    }.get(indicator.kind, False)


@dataclass
class Gain:
    indicator: Indicator
    points: Decimal  # what it would add at most


@dataclass
class GroupResult:
    group: object
    points: Decimal = ZERO
    level: int = Level.ONE
    failed_mandatory: list = field(default_factory=list)
    unanswered: int = 0
    capped: bool = False
    next_level: int | None = None
    points_needed: Decimal = ZERO
    suggestions: list[Gain] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return Level(self.level).label


@dataclass
class Result:
    groups: list[GroupResult]
    # What the result was computed from (for pages that also show each indicator).
    indicators: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(g.level for g in self.groups)


def group_result(indicator_set, group, indicators, answers: dict, children: dict) -> GroupResult:
    """`indicators`: the group's indicators; `answers`: indicator id → Answer; `children`: indicator id → fact."""
    result = GroupResult(group=group)
    gains: list[Gain] = []
    for indicator in indicators:
        answer = answers.get(indicator.pk)
        if not is_answered(indicator, answer):
            result.unanswered += 1
        if indicator.kind == Indicator.Kind.MANDATORY:
            if not (answer and answer.value_bool):
                result.failed_mandatory.append(indicator)
            continue
        points = indicator_points(indicator, answer, children.get(indicator.pk))
        result.points += points
        if indicator.kind != Indicator.Kind.CHILDREN and points < indicator.max_points:
            gains.append(Gain(indicator, indicator.max_points - points))
    result.points = result.points.quantize(CENT, ROUND_HALF_UP)
    level = group.level_for(result.points)
    if result.failed_mandatory and indicator_set.mandatory_caps_level and level > Level.ONE:
        level, result.capped = Level.ONE, True
    result.level = level
    if level < Level.THREE:
        result.next_level = level + 1
        threshold = group.level2_min if level == Level.ONE else group.level3_above + CENT
        result.points_needed = max(ZERO, threshold - result.points)
        # The fewest indicators that close the gap: the largest possible gains first.
        gains.sort(key=lambda g: (-g.points, g.indicator.code))
        covered = ZERO
        for gain in gains:
            if covered >= result.points_needed:
                break
            result.suggestions.append(gain)
            covered += gain.points
    return result


def missing_text(group_result: GroupResult) -> str:
    """One sentence for the page: what the unit must still do to reach the next level of a group."""
    if group_result.next_level is None:
        return _("Đã đạt mức cao nhất.")
    parts = []
    if group_result.capped or (group_result.failed_mandatory and group_result.points_needed == ZERO):
        codes = ", ".join(i.code for i in group_result.failed_mandatory)
        parts.append(_("đáp ứng điều kiện bắt buộc %(codes)s") % {"codes": codes})
    if group_result.points_needed > ZERO:
        parts.append(_("thêm %(points)s điểm") % {"points": fmt_points(group_result.points_needed)})
    if not parts:
        return ""
    return _("Để lên mức độ %(level)s cần %(what)s.") % {"level": group_result.next_level, "what": "; ".join(parts)}

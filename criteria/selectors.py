"""Reads for self-assessments: scoped lookups, live results, the review queue and the summary."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Deadline, Obligation
from units.models import BlockMembership, Membership, Role, Unit, User
from units.selectors import scope_for, users_with_roles

from . import scoring
from .models import Answer, Assessment, AssessmentEvent, CriterionEntry, Indicator, IndicatorSet, Level


def assessment_get_for_user(user, public_id: str) -> Assessment:
    """404 unless the user's scope reaches the unit (own unit, or a reviewer/officer above it)."""
    assessment = (
        Assessment.objects.select_related("unit", "unit__kind", "indicator_set").filter(public_id=public_id).first()
    )
    if assessment is None or not scope_for(user).reaches(assessment.unit):
        raise Http404
    return assessment


def unit_people(unit: Unit) -> QuerySet[User]:
    """People holding a current role at the unit (who can sit on its assessment team)."""
    held = Membership.objects.current().filter(unit=unit, revoked_at__isnull=True, user=OuterRef("pk"))
    return User.objects.filter(Exists(held), is_active=True).order_by("last_name", "first_name", "username")


def heads_of(unit: Unit) -> list[User]:
    return users_with_roles(unit.pk, [Role.HEAD])


def reviewers_of(unit: Unit) -> list[User]:
    """Reviewers at the unit's parent (the level that recognises it)."""
    if unit.parent_id is None:
        return []
    return users_with_roles(unit.parent_id, [Role.REVIEWER])


def children_facts(assessment: Assessment, indicators) -> dict[int, scoring.ChildrenFact]:
    """For each CHILDREN indicator: the schools under the unit of the listed kinds, how many are recognised
    for the year and how many reach the indicator's level. One query per indicator."""
    facts = {}
    unit = assessment.unit
    for indicator in indicators:
        if indicator.kind != Indicator.Kind.CHILDREN:
            continue
        options = indicator.options or {}
        min_level = int(options.get("min_level", Level.TWO))
        group = options.get("child_group")
        recognised = Q(
            assessments__school_year=assessment.school_year,
            assessments__state__in=[Assessment.State.RECOGNISED, Assessment.State.PUBLISHED],
        )
        if group == 1:
            reaching = recognised & Q(assessments__level_1__gte=min_level)
        elif group == 2:
            reaching = recognised & Q(assessments__level_2__gte=min_level)
        else:
            reaching = recognised & Q(assessments__level_1__gte=min_level, assessments__level_2__gte=min_level)
        counts = Unit.objects.filter(
            path__startswith=unit.path,
            depth__gt=unit.depth,
            is_internal=False,
            kind__code__in=options.get("unit_kinds", []),
        ).aggregate(
            total=Count("pk", distinct=True),
            recognised=Count("pk", filter=recognised, distinct=True),
            reaching=Count("pk", filter=reaching, distinct=True),
        )
        facts[indicator.pk] = scoring.ChildrenFact(**counts)
    return facts


def set_visible_qs(user) -> QuerySet[IndicatorSet]:
    """National sets for everyone; a province's own versions only for people of that province (and the
    national role, which reaches every province)."""
    scope = scope_for(user)
    qs = IndicatorSet.objects.select_related("province")
    if scope.is_superuser or any(g.province_id is None and g.unit_depth == 1 for g in scope.grants):
        return qs
    provinces = {g.province_id for g in scope.grants if g.province_id is not None}
    return qs.filter(Q(province__isnull=True) | Q(province_id__in=provinces))


def set_get_for_user(user, code: str) -> IndicatorSet:
    """The set with this code if the user may see it; 404 otherwise (another province's version looks absent)."""
    indicator_set = set_visible_qs(user).filter(code=code).first()
    if indicator_set is None:
        raise Http404("Không tìm thấy bộ chỉ số.")
    return indicator_set


def set_structure(indicator_set: IndicatorSet):
    """Groups with their criteria and indicators, loaded in three queries."""
    groups = list(indicator_set.groups.all())
    indicators = list(
        Indicator.objects.filter(criterion__group__indicator_set=indicator_set).select_related("criterion")
    )
    by_group = defaultdict(list)
    for indicator in indicators:
        by_group[indicator.criterion.group_id].append(indicator)
    return groups, by_group, indicators


def assessment_result(assessment: Assessment, answers: dict | None = None) -> scoring.Result:
    groups, by_group, indicators = set_structure(assessment.indicator_set)
    if answers is None:
        answers = {a.indicator_id: a for a in Answer.objects.filter(entry__assessment=assessment)}
    children = children_facts(assessment, indicators)
    return scoring.Result(
        [
            scoring.group_result(assessment.indicator_set, group, by_group[group.pk], answers, children)
            for group in groups
        ],
        indicators=indicators,
        answers=answers,
        children=children,
    )


def display_value(indicator: Indicator, answer) -> str:
    if answer is None or not scoring.is_answered(indicator, answer):
        return "—"
    kind = indicator.kind
    if kind in (Indicator.Kind.MANDATORY, Indicator.Kind.YES_NO):
        return "Có" if answer.value_bool else "Không"
    if kind == Indicator.Kind.LEVELS:
        choices = indicator.options.get("choices", [])
        return choices[answer.value_choice]["label"] if answer.value_choice < len(choices) else "—"
    if kind == Indicator.Kind.NUMBER:
        return scoring.fmt_points(answer.value_number)
    if kind == Indicator.Kind.PERCENTAGE:
        share = answer.numerator * 100 / answer.denominator
        return f"{answer.numerator}/{answer.denominator} ({share:.1f}%)".replace(".", ",")
    return "—"


def answers_snapshot(assessment: Assessment) -> dict[str, dict[str, str]]:
    """Every answer as shown (value, points, evidence titles), keyed by indicator code."""
    answers = Answer.objects.filter(entry__assessment=assessment).select_related("indicator")
    snapshot = {}
    for answer in answers.prefetch_related("evidence"):
        snapshot[answer.indicator.code] = {
            "value": display_value(answer.indicator, answer),
            "points": scoring.fmt_points(answer.points),
            "note": answer.note,
            "evidence": sorted(e.title for e in answer.evidence.all()),
        }
    return snapshot


def changes_since_last_submission(assessment: Assessment) -> list[dict]:
    """What changed between the two most recent submissions (the reviewer's diff on a resubmission)."""
    submitted = list(
        AssessmentEvent.objects.filter(assessment=assessment, action=AssessmentEvent.Action.SUBMITTED).order_by(
            "-at", "-pk"
        )[:2]
    )
    if len(submitted) < 2:
        return []
    new, old = submitted[0].snapshot, submitted[1].snapshot
    changes = []
    for code in sorted(set(new) | set(old), key=_code_key):
        before, after = old.get(code, {}), new.get(code, {})
        if before != after:
            changes.append({"code": code, "before": before, "after": after})
    return changes


def _code_key(code: str):
    return [int(p) if p.isdigit() else p for p in code.split(".")]


def entries_with_people(assessment: Assessment) -> list[CriterionEntry]:
    return list(
        assessment.entries.select_related("criterion", "criterion__group", "lead", "updated_by").prefetch_related(
            "cooperators"
        )
    )


# --- Review queue and summary -------------------------------------------------------------------------


def review_queue(parent: Unit, school_year: str, *, kind: str = "", block: str = "", state: str = "") -> QuerySet[Unit]:
    """The parent's direct children with their assessment for the year (annotated, one query per page)."""
    units = (
        Unit.objects.filter(parent=parent, is_internal=False)
        .select_related("kind")
        .order_by("kind__sort_order", "name")
    )
    if kind:
        units = units.filter(kind__code=kind)
    if block:
        units = units.filter(Exists(BlockMembership.objects.filter(unit=OuterRef("pk"), block__public_id=block)))
    if state == "none":
        units = units.exclude(assessments__school_year=school_year)
    elif state:
        units = units.filter(assessments__school_year=school_year, assessments__state=state)
    return units


def assessments_by_unit(unit_ids: list[int], school_year: str) -> dict[int, Assessment]:
    return {
        a.unit_id: a
        for a in Assessment.objects.filter(unit_id__in=unit_ids, school_year=school_year).only(
            "pk",
            "public_id",
            "unit_id",
            "state",
            "level_1",
            "level_2",
            "points_1",
            "points_2",
            "updated_at",
            "submitted_at",
            "submitted_late",
            "version",
        )
    }


def summary(parent: Unit, school_year: str) -> dict:
    """Levels of recognised results under `parent`, by unit kind and by block, plus the on-time rate."""
    recognised = [Assessment.State.RECOGNISED, Assessment.State.PUBLISHED]
    base = Assessment.objects.filter(
        school_year=school_year,
        unit__path__startswith=parent.path,
        unit__depth__gt=parent.depth,
        unit__is_internal=False,
    )
    level_counts = {
        f"l{g}_{lv}": Count("pk", filter=Q(state__in=recognised, **{f"level_{g}": lv}))
        for g in (1, 2)
        for lv in (1, 2, 3)
    }
    by_kind = list(
        base.values("unit__kind__name", "unit__kind__sort_order")
        .annotate(
            total=Count("pk"),
            recognised=Count("pk", filter=Q(state__in=recognised)),
            both2=Count("pk", filter=Q(state__in=recognised, level_1__gte=2, level_2__gte=2)),
            **level_counts,
        )
        .order_by("unit__kind__sort_order")
    )
    by_block = list(
        base.filter(unit__block_memberships__block__school_year=school_year)
        .values("unit__block_memberships__block__name")
        .annotate(
            total=Count("pk"),
            recognised=Count("pk", filter=Q(state__in=recognised)),
            both2=Count("pk", filter=Q(state__in=recognised, level_1__gte=2, level_2__gte=2)),
            **level_counts,
        )
        .order_by("unit__block_memberships__block__name")
    )
    timing = base.aggregate(
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        late=Count("pk", filter=Q(submitted_at__isnull=False, submitted_late=True)),
    )
    units_total = Unit.objects.filter(
        path__startswith=parent.path, depth__gt=parent.depth, is_internal=False, kind__category="school"
    ).count()
    on_time = timing["submitted"] - timing["late"]
    return {
        "by_kind": by_kind,
        "by_block": by_block,
        "submitted": timing["submitted"],
        "late": timing["late"],
        "on_time": on_time,
        "on_time_rate": round(on_time * 100 / timing["submitted"], 1) if timing["submitted"] else None,
        "schools": units_total,
        "provisional": base.filter(indicator_set__has_placeholders=True).exists(),
    }


def unit_dx_level(unit: Unit, school_year: str) -> tuple[int, int] | None:
    """The recognised level per group for nominations' eligibility (seed 000: "đạt mức độ 2 trở lên trên
    cả 02 tiêu chí"); None when the year's result is not recognised."""
    row = (
        Assessment.objects.filter(
            unit=unit,
            school_year=school_year,
            state__in=[Assessment.State.RECOGNISED, Assessment.State.PUBLISHED],
        )
        .values_list("level_1", "level_2")
        .first()
    )
    return tuple(row) if row else None


# --- Deadlines and completeness of an assessment ------------------------------------------------------


def obligations_for(assessment: Assessment) -> dict[str, Obligation]:
    """The campaign obligations that set this assessment's deadlines, by deadline kind."""
    end_year = assessment.school_year.split("-")[1]
    rows = (
        Obligation.objects.filter(
            unit=assessment.unit,
            period__in=[assessment.school_year, end_year],
            deadline__kind__in=[Deadline.Kind.SELF_ASSESSMENT, Deadline.Kind.SELF_ASSESSMENT_APPROVAL],
        )
        .select_related("deadline")
        .order_by("due_at")
    )
    found: dict[str, Obligation] = {}
    for ob in rows:
        found.setdefault(ob.deadline.kind, ob)
    return found


def is_locked(assessment: Assessment, now: dt.datetime | None = None, obligations=None) -> bool:
    """Past the submission deadline of a deadline that locks, not submitted, and not reopened."""
    now = now or timezone.now()
    ob = (obligations if obligations is not None else obligations_for(assessment)).get(Deadline.Kind.SELF_ASSESSMENT)
    if ob is None or not ob.deadline.locks or now < ob.due_at:
        return False
    return not (ob.reopened_until and now < ob.reopened_until)


def approval_lateness(assessment: Assessment, date: dt.date | None = None, obligations=None) -> tuple[int, dt.date]:
    """Days the head's approval decision (dated `date`, else the stored one) is past the approval deadline,
    and the last day allowed; (0, None) without a deadline or a date. "Trước 10/6" is due at the start of
    10/6, so the last day allowed is 9/6 and a decision dated 10/6 is one day late."""
    date = date or assessment.approval_date
    ob = (obligations if obligations is not None else obligations_for(assessment)).get(
        Deadline.Kind.SELF_ASSESSMENT_APPROVAL
    )
    if ob is None or date is None:
        return 0, None
    last_day = timezone.localdate(ob.due_at - dt.timedelta(microseconds=1))
    return max(0, (date - last_day).days), last_day


def entry_is_open(assessment: Assessment, entry: CriterionEntry) -> bool:
    """While the assessment is returned, only the criteria the reviewer returned (with a reason) may change
    until it is sent again; in the other editable states every criterion may."""
    return assessment.state != Assessment.State.RETURNED or bool(entry.return_reason)


def completeness_problems(assessment: Assessment) -> list[str]:
    """What must be filled before the head can approve: every indicator answered, required evidence."""
    indicators = Indicator.objects.filter(criterion__group__indicator_set=assessment.indicator_set_id).exclude(
        kind=Indicator.Kind.CHILDREN
    )
    answers = {
        a.indicator_id: a for a in Answer.objects.filter(entry__assessment=assessment).prefetch_related("evidence")
    }
    unanswered, no_evidence = [], []
    for indicator in indicators:
        answer = answers.get(indicator.pk)
        if not scoring.is_answered(indicator, answer):
            unanswered.append(indicator.code)
        elif indicator.evidence_required and not answer.evidence.all():
            no_evidence.append(indicator.code)
    problems = []
    if unanswered:
        problems.append(_("Chưa nhập chỉ số: %(codes)s.") % {"codes": ", ".join(unanswered)})
    if no_evidence:
        problems.append(_("Chưa có minh chứng cho chỉ số: %(codes)s.") % {"codes": ", ".join(no_evidence)})
    return problems


# --- The home page's work list ------------------------------------------------------------------------


def own_progress(units, school_year: str, user) -> list[dict]:
    """Per unit the user works for (schools, offices): this year's self-assessment with criteria done /
    total, the criteria assigned to the user still empty, what blocks the next step and the reasons of a
    return. Three queries plus two per assessment still being edited (the blocking checks)."""
    from .services import completeness_problems  # the same rule the approval applies

    units = [u for u in units if not u.is_internal]
    found = {
        a.unit_id: a
        for a in Assessment.objects.filter(unit__in=units, school_year=school_year).annotate(
            entries_total=Count("entries", distinct=True),
            entries_done=Count("entries", filter=Q(entries__updated_at__isnull=False), distinct=True),
        )
    }
    mine = defaultdict(list)
    returned = defaultdict(list)
    for entry in (
        CriterionEntry.objects.filter(assessment__in=list(found.values()))
        .filter(Q(lead=user, updated_at__isnull=True) | ~Q(return_reason=""))
        .select_related("criterion")
    ):
        if entry.return_reason:
            returned[entry.assessment_id].append(entry)
        if entry.lead_id == user.pk and entry.updated_at is None:
            mine[entry.assessment_id].append(entry)
    rows = []
    for unit in units:
        assessment = found.get(unit.pk)
        row = {"unit": unit, "assessment": assessment, "mine": [], "returned": [], "blocks": []}
        if assessment is not None:
            row["mine"] = mine[assessment.pk]
            row["returned"] = returned[assessment.pk]
            if assessment.is_editable:
                row["blocks"] = completeness_problems(assessment)
                if assessment.state == Assessment.State.DRAFT and not assessment.team_decision_number:
                    row["blocks"].append(_("Chưa có quyết định thành lập tổ tự đánh giá."))
        rows.append(row)
    return rows


def waiting_review(parents, school_year: str, *, limit: int = 8) -> dict:
    """Self-assessments sent to these units and not yet recognised or returned: count and the oldest."""
    rows = Assessment.objects.filter(
        unit__parent__in=list(parents), state=Assessment.State.SUBMITTED, school_year__lte=school_year
    )
    first = list(rows.select_related("unit").order_by("submitted_at")[:limit])
    return {"count": len(first) if len(first) < limit else rows.count(), "first": first}


def levels_overview(units, school_year: str) -> list[dict]:
    """Recognised levels under each unit (a Sở, the ministry) for the year, per group, as bar segments.
    One query per unit (officers hold one or two such roles)."""
    recognised = [Assessment.State.RECOGNISED, Assessment.State.PUBLISHED]
    result = []
    for unit in units:
        counts = Assessment.objects.filter(
            school_year=school_year,
            state__in=recognised,
            unit__path__startswith=unit.path,
            unit__depth__gt=unit.depth,
        ).aggregate(
            total=Count("pk"),
            **{f"g{g}_{lv}": Count("pk", filter=Q(**{f"level_{g}": lv})) for g in (1, 2) for lv in (1, 2, 3)},
        )
        charts = []
        for g in (1, 2):
            x, segments = 0.0, []
            for lv in (1, 2, 3):
                n = counts[f"g{g}_{lv}"]
                width = n * 100 / counts["total"] if counts["total"] else 0
                segments.append({"level": lv, "n": n, "x": round(x, 2), "width": round(width, 2)})
                x += width
            charts.append({"group": g, "segments": segments})
        result.append({"unit": unit, "total": counts["total"], "charts": charts})
    return result

"""Reads for campaigns, scoped to the caller through units.selectors.scope_for."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from units.models import Unit
from units.selectors import ancestor_paths, scope_for, subtree_q

from .models import Campaign, Deadline, Obligation, Target, TargetReport, TargetValue


def campaign_visible_qs(user) -> QuerySet[Campaign]:
    """Campaigns issued by a unit the user reaches (any status), and published campaigns issued by an
    ancestor of one of the user's units (the plans they must answer)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Campaign.objects.all()
    own_paths = [g.unit_path for g in scope.grants]
    above = ancestor_paths(own_paths)
    return Campaign.objects.filter(
        Q(scope.q("issuer__"))
        | Q(issuer__path__in=above, status__in=[Campaign.Status.PUBLISHED, Campaign.Status.CLOSED])
    )


def campaign_list_for_user(user, *, status: str = "", text: str = "") -> QuerySet[Campaign]:
    qs = campaign_visible_qs(user).select_related("issuer", "issuer__kind", "answers")
    if status:
        qs = qs.filter(status=status)
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(number__icontains=text))
    return qs.annotate(response_count=Count("responses", distinct=True)).order_by("-issued_on", "-created_at")


def plans_with_same_number(
    issuer_id: int, number: str, issued_on: dt.date | None, start_date: dt.date | None, *, exclude_pk=None
) -> list[Campaign]:
    """Other plans of the same issuer with the same number (case and spaces aside) in the same year (the
    issue date's, else the start date's): a document number is given once a year by one issuer."""
    from django.db.models.functions import Coalesce, ExtractYear

    number = " ".join((number or "").split())
    day = issued_on or start_date
    if not number or day is None:
        return []
    qs = (
        Campaign.objects.filter(issuer_id=issuer_id, number__iexact=number)
        .annotate(doc_year=ExtractYear(Coalesce("issued_on", "start_date")))
        .filter(doc_year=day.year)
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return list(qs.order_by("pk")[:5])


def campaign_get_for_user(user, public_id: str) -> Campaign:
    campaign = (
        campaign_visible_qs(user)
        .select_related("issuer", "issuer__kind", "issuer__province", "answers", "answers__issuer", "created_by")
        .filter(public_id=public_id)
        .first()
    )
    if campaign is None:
        raise Http404("Không tìm thấy kế hoạch.")
    return campaign


def campaign_detail_parts(campaign: Campaign) -> dict:
    """Everything the overview and timeline tabs show, in a fixed number of queries."""
    return {
        "phases": list(campaign.phases.all()),
        "content_items": list(campaign.content_items.all()),
        "criteria": list(campaign.criteria.all()),
        "award_plans": list(campaign.award_plans.all()),
        "deadlines": list(campaign.deadlines.prefetch_related("unit_kinds")),
        "basis_campaigns": list(campaign.basis_campaigns.select_related("issuer")),
        "participant_kinds": list(campaign.participant_kinds.all()),
        "participant_units": list(campaign.participant_units.all()[:50]),
        "changes": list(campaign.changes.select_related("actor", "unit")[:50]),
        "tasks": list(campaign.tasks.select_related("lead_unit").prefetch_related("cooperating_units")),
    }


# --- Participants ------------------------------------------------------------------------------------


def participant_units_qs(campaign: Campaign) -> QuerySet[Unit]:
    """Units that take part: those under the issuer whose kind is listed, those named explicitly, and the
    issuer itself if it competes too. Only active units."""
    issuer = campaign.issuer
    kinds = list(campaign.participant_kinds.values_list("pk", flat=True))
    clause = Q(pk__in=campaign.participant_units.values("pk"))
    if kinds:
        clause |= Q(path__startswith=issuer.path, depth__gt=issuer.depth, kind_id__in=kinds)
    if campaign.include_issuer:
        clause |= Q(pk=issuer.pk)
    today = timezone.localdate()
    return Unit.objects.filter(clause).filter(Q(active_to__isnull=True) | Q(active_to__gt=today))


def deadline_units_qs(deadline: Deadline, campaign: Campaign) -> QuerySet[Unit]:
    if deadline.audience == Deadline.Audience.ISSUER:
        return Unit.objects.filter(pk=campaign.issuer_id)
    qs = participant_units_qs(campaign)
    kinds = list(deadline.unit_kinds.values_list("pk", flat=True))
    if kinds:
        qs = qs.filter(kind_id__in=kinds)
    return qs


@dataclass
class ParticipantRow:
    unit: Unit
    obligations: dict[int, Obligation] = field(default_factory=dict)  # deadline id → obligation
    response: Campaign | None = None


def participants_status(
    campaign: Campaign,
    *,
    user,
    period: str | None = None,
    kind_code: str = "",
    block_id: int | None = None,
    status: str = "",
    text: str = "",
):
    """The participants' table: a unit queryset (for paging and counts) plus a function that fills one page
    of rows with their obligations and response plan, in a constant number of queries."""
    units = participant_units_qs(campaign).filter(scope_for(user).q()).select_related("kind", "parent")
    if kind_code:
        units = units.filter(kind__code=kind_code)
    if block_id:
        units = units.filter(block_memberships__block_id=block_id)
    if text:
        from units.models import fold

        for word in fold(text).split():
            units = units.filter(search_text__contains=word)
    obligations = Obligation.objects.filter(deadline__campaign=campaign)
    if period is not None:
        obligations = obligations.filter(period=period)
    if status == "overdue":
        units = units.filter(
            pk__in=obligations.filter(status=Obligation.Status.OPEN, due_at__lt=timezone.now()).values("unit_id")
        )
    elif status:
        units = units.filter(pk__in=obligations.filter(status=status).values("unit_id"))
    units = units.order_by("kind__sort_order", "name")

    def fill(page_units: list[Unit]) -> list[ParticipantRow]:
        rows = {u.pk: ParticipantRow(unit=u) for u in page_units}
        for ob in obligations.filter(unit_id__in=rows):
            rows[ob.unit_id].obligations[ob.deadline_id] = ob
        for resp in Campaign.objects.filter(answers=campaign, issuer_id__in=rows).only(
            "public_id", "issuer_id", "status", "number", "published_at", "title"
        ):
            rows[resp.issuer_id].response = resp
        return list(rows.values())

    return units, fill


def participants_counts(campaign: Campaign, *, user, period: str | None = None) -> dict[str, int]:
    """Counts per obligation status over the participants the user reaches (one grouped query)."""
    qs = Obligation.objects.filter(deadline__campaign=campaign).filter(scope_for(user).q("unit__"))
    if period is not None:
        qs = qs.filter(period=period)
    now = timezone.now()
    counts = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("pk"))}
    counts["overdue"] = qs.filter(status=Obligation.Status.OPEN, due_at__lt=now).count()
    return counts


def deadline_counts(campaign: Campaign, *, user) -> dict[int, dict[str, int]]:
    """Per deadline: obligations by status (and overdue) over the units the user reaches; one query."""
    rows = (
        Obligation.objects.filter(deadline__campaign=campaign)
        .filter(scope_for(user).q("unit__"))
        .values("deadline_id")
        .annotate(
            open=Count("pk", filter=Q(status=Obligation.Status.OPEN)),
            overdue=Count("pk", filter=Q(status=Obligation.Status.OPEN, due_at__lt=timezone.now())),
            submitted=Count("pk", filter=Q(status=Obligation.Status.SUBMITTED)),
            late=Count("pk", filter=Q(status=Obligation.Status.LATE)),
            excused=Count("pk", filter=Q(status=Obligation.Status.EXCUSED)),
        )
    )
    return {row.pop("deadline_id"): row for row in rows}


def campaign_blocks(campaign: Campaign):
    """Emulation blocks organised by the issuing unit (for the participants' filter)."""
    from units.models import EmulationBlock

    return EmulationBlock.objects.filter(organiser_id=campaign.issuer_id).order_by("-school_year", "name")


def campaign_periods(campaign: Campaign) -> list[str]:
    return list(
        Obligation.objects.filter(deadline__campaign=campaign)
        .exclude(period="")
        .values_list("period", flat=True)
        .distinct()
        .order_by("period")
    )


def unit_open_obligations(units: list[Unit], *, limit: int = 20) -> list[Obligation]:
    """What these units still have to submit, soonest first (the dashboard's "Hạn nộp sắp tới")."""
    return list(
        Obligation.objects.filter(unit__in=units, status=Obligation.Status.OPEN)
        .select_related("deadline", "deadline__campaign", "unit")
        .order_by("due_at")[:limit]
    )


# --- Targets -----------------------------------------------------------------------------------------


@dataclass
class TargetAggregate:
    target: Target
    kind_name: str
    goal: Decimal | None
    units: int = 0
    reported: int = 0
    numerator: Decimal = Decimal(0)
    denominator: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    meeting: int = 0

    @property
    def actual(self) -> Decimal | None:
        if self.target.kind == Target.Kind.PERCENT:
            return (self.numerator * 100 / self.denominator) if self.denominator else None
        if self.target.kind == Target.Kind.BOOLEAN:
            return (Decimal(self.meeting) * 100 / self.reported) if self.reported else None
        return self.total

    @property
    def share_meeting(self) -> Decimal | None:
        return (Decimal(self.meeting) * 100 / self.units) if self.units else None

    @property
    def bar(self) -> int:
        """0–100 for a progress bar: actual against goal."""
        actual = self.actual
        if actual is None:
            return 0
        if self.target.kind == Target.Kind.COUNT:
            return int(min(100, actual * 100 / self.goal)) if self.goal else 0
        return int(min(100, max(0, actual)))


def goal_for(values: list[TargetValue], period: str, kind_id: int | None) -> Decimal | None:
    """The goal for a unit kind in a period: the kind's own value, else the all-kinds value."""
    fallback = None
    for v in values:
        if v.period != period:
            continue
        if v.unit_kind_id == kind_id:
            return v.value
        if v.unit_kind_id is None:
            fallback = v.value
    return fallback


def meets(target: Target, report: TargetReport, goal: Decimal | None) -> bool:
    if goal is None:
        return False
    actual = (
        report.numerator * 100 / report.denominator
        if target.kind == Target.Kind.PERCENT and report.denominator
        else (None if target.kind == Target.Kind.PERCENT else report.value)
    )
    if actual is None:
        return False
    return actual >= goal if target.higher_is_better else actual <= goal


def target_progress(campaign: Campaign, *, user, period: str, root: Unit | None = None) -> list[TargetAggregate]:
    """For each target and unit kind: sums of numerators and denominators over the participants under
    `root` (default: all the user reaches), and how many units meet their goal. Three queries in all."""
    targets = list(campaign.targets.prefetch_related("values"))
    units_qs = participant_units_qs(campaign).filter(scope_for(user).q())
    if root is not None:
        units_qs = units_qs.filter(path__startswith=root.path)
    unit_kinds = dict(units_qs.values_list("pk", "kind_id"))
    kind_names = dict(units_qs.values_list("kind_id", "kind__name").distinct())
    reports = TargetReport.objects.filter(target__campaign=campaign, period=period, unit_id__in=list(unit_kinds))
    by_target: dict[int, list[TargetReport]] = defaultdict(list)
    for r in reports:
        by_target[r.target_id].append(r)
    per_kind_units: dict[int, int] = defaultdict(int)
    for kind_id in unit_kinds.values():
        per_kind_units[kind_id] += 1

    result: list[TargetAggregate] = []
    for target in targets:
        values = list(target.values.all())
        aggs = {
            kind_id: TargetAggregate(target, kind_names.get(kind_id, ""), goal_for(values, period, kind_id), units=n)
            for kind_id, n in sorted(per_kind_units.items(), key=lambda kv: kind_names.get(kv[0], ""))
        }
        for report in by_target.get(target.pk, []):
            agg = aggs.get(unit_kinds.get(report.unit_id))
            if agg is None:
                continue
            agg.reported += 1
            agg.numerator += report.numerator or 0
            agg.denominator += report.denominator or 0
            agg.total += report.value or 0
            if meets(target, report, agg.goal):
                agg.meeting += 1
        result.extend(aggs.values())
    return result


def target_report_get(target: Target, unit: Unit, period: str) -> TargetReport | None:
    return TargetReport.objects.filter(target=target, unit=unit, period=period).first()


def obligations_for_unit(campaign: Campaign, unit: Unit) -> QuerySet[Obligation]:
    return (
        Obligation.objects.filter(deadline__campaign=campaign, unit=unit).select_related("deadline").order_by("due_at")
    )


# --- The home page's work list ------------------------------------------------------------------------

# A plan that ended longer ago than this no longer fills anyone's work list (its tables keep the history).
WORK_LIST_GRACE = dt.timedelta(days=90)
WORK_LIST_ROWS = 10


def _live_plans_q(now: dt.datetime, prefix: str = "deadline__campaign__") -> Q:
    today = timezone.localdate(now)
    return Q(**{f"{prefix}status": Campaign.Status.PUBLISHED, f"{prefix}end_date__gte": today - WORK_LIST_GRACE})


def own_work(units, *, now: dt.datetime) -> dict:
    """Open obligations of these units on live plans: `overdue` (days late, soonest-missed last) and
    `upcoming` (days left, soonest first), each at most WORK_LIST_ROWS, with their totals. Four queries."""
    open_rows = (
        Obligation.objects.filter(unit__in=list(units), status=Obligation.Status.OPEN)
        .filter(_live_plans_q(now))
        .select_related("deadline", "deadline__campaign", "unit")
    )
    overdue = list(open_rows.filter(due_at__lte=now).order_by("-due_at")[:WORK_LIST_ROWS])
    upcoming = list(open_rows.filter(due_at__gt=now).order_by("due_at")[:WORK_LIST_ROWS])
    for ob in overdue:
        ob.days_late_now = ob.days_late(now)
        ob.reopened_now = ob.is_reopened(now)
        ob.is_locked_now = ob.deadline.locks and not ob.reopened_now
    for ob in upcoming:
        ob.days_left_now = (ob.due_at - now).days
    return {
        "overdue": overdue,
        "upcoming": upcoming,
        "overdue_total": open_rows.filter(due_at__lte=now).count() if len(overdue) == WORK_LIST_ROWS else len(overdue),
        "upcoming_total": open_rows.filter(due_at__gt=now).count()
        if len(upcoming) == WORK_LIST_ROWS
        else len(upcoming),
    }


def subtree_work(units, *, now: dt.datetime) -> dict:
    """Below these units: the next deadlines (grouped: date, plan, how many units still owe it) and the
    late units (each open obligation past due, oldest first, with days late). Three queries."""
    below = Obligation.objects.filter(subtree_q(units), status=Obligation.Status.OPEN).filter(_live_plans_q(now))
    coming = list(
        below.filter(due_at__gt=now)
        .values(
            "deadline__public_id",
            "deadline__title",
            "deadline__campaign__public_id",
            "deadline__campaign__number",
            "due_at",
        )
        .annotate(units=Count("pk"))
        .order_by("due_at", "deadline__title")[:5]
    )
    for row in coming:
        row["days_left"] = (row["due_at"] - now).days
    late_rows = below.filter(due_at__lte=now)
    late = list(
        late_rows.select_related("deadline", "deadline__campaign", "unit").order_by("due_at", "unit__name")[:10]
    )
    for ob in late:
        ob.days_late_now = ob.days_late(now)
        ob.reopened_now = ob.is_reopened(now)
    return {
        "coming": coming,
        "late": late,
        "late_total": late_rows.count() if len(late) == 10 else len(late),
    }


def running_plans_progress(units, *, now: dt.datetime) -> list[dict]:
    """Plans issued at or under these units whose period covers today: of the obligations already due,
    the share met (response rate) and the share met on time. Two queries."""
    today = timezone.localdate(now)
    plans = list(
        Campaign.objects.filter(subtree_q(units, "issuer", strict=False))
        .filter(status=Campaign.Status.PUBLISHED, start_date__lte=today, end_date__gte=today)
        .select_related("issuer")
        .order_by("-issued_on")[:8]
    )
    counts = (
        Obligation.objects.filter(deadline__campaign__in=plans, due_at__lte=now)
        .values("deadline__campaign_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_plan: dict[int, dict[str, int]] = {}
    for row in counts:
        by_plan.setdefault(row["deadline__campaign_id"], {})[row["status"]] = row["n"]
    result = []
    for plan in plans:
        c = by_plan.get(plan.pk, {})
        due = sum(c.values()) - c.get(Obligation.Status.EXCUSED, 0)
        met = c.get(Obligation.Status.SUBMITTED, 0) + c.get(Obligation.Status.LATE, 0)
        result.append(
            {
                "plan": plan,
                "due": due,
                "met": met,
                "missing": c.get(Obligation.Status.OPEN, 0),
                "response_rate": round(met * 100 / due) if due else None,
                "on_time_rate": round(c.get(Obligation.Status.SUBMITTED, 0) * 100 / met) if met else None,
            }
        )
    return result

"""Reads for nominations, scoped to the caller (404 outside reach). Lists run a fixed number of queries
whatever the number of nominations."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q
from django.db.models import F as models_F
from django.http import Http404

from units.models import Unit
from units.selectors import ancestor_paths, scope_for

from ..models import (
    AwardRecord,
    AwardRound,
    CouncilMeeting,
    Decision,
    Nomination,
    NominationApproval,
    Quota,
    Subject,
    Submission,
)
from .dossiers import (  # noqa: F401 (re-exported: the reads of dossiers, councils and decisions)
    checklist,
    council_agenda,
    decision_candidates,
    obligation_of,
    passed_votes,
    report_problems,
    submission_candidates,
    submission_locked,
)
from .quotas import approval_quotas, block_of, forwarded_by, own_forwarded, quota_used  # noqa: F401

State = Nomination.State


def _own_q(user, prefix: str) -> Q:
    """Units the user works at (any role held there, and its internal teams): where drafts are visible."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    clause = Q(pk__in=[])
    for g in scope.grants:
        clause |= Q(**{f"{prefix}pk": g.unit_id}) | Q(
            **{
                f"{prefix}path__startswith": g.unit_path,
                f"{prefix}depth": g.unit_depth + 1,
                f"{prefix}is_internal": True,
            }
        )
    return clause


def _one(qs, public_id: str):
    """The object with this public id in an already scoped queryset, else 404 (never 403: outsiders learn
    nothing)."""
    found = qs.filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def nominations_for(user):
    """Nominations the user may see: in their reach, and drafts only at the units they work at."""
    scope = scope_for(user)
    return Nomination.objects.filter(scope.q("unit__")).filter(~Q(state=State.DRAFT) | _own_q(user, "unit__"))


def nomination_get_for_user(user, public_id: str) -> Nomination:
    return _one(
        nominations_for(user).select_related(
            "round__organiser",
            "round__campaign",
            "award_form",
            "unit",
            "level",
            "via",
            "nominee_person__unit",
            "nominee_unit",
            "report_template",
            "proposed_by",
            "updated_by",
            "report_confirmed_by",
        ),
        public_id,
    )


def rounds_for(user):
    """Rounds organised at or above a unit the user works at, or inside a reviewer's reach."""
    scope = scope_for(user)
    if scope.is_superuser:
        return AwardRound.objects.all()
    above = ancestor_paths(g.unit_path for g in scope.grants)
    return AwardRound.objects.filter(Q(organiser__path__in=above) | scope.below_q("organiser__path"))


def round_get_for_user(user, public_id: str) -> AwardRound:
    return _one(rounds_for(user).select_related("organiser", "campaign"), public_id)


def unit_in_round(user, award_round: AwardRound, code: str) -> Unit:
    """A unit the user reaches, inside the round's tree; 404 otherwise."""
    unit = Unit.objects.filter(scope_for(user).q(), code=code).select_related("kind", "parent").first()
    if unit is None or not _in_round(award_round, unit.path):
        raise Http404
    return unit


def _in_round(award_round: AwardRound, path: str) -> bool:
    """A round spans the organiser's subtree and the levels above it that nominations climb to."""
    organiser = award_round.organiser.path
    return path.startswith(organiser) or organiser.startswith(path)


def levels_of(user, award_round: AwardRound) -> list[Unit]:
    """The units of the round the user works at (where they draft, review or decide)."""
    scope = scope_for(user)
    ids = [g.unit_id for g in scope.grants if _in_round(award_round, g.unit_path)]
    if scope.is_superuser and not ids:
        ids = [award_round.organiser_id]
    return list(Unit.objects.filter(pk__in=ids, is_internal=False).select_related("kind").order_by("depth", "name"))


def submission_get_for_user(user, public_id: str) -> Submission:
    return _one(
        Submission.objects.filter(scope_for(user).q("from_unit__")).select_related(
            "round__organiser", "round__campaign", "from_unit__kind", "to_unit", "signed_by"
        ),
        public_id,
    )


def council_get_for_user(user, public_id: str) -> CouncilMeeting:
    return _one(
        CouncilMeeting.objects.filter(scope_for(user).q("unit__")).select_related("round__organiser", "unit"),
        public_id,
    )


def decision_get_for_user(user, public_id: str) -> Decision:
    return _one(
        Decision.objects.filter(scope_for(user).q("unit__")).select_related("round__organiser", "unit", "award_form"),
        public_id,
    )


def quota_rows(award_round: AwardRound, units: list[Unit]) -> list[dict]:
    """Each quota of the round at the given units (and their parts handed down) with what is used. Three
    queries whatever the number of nominations."""
    quotas = list(
        Quota.objects.filter(round=award_round)
        .filter(Q(unit__in=units) | Q(parent__unit__in=units))
        .select_related("award_form", "unit", "block", "parent")
        .order_by("award_form__name", "scope", "unit__path")
    )
    used = Counter()
    approvals = (
        NominationApproval.objects.filter(round=award_round, active=True, level__in=[q.unit_id for q in quotas])
        .values("award_form_id", "level_id", "subject", "block_id")
        .annotate(n=Count("pk"))
    )
    for row in approvals:
        used[(row["award_form_id"], row["level_id"], row["subject"], None)] += row["n"]
        if row["block_id"] is not None:  # (None is the level's total, counted on the line above)
            used[(row["award_form_id"], row["level_id"], row["subject"], row["block_id"])] += row["n"]
    sent = Counter()
    forwarded = (
        Nomination.objects.filter(
            round=award_round,
            submissions__from_unit__in=[q.unit_id for q in quotas],
            submissions__state__in=Submission.SENT,
        )
        .exclude(state__in=[State.REJECTED, State.WITHDRAWN])
        .values("award_form_id", "submissions__from_unit_id", "subject", "unit_id")
        .annotate(n=Count("pk", distinct=True))
    )
    own_sent = Counter()
    for row in forwarded:
        key = (row["award_form_id"], row["submissions__from_unit_id"], row["subject"])
        sent[key] += row["n"]
        if row["unit_id"] == row["submissions__from_unit_id"]:
            own_sent[key] += row["n"]
    result = []
    for q in quotas:
        for subject in (Subject.COLLECTIVE, Subject.INDIVIDUAL):
            limit = q.limit(subject)
            key3 = (q.award_form_id, q.unit_id, subject)
            if q.scope == Quota.Scope.BLOCK:
                count = used[(q.award_form_id, q.unit_id, subject, q.block_id)] if q.block_id else None
            elif q.scope == Quota.Scope.COUNCIL:
                count = used[(q.award_form_id, q.unit_id, subject, None)]
            elif q.scope == Quota.Scope.UNIT:
                count = max(used[(q.award_form_id, q.unit_id, subject, None)] + own_sent[key3], sent[key3])
            else:
                count = None
            result.append(
                {
                    "quota": q,
                    "subject": subject,
                    "label": Subject(subject).label,
                    "limit": limit,
                    "used": count,
                    "full": count is not None and count >= limit,
                }
            )
    return result


def board(award_round: AwardRound, unit: Unit, user) -> dict:
    """Counts of the round's nominations under `unit`: by state, and by child unit and state. The child rows
    (each a filter link) are the children the user reaches: a role held at the Bộ or a Sở's own level does not
    reach its provinces' or Phòng's units, whose filter would answer 404 and whose counts are not theirs."""
    rows = Nomination.objects.filter(round=award_round, unit__path__startswith=unit.path)
    by_state = dict(rows.values_list("state").annotate(n=Count("pk")).order_by())
    depth = unit.depth + 1
    children = {
        c.path: c
        for c in Unit.objects.filter(scope_for(user).q(), parent=unit, is_internal=False)
        .order_by("name")
        .only("pk", "name", "code", "path")
    }
    by_child: dict[str, Counter] = {}
    if children:
        grouped = rows.filter(unit__depth__gte=depth).values("unit__path", "state").annotate(n=Count("pk")).order_by()
        for row in grouped:
            prefix = row["unit__path"][: depth * Unit.steplen]
            if prefix in children:
                by_child.setdefault(prefix, Counter())[row["state"]] += row["n"]
    return {
        "by_state": [(s, label, by_state.get(s, 0)) for s, label in State.choices],
        "total": sum(by_state.values()),
        "children": [(c, by_child.get(path, Counter())) for path, c in children.items()],
        "own": rows.filter(unit=unit).count(),
    }


def queue(award_round: AwardRound, level: Unit, *, state: str = "", form_id: str = "", subject: str = ""):
    """Nominations sent to `level`: waiting first, then approved, ranked by the sender's council."""
    rows = Nomination.objects.filter(round=award_round, level=level, state__in=[State.SUBMITTED, State.APPROVED])
    if state in (State.SUBMITTED, State.APPROVED):
        rows = rows.filter(state=state)
    if form_id.isdigit():
        rows = rows.filter(award_form_id=int(form_id))
    if subject in Subject.values:
        rows = rows.filter(subject=subject)
    return rows.select_related("award_form", "unit", "via").order_by(
        "-state", "award_form__name", "subject", "via__name", "pk"
    )


def ledger(*, person=None, unit=None, limit: int = 50) -> list[AwardRecord]:
    """The award history of a person or a unit, newest first (their pages and "Khen thưởng của tôi")."""
    if person is None and unit is None:
        return []
    rows = AwardRecord.objects.filter(person=person) if person is not None else AwardRecord.objects.filter(unit=unit)
    return list(rows.order_by("-decision_date", "-pk")[:limit])


# --- The home page's work list ------------------------------------------------------------------------


def own_work(units, *, today) -> dict:
    """For the schools and teams the user works for: nominations still to finish or to fix (a return's
    reason with it) and the open rounds of live plans they may nominate in, with how many they have so
    far. Three queries."""
    units = list(units)
    ids = [u.pk for u in units]
    editable = list(
        Nomination.objects.filter(Q(unit_id__in=ids) | Q(proposed_by_id__in=ids), state__in=Nomination.EDITABLE)
        .filter(level_id=models_F("unit_id"))
        .select_related("round", "award_form", "unit")
        .order_by("-state", "round__name", "pk")[:12]
    )
    rounds = list(
        AwardRound.objects.filter(
            open=True,
            organiser__path__in=ancestor_paths(u.path for u in units),
            campaign__end_date__gte=today,
        )
        .exclude(organiser_id__in=ids)
        .select_related("organiser", "deadline")
        .order_by("-school_year", "name")[:5]
    )
    mine = dict(
        Nomination.objects.filter(round__in=rounds, unit_id__in=ids)
        .exclude(state__in=[State.WITHDRAWN, State.REJECTED])
        .values_list("round_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in rounds:
        r.mine = mine.get(r.pk, 0)
    return {
        "returned": [n for n in editable if n.state == State.RETURNED],
        "drafts": [n for n in editable if n.state == State.DRAFT],
        "rounds": rounds,
    }


def review_work(units, *, limit: int = 8) -> dict:
    """For the units the user reviews for: dossiers sent to them and waiting, nominations waiting per
    round (links to the queue), and the quotas of the open rounds they organise with what is used."""
    units = list(units)
    waiting = Submission.objects.filter(to_unit__in=units, state__in=Submission.AWAITING)
    dossiers = list(waiting.select_related("from_unit", "round").order_by("submitted_at")[:limit])
    per_round = list(
        Nomination.objects.filter(level__in=units, state=State.SUBMITTED)
        .values("round__public_id", "round__name", "level__code", "level__name")
        .annotate(n=Count("pk"))
        .order_by("round__name")[:limit]
    )
    quotas = []
    for award_round in AwardRound.objects.filter(organiser__in=units, open=True).order_by("-school_year", "name")[:2]:
        rows = [r for r in quota_rows(award_round, [award_round.organiser]) if r["used"] is not None]
        if rows:
            quotas.append({"round": award_round, "rows": rows})
    return {
        "dossiers": dossiers,
        "dossiers_total": len(dossiers) if len(dossiers) < limit else waiting.count(),
        "per_round": per_round,
        "quotas": quotas,
    }

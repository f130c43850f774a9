"""Reads on dossiers, councils and decisions: what a council deliberates, what passed, what a dossier
may carry and what it still lacks, what a decision may name, and whether a deadline locks a dossier."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Obligation
from units.models import Unit

from ..models import AwardForm, AwardRound, CouncilVote, Nomination, Submission

State = Nomination.State


def council_agenda(award_round: AwardRound, unit: Unit):
    """What a unit's council deliberates in a round: its own nominations not yet sent, and those it has
    approved from the units below."""
    return (
        Nomination.objects.filter(round=award_round, level=unit)
        .filter(Q(unit=unit, state__in=Nomination.EDITABLE) | Q(state=State.APPROVED))
        .select_related("award_form")
        .order_by("award_form", "subject", "pk")
    )


def passed_votes(award_round: AwardRound, unit: Unit, nomination_ids) -> dict[int, CouncilVote]:
    """The latest closed meeting's vote at `unit` for each nomination."""
    found: dict[int, CouncilVote] = {}
    rows = (
        CouncilVote.objects.filter(
            meeting__round=award_round,
            meeting__unit=unit,
            meeting__closed_at__isnull=False,
            nomination_id__in=list(nomination_ids),
        )
        .select_related("meeting")
        .order_by("-meeting__held_at", "-meeting__pk")
    )
    for vote in rows:
        found.setdefault(vote.nomination_id, vote)
    return found


def submission_candidates(award_round: AwardRound, unit: Unit):
    """What a unit may put in its dossier: nominations at its level passed by its council (its own not yet
    sent, or approved from below), not already in another dossier of the round still in preparation."""
    rows = list(council_agenda(award_round, unit))
    votes = passed_votes(award_round, unit, [n.pk for n in rows])
    return [n for n in rows if votes.get(n.pk) and votes[n.pk].passed], votes


def report_problems(nomination: Nomination) -> list[str]:
    template = nomination.report_template
    if template is None:
        return []
    return [
        _("Báo cáo thành tích còn thiếu: %(f)s.") % {"f": f["label"]}
        for f in template.fields
        if f.get("required") and not str(nomination.report.get(f["key"], "")).strip()
    ]


def checklist(submission: Submission) -> list[dict]:
    """The dossier items the round asks for, each ✓/✗ with what is missing. A fixed number of queries."""
    nominations = list(
        Nomination.objects.filter(items__submission=submission)
        .exclude(state__in=[State.REJECTED, State.WITHDRAWN])
        .select_related("report_template")
        .annotate(evidence_count=Count("evidence", distinct=True))
        .order_by("pk")
    )
    votes = passed_votes(submission.round, submission.from_unit, [n.pk for n in nominations])
    own = [n for n in nominations if n.unit_id == submission.from_unit_id]
    result = []
    for code in submission.round.dossier_items or list(AwardRound.Item.values):
        missing: list[str] = []
        if code == AwardRound.Item.LETTER:
            for value, label in (
                (submission.number, _("số tờ trình")),
                (submission.signed_on, _("ngày tờ trình")),
                (submission.signer_name, _("người ký")),
            ):
                if not value:
                    missing.append(label)
        elif code == AwardRound.Item.MINUTES:
            missing = [n.nominee_name for n in nominations if not (votes.get(n.pk) and votes[n.pk].passed)]
        elif code == AwardRound.Item.LIST:
            missing = [n.nominee_name for n in nominations if not n.summary.strip()]
            if not nominations:
                missing.append(_("chưa có đề nghị nào trong hồ sơ"))
        elif code == AwardRound.Item.REPORTS:
            missing = [n.nominee_name for n in own if report_problems(n) or not n.report_confirmed_at]
        elif code == AwardRound.Item.EVIDENCE:
            missing = [n.nominee_name for n in own if n.evidence_count == 0]
        result.append({"code": code, "label": str(AwardRound.Item(code).label), "ok": not missing, "missing": missing})
    return result


def obligation_of(submission: Submission) -> Obligation | None:
    if submission.round.deadline_id is None:
        return None
    return (
        Obligation.objects.filter(
            deadline_id=submission.round.deadline_id, unit=submission.from_unit, period=submission.round.period
        )
        .select_related("deadline")
        .first()
    )


def submission_locked(submission: Submission, now: dt.datetime | None = None) -> Obligation | None:
    """The obligation that locks this dossier (past a deadline that locks, not reopened), else None."""
    now = now or timezone.now()
    ob = obligation_of(submission)
    if ob is None or not ob.deadline.locks or ob.status in (Obligation.Status.SUBMITTED, Obligation.Status.LATE):
        return None
    if now < ob.due_at or (ob.reopened_until and now < ob.reopened_until):
        return None
    return ob


def decision_candidates(award_round: AwardRound, unit: Unit, award_form: AwardForm):
    """Nominations a unit may put in a decision for an award form: approved at its level, or its own passed
    by its council when it grants the award itself."""
    approved = Nomination.objects.filter(round=award_round, award_form=award_form, level=unit, state=State.APPROVED)
    own = list(
        Nomination.objects.filter(
            round=award_round, award_form=award_form, unit=unit, level=unit, state__in=Nomination.EDITABLE
        )
    )
    votes = passed_votes(award_round, unit, [n.pk for n in own])
    return list(approved) + [n for n in own if votes.get(n.pk) and votes[n.pk].passed]

"""Reads on quotas: which quotas an approval counts against, and how much of each is used."""

from __future__ import annotations

from django.db.models import Q

from units.models import BlockMembership, Unit

from ..models import Nomination, NominationApproval, Quota, Submission

State = Nomination.State


def block_of(unit: Unit | None, organiser: Unit, school_year: str):
    """The emulation block `unit` belongs to under `organiser` in the school year (None outside any)."""
    if unit is None:
        return None
    membership = (
        BlockMembership.objects.filter(unit=unit, organiser=organiser, school_year=school_year)
        .select_related("block")
        .first()
    )
    return membership.block if membership else None


def approval_quotas(nomination: Nomination, level: Unit) -> list[tuple[Quota, object]]:
    """The quotas an approval at `level` counts against, each with the block it is counted in (or None)."""
    rows = Quota.objects.filter(round_id=nomination.round_id, award_form_id=nomination.award_form_id).filter(
        Q(scope=Quota.Scope.COUNCIL, unit=level)
        | Q(scope=Quota.Scope.UNIT, unit=level)
        | Q(scope=Quota.Scope.BLOCK, unit=level)
    )
    result = []
    for quota in rows.order_by("pk"):
        if quota.scope == Quota.Scope.UNIT and nomination.award_form.authority_unit_id == level.pk:
            continue  # the level decides itself: its forwarding quota does not apply
        if quota.scope == Quota.Scope.BLOCK:
            block = block_of(nomination.via, level, nomination.round.school_year)
            if block is None or (quota.block_id and quota.block_id != block.pk):
                continue
            result.append((quota, block))
        else:
            result.append((quota, None))
    return result


def quota_used(quota: Quota, subject: str, block=None) -> int | None:
    """Approvals counted against a COUNCIL, UNIT or BLOCK quota at its level (None for DIVISION: counted per
    division at submission)."""
    if quota.scope == Quota.Scope.DIVISION:
        return None
    rows = NominationApproval.objects.filter(
        round_id=quota.round_id, award_form_id=quota.award_form_id, level_id=quota.unit_id, subject=subject, active=True
    )
    if quota.scope == Quota.Scope.BLOCK:
        if block is None and quota.block_id is None:
            return None
        rows = rows.filter(block=block or quota.block)
    used = rows.count()
    if quota.scope == Quota.Scope.UNIT:
        # The level's own nominations passed by its council go up in the same dossier.
        used += own_forwarded(quota.round_id, quota.award_form_id, quota.unit_id, subject)
    return used


def forwarded_by(round_id: int, unit_id: int, form_id: int, subject: str):
    """Nominations a unit has sent up in the round for one award form and subject, still in play."""
    return (
        Nomination.objects.filter(
            round_id=round_id,
            award_form_id=form_id,
            subject=subject,
            submissions__from_unit_id=unit_id,
            submissions__state__in=Submission.SENT,
        )
        .exclude(state__in=[State.REJECTED, State.WITHDRAWN])
        .distinct()
    )


def own_forwarded(round_id: int, form_id: int, unit_id: int, subject: str) -> int:
    return forwarded_by(round_id, unit_id, form_id, subject).filter(unit_id=unit_id).count()

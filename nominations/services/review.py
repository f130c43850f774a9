"""The receiving level's review: approving within its quotas, taking an approval back, returning or
rejecting a nomination, returning a whole dossier, and settling a dossier once all of it is handled."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import services as campaign_services
from campaigns.models import Obligation
from units import notify
from units.models import Message, Role, nfc
from units.selectors import users_with_roles
from units.transitions import check, transition, transition_many

from .. import eligibility
from ..models import Nomination, NominationApproval, NominationEvent, Quota, Submission, SubmissionItem
from ..selectors import approval_quotas, block_of, obligation_of, quota_used
from ..transitions import NOMINATION, SUBMISSION
from .common import State, history, locked_nomination, stale
from .rounds import full_message, notify_full

SubState = Submission.State


def _room_for(n: Nomination, level):
    """Locks the quotas an approval at `level` counts against and refuses when one is full; returns them
    (with their blocks, locked rows by pk) and the block the approval is counted in."""
    quotas = approval_quotas(n, level)
    locked = {
        q.pk: q for q in Quota.objects.select_for_update().filter(pk__in=[q.pk for q, _b in quotas]).order_by("pk")
    }
    block_for_row = None
    for quota, block in quotas:
        quota = locked[quota.pk]
        used = quota_used(quota, n.subject, block) or 0
        if used + 1 > quota.limit(n.subject):
            raise ValidationError(full_message(quota, n.subject, used, block))
        if block is not None:
            block_for_row = block
    if block_for_row is None:
        block_for_row = block_of(n.via, level, n.round.school_year)
    return quotas, locked, block_for_row


def nomination_approve(
    nomination: Nomination, *, actor, override: str = "", now: dt.datetime | None = None
) -> Nomination:
    """The receiving level approves a nomination sent to it: failing eligibility checks need a written
    override; every quota of the level (its council's, what it may forward, the sender's block) must have
    room, counted under row locks."""
    now = now or timezone.now()
    with transaction.atomic():
        n = locked_nomination(nomination)
        check(
            NOMINATION,
            n,
            State.APPROVED,
            refusal=_("%(name)s đang ở trạng thái “%(s)s”: không duyệt được.")
            % {"name": n.nominee_name, "s": n.get_state_display()},
        )
        eligibility.refresh(n)
        if n.checks_failed and not override.strip():
            raise ValidationError(
                _("%(name)s chưa đạt %(k)s điều kiện kiểm tra tự động: cần ghi lý do chấp nhận để duyệt.")
                % {"name": n.nominee_name, "k": n.checks_failed}
            )
        level = n.level
        quotas, locked, block_for_row = _room_for(n, level)
        NominationApproval.objects.create(
            nomination=n,
            level=level,
            round_id=n.round_id,
            award_form_id=n.award_form_id,
            subject=n.subject,
            block=block_for_row,
            approved_by=actor,
            at=now,
            override_reason=nfc(override),
        )
        transition(
            NOMINATION,
            n,
            State.APPROVED,
            history=history(NominationEvent.Action.APPROVED, level, actor, now, override),
            override_reason=nfc(override) or n.override_reason,
            reason="",
        )
        _settle(n.submissions.values_list("pk", flat=True), now)
        full = [
            (q, b) for q, b in quotas if (quota_used(locked[q.pk], n.subject, b) or 0) >= locked[q.pk].limit(n.subject)
        ]
    for quota, block in full:
        notify_full(quota, n.subject, block, now)
    return n


def nomination_unapprove(nomination: Nomination, *, actor, reason: str, now: dt.datetime | None = None) -> Nomination:
    """The level takes back its approval while the nomination is still with it (frees the quota slot); the
    dossier it came in waits for review again."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do bỏ duyệt."))
    refusal = _("Chỉ bỏ duyệt đề nghị đã duyệt và chưa trình lên cấp trên.")
    with transaction.atomic():
        n = locked_nomination(nomination)
        if n.via_id is None:
            raise ValidationError(refusal)
        check(NOMINATION, n, State.SUBMITTED, refusal=refusal)
        NominationApproval.objects.filter(nomination=n, level=n.level, active=True).update(active=False)
        transition(
            NOMINATION,
            n,
            State.SUBMITTED,
            refusal=refusal,
            history=history(
                NominationEvent.Action.SUBMITTED, n.level, actor, now, _("Bỏ duyệt: %(r)s") % {"r": reason}
            ),
        )
        reopened = Submission.objects.filter(items__nomination=n, to_unit=n.level, state=SubState.ACCEPTED)
        transition_many(SUBMISSION, reopened, SubState.SUBMITTED, note=reason)
    return n


def nomination_return(nomination: Nomination, *, actor, reason: str, now: dt.datetime | None = None) -> Nomination:
    """Sends one nomination back to the unit that submitted it, with the reason (kept in its history)."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do trả lại để đơn vị biết phải sửa gì."))
    refusal = _("Chỉ trả lại đề nghị đang chờ thẩm định.")
    with transaction.atomic():
        n = locked_nomination(nomination)
        check(NOMINATION, n, State.RETURNED, refusal=refusal)
        level = n.level
        SubmissionItem.objects.filter(nomination=n, submission__to_unit=level).update(return_reason=nfc(reason))
        transition(
            NOMINATION,
            n,
            State.RETURNED,
            refusal=refusal,
            history=history(NominationEvent.Action.RETURNED, level, actor, now, reason),
            level=n.via,
            reason=nfc(reason),
        )
        _settle(n.submissions.values_list("pk", flat=True), now)
    return n


def nomination_reject(nomination: Nomination, *, actor, reason: str, now: dt.datetime | None = None) -> Nomination:
    """Not proposed further, with the reason; final for this round."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do không đề nghị."))
    with transaction.atomic():
        n = locked_nomination(nomination)
        transition(
            NOMINATION,
            n,
            State.REJECTED,
            refusal=_("Chỉ quyết định không đề nghị với đề nghị đang chờ thẩm định."),
            history=history(NominationEvent.Action.REJECTED, n.level, actor, now, reason),
            reason=nfc(reason),
        )
        _settle(n.submissions.values_list("pk", flat=True), now)
    return n


def submission_return(submission: Submission, *, actor, reason: str, version, now: dt.datetime | None = None):
    """Returns the whole dossier (e.g. the tờ trình is not signed): every nomination still waiting goes
    back with the reason; approvals already given stay."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do trả lại hồ sơ."))
    refusal = _("Chỉ trả lại hồ sơ đang chờ thẩm định.")
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        stale(submission, version)
        check(SUBMISSION, submission, SubState.RETURNED, refusal=refusal)
        waiting = list(
            Nomination.objects.filter(items__submission=submission, state=State.SUBMITTED, level=submission.to_unit)
        )
        SubmissionItem.objects.filter(submission=submission, nomination__in=waiting).update(return_reason=nfc(reason))
        transition_many(
            NOMINATION,
            waiting,
            State.RETURNED,
            history=history(NominationEvent.Action.RETURNED, submission.to_unit, actor, now, reason),
            note=nfc(reason),
            level=submission.from_unit,
            reason=nfc(reason),
        )
        transition(SUBMISSION, submission, SubState.RETURNED, refusal=refusal, return_reason=nfc(reason))
        _notify_returned(submission, now)
    return submission


def submission_reopen(submission: Submission, *, actor, until: dt.datetime, reason: str) -> Obligation:
    """The receiving level reopens a locked deadline for this one unit (recorded on the campaign)."""
    ob = obligation_of(submission)
    if ob is None:
        raise ValidationError(_("Đợt này không có hạn nộp nào khóa hồ sơ của đơn vị."))
    with transaction.atomic():
        return campaign_services.obligation_reopen(ob, actor=actor, until=until, reason=reason)


def bulk_approve(nominations, *, actor, now: dt.datetime | None = None) -> tuple[list[Nomination], list[str]]:
    """Approves each in its own transaction: what fits is approved, the rest is listed with the reason."""
    done, refused = [], []
    for n in nominations:
        try:
            done.append(nomination_approve(n, actor=actor, now=now))
        except ValidationError as exc:
            refused.extend(exc.messages)
    return done, refused


def _settle(submission_ids, now: dt.datetime) -> None:
    """A dossier waiting for review whose nominations are all handled becomes accepted (or returned if any
    was returned)."""
    waiting = Submission.objects.select_for_update().filter(pk__in=list(submission_ids), state__in=Submission.AWAITING)
    for submission in waiting:
        rows = list(submission.items.values_list("nomination__state", "nomination__level_id"))
        if any(s == State.SUBMITTED and level == submission.to_unit_id for s, level in rows):
            continue
        returned = any(s == State.RETURNED and level == submission.from_unit_id for s, level in rows)
        new = SubState.RETURNED if returned else SubState.ACCEPTED
        transition(SUBMISSION, submission, new)
        if new == SubState.RETURNED:
            _notify_returned(submission, now)


def _notify_returned(submission: Submission, now: dt.datetime) -> None:
    reasons = [
        f"- {i.nomination.nominee_name}: {i.return_reason}"
        for i in submission.items.select_related("nomination").exclude(return_reason="")
    ]
    body = "\n".join(([submission.return_reason] if submission.return_reason else []) + reasons)
    for person in users_with_roles(submission.from_unit_id, [Role.HEAD, Role.SECRETARY]):
        notify.notify(
            recipient=person,
            kind=Message.Kind.EVENT,
            subject=_("%(unit)s trả lại hồ sơ đề nghị khen thưởng") % {"unit": submission.to_unit.name},
            body=_("Cần hoàn thiện rồi gửi lại:\n%(reasons)s") % {"reasons": body},
            key=f"submission:{submission.pk}:returned:{submission.version}:{person.pk}",
            url=reverse("nominations:submission", args=[submission.public_id]),
            unit=submission.from_unit,
            when=now,
        )

"""The dossier (hồ sơ, model `Submission`) a unit sends to its parent: starting it with what its council
passed, editing the tờ trình, and sending it (checklist, deadline, quotas), which moves its nominations up."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import services as campaign_services
from campaigns.models import Obligation
from units import notify
from units.models import Message, Role, Unit, UnitKind, nfc
from units.selectors import users_with_roles
from units.transitions import transition, transition_many, update_audited
from units.uploads import check_upload

from ..models import AwardRound, Nomination, NominationEvent, Quota, Subject, Submission, SubmissionItem
from ..selectors import checklist, forwarded_by, obligation_of, submission_candidates, submission_locked
from ..signature_rules import dossier_signature_enforce
from ..transitions import NOMINATION, SUBMISSION
from .common import State, history, stale, subject_label

SubState = Submission.State


def submission_create(award_round: AwardRound, unit: Unit, *, actor) -> Submission:
    """Starts the unit's dossier to its parent, with every candidate passed by its council."""
    if unit.parent_id is None or unit.kind.category == UnitKind.Category.TEAM:
        raise ValidationError(_("Đơn vị này không trình hồ sơ lên cấp trên trên cổng."))
    existing = Submission.objects.filter(round=award_round, from_unit=unit, state=SubState.DRAFT).first()
    if existing:
        return existing
    candidates, votes = submission_candidates(award_round, unit)
    taken = set(
        SubmissionItem.objects.filter(
            submission__round=award_round, submission__from_unit=unit, nomination__in=candidates
        ).values_list("nomination_id", flat=True)
    )
    with transaction.atomic():
        submission = Submission.objects.create(
            round=award_round,
            from_unit=unit,
            to_unit=unit.parent,
            excerpt=_("V/v đề nghị khen thưởng %(round)s") % {"round": award_round.name[:200]},
            created_by=actor,
        )
        SubmissionItem.objects.bulk_create(
            [
                SubmissionItem(submission=submission, nomination=n, rank=votes[n.pk].rank or 0)
                for n in candidates
                if n.pk not in taken
            ]
        )
    return submission


def submission_update(submission: Submission, *, actor, version, chosen_ids=None, **fields) -> Submission:
    """Edits the tờ trình (number, date, signer, excerpt) and which candidates go in the dossier."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        stale(submission, version)
        if submission.state not in (SubState.DRAFT, SubState.RETURNED):
            raise ValidationError(_("Hồ sơ đã gửi: không sửa được."))
        attachment = fields.pop("attachment", None)
        if attachment is not None:
            problem, _checked = check_upload(attachment, accept=("pdf",))
            if problem:
                raise ValidationError(problem)
            submission.attachment.save(f"to-trinh-{submission.public_id}.pdf", attachment, save=False)
            fields["attachment"] = submission.attachment.name
        if chosen_ids is not None and submission.state == SubState.DRAFT:
            candidates, votes = submission_candidates(submission.round, submission.from_unit)
            allowed = {n.pk: n for n in candidates}
            chosen = [int(i) for i in chosen_ids if int(i) in allowed]
            submission.items.exclude(nomination_id__in=chosen).delete()
            have = set(submission.items.values_list("nomination_id", flat=True))
            SubmissionItem.objects.bulk_create(
                [
                    SubmissionItem(submission=submission, nomination_id=i, rank=votes[i].rank or 0)
                    for i in chosen
                    if i not in have
                ]
            )
        update_audited(SUBMISSION, submission, **{k: (nfc(v) if isinstance(v, str) else v) for k, v in fields.items()})
    return submission


def _submission_quotas(submission: Submission) -> list[Quota]:
    unit = submission.from_unit
    q = Q(scope=Quota.Scope.UNIT, unit=unit)
    if unit.kind.category == UnitKind.Category.DIVISION:
        q |= Q(scope=Quota.Scope.DIVISION, unit_id=unit.parent_id)
    return list(
        Quota.objects.select_for_update()
        .filter(q, round=submission.round)
        .select_related("award_form", "unit")
        .order_by("pk")
    )


def _send_target(submission: Submission) -> str:
    return SubState.RESUBMITTED if submission.state == SubState.RETURNED else SubState.SUBMITTED


def _check_sendable(submission: Submission, version, now: dt.datetime) -> None:
    """Refuses a second press of the button, a stale page, a dossier missing an item of the checklist and
    one locked by its deadline."""
    if not SUBMISSION.allows(submission.state, _send_target(submission)):
        raise ValidationError(
            _("Hồ sơ đã được gửi lúc %(at)s; không gửi lại lần nữa.")
            % {"at": timezone.localtime(submission.submitted_at).strftime("%H:%M %d/%m/%Y")}
        )
    stale(submission, version)
    missing = [c for c in checklist(submission) if not c["ok"]]
    if missing:
        raise ValidationError(
            [
                _("Hồ sơ còn thiếu: %(item)s%(detail)s.")
                % {"item": c["label"], "detail": (" — " + ", ".join(c["missing"])) if c["missing"] else ""}
                for c in missing
            ]
        )
    if submission_locked(submission, now):
        ob = obligation_of(submission)
        raise ValidationError(
            _("Đã quá hạn nộp hồ sơ (%(due)s): hồ sơ bị khóa. Đề nghị %(parent)s mở lại nếu cần nộp bổ sung.")
            % {"due": timezone.localtime(ob.due_at).strftime("%H:%M %d/%m/%Y"), "parent": submission.to_unit.name}
        )


def _check_quotas(submission: Submission, moving: list[Nomination]) -> None:
    """What the unit has already sent up plus this dossier stays within each of its quotas."""
    for quota in _submission_quotas(submission):
        for subject in (Subject.COLLECTIVE, Subject.INDIVIDUAL):
            sent = (
                forwarded_by(submission.round_id, submission.from_unit_id, quota.award_form_id, subject)
                .exclude(pk__in=[n.pk for n in moving])
                .count()
            )
            adding = sum(1 for n in moving if n.award_form_id == quota.award_form_id and n.subject == subject)
            if adding and sent + adding > quota.limit(subject):
                raise ValidationError(
                    _(
                        "Vượt hạn mức: %(unit)s được trình tối đa %(limit)s %(s)s cho “%(form)s” "
                        "(đã trình %(sent)s, hồ sơ này thêm %(adding)s). Hãy bỏ bớt đề nghị khỏi hồ sơ."
                    )
                    % {
                        "unit": submission.from_unit.name,
                        "limit": quota.limit(subject),
                        "s": subject_label(subject),
                        "form": quota.award_form.name,
                        "sent": sent,
                        "adding": adding,
                    }
                )


def _move_up(submission: Submission, moving: list[Nomination], actor, now: dt.datetime) -> None:
    """The dossier's nominations go to the parent level; the dossiers that brought them here from below
    have now been forwarded."""
    transition_many(
        NOMINATION,
        moving,
        State.SUBMITTED,
        history=history(NominationEvent.Action.SUBMITTED, submission.to_unit, actor, now),
        level=submission.to_unit,
        via=submission.from_unit,
        reason="",
    )
    SubmissionItem.objects.filter(submission=submission).update(return_reason="")
    below = Submission.objects.filter(
        round=submission.round, to_unit=submission.from_unit, state=SubState.ACCEPTED, items__nomination__in=moving
    ).distinct()
    transition_many(SUBMISSION, below, SubState.FORWARDED)


def submission_submit(
    submission: Submission, *, actor, version, now: dt.datetime | None = None, confirm_signer: bool = False
) -> Submission:
    """The head signs and sends the dossier: every item on the checklist present, within the deadline
    (or reopened), within the unit's quotas, signed digitally where the round requires it; a second press of
    the button is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update().select_related("round", "from_unit__kind").get(pk=submission.pk)
        )
        _check_sendable(submission, version, now)
        dossier_signature_enforce(submission, confirmed=confirm_signer)  # the round's "phải ký số" rule
        target = _send_target(submission)
        moving = [
            i.nomination
            for i in submission.items.select_related("nomination")
            if i.nomination.state in Nomination.EDITABLE
            or (i.nomination.state == State.APPROVED and i.nomination.level_id == submission.from_unit_id)
        ]
        if not moving:
            raise ValidationError(_("Không có đề nghị nào cần gửi."))
        _check_quotas(submission, moving)
        late = False
        ob = obligation_of(submission)
        if ob is not None:
            met = campaign_services.obligation_submit(
                ob, actor=actor, now=now, link=reverse("nominations:submission", args=[submission.public_id])
            )
            late = met.status == Obligation.Status.LATE
        _move_up(submission, moving, actor, now)
        transition(
            SUBMISSION,
            submission,
            target,
            submitted_at=now,
            submitted_late=late or submission.submitted_late,
            signed_by=actor,
            return_reason="",
        )
    _notify_sent(submission, len(moving), now)
    return submission


def _notify_sent(submission: Submission, count: int, now: dt.datetime) -> None:
    for reviewer in users_with_roles(submission.to_unit_id, [Role.REVIEWER, Role.HEAD, Role.OFFICER]):
        notify.notify(
            recipient=reviewer,
            kind=Message.Kind.EVENT,
            subject=_("%(unit)s đã gửi hồ sơ đề nghị khen thưởng") % {"unit": submission.from_unit.name},
            body=_("%(n)s đề nghị trong %(round)s. Hãy thẩm định: duyệt, trả lại hoặc không đề nghị.")
            % {"n": count, "round": submission.round.name},
            key=f"submission:{submission.pk}:sent:{submission.version}:{reviewer.pk}",
            url=reverse("nominations:submission", args=[submission.public_id]),
            unit=submission.from_unit,
            when=now,
        )

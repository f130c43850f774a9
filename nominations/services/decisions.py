"""Decisions (quyết định khen thưởng): recording one, posting it for objections, answering objections and
finalising it, which issues certificates, writes the award ledger and closes the nominations."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from units import audit, notify
from units.models import Message, Role, Unit, nfc
from units.selectors import users_with_roles
from units.transitions import check, transition, transition_many

from ..models import (
    AwardForm,
    AwardRecord,
    AwardRound,
    Certificate,
    Decision,
    Nomination,
    NominationEvent,
    Objection,
    Submission,
)
from ..selectors import decision_candidates
from ..transitions import DECISION, NOMINATION, SUBMISSION
from .common import State, history, stale

SubState = Submission.State


def decision_create(
    award_round: AwardRound,
    unit: Unit,
    *,
    actor,
    award_form: AwardForm,
    number: str,
    signed_on: dt.date | None,
    signer_name: str = "",
    signer_position: str = "",
    nomination_ids,
) -> Decision:
    """Records a quyết định: by this unit when it grants the award, or received from an outside authority.
    An award granted by a higher unit of the portal is forwarded there instead."""
    if award_form.authority_unit_id and award_form.authority_unit_id != unit.pk:
        raise ValidationError(
            _("“%(form)s” do %(auth)s quyết định: hãy trình hồ sơ lên cấp trên.")
            % {"form": award_form.name, "auth": award_form.authority_unit.name}
        )
    if not number.strip() or signed_on is None:
        raise ValidationError(_("Cần nhập số và ngày ký quyết định."))
    allowed = {n.pk: n for n in decision_candidates(award_round, unit, award_form)}
    chosen = [allowed[int(i)] for i in nomination_ids if int(i) in allowed]
    if not chosen:
        raise ValidationError(_("Hãy chọn ít nhất một tập thể hoặc cá nhân được khen thưởng."))
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                round=award_round,
                unit=unit,
                award_form=award_form,
                number=nfc(number),
                signed_on=signed_on,
                authority_name=award_form.authority_name,
                signer_name=signer_name,
                signer_position=signer_position,
                created_by=actor,
            )
            decision.nominations.set(chosen)
            audit.record(
                "decision.created",
                decision,
                unit=unit,
                actor=actor,
                after={"number": decision.number, "signed_on": audit.plain(signed_on), "awardees": len(chosen)},
            )
    except IntegrityError:
        raise ValidationError(_("Số quyết định %(no)s đã được dùng.") % {"no": number}) from None
    return decision


def decision_post(decision: Decision, *, actor, version, now: dt.datetime | None = None) -> Decision:
    """Posts the result publicly for the round's objection window."""
    now = now or timezone.now()
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("round").get(pk=decision.pk)
        stale(decision, version)
        transition(
            DECISION,
            decision,
            Decision.State.POSTED,
            refusal=_("Quyết định đã được công khai."),
            posted_at=now,
            objection_until=now + dt.timedelta(days=decision.round.objection_days),
        )
    return decision


def objection_create(decision: Decision, *, name: str, contact: str, text: str, nomination_id=None) -> Objection:
    now = timezone.now()
    if decision.state != Decision.State.POSTED or now >= decision.objection_until:
        raise ValidationError(_("Đã hết thời gian nhận ý kiến về kết quả này."))
    if not (name.strip() and contact.strip() and text.strip()):
        raise ValidationError(_("Cần nhập họ tên, cách liên hệ và nội dung ý kiến."))
    if len(text) > 5000:
        raise ValidationError(_("Nội dung tối đa 5.000 ký tự."))
    nomination = decision.nominations.filter(pk=nomination_id).first() if nomination_id else None
    return Objection.objects.create(
        decision=decision, nomination=nomination, name=name[:120], contact=contact[:120], text=text
    )


def objection_resolve(objection: Objection, *, actor, resolution: str) -> Objection:
    if not resolution.strip():
        raise ValidationError(_("Cần ghi kết quả xử lý ý kiến."))
    objection.resolution, objection.resolved_at, objection.resolved_by = nfc(resolution), timezone.now(), actor
    objection.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    return objection


def _check_final(decision: Decision, now: dt.datetime) -> None:
    check(DECISION, decision, Decision.State.FINAL, refusal=_("Chỉ hoàn tất quyết định đang công khai."))
    if now < decision.objection_until:
        raise ValidationError(
            _("Đang trong thời gian công khai lấy ý kiến đến %(t)s.")
            % {"t": timezone.localtime(decision.objection_until).strftime("%H:%M %d/%m/%Y")}
        )
    open_objections = decision.objections.filter(resolved_at__isnull=True).count()
    if open_objections:
        raise ValidationError(
            _("Còn %(n)s ý kiến chưa xử lý: hãy ghi kết quả xử lý trước khi hoàn tất.") % {"n": open_objections}
        )


def _issue_awards(decision: Decision, nominations: list[Nomination], now: dt.datetime) -> None:
    """A certificate with a verification code and a line in the award ledger for each awardee."""
    prefix = decision.number.split("/")[0]
    for i, n in enumerate(nominations, start=1):
        Certificate.objects.create(decision=decision, nomination=n, number=f"{prefix}-{i:03d}", issued_at=now)
        AwardRecord.objects.create(
            person=n.nominee_person,
            unit=n.nominee_unit,
            award_form=decision.award_form,
            award_name=decision.award_form.name,
            decision_number=decision.number,
            decision_date=decision.signed_on,
            authority_name=decision.authority_name,
            school_year=decision.round.school_year,
            nomination=n,
        )


def decision_finalise(decision: Decision, *, actor, version, now: dt.datetime | None = None) -> Decision:
    """After the objection window, with every objection answered: the decision takes effect, each awardee
    gets a certificate with a verification code, and the award ledger records it; the nominations are
    awarded and the dossiers that carried them decided."""
    now = now or timezone.now()
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("round", "award_form").get(pk=decision.pk)
        stale(decision, version)
        _check_final(decision, now)
        nominations = list(
            decision.nominations.select_related("nominee_person", "nominee_unit").order_by("subject", "pk")
        )
        _issue_awards(decision, nominations, now)
        transition_many(
            NOMINATION,
            nominations,
            State.AWARDED,
            history=history(NominationEvent.Action.AWARDED, decision.unit, actor, now, decision.number),
            note=decision.number,
        )
        decided = Submission.objects.filter(items__nomination__in=nominations).exclude(
            state__in=[SubState.DRAFT, SubState.DECIDED]
        )
        transition_many(SUBMISSION, decided.distinct(), SubState.DECIDED, note=decision.number)
        transition(DECISION, decision, Decision.State.FINAL, finalised_at=now)
    _notify_awarded(decision, nominations, now)
    return decision


def _notify_awarded(decision: Decision, nominations: list[Nomination], now: dt.datetime) -> None:
    for n in nominations:
        recipients = users_with_roles(n.unit_id, [Role.HEAD])
        if n.nominee_person and n.nominee_person.user_id:
            recipients.append(n.nominee_person.user)
        for person in {r.pk: r for r in recipients}.values():
            notify.notify(
                recipient=person,
                kind=Message.Kind.EVENT,
                subject=_("%(name)s được tặng %(form)s") % {"name": n.nominee_name, "form": decision.award_form.name},
                body=_("Quyết định số %(no)s ngày %(d)s của %(auth)s.")
                % {
                    "no": decision.number,
                    "d": decision.signed_on.strftime("%d/%m/%Y"),
                    "auth": decision.authority_name,
                },
                key=f"decision:{decision.pk}:awarded:{n.pk}:{person.pk}",
                url=reverse("nominations:public", args=[decision.public_id]),
                unit=n.unit,
                when=now,
            )

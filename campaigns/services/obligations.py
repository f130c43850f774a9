"""Obligations (what each participant owes by a deadline): meeting one, reopening or excusing it, and the
changes to deadlines and target values after publication, each recorded with its reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import deadlines as dl
from .. import reminders
from ..models import (
    CampaignChange,
    Deadline,
    Obligation,
    TargetValue,
)
from .common import record_plan_change


@transaction.atomic
def obligation_submit(
    obligation: Obligation, *, actor=None, now: dt.datetime | None = None, link: str = ""
) -> Obligation:
    """Marks an obligation met: on time until its due moment (or the reopened moment), late after. A
    deadline that locks refuses late work unless the reviewer reopened it."""
    ob = Obligation.objects.select_for_update().select_related("deadline").get(pk=obligation.pk)
    if ob.status in (Obligation.Status.SUBMITTED, Obligation.Status.LATE):
        return ob  # idempotent
    now = now or timezone.now()
    late = now >= ob.due_at
    if late and ob.deadline.locks and not (ob.reopened_until and now < ob.reopened_until):
        raise ValidationError(
            _("Đã quá hạn %(due)s: hồ sơ bị khóa. Đề nghị cấp trên mở lại nếu cần nộp bổ sung.")
            % {"due": dl.last_day_to_submit(timezone.localdate(ob.due_at), True).strftime("%d/%m/%Y")}
        )
    ob.status = (
        Obligation.Status.LATE
        if late and not (ob.reopened_until and now < ob.reopened_until)
        else Obligation.Status.SUBMITTED
    )
    ob.submitted_at = now
    ob.submitted_by = actor
    if link:
        ob.link = link
    ob.save(update_fields=["status", "submitted_at", "submitted_by", "link"])
    return ob


@transaction.atomic
def obligation_reopen(obligation: Obligation, *, actor, until: dt.datetime, reason: str) -> Obligation:
    """A reviewer reopens one unit's locked work until a moment, with a recorded reason."""
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do mở lại."))
    if until <= timezone.now():
        raise ValidationError(_("Thời hạn mở lại phải ở tương lai."))
    ob = Obligation.objects.select_for_update().select_related("deadline").get(pk=obligation.pk)
    ob.reopened_until = until
    if ob.status == Obligation.Status.LATE:
        ob.status = Obligation.Status.OPEN
    ob.save(update_fields=["reopened_until", "status"])
    record_plan_change(
        campaign_id=ob.deadline.campaign_id,
        what=CampaignChange.What.REOPEN,
        object_label=ob.deadline.title,
        after=timezone.localtime(until).strftime("%H:%M %d/%m/%Y"),
        reason=reason,
        unit=ob.unit,
        actor=actor,
    )
    return ob


@transaction.atomic
def obligation_excuse(obligation: Obligation, *, actor, reason: str) -> Obligation:
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do miễn nộp."))
    ob = Obligation.objects.select_for_update().get(pk=obligation.pk)
    ob.status = Obligation.Status.EXCUSED
    ob.note = reason
    ob.save(update_fields=["status", "note"])
    return ob


# --- Changes after publication ----------------------------------------------------------------------


@transaction.atomic
def deadline_change(
    deadline: Deadline,
    *,
    actor,
    reason: str,
    due_date: dt.date | None = None,
    day: int | None = None,
    month: int | None = None,
) -> Deadline:
    """Moves a published deadline. The reason is recorded, open obligations get the new due moment and
    the affected units are told (CampaignChange rows feed the notification outbox)."""
    if not reason.strip():
        raise ValidationError(_("Kế hoạch đã ban hành: cần ghi lý do thay đổi hạn nộp."))
    d = Deadline.objects.select_for_update().select_related("campaign").get(pk=deadline.pk)
    before = d.wording
    if d.recurrence == Deadline.Recurrence.ONCE:
        if due_date is None:
            raise ValidationError(_("Cần nhập ngày mới."))
        d.due_date = due_date
    else:
        if not (day and month):
            raise ValidationError(_("Cần nhập ngày và tháng mới."))
        d.day, d.month = day, month
    d.full_clean()
    d.save()
    campaign = d.campaign
    for period, day_ in dl.occurrences(d, campaign.start_date, campaign.end_date):
        Obligation.objects.filter(deadline=d, period=period, status=Obligation.Status.OPEN).update(
            due_at=dl.due_moment(day_, d.before)
        )
    change = record_plan_change(
        campaign=campaign,
        what=CampaignChange.What.DEADLINE,
        object_label=d.title,
        before=before,
        after=d.wording,
        reason=reason,
        actor=actor,
    )
    reminders.notify_deadline_changed(change, d)
    return d


@transaction.atomic
def target_value_change(target_value: TargetValue, *, actor, reason: str, value) -> TargetValue:
    if not reason.strip():
        raise ValidationError(_("Kế hoạch đã ban hành: cần ghi lý do thay đổi chỉ tiêu."))
    tv = TargetValue.objects.select_for_update().select_related("target", "target__campaign").get(pk=target_value.pk)
    before = str(tv.value)
    tv.value = Decimal(value)
    tv.full_clean()
    tv.save()
    record_plan_change(
        campaign=tv.target.campaign,
        what=CampaignChange.What.TARGET,
        object_label=f"{tv.target.name} ({tv.period})",
        before=before,
        after=str(tv.value),
        reason=reason,
        actor=actor,
    )
    return tv

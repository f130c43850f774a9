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
    """Marks an obligation met: on time before its due moment, late after it, even when the reviewer
    reopened it (the reopening only lets late work in); excused stays excused (Obligation.status_at). A
    deadline that locks refuses late work unless the reviewer reopened it."""
    ob = Obligation.objects.select_for_update().select_related("deadline").get(pk=obligation.pk)
    if ob.status in (Obligation.Status.SUBMITTED, Obligation.Status.LATE):
        return ob  # idempotent
    now = now or timezone.now()
    late = now >= ob.due_at
    if late and ob.deadline.locks and not ob.is_reopened(now):
        raise ValidationError(
            _("Đã quá hạn %(due)s: hồ sơ bị khóa. Đề nghị cấp trên mở lại nếu cần nộp bổ sung.")
            % {"due": dl.last_day_to_submit(timezone.localdate(ob.due_at), True).strftime("%d/%m/%Y")}
        )
    ob.status = Obligation.status_at(now, ob.due_at, ob.status)
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
    before = obligation_state_wording(ob, timezone.now())
    ob.reopened_until = until
    if ob.status == Obligation.Status.LATE:
        ob.status = Obligation.Status.OPEN
    ob.save(update_fields=["reopened_until", "status"])
    record_plan_change(
        campaign_id=ob.deadline.campaign_id,
        what=CampaignChange.What.REOPEN,
        object_label=ob.deadline.title,
        before=before,
        after=_("Mở lại đến %(until)s") % {"until": timezone.localtime(until).strftime("%H:%M %d/%m/%Y")},
        reason=reason,
        unit=ob.unit,
        actor=actor,
    )
    return ob


@transaction.atomic
def obligation_excuse(obligation: Obligation, *, actor, reason: str) -> Obligation:
    """The parent excuses one unit from a deadline with a recorded reason: "Được miễn" is its own status (not
    on time, not late), kept if the unit sends the work anyway; the change log keeps before and after."""
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do miễn nộp."))
    ob = Obligation.objects.select_for_update().select_related("deadline").get(pk=obligation.pk)
    before = obligation_state_wording(ob, timezone.now())
    ob.status = Obligation.Status.EXCUSED
    ob.note = reason
    ob.save(update_fields=["status", "note"])
    record_plan_change(
        campaign_id=ob.deadline.campaign_id,
        what=CampaignChange.What.STATUS,
        object_label=ob.deadline.title,
        before=before,
        after=str(Obligation.Status.EXCUSED.label),
        reason=reason,
        unit=ob.unit,
        actor=actor,
    )
    return ob


def obligation_state_wording(ob: Obligation, now: dt.datetime) -> str:
    """One unit's standing on one deadline in words, as its row and the change log say it."""
    if ob.status == Obligation.Status.EXCUSED:
        return str(Obligation.Status.EXCUSED.label)
    if ob.status in (Obligation.Status.SUBMITTED, Obligation.Status.LATE):
        day = timezone.localtime(ob.submitted_at).strftime("%d/%m/%Y") if ob.submitted_at else ""
        if ob.status == Obligation.Status.LATE:
            return _("Nộp muộn %(n)s ngày (%(day)s)") % {"n": ob.days_late(now), "day": day}
        return _("Đã nộp đúng hạn (%(day)s)") % {"day": day}
    if ob.is_reopened(now):
        return _("Mở lại đến %(until)s") % {"until": timezone.localtime(ob.reopened_until).strftime("%H:%M %d/%m/%Y")}
    if now >= ob.due_at:
        return _("Quá hạn %(n)s ngày, chưa nộp (hạn %(due)s)") % {"n": ob.days_late(now), "due": ob.due_wording}
    return _("Chưa nộp (hạn %(due)s)") % {"due": ob.due_wording}


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

"""Reminder schedule and sweep for obligations.

Schedule (per deadline, configurable by the issuer): reminders N days before the last day to submit
(default 7, 3, 1), on the last day itself, then overdue on the first late day and weekly after — each at
08:00 Asia/Ho_Chi_Minh. The last day comes from campaigns.deadlines (the one rule).

Exactly once: every message has a key (obligation, its due date, step, recipient); the sweep only ever
inserts with that key, so a second sweep, a concurrent one, or a retried task creates nothing. A deadline
moved after reminders went out has a new due date in the key, so the new schedule is reminded afresh.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from units.models import Membership, Message, Role, Unit
from units.notify import messages_enqueue

from .deadlines import LOCAL_TZ
from .models import Deadline, Obligation

REMINDER_TIME = dt.time(8, 0)
DEFAULT_BEFORE = (7, 3, 1)
LOOKBACK = dt.timedelta(days=3)  # a step older than this when first seen is skipped, not sent late
RECIPIENT_ROLES = (Role.HEAD, Role.OFFICER)
ESCALATION_ROLES = (Role.REVIEWER, Role.OFFICER)


@dataclass(frozen=True)
class Step:
    name: str  # "before-7", "day", "overdue-1", "overdue-8", ...
    at: dt.datetime
    kind: str


def last_day(due_at: dt.datetime) -> dt.date:
    """The last calendar day on which the work is on time (due_at is the first late instant)."""
    return (due_at - dt.timedelta(microseconds=1)).astimezone(LOCAL_TZ).date()


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, REMINDER_TIME, tzinfo=LOCAL_TZ)


def schedule(
    due_at: dt.datetime, *, before=DEFAULT_BEFORE, on_day=True, overdue=True, until: dt.datetime
) -> list[Step]:
    """Every step of one obligation up to `until`, in time order."""
    final = last_day(due_at)
    steps = [
        Step(f"before-{n}", _at(final - dt.timedelta(days=n)), Message.Kind.REMINDER)
        for n in sorted(set(before), reverse=True)
        if n > 0
    ]
    if on_day:
        steps.append(Step("day", _at(final), Message.Kind.DUE_TODAY))
    if overdue:
        late_day = 1
        while True:
            at = _at(final + dt.timedelta(days=late_day))
            if at > until:
                break
            steps.append(Step(f"overdue-{late_day}", at, Message.Kind.OVERDUE))
            late_day += 7
    return [s for s in steps if s.at <= until]


def current_step(due_at: dt.datetime, now: dt.datetime, **settings) -> Step | None:
    """The latest step that has come by `now` and is recent enough to send."""
    steps = schedule(due_at, until=now, **settings)
    if not steps or steps[-1].at < now - LOOKBACK:
        return None
    return steps[-1]


def _deadline_settings(deadline: dict) -> dict:
    return {
        "before": tuple(deadline["remind_days_before"] or DEFAULT_BEFORE),
        "on_day": deadline["remind_on_day"],
        "overdue": deadline["remind_overdue"],
    }


def reminders_sweep(*, now: dt.datetime | None = None) -> int:
    """Creates the reminder, overdue and "who is blocking" messages due by `now` for open obligations,
    in bulk. Returns how many messages were new. Safe to run any number of times, concurrently."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=max(DEFAULT_BEFORE) + 31)
    rows = list(
        Obligation.objects.filter(
            status=Obligation.Status.OPEN, due_at__lte=horizon, deadline__campaign__status="published"
        ).values(
            "pk",
            "unit_id",
            "period",
            "due_at",
            "reopened_until",
            "deadline_id",
            "deadline__title",
            "deadline__campaign__number",
            "deadline__campaign__public_id",
            "deadline__before",
        )
    )
    deadlines = {
        d["pk"]: d
        for d in Deadline.objects.filter(pk__in={r["deadline_id"] for r in rows}).values(
            "pk", "remind_days_before", "remind_on_day", "remind_overdue"
        )
    }
    due: list[tuple[dict, Step]] = []
    for row in rows:
        due_at = max(row["due_at"], row["reopened_until"]) if row["reopened_until"] else row["due_at"]
        step = current_step(due_at, now, **_deadline_settings(deadlines[row["deadline_id"]]))
        if step is not None:
            due.append((row, step))
    if not due:
        return 0
    recipients = _people(
        Membership.objects.current().filter(revoked_at__isnull=True, role__in=RECIPIENT_ROLES),
        {r["unit_id"] for r, _ in due},
    )
    units = {
        u.pk: u for u in Unit.objects.filter(pk__in={r["unit_id"] for r, _ in due}).only("pk", "name", "parent_id")
    }
    messages = []
    late_by_parent: dict[int, list[tuple[Unit, dict, int]]] = defaultdict(list)
    for row, step in due:
        unit = units[row["unit_id"]]
        final = last_day(row["due_at"])
        subject, body = _texts(step, row, unit, final, now)
        for user_id in recipients.get(unit.pk, ()):
            messages.append(
                Message(
                    key=f"rem:{row['pk']}:{final:%Y%m%d}:{step.name}:{user_id}",
                    recipient_id=user_id,
                    unit_id=unit.pk,
                    kind=step.kind,
                    subject=subject,
                    body=body,
                    url=f"/ke-hoach/{row['deadline__campaign__public_id']}/",
                    object_label=row["deadline__title"][:255],
                    scheduled_at=step.at,
                )
            )
        if step.kind == Message.Kind.OVERDUE and unit.parent_id:
            late_by_parent[unit.parent_id].append((unit, row, (timezone.localdate(now) - final).days))
    messages += _blocking_digests(late_by_parent, now)
    with transaction.atomic():
        return messages_enqueue(messages)


def _people(memberships, unit_ids) -> dict[int, list[int]]:
    people: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id in memberships.filter(unit_id__in=unit_ids).values_list("unit_id", "user_id").distinct():
        people[unit_id].append(user_id)
    return people


def _texts(step: Step, row: dict, unit: Unit, final: dt.date, now: dt.datetime) -> tuple[str, str]:
    what = row["deadline__title"]
    plan = row["deadline__campaign__number"]
    period = f" (kỳ {row['period']})" if row["period"] else ""
    if step.kind == Message.Kind.REMINDER:
        days = (final - timezone.localdate(now)).days
        subject = f"Còn {days} ngày: {what}{period}"
    elif step.kind == Message.Kind.DUE_TODAY:
        subject = f"Hôm nay là hạn cuối: {what}{period}"
    else:
        subject = f"Quá hạn {(timezone.localdate(now) - final).days} ngày: {what}{period}"
    body = f"{unit.name} cần nộp “{what}”{period} theo kế hoạch {plan}, hạn cuối hết ngày {final:%d/%m/%Y}."
    return subject, body


def _blocking_digests(late_by_parent, now: dt.datetime) -> list[Message]:
    """One message a day to each reviewer (or officer) of a parent unit, listing its late children."""
    if not late_by_parent:
        return []
    today = timezone.localdate(now)
    if now < _at(today):
        return []
    reviewers = _people(
        Membership.objects.current().filter(revoked_at__isnull=True, role__in=ESCALATION_ROLES), set(late_by_parent)
    )
    parents = {u.pk: u for u in Unit.objects.filter(pk__in=late_by_parent).only("pk", "name")}
    messages = []
    for parent_id, items in late_by_parent.items():
        items.sort(key=lambda item: -item[2])
        lines = [
            f"- {unit.name}: {row['deadline__title']} ({row['deadline__campaign__number']}), quá hạn {days} ngày"
            for unit, row, days in items
        ]
        for user_id in reviewers.get(parent_id, ()):
            messages.append(
                Message(
                    key=f"blocking:{parent_id}:{user_id}:{today:%Y%m%d}",
                    recipient_id=user_id,
                    unit_id=parent_id,
                    kind=Message.Kind.BLOCKING,
                    subject=f"{len(items)} đơn vị trực thuộc {parents[parent_id].name} đang chậm nộp",
                    body="\n".join(lines[:200]),
                    url="/ke-hoach/",
                    scheduled_at=_at(today),
                )
            )
    return messages


def notify_deadline_changed(change, deadline: Deadline) -> int:
    """Tells the people of every unit that still owes this deadline that its date moved."""
    unit_ids = set(
        Obligation.objects.filter(deadline=deadline, status=Obligation.Status.OPEN).values_list("unit_id", flat=True)
    )
    people = _people(Membership.objects.current().filter(revoked_at__isnull=True, role__in=RECIPIENT_ROLES), unit_ids)
    now = timezone.now()
    messages = [
        Message(
            key=f"dlchange:{change.pk}:{user_id}",
            recipient_id=user_id,
            unit_id=unit_id,
            kind=Message.Kind.DEADLINE_CHANGED,
            subject=f"Thay đổi hạn nộp: {deadline.title}",
            body=f"Hạn mới: {change.after} (trước đây: {change.before}). Lý do: {change.reason}",
            url=f"/ke-hoach/{deadline.campaign.public_id}/?tab=tien-do",
            scheduled_at=now,
        )
        for unit_id, users in people.items()
        for user_id in users
    ]
    return messages_enqueue(messages)

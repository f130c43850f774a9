"""Synthetic plans for the benchmark and drill commands (bench_reminders, drill): never used by requests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from units.models import Membership, Message, Role, Unit, UnitKind, User

from . import services
from .deadlines import LOCAL_TZ
from .models import Campaign

UNUSABLE_PASSWORD = "!"  # noqa: S105 - these accounts never sign in
DEADLINES = ("Kế hoạch hưởng ứng", "Báo cáo chỉ tiêu", "Tự đánh giá")


def heads_for(schools: list[tuple[int, str]], prefix: str) -> list[User]:
    """One head per school (pk, code), with an e-mail address that goes nowhere."""
    users = User.objects.bulk_create(
        [
            User(username=f"{prefix}{code.lower()}", email=f"{code.lower()}@bench.invalid", password=UNUSABLE_PASSWORD)
            for _pk, code in schools
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [Membership(user=u, unit_id=pk, role=Role.HEAD) for u, (pk, _c) in zip(users, schools, strict=True)],
        batch_size=5000,
    )
    return users


def plan_due_tomorrow(*, number: str, title: str) -> tuple[Campaign, dt.datetime]:
    """A draft plan of the root unit over every school with three deadlines whose last day is tomorrow, and
    the moment of today's sweep (08:05 local) at which their T-1 reminders are due."""
    today = timezone.localdate()
    due = today + dt.timedelta(days=2)  # "trước ngày" D+2: the last day is tomorrow
    campaign = services.campaign_create(
        issuer=Unit.objects.filter(depth=1).order_by("path").first(),
        number=number,
        issued_on=today,
        title=title,
        start_date=today,
        end_date=due + dt.timedelta(days=30),
        participant_kinds=list(UnitKind.objects.filter(category="school")),
    )
    for name in DEADLINES:
        services.deadline_save(campaign, title=name, recurrence="once", due_date=due)
    return campaign, dt.datetime.combine(today, dt.time(8, 5), tzinfo=LOCAL_TZ)


def remove(*, number: str, prefix: str) -> None:
    Campaign.objects.filter(number=number).delete()
    Message.objects.filter(recipient__username__startswith=prefix).delete()
    Membership.objects.filter(user__username__startswith=prefix).delete()
    User.objects.filter(username__startswith=prefix).delete()

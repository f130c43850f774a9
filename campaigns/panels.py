"""Home-page panels the campaigns app contributes (listed in settings.DASHBOARD_PANELS): what the user's own
units owe (overdue apart from what is coming), what the units below them owe and who is late, and for an
officer the province's progress per running plan."""

from __future__ import annotations

from django.utils import timezone

from units.selectors import work_roles

from . import selectors


def upcoming_deadlines(request) -> dict | None:
    """What the user's own units still have to submit: overdue first (days late), then what is coming
    (days left). An overdue item is never listed as coming."""
    roles = work_roles(request)
    if roles.is_empty:
        return None
    now = timezone.now()
    work = selectors.own_work(roles.own_units, now=now)
    if not (work["overdue"] or work["upcoming"]) and roles.reviewing_units:
        return None  # a reviewer's work is below: "Hạn sắp tới của đơn vị trực thuộc" says what comes
    return {"template": "campaigns/panel_deadlines.html", **work}


def followed_deadlines(request) -> dict | None:
    """For those who review units below them: the next deadlines with how many units still owe them, and
    the units that are late ("đơn vị đang chậm") with their days late."""
    roles = work_roles(request)
    if not roles.reviewing_units:
        return None
    now = timezone.now()
    return {
        "template": "campaigns/panel_followed.html",
        **selectors.subtree_work(roles.reviewing_units, now=now),
    }


def province_progress(request) -> dict | None:
    """For officers: each running plan issued in their province, its response rate and on-time rate."""
    roles = work_roles(request)
    if not roles.officer_units:
        return None
    return {
        "template": "campaigns/panel_progress.html",
        "plans": selectors.running_plans_progress(roles.officer_units, now=timezone.now()),
    }

"""Home-page panels the campaigns app contributes (listed in settings.DASHBOARD_PANELS)."""

from __future__ import annotations

from django.utils import timezone

from units.selectors import memberships_of

from .selectors import unit_open_obligations


def upcoming_deadlines(request) -> dict | None:
    """What the user's own units still have to submit, soonest first, with days left or days late."""
    if not request.user.is_authenticated:
        return None
    units = [m.unit for m in memberships_of(request.user)]
    obligations = unit_open_obligations(units, limit=15)
    now = timezone.now()
    rows = [
        {
            "obligation": ob,
            "days_left": (ob.due_at - now).days if ob.due_at > now else None,
            "days_late": ob.days_late(now) if ob.due_at <= now else 0,
        }
        for ob in obligations
    ]
    return {"template": "campaigns/panel_deadlines.html", "rows": rows}

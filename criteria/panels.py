"""Home-page panels the criteria app contributes (listed in settings.DASHBOARD_PANELS): the user's own
self-assessment work, what waits for their review, and for an officer the levels reached in the province."""

from __future__ import annotations

from django.utils import timezone

from units.models import school_year_of
from units.selectors import work_roles

from . import selectors
from .rules import REVIEW_ROLES


def _years() -> tuple[str, str]:
    year = school_year_of(timezone.localdate())
    start = int(year[:4])
    return year, f"{start - 1}-{start}"


def assessment_work(request) -> dict | None:
    """Schools and offices the user works for: this year's self-assessment progress and what blocks it."""
    roles = work_roles(request)
    if not roles.acting_units:
        return None
    year, _last = _years()
    rows = selectors.own_progress(roles.acting_units, year, request.user)
    if not rows:
        return None
    return {"template": "criteria/panel_work.html", "rows": rows, "school_year": year}


def assessment_reviews(request) -> dict | None:
    """Self-assessments sent to the units the user reviews for, waiting for recognition or return."""
    roles = work_roles(request)
    if not roles.reviewing_units:
        return None
    year, _last = _years()
    work = selectors.waiting_review(roles.reviewing_units, year)
    # The head of a Phòng/Sở sees what waits at the unit; only a reviewer's role opens it (no link to a 403).
    work["reviewable"] = {a.pk for a in work["first"] if request.user.has_perm("criteria.review_assessment", a)}
    work["reviews"] = any(m.role in REVIEW_ROLES for m in roles.memberships)
    return {"template": "criteria/panel_reviews.html", **work}


def levels_chart(request) -> dict | None:
    """For officers: recognised levels of last school year (the last complete cycle) in their province."""
    roles = work_roles(request)
    if not roles.officer_units:
        return None
    _year, last = _years()
    return {
        "template": "criteria/panel_levels.html",
        "school_year": last,
        "rows": selectors.levels_overview(roles.officer_units, last),
    }

"""Home-page panels the nominations app contributes (listed in settings.DASHBOARD_PANELS): nominations to
draft or fix for schools and teams, and for reviewers the dossiers waiting for them and the quotas used."""

from __future__ import annotations

from django.utils import timezone

from units.selectors import scope_for, work_roles

from . import selectors


def nomination_work(request) -> dict | None:
    roles = work_roles(request)
    if not roles.acting_units:
        return None
    work = selectors.own_work(roles.acting_units, today=timezone.localdate())
    if not (work["returned"] or work["drafts"] or work["rounds"]):
        return None
    return {"template": "nominations/panel_work.html", **work}


def nomination_reviews(request) -> dict | None:
    roles = work_roles(request)
    if not roles.reviewing_units:
        return None
    work = selectors.review_work(roles.reviewing_units)
    # A unit's head sees what waits at the unit; only dossiers their scope opens are links (no link to a 404).
    work["reachable"] = scope_for(request.user).reachable_pks([s.from_unit for s in work["dossiers"]])
    return {"template": "nominations/panel_reviews.html", **work}

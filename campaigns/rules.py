"""Who may do what with campaigns (django-rules). Visibility is campaigns.selectors' job; these decide
what a user may do with a campaign, obligation, target or task they can already see."""

from __future__ import annotations

import rules

from units.models import Role, Unit
from units.selectors import scope_for

from .models import Campaign, Obligation, Task

EDITOR_ROLES = frozenset({Role.HEAD, Role.OFFICER, Role.ADMIN})
REVIEW_ROLES = frozenset({Role.REVIEWER, Role.OFFICER, Role.ADMIN})
REPORTER_ROLES = frozenset({Role.HEAD, Role.STAFF, Role.ASSESSOR, Role.OFFICER, Role.ADMIN})


def _campaign(obj) -> Campaign | None:
    if isinstance(obj, Campaign):
        return obj
    return getattr(obj, "campaign", None)


@rules.predicate
def edits_campaign(user, obj) -> bool:
    """The issuing unit's head or officer (held at the issuer itself), or a system admin."""
    campaign = _campaign(obj)
    return campaign is not None and bool(scope_for(user).roles_held_at(campaign.issuer) & EDITOR_ROLES)


@rules.predicate
def follows_participants(user, obj) -> bool:
    """Sees the participants' table: the issuer's editors, and reviewers/officers at, above or below the
    issuer (a Phòng reviewer follows its own schools in a Sở campaign; the table is scoped to their reach)."""
    campaign = _campaign(obj)
    if campaign is None:
        return False
    scope = scope_for(user)
    if scope.roles_held_at(campaign.issuer) & EDITOR_ROLES:
        return True
    issuer_path = campaign.issuer.path
    return any(
        g.role in REVIEW_ROLES and (g.unit_path.startswith(issuer_path) or issuer_path.startswith(g.unit_path))
        for g in scope.grants
    )


@rules.predicate
def may_answer(user, obj) -> bool:
    """A head or officer of some unit strictly below the issuer may answer a published campaign."""
    campaign = _campaign(obj)
    if campaign is None or campaign.status != Campaign.Status.PUBLISHED:
        return False
    issuer = campaign.issuer
    return any(
        g.role in EDITOR_ROLES and g.unit_path.startswith(issuer.path) and g.unit_id != issuer.pk
        for g in scope_for(user).grants
    )


@rules.predicate
def reports_for_unit(user, unit: Unit) -> bool:
    """A unit's own head, staff or assessment team enter its figures."""
    return isinstance(unit, Unit) and bool(scope_for(user).roles_held_at(unit) & REPORTER_ROLES)


@rules.predicate
def reopens_obligation(user, obligation: Obligation) -> bool:
    """A reviewer or officer above the unit, or the issuer's editors, may reopen or excuse its work."""
    if not isinstance(obligation, Obligation):
        return False
    scope = scope_for(user)
    return bool(scope.roles_at_ancestor_only(obligation.unit) & REVIEW_ROLES) or edits_campaign(
        user, obligation.deadline.campaign
    )


@rules.predicate
def updates_task(user, task: Task) -> bool:
    if not isinstance(task, Task):
        return False
    scope = scope_for(user)
    lead = task.lead_unit
    leads = lead is not None and bool(scope.roles_held_at(lead) & EDITOR_ROLES)
    return leads or edits_campaign(user, task.campaign)


rules.add_perm("campaigns.change_campaign", edits_campaign)
rules.add_perm("campaigns.follow_participants", follows_participants)
rules.add_perm("campaigns.answer_campaign", may_answer)
rules.add_perm("campaigns.report_target", reports_for_unit)
rules.add_perm("campaigns.reopen_obligation", reopens_obligation)
rules.add_perm("campaigns.update_task", updates_task)

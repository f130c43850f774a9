"""Who may do what with a self-assessment they can see (visibility is the scope's job: 404 outside it).

- the unit head runs the assessment: team, assignments, minutes, approval, submission, publication;
- a criterion's lead and cooperators (and the head) enter its values and evidence;
- reviewers and officers strictly above the unit review: return, recognise, reopen;
- officers and system admins manage indicator sets."""

import rules

from units.models import Role
from units.selectors import scope_for

REVIEW_ROLES = frozenset({Role.REVIEWER, Role.OFFICER, Role.ADMIN})
SET_ROLES = frozenset({Role.OFFICER, Role.ADMIN})


def _unit(obj):
    return getattr(obj, "unit", obj)


@rules.predicate
def heads_unit(user, obj) -> bool:
    return obj is not None and bool(scope_for(user).roles_held_at(_unit(obj)) & {Role.HEAD, Role.ADMIN})


@rules.predicate
def reviews_unit(user, obj) -> bool:
    return obj is not None and bool(scope_for(user).roles_at_ancestor_only(_unit(obj)) & REVIEW_ROLES)


@rules.predicate
def works_on_entry(user, entry) -> bool:
    if entry is None:
        return False
    if entry.lead_id == user.pk or heads_unit(user, entry.assessment):
        return True
    return any(c.pk == user.pk for c in entry.cooperators.all())  # prefetched on the list pages


@rules.predicate
def keeps_evidence(user, unit) -> bool:
    """Anyone with a role held at the unit adds to its evidence library."""
    return unit is not None and bool(scope_for(user).roles_held_at(_unit(unit)))


@rules.predicate
def manages_sets(user) -> bool:
    return bool(scope_for(user).all_roles & SET_ROLES)


rules.add_perm("criteria.manage_assessment", heads_unit)
rules.add_perm("criteria.change_entry", works_on_entry)
rules.add_perm("criteria.review_assessment", reviews_unit)
rules.add_perm("criteria.add_evidence", keeps_evidence)
rules.add_perm("criteria.manage_sets", manages_sets)

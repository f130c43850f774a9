"""Who may do what with a self-assessment they can see (visibility is the scope's job: 404 outside it).

- the unit head runs the assessment: team, assignments, minutes, approval, submission, publication;
- a criterion's lead and cooperators (and the head) enter its values and evidence;
- reviewers and officers strictly above the unit review: return, recognise, reopen;
- indicator sets are shared data and belong to whoever governs them: a national set (no province) is changed
  and activated only by a national role (officer or admin at the ministry, the root unit without a province,
  or a superuser); a provincial officer derives their province's own version, which only they (and a
  superuser) activate or withdraw, and which never touches another province's or the national version."""

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


def is_national(user) -> bool:
    """A superuser, or an officer/admin at the ministry (a root unit that belongs to no province)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    return any(g.role in SET_ROLES and g.province_id is None and g.unit_depth == 1 for g in scope.grants)


def set_provinces(user) -> set[int]:
    """The provinces whose own set versions this user governs (officer/admin roles held in them)."""
    return {g.province_id for g in scope_for(user).grants if g.role in SET_ROLES and g.province_id is not None}


@rules.predicate
def manages_sets(user) -> bool:
    """May import a set file: a national role (national versions) or a provincial officer (own versions)."""
    return is_national(user) or bool(set_provinces(user))


@rules.predicate
def governs_set(user, indicator_set) -> bool:
    """May activate or withdraw this version: the national role for national sets, the province's officers
    for its own versions (a superuser for both)."""
    if indicator_set is None:
        return False
    if indicator_set.province_id is None:
        return is_national(user)
    return scope_for(user).is_superuser or indicator_set.province_id in set_provinces(user)


rules.add_perm("criteria.manage_assessment", heads_unit)
rules.add_perm("criteria.change_entry", works_on_entry)
rules.add_perm("criteria.review_assessment", reviews_unit)
rules.add_perm("criteria.add_evidence", keeps_evidence)
rules.add_perm("criteria.manage_sets", manages_sets)
rules.add_perm("criteria.govern_set", governs_set)

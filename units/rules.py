"""Who may do what with units, people and roles (django-rules). Visibility itself is the scope's job
(selectors.scope_for); these predicates decide what a user may do with an object they can see."""

import rules

from .models import Role, Unit
from .selectors import scope_for

MANAGE_PEOPLE_ROLES = frozenset({Role.HEAD, Role.OFFICER, Role.ADMIN})
MANAGE_UNITS_ROLES = frozenset({Role.OFFICER, Role.ADMIN})
# What each role may hand out at a unit it manages.
GRANTABLE_BY = {
    Role.HEAD: frozenset({Role.STAFF, Role.ASSESSOR, Role.SECRETARY}),
    Role.OFFICER: frozenset({Role.HEAD, Role.STAFF, Role.ASSESSOR, Role.SECRETARY, Role.REVIEWER, Role.OFFICER}),
    Role.ADMIN: frozenset(Role.values),
}


def _unit_of(obj) -> Unit | None:
    if obj is None:
        return None
    if isinstance(obj, Unit):
        return obj
    if hasattr(obj, "organiser"):
        return obj.organiser
    return getattr(obj, "unit", None)


@rules.predicate
def reaches(user, obj) -> bool:
    unit = _unit_of(obj)
    return unit is not None and scope_for(user).reaches(unit)


@rules.predicate
def manages_people(user, obj) -> bool:
    unit = _unit_of(obj)
    return unit is not None and bool(scope_for(user).roles_at(unit) & MANAGE_PEOPLE_ROLES)


@rules.predicate
def manages_units(user, obj) -> bool:
    unit = _unit_of(obj)
    return unit is not None and bool(scope_for(user).roles_at(unit) & MANAGE_UNITS_ROLES)


@rules.predicate
def may_add_units(user, obj) -> bool:
    """Officers add any unit below theirs; a head adds internal teams to their own unit."""
    unit = _unit_of(obj)
    if unit is None:
        return False
    roles = scope_for(user).roles_at(unit)
    return bool(roles & MANAGE_UNITS_ROLES) or (Role.HEAD in roles and not unit.is_internal)


@rules.predicate
def is_officer_anywhere(user) -> bool:
    return bool(scope_for(user).all_roles & MANAGE_UNITS_ROLES)


def grantable_roles(user, unit: Unit) -> frozenset[str]:
    roles = scope_for(user).roles_at(unit)
    allowed: set[str] = set()
    for role in roles:
        allowed |= GRANTABLE_BY.get(role, frozenset())
    return frozenset(allowed)


rules.add_perm("units.view_unit", reaches)
rules.add_perm("units.manage_people", manages_people)
rules.add_perm("units.manage_memberships", manages_people)
rules.add_perm("units.change_unit", manages_units)
rules.add_perm("units.add_child_unit", may_add_units)
rules.add_perm("units.view_person", reaches)
rules.add_perm("units.change_person", manages_people)
rules.add_perm("units.view_block", reaches)
rules.add_perm("units.manage_blocks", manages_units)

"""Who may export: anyone holding a role that reports (head, reviewer, officer, council secretary, admin).
What a report covers is bounded by the unit chosen, which must be one of the user's own."""

import rules

from units.models import Role
from units.selectors import scope_for

EXPORT_ROLES = frozenset({Role.HEAD, Role.REVIEWER, Role.OFFICER, Role.SECRETARY, Role.ADMIN})


@rules.predicate
def exports(user) -> bool:
    return bool(scope_for(user).all_roles & EXPORT_ROLES)


rules.add_perm("reports.export", exports)

"""Who may do what with nominations they can see (visibility is the selectors' job: 404 outside reach).

"Acts at U" means a role held at U itself (or at the unit an internal team belongs to), not a reviewer's
reach from above: the Sở officer sees a school's dossier but does not sign it.

- anyone acting at a unit drafts its nominations; the nominee's data is edited at the level holding it;
- the council secretary or the head records council meetings;
- the head, the council secretary or an officer prepares the dossier; the head alone signs and sends it;
- reviewers, officers and the head of the receiving level review nominations sent to it;
- the head or an officer of a level manages its rounds and quotas and records decisions."""

from __future__ import annotations

import rules

from units.models import Role
from units.selectors import scope_for

REVIEW_ROLES = frozenset({Role.REVIEWER, Role.OFFICER, Role.HEAD, Role.ADMIN})
COUNCIL_ROLES = frozenset({Role.SECRETARY, Role.HEAD, Role.OFFICER, Role.ADMIN})
DOSSIER_ROLES = frozenset({Role.HEAD, Role.SECRETARY, Role.OFFICER, Role.ADMIN})
SIGN_ROLES = frozenset({Role.HEAD, Role.ADMIN})
MANAGE_ROLES = frozenset({Role.HEAD, Role.OFFICER, Role.ADMIN})
# A level above the origin edits a returned nomination only through these roles.
LEVEL_EDIT_ROLES = frozenset({Role.HEAD, Role.SECRETARY, Role.OFFICER, Role.REVIEWER, Role.ADMIN})


def acts_at(user, unit) -> frozenset[str]:
    if unit is None:
        return frozenset()
    scope = scope_for(user)
    return scope.roles_at(unit) - (scope.roles_at_ancestor_only(unit) - scope.roles_held_at(unit))


@rules.predicate
def drafts_at(user, unit) -> bool:
    return bool(acts_at(user, unit))


@rules.predicate
def edits_nomination(user, nomination) -> bool:
    if nomination is None or nomination.state not in nomination.EDITABLE:
        return False
    roles = acts_at(user, nomination.level)
    if nomination.level_id == nomination.unit_id:
        return bool(roles)
    return bool(roles & LEVEL_EDIT_ROLES)


@rules.predicate
def reviews_nomination(user, nomination) -> bool:
    return nomination is not None and bool(acts_at(user, nomination.level) & REVIEW_ROLES)


@rules.predicate
def runs_council(user, unit) -> bool:
    return bool(acts_at(user, getattr(unit, "unit", unit)) & COUNCIL_ROLES)


@rules.predicate
def prepares_dossier(user, submission) -> bool:
    return submission is not None and bool(acts_at(user, submission.from_unit) & DOSSIER_ROLES)


@rules.predicate
def signs_dossier(user, submission) -> bool:
    return submission is not None and bool(scope_for(user).roles_held_at(submission.from_unit) & SIGN_ROLES)


@rules.predicate
def reviews_dossier(user, submission) -> bool:
    return submission is not None and bool(acts_at(user, submission.to_unit) & REVIEW_ROLES)


@rules.predicate
def manages_level(user, unit) -> bool:
    return bool(acts_at(user, getattr(unit, "unit", unit)) & MANAGE_ROLES)


@rules.predicate
def manages_round(user, award_round) -> bool:
    return award_round is not None and bool(acts_at(user, award_round.organiser) & MANAGE_ROLES)


rules.add_perm("nominations.draft", drafts_at)
rules.add_perm("nominations.change_nomination", edits_nomination)
rules.add_perm("nominations.review_nomination", reviews_nomination)
rules.add_perm("nominations.run_council", runs_council)
rules.add_perm("nominations.prepare_dossier", prepares_dossier)
rules.add_perm("nominations.sign_dossier", signs_dossier)
rules.add_perm("nominations.review_dossier", reviews_dossier)
rules.add_perm("nominations.manage_level", manages_level)
rules.add_perm("nominations.manage_round", manages_round)

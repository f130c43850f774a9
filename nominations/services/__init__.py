"""Writes for nominations, one module per concern; one transaction each, each docstring states the rule it
enforces. Every change of state goes through `units.transitions` with the machines of
`nominations.transitions`.

- `rounds`: rounds, award forms and quotas;
- `nominations`: a unit preparing its nominations;
- `council`: the council's meeting and votes;
- `dossiers`: the dossier (`Submission`) a unit sends up;
- `review`: the receiving level's review;
- `decisions`: decisions, objections, certificates and the award ledger.

Every public name is re-exported here, so `from nominations import services; services.x(...)` works. The
reads among them (`checklist`, `council_agenda`, `passed_votes`, …) live in `nominations.selectors` and
are re-exported here for the callers that still read them from services."""

from ..selectors import (
    approval_quotas,
    checklist,
    council_agenda,
    decision_candidates,
    passed_votes,
    quota_used,
    report_problems,
    submission_candidates,
    submission_locked,
)
from .council import council_close, council_create, council_record
from .decisions import decision_create, decision_finalise, decision_post, objection_create, objection_resolve
from .dossiers import submission_create, submission_submit, submission_update
from .nominations import (
    nomination_confirm,
    nomination_create,
    nomination_evidence,
    nomination_save,
    nomination_withdraw,
)
from .review import (
    bulk_approve,
    nomination_approve,
    nomination_reject,
    nomination_return,
    nomination_unapprove,
    submission_reopen,
    submission_return,
)
from .rounds import award_form_for_plan, quota_hand_down, quota_save, round_create, templates_load

__all__ = [
    "approval_quotas",
    "award_form_for_plan",
    "bulk_approve",
    "checklist",
    "council_agenda",
    "council_close",
    "council_create",
    "council_record",
    "decision_candidates",
    "decision_create",
    "decision_finalise",
    "decision_post",
    "nomination_approve",
    "nomination_confirm",
    "nomination_create",
    "nomination_evidence",
    "nomination_reject",
    "nomination_return",
    "nomination_save",
    "nomination_unapprove",
    "nomination_withdraw",
    "objection_create",
    "objection_resolve",
    "passed_votes",
    "quota_hand_down",
    "quota_save",
    "quota_used",
    "report_problems",
    "round_create",
    "submission_candidates",
    "submission_create",
    "submission_locked",
    "submission_reopen",
    "submission_return",
    "submission_submit",
    "submission_update",
    "templates_load",
]

"""The state machines of nominations, dossiers (`Submission`) and decisions: every allowed move, in one
table each. Every change of state passes through `units.transitions.transition` (or `transition_many`
for the rows one step moves together) with one of these machines; a move not in its table is refused.

A state that may move to itself is a step taken in place: the head confirming the report of a nomination
still being prepared (or returned) leaves it there and records the confirmation in its history."""

from __future__ import annotations

from units.transitions import Machine, moves_table

from .models import CouncilMeeting, Decision, Nomination, NominationEvent, Submission

N = Nomination.State
S = Submission.State
D = Decision.State

NOMINATION = Machine(
    model=Nomination,
    moves=moves_table(
        [
            # prepare → send up, withdraw, confirm the report in place; the unit's own nomination passed by
            # its council may be awarded by the unit itself without being sent.
            (N.DRAFT, [N.DRAFT, N.SUBMITTED, N.WITHDRAWN, N.AWARDED]),
            (N.RETURNED, [N.RETURNED, N.SUBMITTED, N.WITHDRAWN, N.AWARDED]),
            # the receiving level approves, returns or rejects
            (N.SUBMITTED, [N.APPROVED, N.RETURNED, N.REJECTED]),
            # approved: taken back (unapproved) or sent further up, both back to "waiting"; or awarded
            (N.APPROVED, [N.SUBMITTED, N.AWARDED]),
            (N.REJECTED, []),
            (N.AWARDED, []),
            (N.WITHDRAWN, []),
        ]
    ),
    audit_action="nomination.state",
    audited=("state", "level"),
    history_model=NominationEvent,
    history_fk="nomination",
)

SUBMISSION = Machine(
    model=Submission,
    moves=moves_table(
        [
            (S.DRAFT, [S.SUBMITTED]),
            # a returned dossier is sent again; a decision on what it carried closes it too
            (S.RETURNED, [S.RESUBMITTED, S.DECIDED]),
            # the receiving level settles it (returned or accepted) or returns it whole
            (S.SUBMITTED, [S.RETURNED, S.ACCEPTED, S.DECIDED]),
            (S.RESUBMITTED, [S.RETURNED, S.ACCEPTED, S.DECIDED]),
            # accepted: reopened by an unapproval, forwarded up with the level's own dossier, or decided
            (S.ACCEPTED, [S.SUBMITTED, S.FORWARDED, S.DECIDED]),
            (S.FORWARDED, [S.DECIDED]),
            (S.DECIDED, []),
        ]
    ),
    audit_action="submission.state",
)

DECISION = Machine(
    model=Decision,
    moves=moves_table([(D.DRAFT, [D.POSTED]), (D.POSTED, [D.FINAL]), (D.FINAL, [])]),
    audit_action="decision.state",
)

# Not a state machine: the closing of a council meeting is audited through the same update.
COUNCIL = Machine(model=CouncilMeeting, moves={}, audit_action="council.closed", audited=("closed_at",))

MACHINES = {"nomination": NOMINATION, "submission": SUBMISSION, "decision": DECISION}

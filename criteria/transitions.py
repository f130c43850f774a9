"""The state machine of a self-assessment: every allowed move in one table. Every change of state passes
through `units.transitions.transition` with this machine; a move not in the table is refused.

The team's minutes may be recorded again while the assessment waits for the head's approval or after a
return: those are steps in place (MINUTES → MINUTES, RETURNED → RETURNED)."""

from __future__ import annotations

from units.transitions import Machine, moves_table

from .models import Assessment, AssessmentEvent

A = Assessment.State

ASSESSMENT = Machine(
    model=Assessment,
    moves=moves_table(
        [
            (A.DRAFT, [A.MINUTES]),  # the team's minutes
            (A.MINUTES, [A.MINUTES, A.APPROVED]),  # minutes again, or the head's approval
            (A.APPROVED, [A.SUBMITTED]),  # sent to the parent
            (A.SUBMITTED, [A.RETURNED, A.RECOGNISED]),  # the reviewer returns or recognises it
            (A.RETURNED, [A.RETURNED, A.SUBMITTED]),  # fixed (minutes again in place) and sent again
            (A.RECOGNISED, [A.PUBLISHED]),
            (A.PUBLISHED, []),
        ]
    ),
    audit_action="assessment.state",
    history_model=AssessmentEvent,
    history_fk="assessment",
    stamp="updated_at",
)

MACHINES = {"assessment": ASSESSMENT}

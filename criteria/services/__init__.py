"""Writes for self-assessments, one module per section; one transaction each, each docstring states the
rule it enforces. Every change of state goes through `units.transitions` with the table of
`criteria.transitions`.

- `team`: starting an assessment, the team, the assignments;
- `answers`: entering values and the live totals;
- `evidence`: the unit's evidence library;
- `steps`: minutes, approval, submission, return, recognition, publication, reopening.

Every public name is re-exported here (`from criteria import services; services.x(...)`), with the reads
that live in `criteria.selectors` (`obligations_for`, `is_locked`, `completeness_problems`) for the callers
that still read them from services."""

from ..selectors import completeness_problems, is_locked, obligations_for
from .answers import ancestors_refresh, assessment_refresh, entry_save
from .evidence import evidence_link, evidence_upload
from .steps import (
    assessment_approve,
    assessment_publish,
    assessment_recognise,
    assessment_reopen,
    assessment_return,
    assessment_submit,
    minutes_record,
)
from .team import assessment_start, entry_assign, team_save

__all__ = [
    "ancestors_refresh",
    "assessment_approve",
    "assessment_publish",
    "assessment_recognise",
    "assessment_refresh",
    "assessment_reopen",
    "assessment_return",
    "assessment_start",
    "assessment_submit",
    "completeness_problems",
    "entry_assign",
    "entry_save",
    "evidence_link",
    "evidence_upload",
    "is_locked",
    "minutes_record",
    "obligations_for",
    "team_save",
]

"""Writes for campaigns, one module per section; one transaction each, each docstring states the rule it
enforces.

- `plans`: a plan and its parts while a draft, publishing and closing it, tasks;
- `obligations`: meeting, reopening and excusing obligations; changes after publication;
- `clone`: cloning, response plans, the signed document;
- `target_reports`: what participants report against the targets.

Every public name is re-exported here, so `from campaigns import services; services.x(...)` works."""

from .clone import campaign_attach, campaign_clone
from .common import BATCH, MATERIALISE_HORIZON
from .obligations import deadline_change, obligation_excuse, obligation_reopen, obligation_submit, target_value_change
from .plans import (
    CAMPAIGN_FIELDS,
    DUPLICATE_NUMBER,
    campaign_close,
    campaign_create,
    campaign_publish,
    campaign_update,
    deadline_save,
    obligations_materialise,
    obligations_roll_forward,
    part_delete,
    part_save,
    phase_save,
    target_save,
    task_update,
)
from .target_reports import target_report_save

__all__ = [
    "BATCH",
    "CAMPAIGN_FIELDS",
    "DUPLICATE_NUMBER",
    "MATERIALISE_HORIZON",
    "campaign_attach",
    "campaign_clone",
    "campaign_close",
    "campaign_create",
    "campaign_publish",
    "campaign_update",
    "deadline_change",
    "deadline_save",
    "obligation_excuse",
    "obligation_reopen",
    "obligation_submit",
    "obligations_materialise",
    "obligations_roll_forward",
    "part_delete",
    "part_save",
    "phase_save",
    "target_report_save",
    "target_save",
    "target_value_change",
    "task_update",
]

"""What the services of campaigns share: the draft and period checks, and a change recorded after publication."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from units import audit

from ..models import (
    Campaign,
    CampaignChange,
)

# Obligations are created this far ahead of today; a daily task rolls the horizon forward.
MATERIALISE_HORIZON = dt.timedelta(days=400)
BATCH = 5000


def require_draft(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(_("Kế hoạch đã ban hành: mọi thay đổi phải ghi lý do (dùng chức năng điều chỉnh)."))


def check_within_period(campaign: Campaign, start: dt.date | None, end: dt.date | None, what: str) -> None:
    if start and end and end < start:
        raise ValidationError(_("%(what)s: ngày kết thúc phải sau ngày bắt đầu.") % {"what": what})
    for day in (start, end):
        if day and not (campaign.start_date <= day <= campaign.end_date):
            raise ValidationError(
                _("%(what)s: ngày %(day)s nằm ngoài thời gian thi đua (%(start)s – %(end)s).")
                % {
                    "what": what,
                    "day": day.strftime("%d/%m/%Y"),
                    "start": campaign.start_date.strftime("%d/%m/%Y"),
                    "end": campaign.end_date.strftime("%d/%m/%Y"),
                }
            )


def record_plan_change(**fields) -> CampaignChange:
    """A change after publication, kept with the plan and in the audit log (scoped to the unit it concerns,
    or the issuer when it concerns every participant)."""
    change = CampaignChange.objects.create(**fields)
    campaign = change.campaign
    audit.record(
        f"campaign.{change.what}",  # campaign.deadline, .target, .reopen, .status, .other (see audit.ACTIONS)
        campaign,
        unit=change.unit_id or campaign.issuer_id,
        actor=change.actor,
        before={"value": str(change.before)} if change.before else None,
        after={"value": str(change.after)} if change.after else None,
        note=change.reason,
        repr_text=f"{campaign} — {change.object_label}",
    )
    return change

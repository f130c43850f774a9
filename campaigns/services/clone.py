"""Cloning a plan, answering a parent's plan with a response plan, and attaching the signed document."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from units.models import Unit

from ..models import (
    Campaign,
    Deadline,
    Target,
    TargetValue,
    Task,
)
from .plans import CAMPAIGN_FIELDS, campaign_create


def _copy_deadlines_and_targets(source: Campaign, campaign: Campaign) -> None:
    """The source's deadlines (but its "send your plan" one) and targets with their goals, as new rows."""
    for deadline in source.deadlines.prefetch_related("unit_kinds"):
        kinds_ = list(deadline.unit_kinds.all())
        if deadline.kind == Deadline.Kind.RESPONSE_PLAN:
            continue  # the parent's "send your plan" deadline is what this plan answers
        deadline.pk = None
        deadline.public_id = Deadline._meta.get_field("public_id").default()
        deadline.campaign = campaign
        deadline.save()
        deadline.unit_kinds.set(kinds_)
    for target in source.targets.prefetch_related("values"):
        values = list(target.values.all())
        target.pk = None
        target.public_id = Target._meta.get_field("public_id").default()
        target.campaign = campaign
        target.save()
        TargetValue.objects.bulk_create(
            [TargetValue(target=target, period=v.period, unit_kind_id=v.unit_kind_id, value=v.value) for v in values]
        )


@transaction.atomic
def campaign_clone(
    source: Campaign,
    *,
    issuer: Unit,
    actor=None,
    answers: Campaign | None = None,
    title: str | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Campaign:
    """A new draft copying the plan's structure: phases, content, criteria, award forms, deadlines, targets
    and tasks. Used for "clone from a previous campaign" and for "answer this campaign" (the response
    inherits everything and may then tighten deadlines and targets)."""
    data = {f: getattr(source, f) for f in CAMPAIGN_FIELDS}
    data.update(number="", issued_on=None, signer_name="", signer_position="")
    if title:
        data["title"] = title
    if start_date:
        data["start_date"] = start_date
    if end_date:
        data["end_date"] = end_date
    if answers is not None:
        data["legal_basis"] = _("Căn cứ Kế hoạch số %(n)s ngày %(d)s của %(u)s về %(t)s;") % {
            "n": answers.number,
            "d": answers.issued_on.strftime("%d/%m/%Y") if answers.issued_on else "",
            "u": answers.issuer.name,
            "t": answers.title,
        }
    campaign = campaign_create(issuer=issuer, actor=actor, answers=answers, **data)
    if answers is not None:
        campaign.basis_campaigns.add(answers)
    kinds = list(source.participant_kinds.all())
    # A response plan's participants are the responding unit's own sub-units of the same kinds.
    campaign.participant_kinds.set(kinds)
    for part in (*source.phases.all(), *source.content_items.all(), *source.criteria.all(), *source.award_plans.all()):
        part.pk = None  # saved as a new row of the new plan
        part.campaign = campaign
        part.save()
    _copy_deadlines_and_targets(source, campaign)
    if answers is None:
        for task in source.tasks.all():
            task.pk = None
            task.public_id = Task._meta.get_field("public_id").default()
            task.campaign = campaign
            task.status = Task.Status.NOT_STARTED
            task.progress = 0
            task.save()
    return campaign


@transaction.atomic
def campaign_attach(campaign: Campaign, upload, *, actor=None) -> Campaign:
    """Stores the signed PDF under a random name (the original name is not trusted), replacing any old one."""
    import secrets

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    old = campaign.attachment.name if campaign.attachment else None
    upload.name = f"{campaign.public_id}-{secrets.token_hex(8)}.pdf"
    campaign.attachment = upload
    campaign.save(update_fields=["attachment", "updated_at"])
    if old:
        storage = campaign.attachment.storage
        transaction.on_commit(lambda: storage.delete(old))
    return campaign

"""A campaign plan: creating and editing it while a draft, its parts (phases, deadlines, targets, criteria,
awards, content, tasks), publishing it (which creates the participants' obligations) and closing it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units import audit
from units.models import Unit

from .. import deadlines as dl
from ..models import (
    AwardPlan,
    Campaign,
    CampaignChange,
    CampaignCriterion,
    ContentItem,
    Deadline,
    Obligation,
    Phase,
    Target,
    TargetValue,
    Task,
    TaskNote,
)
from ..selectors import deadline_units_qs, plans_with_same_number
from .common import BATCH, MATERIALISE_HORIZON, check_within_period, record_plan_change, require_draft
from .obligations import obligation_submit

CAMPAIGN_FIELDS = (
    "number",
    "issued_on",
    "title",
    "signer_position",
    "signer_name",
    "legal_basis",
    "purpose",
    "requirements",
    "include_issuer",
    "individual_categories",
    "participants_note",
    "start_date",
    "end_date",
)


DUPLICATE_NUMBER = "duplicate_number"


def check_duplicate_number(campaign: Campaign, *, confirmed: bool) -> None:
    """Two plans of one issuer with the same number in the same year are a typing slip or a copy: refused
    with the plans it matches unless the author confirms it is another document."""
    if confirmed:
        return
    same = plans_with_same_number(
        campaign.issuer_id, campaign.number, campaign.issued_on, campaign.start_date, exclude_pk=campaign.pk
    )
    if same:
        listed = "; ".join(f"“{c.title}”" + (f" ({c.issued_on:%d/%m/%Y})" if c.issued_on else "") for c in same)
        raise ValidationError(
            _(
                "Đơn vị đã có kế hoạch số %(number)s trong năm %(year)s: %(plans)s. Nếu đây là văn bản khác, "
                "đánh dấu “Vẫn lưu dù trùng số” rồi lưu lại."
            )
            % {"number": campaign.number, "year": (campaign.issued_on or campaign.start_date).year, "plans": listed},
            code=DUPLICATE_NUMBER,
        )


@transaction.atomic
def campaign_create(
    *,
    issuer: Unit,
    actor=None,
    answers: Campaign | None = None,
    participant_kinds=(),
    duplicate_confirmed: bool = False,
    **data,
) -> Campaign:
    """A draft plan issued by `issuer`. A response plan must answer a campaign issued by an ancestor. The
    same number, issuer and year as another plan needs `duplicate_confirmed` (check_duplicate_number)."""
    if answers is not None:
        if not issuer.path.startswith(answers.issuer.path) or issuer.pk == answers.issuer_id:
            raise ValidationError(_("Chỉ có thể hưởng ứng kế hoạch của đơn vị cấp trên."))
        if answers.status != Campaign.Status.PUBLISHED:
            raise ValidationError(_("Kế hoạch cấp trên chưa ban hành hoặc đã kết thúc."))
        if Campaign.objects.filter(issuer=issuer, answers=answers).exists():
            raise ValidationError(_("Đơn vị đã có kế hoạch hưởng ứng kế hoạch này."))
    campaign = Campaign(
        issuer=issuer,
        created_by=actor,
        answers=answers,
        **{k: v for k, v in data.items() if k in CAMPAIGN_FIELDS},
    )
    campaign.full_clean()
    check_duplicate_number(campaign, confirmed=duplicate_confirmed)
    campaign.save()
    if participant_kinds:
        campaign.participant_kinds.set(participant_kinds)
    return campaign


@transaction.atomic
def campaign_update(
    campaign: Campaign, *, actor=None, participant_kinds=None, duplicate_confirmed: bool = False, **data
) -> Campaign:
    """Edits a draft. Phases and deadlines must stay inside the new period; a number taken by another plan
    of the issuer that year needs `duplicate_confirmed`."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_draft(campaign)
    for key, value in data.items():
        if key in CAMPAIGN_FIELDS:
            setattr(campaign, key, value)
    campaign.full_clean()
    check_duplicate_number(campaign, confirmed=duplicate_confirmed)
    for phase in campaign.phases.all():
        check_within_period(campaign, phase.start_date, phase.end_date, phase.name)
    campaign.save()
    if participant_kinds is not None:
        campaign.participant_kinds.set(participant_kinds)
    return campaign


@transaction.atomic
def phase_save(campaign: Campaign, *, phase: Phase | None = None, **data) -> Phase:
    require_draft(campaign)
    phase = phase or Phase(campaign=campaign)
    for key, value in data.items():
        setattr(phase, key, value)
    check_within_period(campaign, phase.start_date, phase.end_date, _("Giai đoạn “%(n)s”") % {"n": phase.name})
    phase.full_clean()
    phase.save()
    return phase


@transaction.atomic
def deadline_save(campaign: Campaign, *, deadline: Deadline | None = None, unit_kinds=None, **data) -> Deadline:
    """Adds or edits a deadline of a draft. Day/month must exist every year (no 30/02)."""
    require_draft(campaign)
    deadline = deadline or Deadline(campaign=campaign)
    for key, value in data.items():
        setattr(deadline, key, value)
    deadline.full_clean()
    deadline.save()
    if unit_kinds is not None:
        deadline.unit_kinds.set(unit_kinds)
    return deadline


@transaction.atomic
def target_save(campaign: Campaign, *, target: Target | None = None, values=(), **data) -> Target:
    """Adds or edits a target and its goals [(period, unit_kind or None, value)]. Percentages are 0–100."""
    require_draft(campaign)
    target = target or Target(campaign=campaign)
    for key, value in data.items():
        setattr(target, key, value)
    target.full_clean()
    target.save()
    if values:
        target.values.all().delete()
        for period, kind, value in values:
            tv = TargetValue(target=target, period=period, unit_kind=kind, value=Decimal(value))
            tv.full_clean()
            tv.save()
    return target


@transaction.atomic
def campaign_publish(campaign: Campaign, *, actor=None, now: dt.datetime | None = None) -> int:
    """Publishes a draft: it becomes visible to participants and their obligations are created. A response
    plan also counts as the issuer's submission of the parent's response-plan obligation."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.PUBLISHED:
        return 0  # a double click publishes once
    require_draft(campaign)
    if not campaign.number or not campaign.issued_on:
        raise ValidationError(_("Cần nhập số, ký hiệu và ngày ban hành trước khi ban hành kế hoạch."))
    now = now or timezone.now()
    campaign.status = Campaign.Status.PUBLISHED
    campaign.published_at = now
    campaign.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        "campaign.status",
        campaign,
        unit=campaign.issuer_id,
        actor=actor,
        before={"status": Campaign.Status.DRAFT.value},
        after={"status": campaign.status},
    )
    created = obligations_materialise(campaign, today=timezone.localdate(now))
    if campaign.answers_id:
        response_obligations = Obligation.objects.select_for_update().filter(
            deadline__campaign_id=campaign.answers_id,
            deadline__kind=Deadline.Kind.RESPONSE_PLAN,
            unit_id=campaign.issuer_id,
            status=Obligation.Status.OPEN,
        )
        for ob in response_obligations:
            obligation_submit(ob, actor=actor, now=now, link=f"/ke-hoach/{campaign.public_id}/")
    return created


@transaction.atomic
def campaign_close(campaign: Campaign, *, actor=None, reason: str = "") -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.PUBLISHED:
        raise ValidationError(_("Chỉ kết thúc được kế hoạch đang ban hành."))
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status", "updated_at"])
    record_plan_change(
        campaign=campaign,
        what=CampaignChange.What.STATUS,
        object_label=str(campaign),
        before=Campaign.Status.PUBLISHED.label,
        after=Campaign.Status.CLOSED.label,
        reason=reason or "-",
        actor=actor,
    )
    return campaign


def obligations_materialise(
    campaign: Campaign, *, today: dt.date | None = None, horizon: dt.timedelta = MATERIALISE_HORIZON
) -> int:
    """Creates the missing obligations of a published campaign for every deadline occurrence up to
    today + horizon, for every unit that must meet it. Idempotent (unique key + ignore_conflicts) and in
    bulk: a re-run, or the daily roll-forward, only adds what is new. Returns rows attempted."""
    if campaign.status != Campaign.Status.PUBLISHED:
        return 0
    today = today or timezone.localdate()
    until = min(campaign.end_date, today + horizon)
    attempted = 0
    for deadline in campaign.deadlines.prefetch_related("unit_kinds"):
        dates = [
            (p, d) for p, d in dl.occurrences(deadline, campaign.start_date, campaign.end_date) if d <= until or p == ""
        ]
        if not dates:
            continue
        unit_ids = list(deadline_units_qs(deadline, campaign).values_list("pk", flat=True))
        for period, day in dates:
            due_at = dl.due_moment(day, deadline.before)
            batch = []
            for unit_id in unit_ids:
                batch.append(Obligation(deadline=deadline, unit_id=unit_id, period=period, due_at=due_at))
                if len(batch) >= BATCH:
                    Obligation.objects.bulk_create(batch, ignore_conflicts=True)
                    attempted += len(batch)
                    batch = []
            if batch:
                Obligation.objects.bulk_create(batch, ignore_conflicts=True)
                attempted += len(batch)
    return attempted


def obligations_roll_forward(today: dt.date | None = None) -> int:
    """Daily: materialise the next occurrences of every published campaign (a new year rolled in)."""
    total = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.PUBLISHED):
        with transaction.atomic():
            total += obligations_materialise(campaign, today=today)
    return total


@transaction.atomic
def task_update(task: Task, *, actor, text: str, progress: int, status: str) -> Task:
    """A progress note by the lead unit (or the issuer); the task takes the note's status and percent."""
    if not text.strip():
        raise ValidationError(_("Cần ghi nội dung cập nhật."))
    if not 0 <= progress <= 100:
        raise ValidationError(_("Tiến độ phải từ 0 đến 100%."))
    if status == Task.Status.DONE and progress < 100:
        progress = 100
    t = Task.objects.select_for_update().get(pk=task.pk)
    t.progress, t.status = progress, status
    t.save(update_fields=["progress", "status"])
    TaskNote.objects.create(task=t, author=actor, text=text, progress=progress, status=status)
    return t


@transaction.atomic
def part_save(campaign: Campaign, model, *, instance=None, **data):
    """Adds or edits a simple part of a draft plan: a content item, a criterion, an award form or a task."""
    if model not in (ContentItem, CampaignCriterion, AwardPlan, Task):
        raise ValueError(model)
    require_draft(campaign)
    lead = data.get("lead_unit")
    if lead is not None and not lead.path.startswith(campaign.issuer.path):
        # A task is led by a unit of the issuer's own tree, never by another Sở's or province's unit.
        raise ValidationError(_("Đơn vị chủ trì “%(u)s” không thuộc đơn vị ban hành.") % {"u": lead.name})
    obj = instance or model(campaign=campaign)
    for key, value in data.items():
        setattr(obj, key, value)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def part_delete(campaign: Campaign, obj) -> None:
    require_draft(campaign)
    if obj.campaign_id != campaign.pk:
        raise ValidationError(_("Mục này không thuộc kế hoạch."))
    obj.delete()

"""Writes for campaigns. One transaction each; each docstring states the rule it enforces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from units import audit
from units.models import Unit

from . import deadlines as dl
from . import reminders
from .models import (
    AwardPlan,
    Campaign,
    CampaignChange,
    CampaignCriterion,
    ContentItem,
    Deadline,
    Obligation,
    Phase,
    Target,
    TargetReport,
    TargetValue,
    Task,
    TaskNote,
)
from .selectors import deadline_units_qs

# Obligations are created this far ahead of today; a daily task rolls the horizon forward.
MATERIALISE_HORIZON = dt.timedelta(days=400)
BATCH = 5000


def _require_draft(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(_("Kế hoạch đã ban hành: mọi thay đổi phải ghi lý do (dùng chức năng điều chỉnh)."))


def _check_within_period(campaign: Campaign, start: dt.date | None, end: dt.date | None, what: str) -> None:
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


# --- Campaign ----------------------------------------------------------------------------------------


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


@transaction.atomic
def campaign_create(
    *, issuer: Unit, actor=None, answers: Campaign | None = None, participant_kinds=(), **data
) -> Campaign:
    """A draft plan issued by `issuer`. A response plan must answer a campaign issued by an ancestor."""
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
    campaign.save()
    if participant_kinds:
        campaign.participant_kinds.set(participant_kinds)
    return campaign


@transaction.atomic
def campaign_update(campaign: Campaign, *, actor=None, participant_kinds=None, **data) -> Campaign:
    """Edits a draft. Phases and deadlines must stay inside the new period."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_draft(campaign)
    for key, value in data.items():
        if key in CAMPAIGN_FIELDS:
            setattr(campaign, key, value)
    campaign.full_clean()
    for phase in campaign.phases.all():
        _check_within_period(campaign, phase.start_date, phase.end_date, phase.name)
    campaign.save()
    if participant_kinds is not None:
        campaign.participant_kinds.set(participant_kinds)
    return campaign


@transaction.atomic
def phase_save(campaign: Campaign, *, phase: Phase | None = None, **data) -> Phase:
    _require_draft(campaign)
    phase = phase or Phase(campaign=campaign)
    for key, value in data.items():
        setattr(phase, key, value)
    _check_within_period(campaign, phase.start_date, phase.end_date, _("Giai đoạn “%(n)s”") % {"n": phase.name})
    phase.full_clean()
    phase.save()
    return phase


@transaction.atomic
def deadline_save(campaign: Campaign, *, deadline: Deadline | None = None, unit_kinds=None, **data) -> Deadline:
    """Adds or edits a deadline of a draft. Day/month must exist every year (no 30/02)."""
    _require_draft(campaign)
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
    _require_draft(campaign)
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
    _require_draft(campaign)
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


def _change(**fields) -> CampaignChange:
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


@transaction.atomic
def campaign_close(campaign: Campaign, *, actor=None, reason: str = "") -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.PUBLISHED:
        raise ValidationError(_("Chỉ kết thúc được kế hoạch đang ban hành."))
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status", "updated_at"])
    _change(
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


# --- Obligations ------------------------------------------------------------------------------------


@transaction.atomic
def obligation_submit(
    obligation: Obligation, *, actor=None, now: dt.datetime | None = None, link: str = ""
) -> Obligation:
    """Marks an obligation met: on time until its due moment (or the reopened moment), late after. A
    deadline that locks refuses late work unless the reviewer reopened it."""
    ob = Obligation.objects.select_for_update().select_related("deadline").get(pk=obligation.pk)
    if ob.status in (Obligation.Status.SUBMITTED, Obligation.Status.LATE):
        return ob  # idempotent
    now = now or timezone.now()
    late = now >= ob.due_at
    if late and ob.deadline.locks and not (ob.reopened_until and now < ob.reopened_until):
        raise ValidationError(
            _("Đã quá hạn %(due)s: hồ sơ bị khóa. Đề nghị cấp trên mở lại nếu cần nộp bổ sung.")
            % {"due": dl.last_day_to_submit(timezone.localdate(ob.due_at), True).strftime("%d/%m/%Y")}
        )
    ob.status = (
        Obligation.Status.LATE
        if late and not (ob.reopened_until and now < ob.reopened_until)
        else Obligation.Status.SUBMITTED
    )
    ob.submitted_at = now
    ob.submitted_by = actor
    if link:
        ob.link = link
    ob.save(update_fields=["status", "submitted_at", "submitted_by", "link"])
    return ob


@transaction.atomic
def obligation_reopen(obligation: Obligation, *, actor, until: dt.datetime, reason: str) -> Obligation:
    """A reviewer reopens one unit's locked work until a moment, with a recorded reason."""
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do mở lại."))
    if until <= timezone.now():
        raise ValidationError(_("Thời hạn mở lại phải ở tương lai."))
    ob = Obligation.objects.select_for_update().select_related("deadline").get(pk=obligation.pk)
    ob.reopened_until = until
    if ob.status == Obligation.Status.LATE:
        ob.status = Obligation.Status.OPEN
    ob.save(update_fields=["reopened_until", "status"])
    _change(
        campaign_id=ob.deadline.campaign_id,
        what=CampaignChange.What.REOPEN,
        object_label=ob.deadline.title,
        after=timezone.localtime(until).strftime("%H:%M %d/%m/%Y"),
        reason=reason,
        unit=ob.unit,
        actor=actor,
    )
    return ob


@transaction.atomic
def obligation_excuse(obligation: Obligation, *, actor, reason: str) -> Obligation:
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do miễn nộp."))
    ob = Obligation.objects.select_for_update().get(pk=obligation.pk)
    ob.status = Obligation.Status.EXCUSED
    ob.note = reason
    ob.save(update_fields=["status", "note"])
    return ob


# --- Changes after publication ----------------------------------------------------------------------


@transaction.atomic
def deadline_change(
    deadline: Deadline,
    *,
    actor,
    reason: str,
    due_date: dt.date | None = None,
    day: int | None = None,
    month: int | None = None,
) -> Deadline:
    """Moves a published deadline. The reason is recorded, open obligations get the new due moment and
    the affected units are told (CampaignChange rows feed the notification outbox)."""
    if not reason.strip():
        raise ValidationError(_("Kế hoạch đã ban hành: cần ghi lý do thay đổi hạn nộp."))
    d = Deadline.objects.select_for_update().select_related("campaign").get(pk=deadline.pk)
    before = d.wording
    if d.recurrence == Deadline.Recurrence.ONCE:
        if due_date is None:
            raise ValidationError(_("Cần nhập ngày mới."))
        d.due_date = due_date
    else:
        if not (day and month):
            raise ValidationError(_("Cần nhập ngày và tháng mới."))
        d.day, d.month = day, month
    d.full_clean()
    d.save()
    campaign = d.campaign
    for period, day_ in dl.occurrences(d, campaign.start_date, campaign.end_date):
        Obligation.objects.filter(deadline=d, period=period, status=Obligation.Status.OPEN).update(
            due_at=dl.due_moment(day_, d.before)
        )
    change = _change(
        campaign=campaign,
        what=CampaignChange.What.DEADLINE,
        object_label=d.title,
        before=before,
        after=d.wording,
        reason=reason,
        actor=actor,
    )
    reminders.notify_deadline_changed(change, d)
    return d


@transaction.atomic
def target_value_change(target_value: TargetValue, *, actor, reason: str, value) -> TargetValue:
    if not reason.strip():
        raise ValidationError(_("Kế hoạch đã ban hành: cần ghi lý do thay đổi chỉ tiêu."))
    tv = TargetValue.objects.select_for_update().select_related("target", "target__campaign").get(pk=target_value.pk)
    before = str(tv.value)
    tv.value = Decimal(value)
    tv.full_clean()
    tv.save()
    _change(
        campaign=tv.target.campaign,
        what=CampaignChange.What.TARGET,
        object_label=f"{tv.target.name} ({tv.period})",
        before=before,
        after=str(tv.value),
        reason=reason,
        actor=actor,
    )
    return tv


# --- Clone and respond ------------------------------------------------------------------------------


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


# --- Target reports ---------------------------------------------------------------------------------


@transaction.atomic
def target_report_save(
    *,
    target: Target,
    unit: Unit,
    period: str,
    actor=None,
    numerator=None,
    denominator=None,
    value=None,
    evidence_url: str = "",
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> TargetReport:
    """Saves a unit's value for a period. Percentages need 0 ≤ numerator ≤ denominator; after the
    target-report deadline for that period the report is read-only unless reopened; a stale form (someone
    saved in between) is refused so nothing is silently overwritten."""
    now = now or timezone.now()
    if target.kind == Target.Kind.PERCENT:
        if numerator is None or denominator is None:
            raise ValidationError(_("Cần nhập cả tử số và mẫu số."))
        if denominator <= 0:
            raise ValidationError(_("Mẫu số phải lớn hơn 0."))
        if numerator < 0:
            raise ValidationError(_("Tử số không được âm."))
        if numerator > denominator:
            raise ValidationError(
                _("Tử số (%(n)s) không được lớn hơn mẫu số (%(d)s).") % {"n": numerator, "d": denominator}
            )
        value = None
    elif target.kind == Target.Kind.BOOLEAN:
        if value not in (0, 1, Decimal(0), Decimal(1)):
            raise ValidationError(_("Chọn Có hoặc Không."))
        numerator = denominator = None
    else:
        if value is None or value < 0:
            raise ValidationError(_("Số lượng phải là số không âm."))
        numerator = denominator = None
    lock = (
        Obligation.objects.select_for_update()
        .filter(
            deadline__campaign_id=target.campaign_id,
            deadline__kind=Deadline.Kind.TARGET_REPORT,
            unit=unit,
            period=period,
        )
        .select_related("deadline")
        .first()
    )
    if lock and lock.deadline.locks and now >= lock.effective_due_at:
        raise ValidationError(
            _("Đã quá hạn báo cáo chỉ tiêu kỳ %(p)s; số liệu chỉ còn xem được. Đề nghị cấp trên mở lại nếu cần sửa.")
            % {"p": period}
        )
    report = TargetReport.objects.select_for_update().filter(target=target, unit=unit, period=period).first()
    if report is None:
        report = TargetReport(target=target, unit=unit, period=period, version=0)
    elif expected_version is not None and report.version != expected_version:
        raise ValidationError(
            _(
                "Số liệu vừa được người khác cập nhật. Hãy tải lại trang để xem số mới trước khi sửa; "
                "những gì bạn nhập chưa được lưu."
            )
        )
    report.numerator, report.denominator, report.value = numerator, denominator, value
    report.evidence_url, report.note, report.reported_by = evidence_url, note, actor
    report.version = F("version") + 1 if report.pk else 1
    report.save()
    report.refresh_from_db()
    return report


# --- Tasks ------------------------------------------------------------------------------------------


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
    _require_draft(campaign)
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
    _require_draft(campaign)
    if obj.campaign_id != campaign.pk:
        raise ValidationError(_("Mục này không thuộc kế hoạch."))
    obj.delete()

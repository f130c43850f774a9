"""Writes for nominations. One transaction each; each docstring states the rule it enforces.

Quotas are counted under row locks: an approval locks the quota rows that apply to it (in primary-key
order, so two approvals never deadlock), counts the active approvals and refuses when the quota is full.
Twenty reviewers approving at once against a quota of 2 give exactly 2 approvals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import services as campaign_services
from campaigns.models import AwardPlan, Campaign, Deadline, Obligation
from criteria import services as criteria_services
from units import audit, notify
from units.models import BlockMembership, Message, Person, Role, Unit, UnitKind, fold, nfc, validate_school_year
from units.selectors import unit_ancestors, users_with_roles
from units.uploads import check_upload

from . import eligibility
from .models import (
    AwardForm,
    AwardRecord,
    AwardRound,
    Certificate,
    CouncilMeeting,
    CouncilVote,
    Decision,
    Nomination,
    NominationApproval,
    NominationEvent,
    Objection,
    Quota,
    ReportTemplate,
    Subject,
    Submission,
    SubmissionItem,
)
from .signature_rules import dossier_signature_enforce

State = Nomination.State
SubState = Submission.State
TEMPLATES = Path(__file__).parent / "fixtures" / "report_templates.json"


def templates_load() -> int:
    """Loads the shipped report templates that are missing (post_migrate)."""
    have = set(ReportTemplate.objects.values_list("code", flat=True))
    created = 0
    for spec in json.loads(TEMPLATES.read_text(encoding="utf-8")):
        if spec["code"] not in have:
            ReportTemplate.objects.create(**spec)
            created += 1
    return created


def _stale(obj, version) -> None:
    if version is not None and int(version) != obj.version:
        raise ValidationError(
            _("Dữ liệu vừa được người khác cập nhật. Hãy tải lại trang rồi thử lại; những gì bạn nhập chưa được lưu.")
        )


# Fields whose change goes to the audit log, per model: (action, fields).
_AUDITED = {
    Nomination: ("nomination.state", ("state", "level")),
    Submission: ("submission.state", ("state",)),
    Decision: ("decision.state", ("state",)),
    CouncilMeeting: ("council.closed", ("closed_at",)),
}


def _bump(model, obj, **fields) -> None:
    action, watched = _AUDITED.get(model, ("", ()))
    before = audit.values(obj, [f for f in watched if f in fields])
    fields["version"] = F("version") + 1
    model.objects.filter(pk=obj.pk).update(**fields)
    obj.refresh_from_db()
    if before:
        note = fields.get("reason") or fields.get("return_reason") or ""
        audit.record_change(action, obj, before, unit=audit.unit_of(obj), note=note)


def _audit_bulk(action: str, objs, after: dict, note: str = "") -> None:
    """Entries for a queryset update that moves `objs` (loaded before it) to the values in `after`."""
    after = {k: audit.plain(v) for k, v in after.items()}
    for obj in objs:
        audit.record_change(action, obj, audit.values(obj, after), unit=audit.unit_of(obj), note=note, after=after)


def _event(nomination: Nomination, action: str, level: Unit, actor, now: dt.datetime, reason: str = "") -> None:
    NominationEvent.objects.create(
        nomination=nomination, action=action, level=level, actor=actor, at=now, reason=nfc(reason)
    )


def _subject_label(subject: str) -> str:
    return str(Subject(subject).label).lower()


# --- Rounds, award forms, quotas -----------------------------------------------------------------------


def _authority_unit(issuer: Unit, authority: str) -> Unit | None:
    """Which unit of the portal grants an award named like "Giám đốc Sở GD&ĐT …" or "Trưởng phòng …":
    the nearest unit of that category at or above the plan's issuer; None for outside authorities."""
    text = fold(authority)
    if "giam doc so" in text:
        category = UnitKind.Category.DEPARTMENT
    elif "truong phong" in text:
        category = UnitKind.Category.OFFICE
    elif "hieu truong" in text:
        category = UnitKind.Category.SCHOOL
    else:
        return None
    for unit in [issuer, *reversed(unit_ancestors(issuer))]:
        if unit.kind.category == category:
            return unit
    return None


def award_form_for_plan(plan: AwardPlan) -> AwardForm:
    issuer = plan.campaign.issuer
    collective = ReportTemplate.objects.filter(subject=Subject.COLLECTIVE).order_by("-version").first()
    individual = ReportTemplate.objects.filter(subject=Subject.INDIVIDUAL).order_by("-version").first()
    form, _created = AwardForm.objects.get_or_create(
        owner=issuer,
        name=plan.name,
        defaults={
            "authority_unit": _authority_unit(issuer, plan.authority or plan.name),
            "authority_name": plan.authority or plan.name,
            "for_collectives": plan.for_collectives,
            "for_individuals": plan.for_individuals,
            "collective_template": collective,
            "individual_template": individual,
        },
    )
    return form


def round_create(
    campaign: Campaign,
    *,
    kind: str,
    school_year: str,
    actor,
    period: str = "",
    name: str = "",
    signatures_required: bool = False,
) -> AwardRound:
    """Opens a round of a published campaign from the award forms its plan offers for that kind of round:
    the forms, the quotas as the plan states them (on the issuing unit), the plan's nomination and council
    deadlines, the dossier items and the number of copies."""
    validate_school_year(school_year)
    if campaign.status != Campaign.Status.PUBLISHED:
        raise ValidationError(_("Chỉ mở đợt xét khen thưởng cho kế hoạch đã ban hành."))
    plans = [p for p in campaign.award_plans.all() if p.round == kind]
    if not plans:
        raise ValidationError(_("Kế hoạch không có hình thức khen thưởng cho đợt này."))
    deadline = campaign.deadlines.filter(kind=Deadline.Kind.NOMINATION).order_by("pk").first()
    council = campaign.deadlines.filter(kind=Deadline.Kind.COUNCIL).order_by("pk").first()
    if not period:
        basis = deadline.basis if deadline else Deadline.Basis.CALENDAR_YEAR
        period = school_year if basis == Deadline.Basis.SCHOOL_YEAR else school_year[5:]
    with transaction.atomic():
        award_round = AwardRound.objects.create(
            campaign=campaign,
            organiser=campaign.issuer,
            kind=kind,
            name=name
            or _("Xét khen thưởng %(kind)s %(year)s — %(title)s")
            % {"kind": AwardRound.Kind(kind).label.lower(), "year": school_year, "title": campaign.title[:150]},
            school_year=school_year,
            period=period,
            deadline=deadline,
            council_deadline=council,
            dossier_items=list(AwardRound.Item.values),
            copies=max((p.copies or 1) for p in plans),
            signatures_required=signatures_required,
            created_by=actor,
        )
        for plan in plans:
            form = award_form_for_plan(plan)
            award_round.award_forms.add(form)
            if plan.quota_scope and (plan.quota_collectives is not None or plan.quota_individuals is not None):
                Quota.objects.get_or_create(
                    round=award_round,
                    award_form=form,
                    scope=plan.quota_scope,
                    unit=campaign.issuer,
                    block=None,
                    defaults={
                        "max_collectives": plan.quota_collectives or 0,
                        "max_individuals": plan.quota_individuals or 0,
                        "updated_by": actor,
                    },
                )
    return award_round


def quota_save(
    award_round: AwardRound,
    *,
    award_form: AwardForm,
    scope: str,
    unit: Unit,
    max_collectives: int,
    max_individuals: int,
    actor,
    block=None,
) -> Quota:
    """Sets a quota; a quota is never set below what its level has already used."""
    if award_form not in award_round.award_forms.all():
        raise ValidationError(_("Hình thức này không thuộc đợt xét."))
    if max_collectives < 0 or max_individuals < 0:
        raise ValidationError(_("Số lượng không được âm."))
    with transaction.atomic():
        quota = (
            Quota.objects.select_for_update()
            .filter(round=award_round, award_form=award_form, scope=scope, unit=unit, block=block)
            .first()
        )
        before = None
        if quota is None:
            quota = Quota(round=award_round, award_form=award_form, scope=scope, unit=unit, block=block)
        else:
            before = audit.values(quota, ("max_collectives", "max_individuals"))
            for subject, limit in ((Subject.COLLECTIVE, max_collectives), (Subject.INDIVIDUAL, max_individuals)):
                used = quota_used(quota, subject)
                if used is not None and used > limit:
                    raise ValidationError(
                        _("Đã dùng %(used)s suất %(s)s; không thể giảm hạn mức xuống %(limit)s.")
                        % {"used": used, "s": _subject_label(subject), "limit": limit}
                    )
        quota.max_collectives, quota.max_individuals, quota.updated_by = max_collectives, max_individuals, actor
        quota.save()
        after = audit.values(quota, ("max_collectives", "max_individuals"))
        if before != after:
            audit.record("quota.changed", quota, unit=unit, actor=actor, before=before, after=after)
    return quota


def quota_hand_down(quota: Quota, *, child: Unit, max_collectives: int, max_individuals: int, actor) -> Quota:
    """A level hands part of its quota to a child unit: the child then forwards at most that many, and the
    parts handed down never add up to more than the quota itself."""
    if child.parent_id != quota.unit_id:
        raise ValidationError(_("Chỉ phân bổ hạn mức cho đơn vị trực thuộc trực tiếp."))
    with transaction.atomic():
        parent = Quota.objects.select_for_update().get(pk=quota.pk)
        others = parent.parts.exclude(unit=child)
        for subject, wanted in ((Subject.COLLECTIVE, max_collectives), (Subject.INDIVIDUAL, max_individuals)):
            field = "max_collectives" if subject == Subject.COLLECTIVE else "max_individuals"
            given = sum(getattr(p, field) for p in others)
            if given + wanted > parent.limit(subject):
                raise ValidationError(
                    _("Tổng phân bổ %(s)s (%(total)s) vượt hạn mức của đơn vị (%(limit)s).")
                    % {"s": _subject_label(subject), "total": given + wanted, "limit": parent.limit(subject)}
                )
        part = quota_save(
            parent.round,
            award_form=parent.award_form,
            scope=Quota.Scope.UNIT,
            unit=child,
            max_collectives=max_collectives,
            max_individuals=max_individuals,
            actor=actor,
        )
        if part.parent_id != parent.pk:
            part.parent = parent
            part.save(update_fields=["parent"])
    return part


def _block_of(unit: Unit | None, organiser: Unit, school_year: str):
    if unit is None:
        return None
    membership = (
        BlockMembership.objects.filter(unit=unit, organiser=organiser, school_year=school_year)
        .select_related("block")
        .first()
    )
    return membership.block if membership else None


def approval_quotas(nomination: Nomination, level: Unit) -> list[tuple[Quota, object]]:
    """The quotas an approval at `level` counts against, each with the block it is counted in (or None)."""
    rows = Quota.objects.filter(round_id=nomination.round_id, award_form_id=nomination.award_form_id).filter(
        Q(scope=Quota.Scope.COUNCIL, unit=level)
        | Q(scope=Quota.Scope.UNIT, unit=level)
        | Q(scope=Quota.Scope.BLOCK, unit=level)
    )
    result = []
    for quota in rows.order_by("pk"):
        if quota.scope == Quota.Scope.UNIT and nomination.award_form.authority_unit_id == level.pk:
            continue  # the level decides itself: its forwarding quota does not apply
        if quota.scope == Quota.Scope.BLOCK:
            block = _block_of(nomination.via, level, nomination.round.school_year)
            if block is None or (quota.block_id and quota.block_id != block.pk):
                continue
            result.append((quota, block))
        else:
            result.append((quota, None))
    return result


def quota_used(quota: Quota, subject: str, block=None) -> int | None:
    """Approvals counted against a COUNCIL, UNIT or BLOCK quota at its level (None for DIVISION: counted per
    division at submission)."""
    if quota.scope == Quota.Scope.DIVISION:
        return None
    rows = NominationApproval.objects.filter(
        round_id=quota.round_id, award_form_id=quota.award_form_id, level_id=quota.unit_id, subject=subject, active=True
    )
    if quota.scope == Quota.Scope.BLOCK:
        if block is None and quota.block_id is None:
            return None
        rows = rows.filter(block=block or quota.block)
    used = rows.count()
    if quota.scope == Quota.Scope.UNIT:
        # The level's own nominations passed by its council go up in the same dossier.
        used += _own_forwarded(quota.round_id, quota.award_form_id, quota.unit_id, subject)
    return used


def _forwarded_by(round_id: int, unit_id: int, form_id: int, subject: str):
    """Nominations a unit has sent up in the round for one award form and subject, still in play."""
    return (
        Nomination.objects.filter(
            round_id=round_id,
            award_form_id=form_id,
            subject=subject,
            submissions__from_unit_id=unit_id,
            submissions__state__in=Submission.SENT,
        )
        .exclude(state__in=[State.REJECTED, State.WITHDRAWN])
        .distinct()
    )


def _own_forwarded(round_id: int, form_id: int, unit_id: int, subject: str) -> int:
    return _forwarded_by(round_id, unit_id, form_id, subject).filter(unit_id=unit_id).count()


def _full_message(quota: Quota, subject: str, used: int, block=None) -> str:
    where = {
        Quota.Scope.COUNCIL: _("Hội đồng TĐKT của %(unit)s"),
        Quota.Scope.UNIT: _("%(unit)s (số được trình lên cấp trên)"),
        Quota.Scope.BLOCK: _("khối thi đua “%(block)s”"),
        Quota.Scope.DIVISION: _("mỗi phòng chức năng của %(unit)s"),
    }[quota.scope] % {"unit": quota.unit.name, "block": block.name if block else ""}
    return _(
        "Đã đủ hạn mức %(limit)s %(s)s cho “%(form)s” của %(where)s (đã duyệt %(used)s). "
        "Muốn duyệt thêm, hãy bỏ duyệt một đề nghị khác hoặc đề nghị cấp trên điều chỉnh hạn mức."
    ) % {
        "limit": quota.limit(subject),
        "s": _subject_label(subject),
        "form": quota.award_form.name,
        "where": where,
        "used": used,
    }


# --- Nominations ----------------------------------------------------------------------------------------


def _report_prefill(nomination: Nomination) -> dict:
    report: dict = {}
    person = nomination.nominee_person
    if person is not None:
        report.update(
            {
                "full_name": person.full_name,
                "date_of_birth": person.date_of_birth.strftime("%d/%m/%Y") if person.date_of_birth else "",
                "gender": person.get_gender_display() if person.gender else "",
                "position": nomination.nominee_position,
            }
        )
        history = AwardRecord.objects.filter(person=person)
    else:
        history = AwardRecord.objects.filter(unit=nomination.nominee_unit)
    lines = [
        f"- {r.award_name}, QĐ số {r.decision_number} ngày {r.decision_date:%d/%m/%Y}"
        + (f" của {r.authority_name}" if r.authority_name else "")
        for r in history[:20]
    ]
    if lines:
        report["previous_awards"] = "\n".join(lines)
    return report


def nomination_create(
    award_round: AwardRound,
    unit: Unit,
    *,
    actor,
    award_form: AwardForm,
    subject: str,
    person: Person | None = None,
    nominee_unit: Unit | None = None,
    proposed_by: Unit | None = None,
    summary: str = "",
    now: dt.datetime | None = None,
) -> Nomination:
    """A unit proposes a collective or a person of its own subtree for an award form of the round; the same
    nominee is proposed at most once per award form and round."""
    now = now or timezone.now()
    if not award_round.open:
        raise ValidationError(_("Đợt xét khen thưởng đã đóng."))
    if not award_round.award_forms.filter(pk=award_form.pk).exists():
        raise ValidationError(_("Hình thức “%(f)s” không thuộc đợt này.") % {"f": award_form.name})
    if not unit.path.startswith(award_round.organiser.path):
        raise ValidationError(_("Đơn vị không thuộc phạm vi của đợt xét khen thưởng."))
    if subject == Subject.COLLECTIVE:
        if not award_form.for_collectives:
            raise ValidationError(_("Hình thức này không dành cho tập thể."))
        nominee_unit = nominee_unit or unit
        if not nominee_unit.path.startswith(unit.path):
            raise ValidationError(_("Chỉ đề nghị tập thể thuộc đơn vị mình."))
        person = None
        name, position, category = nominee_unit.name, "", ""
    elif subject == Subject.INDIVIDUAL:
        if not award_form.for_individuals:
            raise ValidationError(_("Hình thức này không dành cho cá nhân."))
        if person is None:
            raise ValidationError(_("Hãy chọn cá nhân được đề nghị."))
        if not person.unit.path.startswith(unit.path):
            raise ValidationError(_("Chỉ đề nghị cán bộ đang công tác tại đơn vị mình."))
        nominee_unit = None
        name = person.full_name
        position = ", ".join(p for p in (person.position, person.unit.name) if p)
        category = person.category
    else:
        raise ValidationError(_("Đối tượng không hợp lệ."))
    if proposed_by is not None and not (proposed_by.parent_id == unit.pk and proposed_by.is_internal):
        raise ValidationError(_("Tổ đề xuất phải là tổ, bộ phận của đơn vị."))
    duplicate = Nomination.objects.filter(round=award_round, award_form=award_form).exclude(
        state__in=[State.WITHDRAWN, State.REJECTED]
    )
    duplicate = duplicate.filter(nominee_person=person) if person else duplicate.filter(nominee_unit=nominee_unit)
    if (found := duplicate.select_related("unit").first()) is not None:
        raise ValidationError(
            _("%(name)s đã được %(unit)s đề nghị “%(form)s” trong đợt này.")
            % {"name": name, "unit": found.unit.name, "form": award_form.name}
        )
    nomination = Nomination(
        round=award_round,
        award_form=award_form,
        subject=subject,
        unit=unit,
        level=unit,
        proposed_by=proposed_by,
        nominee_unit=nominee_unit,
        nominee_person=person,
        nominee_name=name,
        nominee_position=position,
        category=category,
        summary=nfc(summary),
        report_template=award_form.template_for(subject),
        created_by=actor,
        updated_by=actor,
    )
    nomination.report = _report_prefill(nomination)
    try:
        with transaction.atomic():
            nomination.save()
            _event(nomination, NominationEvent.Action.CREATED, unit, actor, now)
    except IntegrityError:
        raise ValidationError(
            _("%(name)s vừa được đề nghị “%(form)s” trong đợt này.") % {"name": name, "form": award_form.name}
        ) from None
    eligibility.refresh(nomination)
    return nomination


def report_problems(nomination: Nomination) -> list[str]:
    template = nomination.report_template
    if template is None:
        return []
    return [
        _("Báo cáo thành tích còn thiếu: %(f)s.") % {"f": f["label"]}
        for f in template.fields
        if f.get("required") and not str(nomination.report.get(f["key"], "")).strip()
    ]


def nomination_save(nomination: Nomination, *, actor, version, summary: str | None, report: dict | None) -> Nomination:
    """Saves the summary and the achievement report (autosave). A stale page is refused with the other
    person's name and time; a confirmed report needs the head's confirmation again after a change."""
    with transaction.atomic():
        current = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("updated_by", "report_template")
            .get(pk=nomination.pk)
        )
        if version is None or int(version) != current.version:
            who = current.updated_by.get_full_name() if current.updated_by else _("người khác")
            raise ValidationError(
                _(
                    "%(who)s vừa lưu đề nghị này lúc %(at)s. Hãy tải lại trang để xem bản mới; "
                    "những gì bạn vừa nhập vẫn còn trên trang nhưng chưa được lưu."
                )
                % {"who": who, "at": timezone.localtime(current.updated_at).strftime("%H:%M %d/%m/%Y")}
            )
        if current.state not in Nomination.EDITABLE:
            raise ValidationError(
                _("Đề nghị đang ở trạng thái “%(s)s”: không sửa được.") % {"s": current.get_state_display()}
            )
        fields: dict = {"updated_by": actor, "updated_at": timezone.now()}
        changed = False
        if summary is not None and nfc(summary) != current.summary:
            if len(summary) > 2000:
                raise ValidationError(_("Tóm tắt thành tích tối đa 2.000 ký tự."))
            fields["summary"] = nfc(summary)
            changed = True
        if report is not None:
            allowed = {f["key"] for f in current.report_template.fields} if current.report_template else set()
            merged = dict(current.report)
            for key, value in report.items():
                if key in allowed:
                    merged[key] = nfc(value)[:10000]
            if merged != current.report:
                fields["report"] = merged
                changed = True
        if changed:
            fields["report_confirmed_at"] = None
            fields["report_confirmed_by"] = None
        _bump(Nomination, current, **fields)
    return current


def nomination_confirm(nomination: Nomination, *, actor, now: dt.datetime | None = None) -> Nomination:
    """The head of the proposing unit confirms the achievement report (xác nhận của thủ trưởng)."""
    now = now or timezone.now()
    problems = report_problems(nomination)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        _bump(Nomination, nomination, report_confirmed_at=now, report_confirmed_by=actor)
        _event(nomination, NominationEvent.Action.CONFIRMED, nomination.level, actor, now)
    return nomination


def nomination_withdraw(nomination: Nomination, *, actor, reason: str, now: dt.datetime | None = None) -> Nomination:
    now = now or timezone.now()
    if nomination.state not in Nomination.EDITABLE:
        raise ValidationError(_("Chỉ rút đề nghị chưa gửi hoặc đã bị trả lại."))
    with transaction.atomic():
        _bump(Nomination, nomination, state=State.WITHDRAWN, reason=nfc(reason))
        SubmissionItem.objects.filter(nomination=nomination, submission__state=SubState.DRAFT).delete()
        _event(nomination, NominationEvent.Action.WITHDRAWN, nomination.level, actor, now, reason)
    return nomination


def nomination_evidence(nomination: Nomination, *, actor, upload=None, url: str = "", title: str = "", item=None):
    """Attaches evidence from the unit's library (criteria.EvidenceItem): an existing item, a new upload
    (checked like every upload) or a link."""
    unit = nomination.unit
    if item is not None:
        if item.unit_id != unit.pk:
            raise ValidationError(_("Minh chứng không thuộc thư viện của đơn vị."))
    elif upload is not None:
        item = criteria_services.evidence_upload(unit, upload, title=title, issued_on=None, actor=actor)
    elif url:
        item = criteria_services.evidence_link(unit, url=url, title=title, issued_on=None, actor=actor)
    else:
        raise ValidationError(_("Hãy chọn tệp, dán liên kết hoặc chọn từ thư viện minh chứng."))
    nomination.evidence.add(item)
    _bump(Nomination, nomination, updated_by=actor)
    return item


# --- Council meetings --------------------------------------------------------------------------------


def council_agenda(award_round: AwardRound, unit: Unit):
    """What a unit's council deliberates in a round: its own nominations not yet sent, and those it has
    approved from the units below."""
    return (
        Nomination.objects.filter(round=award_round, level=unit)
        .filter(Q(unit=unit, state__in=Nomination.EDITABLE) | Q(state=State.APPROVED))
        .select_related("award_form")
        .order_by("award_form", "subject", "pk")
    )


def council_create(award_round: AwardRound, unit: Unit, *, actor, **fields) -> CouncilMeeting:
    """Opens a meeting with the agenda as it stands; members present never exceed members."""
    total, present = fields.get("members_total") or 0, fields.get("members_present") or 0
    if total <= 0 or present <= 0:
        raise ValidationError(_("Cần nhập tổng số thành viên và số thành viên có mặt."))
    if present > total:
        raise ValidationError(_("Số thành viên có mặt (%(p)s) lớn hơn tổng số (%(t)s).") % {"p": present, "t": total})
    agenda = list(council_agenda(award_round, unit))
    if not agenda:
        raise ValidationError(_("Chưa có đề nghị nào để Hội đồng xét trong đợt này."))
    with transaction.atomic():
        meeting = CouncilMeeting.objects.create(round=award_round, unit=unit, created_by=actor, **fields)
        CouncilVote.objects.bulk_create([CouncilVote(meeting=meeting, nomination=n) for n in agenda])
    return meeting


def _passes(form: AwardForm, percent) -> bool:
    return percent >= form.vote_threshold if form.threshold_inclusive else percent > form.vote_threshold


def council_record(meeting: CouncilMeeting, *, actor, version, votes: dict[int, int | None]) -> CouncilMeeting:
    """Records the secret-ballot results (votes in favour per nominee); percentages are of all members and
    the pass mark is the award form's; the ranked list is by votes, then by the order on the agenda."""
    with transaction.atomic():
        meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
        _stale(meeting, version)
        if meeting.closed_at:
            raise ValidationError(_("Cuộc họp đã kết thúc: kết quả không sửa được."))
        rows = list(meeting.votes.select_related("nomination__award_form"))
        errors = []
        for vote in rows:
            if vote.nomination_id not in votes:
                continue
            value = votes[vote.nomination_id]
            if value is not None and value > meeting.members_present:
                errors.append(
                    _("%(name)s: số phiếu (%(v)s) lớn hơn số thành viên có mặt (%(p)s).")
                    % {"name": vote.nomination.nominee_name, "v": value, "p": meeting.members_present}
                )
                continue
            vote.votes_for = value
        if errors:
            raise ValidationError(errors)
        _rank(meeting, rows)
        _bump(CouncilMeeting, meeting)
    return meeting


def _rank(meeting: CouncilMeeting, rows: list[CouncilVote]) -> None:
    for vote in rows:
        if vote.votes_for is None:
            vote.percent, vote.passed, vote.rank = None, None, None
        else:
            vote.percent = round(vote.votes_for * 100 / meeting.members_total, 2)
            vote.passed = _passes(vote.nomination.award_form, vote.percent)
    groups: dict = {}
    for vote in rows:
        if vote.votes_for is not None:
            groups.setdefault((vote.nomination.award_form_id, vote.nomination.subject), []).append(vote)
    for group in groups.values():
        group.sort(key=lambda v: (-v.votes_for, v.pk))
        for rank, vote in enumerate(group, start=1):
            vote.rank = rank
    CouncilVote.objects.bulk_update(rows, ["votes_for", "percent", "passed", "rank"])


def council_close(meeting: CouncilMeeting, *, actor, version, now: dt.datetime | None = None) -> CouncilMeeting:
    now = now or timezone.now()
    with transaction.atomic():
        meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
        _stale(meeting, version)
        if meeting.closed_at:
            raise ValidationError(_("Cuộc họp đã kết thúc."))
        votes = list(meeting.votes.select_related("nomination"))
        missing = [v.nomination.nominee_name for v in votes if v.votes_for is None]
        if missing:
            raise ValidationError(_("Chưa nhập kết quả bỏ phiếu cho: %(names)s.") % {"names": ", ".join(missing)})
        _bump(CouncilMeeting, meeting, closed_at=now, closed_by=actor)
        for vote in votes:
            _event(
                vote.nomination,
                NominationEvent.Action.VOTED,
                meeting.unit,
                actor,
                now,
                _("%(v)s/%(t)s phiếu (%(p)s%%) — %(r)s")
                % {
                    "v": vote.votes_for,
                    "t": meeting.members_total,
                    "p": vote.percent,
                    "r": _("đạt") if vote.passed else _("không đạt"),
                },
            )
    return meeting


def passed_votes(award_round: AwardRound, unit: Unit, nomination_ids) -> dict[int, CouncilVote]:
    """The latest closed meeting's vote at `unit` for each nomination."""
    found: dict[int, CouncilVote] = {}
    rows = (
        CouncilVote.objects.filter(
            meeting__round=award_round,
            meeting__unit=unit,
            meeting__closed_at__isnull=False,
            nomination_id__in=list(nomination_ids),
        )
        .select_related("meeting")
        .order_by("-meeting__held_at", "-meeting__pk")
    )
    for vote in rows:
        found.setdefault(vote.nomination_id, vote)
    return found


# --- Submissions (dossiers) -----------------------------------------------------------------------------


def submission_candidates(award_round: AwardRound, unit: Unit):
    """What a unit may put in its dossier: nominations at its level passed by its council (its own not yet
    sent, or approved from below), not already in another dossier of the round still in preparation."""
    rows = list(council_agenda(award_round, unit))
    votes = passed_votes(award_round, unit, [n.pk for n in rows])
    return [n for n in rows if votes.get(n.pk) and votes[n.pk].passed], votes


def submission_create(award_round: AwardRound, unit: Unit, *, actor) -> Submission:
    """Starts the unit's dossier to its parent, with every candidate passed by its council."""
    if unit.parent_id is None or unit.kind.category == UnitKind.Category.TEAM:
        raise ValidationError(_("Đơn vị này không trình hồ sơ lên cấp trên trên cổng."))
    existing = Submission.objects.filter(round=award_round, from_unit=unit, state=SubState.DRAFT).first()
    if existing:
        return existing
    candidates, votes = submission_candidates(award_round, unit)
    taken = set(
        SubmissionItem.objects.filter(
            submission__round=award_round, submission__from_unit=unit, nomination__in=candidates
        ).values_list("nomination_id", flat=True)
    )
    with transaction.atomic():
        submission = Submission.objects.create(
            round=award_round,
            from_unit=unit,
            to_unit=unit.parent,
            excerpt=_("V/v đề nghị khen thưởng %(round)s") % {"round": award_round.name[:200]},
            created_by=actor,
        )
        SubmissionItem.objects.bulk_create(
            [
                SubmissionItem(submission=submission, nomination=n, rank=votes[n.pk].rank or 0)
                for n in candidates
                if n.pk not in taken
            ]
        )
    return submission


def submission_update(submission: Submission, *, actor, version, chosen_ids=None, **fields) -> Submission:
    """Edits the tờ trình (number, date, signer, excerpt) and which candidates go in the dossier."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        _stale(submission, version)
        if submission.state not in (SubState.DRAFT, SubState.RETURNED):
            raise ValidationError(_("Hồ sơ đã gửi: không sửa được."))
        attachment = fields.pop("attachment", None)
        if attachment is not None:
            problem, _checked = check_upload(attachment, accept=("pdf",))
            if problem:
                raise ValidationError(problem)
            submission.attachment.save(f"to-trinh-{submission.public_id}.pdf", attachment, save=False)
            fields["attachment"] = submission.attachment.name
        if chosen_ids is not None and submission.state == SubState.DRAFT:
            candidates, votes = submission_candidates(submission.round, submission.from_unit)
            allowed = {n.pk: n for n in candidates}
            chosen = [int(i) for i in chosen_ids if int(i) in allowed]
            submission.items.exclude(nomination_id__in=chosen).delete()
            have = set(submission.items.values_list("nomination_id", flat=True))
            SubmissionItem.objects.bulk_create(
                [
                    SubmissionItem(submission=submission, nomination_id=i, rank=votes[i].rank or 0)
                    for i in chosen
                    if i not in have
                ]
            )
        _bump(Submission, submission, **{k: (nfc(v) if isinstance(v, str) else v) for k, v in fields.items()})
    return submission


def checklist(submission: Submission) -> list[dict]:
    """The dossier items the round asks for, each ✓/✗ with what is missing. A fixed number of queries."""
    nominations = list(
        Nomination.objects.filter(items__submission=submission)
        .exclude(state__in=[State.REJECTED, State.WITHDRAWN])
        .select_related("report_template")
        .annotate(evidence_count=Count("evidence", distinct=True))
        .order_by("pk")
    )
    votes = passed_votes(submission.round, submission.from_unit, [n.pk for n in nominations])
    own = [n for n in nominations if n.unit_id == submission.from_unit_id]
    result = []
    for code in submission.round.dossier_items or list(AwardRound.Item.values):
        missing: list[str] = []
        if code == AwardRound.Item.LETTER:
            for value, label in (
                (submission.number, _("số tờ trình")),
                (submission.signed_on, _("ngày tờ trình")),
                (submission.signer_name, _("người ký")),
            ):
                if not value:
                    missing.append(label)
        elif code == AwardRound.Item.MINUTES:
            missing = [n.nominee_name for n in nominations if not (votes.get(n.pk) and votes[n.pk].passed)]
        elif code == AwardRound.Item.LIST:
            missing = [n.nominee_name for n in nominations if not n.summary.strip()]
            if not nominations:
                missing.append(_("chưa có đề nghị nào trong hồ sơ"))
        elif code == AwardRound.Item.REPORTS:
            missing = [n.nominee_name for n in own if report_problems(n) or not n.report_confirmed_at]
        elif code == AwardRound.Item.EVIDENCE:
            missing = [n.nominee_name for n in own if n.evidence_count == 0]
        result.append({"code": code, "label": str(AwardRound.Item(code).label), "ok": not missing, "missing": missing})
    return result


def _obligation(submission: Submission) -> Obligation | None:
    if submission.round.deadline_id is None:
        return None
    return (
        Obligation.objects.filter(
            deadline_id=submission.round.deadline_id, unit=submission.from_unit, period=submission.round.period
        )
        .select_related("deadline")
        .first()
    )


def submission_locked(submission: Submission, now: dt.datetime | None = None) -> Obligation | None:
    """The obligation that locks this dossier (past a deadline that locks, not reopened), else None."""
    now = now or timezone.now()
    ob = _obligation(submission)
    if ob is None or not ob.deadline.locks or ob.status in (Obligation.Status.SUBMITTED, Obligation.Status.LATE):
        return None
    if now < ob.due_at or (ob.reopened_until and now < ob.reopened_until):
        return None
    return ob


def _submission_quotas(submission: Submission) -> list[Quota]:
    unit = submission.from_unit
    q = Q(scope=Quota.Scope.UNIT, unit=unit)
    if unit.kind.category == UnitKind.Category.DIVISION:
        q |= Q(scope=Quota.Scope.DIVISION, unit_id=unit.parent_id)
    return list(
        Quota.objects.select_for_update()
        .filter(q, round=submission.round)
        .select_related("award_form", "unit")
        .order_by("pk")
    )


def submission_submit(
    submission: Submission, *, actor, version, now: dt.datetime | None = None, confirm_signer: bool = False
) -> Submission:
    """The head signs and sends the dossier: every item on the checklist present, within the deadline
    (or reopened), within the unit's quotas; a second press of the button is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update().select_related("round", "from_unit__kind").get(pk=submission.pk)
        )
        if submission.state in (*Submission.AWAITING, SubState.ACCEPTED, SubState.FORWARDED, SubState.DECIDED):
            raise ValidationError(
                _("Hồ sơ đã được gửi lúc %(at)s; không gửi lại lần nữa.")
                % {"at": timezone.localtime(submission.submitted_at).strftime("%H:%M %d/%m/%Y")}
            )
        _stale(submission, version)
        missing = [c for c in checklist(submission) if not c["ok"]]
        if missing:
            raise ValidationError(
                [
                    _("Hồ sơ còn thiếu: %(item)s%(detail)s.")
                    % {"item": c["label"], "detail": (" — " + ", ".join(c["missing"])) if c["missing"] else ""}
                    for c in missing
                ]
            )
        dossier_signature_enforce(submission, confirmed=confirm_signer)  # the round's "phải ký số" rule
        if submission_locked(submission, now):
            ob = _obligation(submission)
            raise ValidationError(
                _("Đã quá hạn nộp hồ sơ (%(due)s): hồ sơ bị khóa. Đề nghị %(parent)s mở lại nếu cần nộp bổ sung.")
                % {
                    "due": timezone.localtime(ob.due_at).strftime("%H:%M %d/%m/%Y"),
                    "parent": submission.to_unit.name,
                }
            )
        resend = submission.state == SubState.RETURNED
        items = list(submission.items.select_related("nomination"))
        moving = [
            i.nomination
            for i in items
            if i.nomination.state in Nomination.EDITABLE
            or (i.nomination.state == State.APPROVED and i.nomination.level_id == submission.from_unit_id)
        ]
        if not moving:
            raise ValidationError(_("Không có đề nghị nào cần gửi."))
        for quota in _submission_quotas(submission):
            for subject in (Subject.COLLECTIVE, Subject.INDIVIDUAL):
                sent = (
                    _forwarded_by(submission.round_id, submission.from_unit_id, quota.award_form_id, subject)
                    .exclude(pk__in=[n.pk for n in moving])
                    .count()
                )
                adding = sum(1 for n in moving if n.award_form_id == quota.award_form_id and n.subject == subject)
                if adding and sent + adding > quota.limit(subject):
                    raise ValidationError(
                        _(
                            "Vượt hạn mức: %(unit)s được trình tối đa %(limit)s %(s)s cho “%(form)s” "
                            "(đã trình %(sent)s, hồ sơ này thêm %(adding)s). Hãy bỏ bớt đề nghị khỏi hồ sơ."
                        )
                        % {
                            "unit": submission.from_unit.name,
                            "limit": quota.limit(subject),
                            "s": _subject_label(subject),
                            "form": quota.award_form.name,
                            "sent": sent,
                            "adding": adding,
                        }
                    )
        late = False
        ob = _obligation(submission)
        if ob is not None:
            met = campaign_services.obligation_submit(
                ob, actor=actor, now=now, link=reverse("nominations:submission", args=[submission.public_id])
            )
            late = met.status == Obligation.Status.LATE
        _audit_bulk("nomination.state", moving, {"state": State.SUBMITTED, "level": submission.to_unit})
        Nomination.objects.filter(pk__in=[n.pk for n in moving]).update(
            state=State.SUBMITTED,
            level=submission.to_unit,
            via=submission.from_unit,
            reason="",
            version=F("version") + 1,
        )
        SubmissionItem.objects.filter(submission=submission).update(return_reason="")
        for n in moving:
            _event(n, NominationEvent.Action.SUBMITTED, submission.to_unit, actor, now)
        # Dossiers that brought these nominations here have now been forwarded.
        below = list(
            Submission.objects.filter(
                round=submission.round,
                to_unit=submission.from_unit,
                state=SubState.ACCEPTED,
                items__nomination__in=moving,
            ).distinct()
        )
        _audit_bulk("submission.state", below, {"state": SubState.FORWARDED})
        Submission.objects.filter(pk__in=[b.pk for b in below]).update(state=SubState.FORWARDED)
        _bump(
            Submission,
            submission,
            state=SubState.RESUBMITTED if resend else SubState.SUBMITTED,
            submitted_at=now,
            submitted_late=late or submission.submitted_late,
            signed_by=actor,
            return_reason="",
        )
    for reviewer in users_with_roles(submission.to_unit_id, [Role.REVIEWER, Role.HEAD, Role.OFFICER]):
        notify.notify(
            recipient=reviewer,
            kind=Message.Kind.EVENT,
            subject=_("%(unit)s đã gửi hồ sơ đề nghị khen thưởng") % {"unit": submission.from_unit.name},
            body=_("%(n)s đề nghị trong %(round)s. Hãy thẩm định: duyệt, trả lại hoặc không đề nghị.")
            % {"n": len(moving), "round": submission.round.name},
            key=f"submission:{submission.pk}:sent:{submission.version}:{reviewer.pk}",
            url=reverse("nominations:submission", args=[submission.public_id]),
            unit=submission.from_unit,
            when=now,
        )
    return submission


def _settle(submission_ids, now: dt.datetime) -> None:
    """A dossier whose nominations are all handled becomes accepted (or returned if any was returned)."""
    for submission in Submission.objects.select_for_update().filter(pk__in=list(submission_ids)):
        if submission.state not in Submission.AWAITING:
            continue
        rows = list(submission.items.values_list("nomination__state", "nomination__level_id"))
        if any(s == State.SUBMITTED and level == submission.to_unit_id for s, level in rows):
            continue
        returned = any(s == State.RETURNED and level == submission.from_unit_id for s, level in rows)
        new = SubState.RETURNED if returned else SubState.ACCEPTED
        _bump(Submission, submission, state=new)
        if new == SubState.RETURNED:
            _notify_returned(submission, now)


def _notify_returned(submission: Submission, now: dt.datetime) -> None:
    reasons = [
        f"- {i.nomination.nominee_name}: {i.return_reason}"
        for i in submission.items.select_related("nomination").exclude(return_reason="")
    ]
    body = "\n".join(([submission.return_reason] if submission.return_reason else []) + reasons)
    for person in users_with_roles(submission.from_unit_id, [Role.HEAD, Role.SECRETARY]):
        notify.notify(
            recipient=person,
            kind=Message.Kind.EVENT,
            subject=_("%(unit)s trả lại hồ sơ đề nghị khen thưởng") % {"unit": submission.to_unit.name},
            body=_("Cần hoàn thiện rồi gửi lại:\n%(reasons)s") % {"reasons": body},
            key=f"submission:{submission.pk}:returned:{submission.version}:{person.pk}",
            url=reverse("nominations:submission", args=[submission.public_id]),
            unit=submission.from_unit,
            when=now,
        )


def _locked_nomination(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("award_form", "round", "level", "via")
        .get(pk=nomination.pk)
    )


def nomination_approve(
    nomination: Nomination, *, actor, override: str = "", now: dt.datetime | None = None
) -> Nomination:
    """The receiving level approves a nomination sent to it: failing eligibility checks need a written
    override; every quota of the level (its council's, what it may forward, the sender's block) must have
    room, counted under row locks."""
    now = now or timezone.now()
    with transaction.atomic():
        n = _locked_nomination(nomination)
        if n.state != State.SUBMITTED:
            raise ValidationError(
                _("%(name)s đang ở trạng thái “%(s)s”: không duyệt được.")
                % {"name": n.nominee_name, "s": n.get_state_display()}
            )
        eligibility.refresh(n)
        if n.checks_failed and not override.strip():
            raise ValidationError(
                _("%(name)s chưa đạt %(k)s điều kiện kiểm tra tự động: cần ghi lý do chấp nhận để duyệt.")
                % {"name": n.nominee_name, "k": n.checks_failed}
            )
        level = n.level
        quotas = approval_quotas(n, level)
        locked = {
            q.pk: q for q in Quota.objects.select_for_update().filter(pk__in=[q.pk for q, _b in quotas]).order_by("pk")
        }
        block_for_row = None
        for quota, block in quotas:
            quota = locked[quota.pk]
            used = quota_used(quota, n.subject, block) or 0
            if used + 1 > quota.limit(n.subject):
                raise ValidationError(_full_message(quota, n.subject, used, block))
            if block is not None:
                block_for_row = block
        if block_for_row is None:
            block_for_row = _block_of(n.via, level, n.round.school_year)
        NominationApproval.objects.create(
            nomination=n,
            level=level,
            round_id=n.round_id,
            award_form_id=n.award_form_id,
            subject=n.subject,
            block=block_for_row,
            approved_by=actor,
            at=now,
            override_reason=nfc(override),
        )
        _bump(Nomination, n, state=State.APPROVED, override_reason=nfc(override) or n.override_reason, reason="")
        _event(n, NominationEvent.Action.APPROVED, level, actor, now, override)
        _settle(n.submissions.values_list("pk", flat=True), now)
        full = [
            (q, b) for q, b in quotas if (quota_used(locked[q.pk], n.subject, b) or 0) >= locked[q.pk].limit(n.subject)
        ]
    for quota, block in full:
        _notify_full(quota, n.subject, block, now)
    return n


def _notify_full(quota: Quota, subject: str, block, now: dt.datetime) -> None:
    for person in users_with_roles(quota.unit_id, [Role.HEAD, Role.REVIEWER, Role.OFFICER]):
        notify.notify(
            recipient=person,
            kind=Message.Kind.EVENT,
            subject=_("Đã dùng hết hạn mức %(s)s — %(form)s")
            % {"s": _subject_label(subject), "form": quota.award_form.name},
            body=_full_message(quota, subject, quota.limit(subject), block),
            key=f"quota:{quota.pk}:{subject}:{block.pk if block else 0}:full:{quota.limit(subject)}:{person.pk}",
            url=reverse("nominations:board", args=[quota.round.public_id]),
            unit=quota.unit,
            when=now,
        )


def nomination_unapprove(nomination: Nomination, *, actor, reason: str, now: dt.datetime | None = None) -> Nomination:
    """The level takes back its approval while the nomination is still with it (frees the quota slot)."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do bỏ duyệt."))
    with transaction.atomic():
        n = _locked_nomination(nomination)
        if n.state != State.APPROVED or n.via_id is None:
            raise ValidationError(_("Chỉ bỏ duyệt đề nghị đã duyệt và chưa trình lên cấp trên."))
        NominationApproval.objects.filter(nomination=n, level=n.level, active=True).update(active=False)
        _bump(Nomination, n, state=State.SUBMITTED)
        _event(n, NominationEvent.Action.SUBMITTED, n.level, actor, now, _("Bỏ duyệt: %(r)s") % {"r": reason})
        reopened = list(Submission.objects.filter(items__nomination=n, to_unit=n.level, state=SubState.ACCEPTED))
        _audit_bulk("submission.state", reopened, {"state": SubState.SUBMITTED}, reason)
        Submission.objects.filter(pk__in=[s.pk for s in reopened]).update(state=SubState.SUBMITTED)
    return n


def nomination_return(nomination: Nomination, *, actor, reason: str, now: dt.datetime | None = None) -> Nomination:
    """Sends one nomination back to the unit that submitted it, with the reason (kept in its history)."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do trả lại để đơn vị biết phải sửa gì."))
    with transaction.atomic():
        n = _locked_nomination(nomination)
        if n.state != State.SUBMITTED:
            raise ValidationError(_("Chỉ trả lại đề nghị đang chờ thẩm định."))
        level = n.level
        SubmissionItem.objects.filter(nomination=n, submission__to_unit=level).update(return_reason=nfc(reason))
        _bump(Nomination, n, state=State.RETURNED, level=n.via, reason=nfc(reason))
        _event(n, NominationEvent.Action.RETURNED, level, actor, now, reason)
        _settle(n.submissions.values_list("pk", flat=True), now)
    return n


def nomination_reject(nomination: Nomination, *, actor, reason: str, now: dt.datetime | None = None) -> Nomination:
    """Not proposed further, with the reason; final for this round."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do không đề nghị."))
    with transaction.atomic():
        n = _locked_nomination(nomination)
        if n.state != State.SUBMITTED:
            raise ValidationError(_("Chỉ quyết định không đề nghị với đề nghị đang chờ thẩm định."))
        _bump(Nomination, n, state=State.REJECTED, reason=nfc(reason))
        _event(n, NominationEvent.Action.REJECTED, n.level, actor, now, reason)
        _settle(n.submissions.values_list("pk", flat=True), now)
    return n


def submission_return(submission: Submission, *, actor, reason: str, version, now: dt.datetime | None = None):
    """Returns the whole dossier (e.g. the tờ trình is not signed): every nomination still waiting goes
    back with the reason; approvals already given stay."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do trả lại hồ sơ."))
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        _stale(submission, version)
        if submission.state not in Submission.AWAITING:
            raise ValidationError(_("Chỉ trả lại hồ sơ đang chờ thẩm định."))
        waiting = Nomination.objects.filter(
            items__submission=submission, state=State.SUBMITTED, level=submission.to_unit
        )
        for n in waiting:
            SubmissionItem.objects.filter(submission=submission, nomination=n).update(return_reason=nfc(reason))
            _bump(Nomination, n, state=State.RETURNED, level=submission.from_unit, reason=nfc(reason))
            _event(n, NominationEvent.Action.RETURNED, submission.to_unit, actor, now, reason)
        _bump(Submission, submission, state=SubState.RETURNED, return_reason=nfc(reason))
        _notify_returned(submission, now)
    return submission


def submission_reopen(submission: Submission, *, actor, until: dt.datetime, reason: str) -> Obligation:
    """The receiving level reopens a locked deadline for this one unit (recorded on the campaign)."""
    ob = _obligation(submission)
    if ob is None:
        raise ValidationError(_("Đợt này không có hạn nộp nào khóa hồ sơ của đơn vị."))
    with transaction.atomic():
        return campaign_services.obligation_reopen(ob, actor=actor, until=until, reason=reason)


def bulk_approve(nominations, *, actor, now: dt.datetime | None = None) -> tuple[list[Nomination], list[str]]:
    """Approves each in its own transaction: what fits is approved, the rest is listed with the reason."""
    done, refused = [], []
    for n in nominations:
        try:
            done.append(nomination_approve(n, actor=actor, now=now))
        except ValidationError as exc:
            refused.extend(exc.messages)
    return done, refused


# --- Decisions, public posting, certificates, ledger ------------------------------------------------------


def decision_candidates(award_round: AwardRound, unit: Unit, award_form: AwardForm):
    """Nominations a unit may put in a decision for an award form: approved at its level, or its own passed
    by its council when it grants the award itself."""
    approved = Nomination.objects.filter(round=award_round, award_form=award_form, level=unit, state=State.APPROVED)
    own = list(
        Nomination.objects.filter(
            round=award_round, award_form=award_form, unit=unit, level=unit, state__in=Nomination.EDITABLE
        )
    )
    votes = passed_votes(award_round, unit, [n.pk for n in own])
    return list(approved) + [n for n in own if votes.get(n.pk) and votes[n.pk].passed]


def decision_create(
    award_round: AwardRound,
    unit: Unit,
    *,
    actor,
    award_form: AwardForm,
    number: str,
    signed_on: dt.date | None,
    signer_name: str = "",
    signer_position: str = "",
    nomination_ids,
) -> Decision:
    """Records a quyết định: by this unit when it grants the award, or received from an outside authority.
    An award granted by a higher unit of the portal is forwarded there instead."""
    if award_form.authority_unit_id and award_form.authority_unit_id != unit.pk:
        raise ValidationError(
            _("“%(form)s” do %(auth)s quyết định: hãy trình hồ sơ lên cấp trên.")
            % {"form": award_form.name, "auth": award_form.authority_unit.name}
        )
    if not number.strip() or signed_on is None:
        raise ValidationError(_("Cần nhập số và ngày ký quyết định."))
    allowed = {n.pk: n for n in decision_candidates(award_round, unit, award_form)}
    chosen = [allowed[int(i)] for i in nomination_ids if int(i) in allowed]
    if not chosen:
        raise ValidationError(_("Hãy chọn ít nhất một tập thể hoặc cá nhân được khen thưởng."))
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                round=award_round,
                unit=unit,
                award_form=award_form,
                number=nfc(number),
                signed_on=signed_on,
                authority_name=award_form.authority_name,
                signer_name=signer_name,
                signer_position=signer_position,
                created_by=actor,
            )
            decision.nominations.set(chosen)
            audit.record(
                "decision.created",
                decision,
                unit=unit,
                actor=actor,
                after={"number": decision.number, "signed_on": audit.plain(signed_on), "awardees": len(chosen)},
            )
    except IntegrityError:
        raise ValidationError(_("Số quyết định %(no)s đã được dùng.") % {"no": number}) from None
    return decision


def decision_post(decision: Decision, *, actor, version, now: dt.datetime | None = None) -> Decision:
    """Posts the result publicly for the round's objection window."""
    now = now or timezone.now()
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("round").get(pk=decision.pk)
        _stale(decision, version)
        if decision.state != Decision.State.DRAFT:
            raise ValidationError(_("Quyết định đã được công khai."))
        _bump(
            Decision,
            decision,
            state=Decision.State.POSTED,
            posted_at=now,
            objection_until=now + dt.timedelta(days=decision.round.objection_days),
        )
    return decision


def objection_create(decision: Decision, *, name: str, contact: str, text: str, nomination_id=None) -> Objection:
    now = timezone.now()
    if decision.state != Decision.State.POSTED or now >= decision.objection_until:
        raise ValidationError(_("Đã hết thời gian nhận ý kiến về kết quả này."))
    if not (name.strip() and contact.strip() and text.strip()):
        raise ValidationError(_("Cần nhập họ tên, cách liên hệ và nội dung ý kiến."))
    if len(text) > 5000:
        raise ValidationError(_("Nội dung tối đa 5.000 ký tự."))
    nomination = decision.nominations.filter(pk=nomination_id).first() if nomination_id else None
    return Objection.objects.create(
        decision=decision, nomination=nomination, name=name[:120], contact=contact[:120], text=text
    )


def objection_resolve(objection: Objection, *, actor, resolution: str) -> Objection:
    if not resolution.strip():
        raise ValidationError(_("Cần ghi kết quả xử lý ý kiến."))
    objection.resolution, objection.resolved_at, objection.resolved_by = nfc(resolution), timezone.now(), actor
    objection.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    return objection


def decision_finalise(decision: Decision, *, actor, version, now: dt.datetime | None = None) -> Decision:
    """After the objection window, with every objection answered: the decision takes effect, each awardee
    gets a certificate with a verification code, and the award ledger records it."""
    now = now or timezone.now()
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("round", "award_form").get(pk=decision.pk)
        _stale(decision, version)
        if decision.state != Decision.State.POSTED:
            raise ValidationError(_("Chỉ hoàn tất quyết định đang công khai."))
        if now < decision.objection_until:
            raise ValidationError(
                _("Đang trong thời gian công khai lấy ý kiến đến %(t)s.")
                % {"t": timezone.localtime(decision.objection_until).strftime("%H:%M %d/%m/%Y")}
            )
        open_objections = decision.objections.filter(resolved_at__isnull=True).count()
        if open_objections:
            raise ValidationError(
                _("Còn %(n)s ý kiến chưa xử lý: hãy ghi kết quả xử lý trước khi hoàn tất.") % {"n": open_objections}
            )
        nominations = list(
            decision.nominations.select_related("nominee_person", "nominee_unit").order_by("subject", "pk")
        )
        prefix = decision.number.split("/")[0]
        for i, n in enumerate(nominations, start=1):
            Certificate.objects.create(decision=decision, nomination=n, number=f"{prefix}-{i:03d}", issued_at=now)
            AwardRecord.objects.create(
                person=n.nominee_person,
                unit=n.nominee_unit,
                award_form=decision.award_form,
                award_name=decision.award_form.name,
                decision_number=decision.number,
                decision_date=decision.signed_on,
                authority_name=decision.authority_name,
                school_year=decision.round.school_year,
                nomination=n,
            )
            _event(n, NominationEvent.Action.AWARDED, decision.unit, actor, now, decision.number)
        _audit_bulk("nomination.state", nominations, {"state": State.AWARDED}, decision.number)
        Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(
            state=State.AWARDED, version=F("version") + 1
        )
        decided = list(
            Submission.objects.filter(items__nomination__in=nominations).exclude(state=SubState.DRAFT).distinct()
        )
        _audit_bulk("submission.state", decided, {"state": SubState.DECIDED}, decision.number)
        Submission.objects.filter(pk__in=[s.pk for s in decided]).update(state=SubState.DECIDED)
        _bump(Decision, decision, state=Decision.State.FINAL, finalised_at=now)
    for n in nominations:
        recipients = users_with_roles(n.unit_id, [Role.HEAD])
        if n.nominee_person and n.nominee_person.user_id:
            recipients.append(n.nominee_person.user)
        for person in {r.pk: r for r in recipients}.values():
            notify.notify(
                recipient=person,
                kind=Message.Kind.EVENT,
                subject=_("%(name)s được tặng %(form)s") % {"name": n.nominee_name, "form": decision.award_form.name},
                body=_("Quyết định số %(no)s ngày %(d)s của %(auth)s.")
                % {
                    "no": decision.number,
                    "d": decision.signed_on.strftime("%d/%m/%Y"),
                    "auth": decision.authority_name,
                },
                key=f"decision:{decision.pk}:awarded:{n.pk}:{person.pk}",
                url=reverse("nominations:public", args=[decision.public_id]),
                unit=n.unit,
                when=now,
            )
    return decision

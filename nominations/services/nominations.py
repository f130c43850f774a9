"""Nominations as their unit prepares them: proposing, the achievement report and its confirmation by
the head, evidence, withdrawal."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria import services as criteria_services
from units.models import Person, Unit, nfc
from units.transitions import transition, update_audited

from .. import eligibility
from ..models import (
    AwardForm,
    AwardRecord,
    AwardRound,
    Nomination,
    NominationEvent,
    Subject,
    Submission,
    SubmissionItem,
)
from ..selectors import report_problems
from ..transitions import NOMINATION
from .common import State, event, history


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


def _nominee(unit: Unit, award_form: AwardForm, subject: str, person: Person | None, nominee_unit: Unit | None):
    """The nominee a unit may propose for the form: a collective of its own subtree (itself by default) or a
    person working in it; returns (person, collective, name, position, category)."""
    if subject == Subject.COLLECTIVE:
        if not award_form.for_collectives:
            raise ValidationError(_("Hình thức này không dành cho tập thể."))
        nominee_unit = nominee_unit or unit
        if not nominee_unit.path.startswith(unit.path):
            raise ValidationError(_("Chỉ đề nghị tập thể thuộc đơn vị mình."))
        return None, nominee_unit, nominee_unit.name, "", ""
    if subject == Subject.INDIVIDUAL:
        if not award_form.for_individuals:
            raise ValidationError(_("Hình thức này không dành cho cá nhân."))
        if person is None:
            raise ValidationError(_("Hãy chọn cá nhân được đề nghị."))
        if not person.unit.path.startswith(unit.path):
            raise ValidationError(_("Chỉ đề nghị cán bộ đang công tác tại đơn vị mình."))
        position = ", ".join(p for p in (person.position, person.unit.name) if p)
        return person, None, person.full_name, position, person.category
    raise ValidationError(_("Đối tượng không hợp lệ."))


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
    person, nominee_unit, name, position, category = _nominee(unit, award_form, subject, person, nominee_unit)
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
            event(nomination, NominationEvent.Action.CREATED, unit, actor, now)
    except IntegrityError:
        raise ValidationError(
            _("%(name)s vừa được đề nghị “%(form)s” trong đợt này.") % {"name": name, "form": award_form.name}
        ) from None
    eligibility.refresh(nomination)
    return nomination


def _stale_message(current: Nomination) -> str:
    who = current.updated_by.get_full_name() if current.updated_by else _("người khác")
    return _(
        "%(who)s vừa lưu đề nghị này lúc %(at)s. Hãy tải lại trang để xem bản mới; "
        "những gì bạn vừa nhập vẫn còn trên trang nhưng chưa được lưu."
    ) % {"who": who, "at": timezone.localtime(current.updated_at).strftime("%H:%M %d/%m/%Y")}


def _report_changes(current: Nomination, summary: str | None, report: dict | None) -> dict:
    """The fields a save changes: the summary, and the report's known keys merged into it."""
    fields: dict = {}
    if summary is not None and nfc(summary) != current.summary:
        if len(summary) > 2000:
            raise ValidationError(_("Tóm tắt thành tích tối đa 2.000 ký tự."))
        fields["summary"] = nfc(summary)
    if report is not None:
        allowed = {f["key"] for f in current.report_template.fields} if current.report_template else set()
        merged = dict(current.report)
        for key, value in report.items():
            if key in allowed:
                merged[key] = nfc(value)[:10000]
        if merged != current.report:
            fields["report"] = merged
    return fields


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
            raise ValidationError(_stale_message(current))
        if current.state not in Nomination.EDITABLE:
            raise ValidationError(
                _("Đề nghị đang ở trạng thái “%(s)s”: không sửa được.") % {"s": current.get_state_display()}
            )
        fields = _report_changes(current, summary, report)
        if fields:
            fields.update(report_confirmed_at=None, report_confirmed_by=None)
        update_audited(NOMINATION, current, updated_by=actor, updated_at=timezone.now(), **fields)
    return current


def nomination_confirm(nomination: Nomination, *, actor, now: dt.datetime | None = None) -> Nomination:
    """The head of the proposing unit confirms the achievement report (xác nhận của thủ trưởng) of a
    nomination still being prepared or returned; it stays in its state and the step goes in its history."""
    now = now or timezone.now()
    problems = report_problems(nomination)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        transition(
            NOMINATION,
            nomination,
            nomination.state,
            refusal=_("Chỉ xác nhận báo cáo của đề nghị chưa gửi hoặc đã bị trả lại."),
            history=history(NominationEvent.Action.CONFIRMED, nomination.level, actor, now),
            report_confirmed_at=now,
            report_confirmed_by=actor,
        )
    return nomination


def nomination_withdraw(nomination: Nomination, *, actor, reason: str, now: dt.datetime | None = None) -> Nomination:
    """The unit withdraws a nomination not yet sent (or returned to it); the check is made under the row lock."""
    now = now or timezone.now()
    with transaction.atomic():
        transition(
            NOMINATION,
            nomination,
            State.WITHDRAWN,
            refusal=_("Chỉ rút đề nghị chưa gửi hoặc đã bị trả lại."),
            history=history(NominationEvent.Action.WITHDRAWN, nomination.level, actor, now, reason),
            reason=nfc(reason),
        )
        SubmissionItem.objects.filter(nomination=nomination, submission__state=Submission.State.DRAFT).delete()
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
    update_audited(NOMINATION, nomination, updated_by=actor)
    return item

"""Writes for self-assessments. One transaction each; each docstring states the rule it enforces.

Deadlines are campaign data: a published campaign with a "Tự đánh giá" deadline (and optionally a
"Phê duyệt kết quả tự đánh giá" one) gives the unit an obligation for the school year; approving and
submitting here meet those obligations, so reminders stop, lateness is recorded, and a deadline that locks
refuses late work until the reviewer reopens it (campaigns.services.obligation_reopen)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import services as campaign_services
from campaigns.models import Deadline, Obligation
from units import audit, notify
from units.models import Message, Unit, nfc
from units.uploads import check_upload

from . import scoring, selectors
from .models import (
    PROVISIONAL_NOTE,
    Answer,
    Assessment,
    AssessmentEvent,
    Criterion,
    CriterionEntry,
    EvidenceItem,
    Indicator,
    TeamMember,
)
from .sets import set_for

State = Assessment.State


def _event(assessment: Assessment, action: str, actor, now: dt.datetime, **fields) -> AssessmentEvent:
    return AssessmentEvent.objects.create(assessment=assessment, action=action, actor=actor, at=now, **fields)


def _locked_for_update(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",)).select_related("unit", "indicator_set").get(pk=assessment.pk)
    )


def _bump(assessment: Assessment, **fields) -> None:
    before = audit.values(assessment, ["state"] if "state" in fields else [])
    fields["version"] = F("version") + 1
    fields["updated_at"] = timezone.now()
    Assessment.objects.filter(pk=assessment.pk).update(**fields)
    assessment.refresh_from_db()
    if before:
        note = fields.get("return_reason") or fields.get("reason") or ""
        audit.record_change("assessment.state", assessment, before, unit=assessment.unit_id, note=note)


def _check_version(assessment: Assessment, version: int | None) -> None:
    """A step taken from a page older than the last change is refused (someone else acted meanwhile)."""
    if version is not None and int(version) != assessment.version:
        raise ValidationError(
            _("Bản tự đánh giá vừa được người khác cập nhật (trạng thái: %(state)s). Hãy tải lại trang rồi thử lại.")
            % {"state": assessment.get_state_display()}
        )


# --- Start, team, assignments ------------------------------------------------------------------------


def assessment_start(unit: Unit, school_year: str, *, actor, now: dt.datetime | None = None) -> Assessment:
    """Opens the unit's assessment for the year against the newest set for its kind (idempotent)."""
    now = now or timezone.now()
    existing = Assessment.objects.filter(unit=unit, school_year=school_year).first()
    if existing:
        return existing
    indicator_set = set_for(unit.kind, school_year, unit.province_id)
    if indicator_set is None:
        raise ValidationError(
            _("Chưa có bộ chỉ số áp dụng cho %(kind)s trong năm học %(year)s.")
            % {"kind": unit.kind.name.lower(), "year": school_year}
        )
    with transaction.atomic():
        assessment, created = Assessment.objects.get_or_create(
            unit=unit, school_year=school_year, defaults={"indicator_set": indicator_set}
        )
        if created:
            criteria = Criterion.objects.filter(group__indicator_set=indicator_set)
            CriterionEntry.objects.bulk_create(CriterionEntry(assessment=assessment, criterion=c) for c in criteria)
            _event(assessment, AssessmentEvent.Action.CREATED, actor, now)
            assessment_refresh(assessment)
    return assessment


def team_save(
    assessment: Assessment,
    *,
    actor,
    decision_number: str,
    decision_date: dt.date | None,
    members: list[tuple[object, bool, str]],
    now: dt.datetime | None = None,
) -> Assessment:
    """The head's decision forming the team: number/date and members (each must hold a role at the unit)."""
    now = now or timezone.now()
    with transaction.atomic():
        assessment = _locked_for_update(assessment)
        _require_editable(assessment, now)
        allowed = set(selectors.unit_people(assessment.unit).values_list("pk", flat=True))
        strangers = [u for u, _l, _d in members if u.pk not in allowed]
        if strangers:
            raise ValidationError(
                _("%(names)s không thuộc đơn vị nên không thể vào tổ tự đánh giá.")
                % {"names": ", ".join(u.get_full_name() for u in strangers)}
            )
        if sum(1 for _u, leader, _d in members if leader) > 1:
            raise ValidationError(_("Tổ chỉ có một tổ trưởng."))
        TeamMember.objects.filter(assessment=assessment).delete()
        TeamMember.objects.bulk_create(
            TeamMember(assessment=assessment, user=u, is_leader=leader, duty=nfc(duty)) for u, leader, duty in members
        )
        _bump(assessment, team_decision_number=nfc(decision_number.strip()), team_decision_date=decision_date)
        _event(
            assessment,
            AssessmentEvent.Action.TEAM,
            actor,
            now,
            reason=_("Quyết định %(n)s, %(c)s thành viên") % {"n": decision_number or "—", "c": len(members)},
        )
    return assessment


def entry_assign(entry: CriterionEntry, *, actor, lead, cooperators) -> CriterionEntry:
    """Lead and cooperators of one criterion come from the team."""
    team = set(TeamMember.objects.filter(assessment=entry.assessment_id).values_list("user_id", flat=True))
    people = ([lead] if lead else []) + list(cooperators)
    outside = [p for p in people if p.pk not in team]
    if outside:
        raise ValidationError(
            _("Chỉ phân công cho thành viên tổ tự đánh giá: %(names)s chưa ở trong tổ.")
            % {"names": ", ".join(p.get_full_name() for p in outside)}
        )
    entry.lead = lead
    entry.save(update_fields=["lead"])
    entry.cooperators.set([c for c in cooperators if not lead or c.pk != lead.pk])
    return entry


# --- Entering values --------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation as exc:
        raise ValidationError(_("“%(v)s” không phải là số.") % {"v": value}) from exc


def _int(value) -> int | None:
    number = _decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value() or number < 0:
        raise ValidationError(_("“%(v)s” phải là số nguyên không âm.") % {"v": value})
    return int(number)


def _apply(indicator: Indicator, answer: Answer, raw: dict) -> list[str]:
    """Copies one indicator's submitted values onto the answer; returns the problems found."""
    problems: list[str] = []
    kind = indicator.kind
    try:
        if kind in (Indicator.Kind.MANDATORY, Indicator.Kind.YES_NO):
            value = raw.get("value")
            answer.value_bool = {"yes": True, "no": False}.get(value)
        elif kind == Indicator.Kind.LEVELS:
            choice = _int(raw.get("value"))
            if choice is not None and choice >= len(indicator.options.get("choices", [])):
                raise ValidationError(_("mức đã chọn không có trong danh sách."))
            answer.value_choice = choice
        elif kind == Indicator.Kind.NUMBER:
            number = _decimal(raw.get("value"))
            if number is not None and number < 0:
                raise ValidationError(_("số lượng không được âm."))
            answer.value_number = number
        elif kind == Indicator.Kind.PERCENTAGE:
            numerator, denominator = _int(raw.get("numerator")), _int(raw.get("denominator"))
            if denominator == 0:
                raise ValidationError(_("mẫu số phải lớn hơn 0."))
            if numerator is not None and denominator is not None and numerator > denominator:
                raise ValidationError(
                    _("tử số (%(n)s) không được lớn hơn mẫu số (%(d)s).") % {"n": numerator, "d": denominator}
                )
            answer.numerator, answer.denominator = numerator, denominator
    except ValidationError as exc:
        problems.append(_("Chỉ số %(code)s: %(msg)s") % {"code": indicator.code, "msg": " ".join(exc.messages)})
    answer.note = nfc(raw.get("note", "") or "").strip()
    return problems


def entry_save(
    entry: CriterionEntry,
    *,
    actor,
    values: dict[int, dict],
    evidence: dict[int, list[EvidenceItem]],
    version: int,
    now: dt.datetime | None = None,
) -> CriterionEntry:
    """Saves the answers of one criterion. Refused when the criterion changed since the page was opened
    (someone else saved it: nothing is overwritten, the page keeps what this user typed), when the
    assessment is not in an editable state, or after the deadline unless reopened."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = (
            CriterionEntry.objects.select_for_update(of=("self",))
            .select_related("updated_by", "criterion")
            .get(pk=entry.pk)
        )
        assessment = Assessment.objects.select_related("unit", "indicator_set").get(pk=entry.assessment_id)
        _require_editable(assessment, now)
        if entry.version != version:
            who = entry.updated_by.get_full_name() if entry.updated_by else _("người khác")
            when = timezone.localtime(entry.updated_at).strftime("%H:%M %d/%m/%Y") if entry.updated_at else ""
            raise ValidationError(
                _(
                    "Tiêu chí %(code)s vừa được %(who)s cập nhật lúc %(when)s. Những gì bạn nhập vẫn còn trên "
                    "trang: hãy so với bản mới (mở trong thẻ khác) rồi lưu lại."
                )
                % {"code": entry.criterion.code, "who": who, "when": when}
            )
        indicators = list(Indicator.objects.filter(criterion_id=entry.criterion_id))
        answers = {a.indicator_id: a for a in Answer.objects.filter(entry=entry)}
        problems: list[str] = []
        allowed_evidence = set(EvidenceItem.objects.filter(unit=assessment.unit).values_list("pk", flat=True))
        to_save = []
        for indicator in indicators:
            if indicator.kind == Indicator.Kind.CHILDREN:
                continue
            answer = answers.get(indicator.pk) or Answer(entry=entry, indicator=indicator)
            problems += _apply(indicator, answer, values.get(indicator.pk, {}))
            answer.points = scoring.indicator_points(indicator, answer)
            to_save.append((answer, evidence.get(indicator.pk)))
        if problems:
            raise ValidationError(problems)
        for answer, items in to_save:
            answer.save()
            if items is not None:
                answer.evidence.set([e for e in items if e.pk in allowed_evidence])
        CriterionEntry.objects.filter(pk=entry.pk).update(version=F("version") + 1, updated_at=now, updated_by=actor)
        entry.refresh_from_db()
        assessment_refresh(assessment)
    return entry


def assessment_refresh(assessment: Assessment) -> scoring.Result:
    """Recomputes group totals and levels and stores them on the assessment (the queue reads these)."""
    result = selectors.assessment_result(assessment)
    fields = {}
    for number, group in enumerate(result.groups[:2], start=1):
        fields[f"points_{number}"] = group.points
        fields[f"level_{number}"] = group.level
    Assessment.objects.filter(pk=assessment.pk).update(**fields)
    for key, value in fields.items():
        setattr(assessment, key, value)
    return result


# --- Evidence library ---------------------------------------------------------------------------------


def evidence_upload(unit: Unit, upload, *, title: str, issued_on: dt.date | None, actor) -> EvidenceItem:
    """Stores a file in the unit's library after the content, size and virus checks; the same file uploaded
    twice is kept once."""
    problem, checked = check_upload(upload)
    if problem:
        raise ValidationError(problem)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    same = EvidenceItem.objects.filter(unit=unit, sha256=digest.hexdigest()).first()
    if same:
        same.reused = True  # the same file is already in the library: that item is used, nothing is stored twice
        return same
    item = EvidenceItem(
        unit=unit,
        title=nfc(title.strip() or upload.name)[:300],
        issued_on=issued_on,
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    item.file.save(f"{item.public_id}.{checked.extension}", upload, save=False)
    item.save()
    return item


def evidence_link(unit: Unit, *, url: str, title: str, issued_on: dt.date | None, actor) -> EvidenceItem:
    if not url.startswith(("https://", "http://")):
        raise ValidationError(_("Liên kết phải bắt đầu bằng https:// hoặc http://."))
    return EvidenceItem.objects.create(
        unit=unit, url=url, title=nfc(title.strip() or url)[:300], issued_on=issued_on, uploaded_by=actor
    )


# --- Steps --------------------------------------------------------------------------------------------


def obligations_for(assessment: Assessment) -> dict[str, Obligation]:
    """The campaign obligations that set this assessment's deadlines, by deadline kind."""
    end_year = assessment.school_year.split("-")[1]
    rows = (
        Obligation.objects.filter(
            unit=assessment.unit,
            period__in=[assessment.school_year, end_year],
            deadline__kind__in=[Deadline.Kind.SELF_ASSESSMENT, Deadline.Kind.SELF_ASSESSMENT_APPROVAL],
        )
        .select_related("deadline")
        .order_by("due_at")
    )
    found: dict[str, Obligation] = {}
    for ob in rows:
        found.setdefault(ob.deadline.kind, ob)
    return found


def is_locked(assessment: Assessment, now: dt.datetime | None = None, obligations=None) -> bool:
    """Past the submission deadline of a deadline that locks, not submitted, and not reopened."""
    now = now or timezone.now()
    ob = (obligations if obligations is not None else obligations_for(assessment)).get(Deadline.Kind.SELF_ASSESSMENT)
    if ob is None or not ob.deadline.locks or now < ob.due_at:
        return False
    return not (ob.reopened_until and now < ob.reopened_until)


def _require_editable(assessment: Assessment, now: dt.datetime) -> None:
    if not assessment.is_editable:
        raise ValidationError(
            _("Bản tự đánh giá đang ở trạng thái “%(state)s” nên không sửa được.")
            % {"state": assessment.get_state_display()}
        )
    if is_locked(assessment, now):
        raise ValidationError(_("Đã quá hạn nộp: bản tự đánh giá bị khóa. Đề nghị cấp trên mở lại nếu cần bổ sung."))


def completeness_problems(assessment: Assessment) -> list[str]:
    """What must be filled before the head can approve: every indicator answered, required evidence."""
    indicators = Indicator.objects.filter(criterion__group__indicator_set=assessment.indicator_set_id).exclude(
        kind=Indicator.Kind.CHILDREN
    )
    answers = {
        a.indicator_id: a for a in Answer.objects.filter(entry__assessment=assessment).prefetch_related("evidence")
    }
    unanswered, no_evidence = [], []
    for indicator in indicators:
        answer = answers.get(indicator.pk)
        if not scoring.is_answered(indicator, answer):
            unanswered.append(indicator.code)
        elif indicator.evidence_required and not answer.evidence.all():
            no_evidence.append(indicator.code)
    problems = []
    if unanswered:
        problems.append(_("Chưa nhập chỉ số: %(codes)s.") % {"codes": ", ".join(unanswered)})
    if no_evidence:
        problems.append(_("Chưa có minh chứng cho chỉ số: %(codes)s.") % {"codes": ", ".join(no_evidence)})
    return problems


def minutes_record(
    assessment: Assessment, *, actor, upload=None, version: int | None = None, now: dt.datetime | None = None
) -> Assessment:
    """The team's minutes (biên bản): an uploaded signed scan, or the portal's generated one (then signed
    on paper and uploaded later if the province asks)."""
    now = now or timezone.now()
    checked = None
    if upload is not None:
        problem, checked = check_upload(upload, accept=("pdf", "image", "office"))
        if problem:
            raise ValidationError(problem)
    with transaction.atomic():
        assessment = _locked_for_update(assessment)
        _check_version(assessment, version)
        _require_editable(assessment, now)
        problems = completeness_problems(assessment)
        if problems:
            raise ValidationError(problems)
        if not TeamMember.objects.filter(assessment=assessment).exists():
            raise ValidationError(_("Cần thành lập tổ tự đánh giá trước khi lập biên bản."))
        if checked:
            assessment.minutes_file.save(f"bien-ban-{assessment.public_id}.{checked.extension}", upload, save=False)
            Assessment.objects.filter(pk=assessment.pk).update(minutes_file=assessment.minutes_file.name)
        new_state = State.MINUTES if assessment.state == State.DRAFT else assessment.state
        _bump(assessment, state=new_state, minutes_at=now)
        _event(assessment, AssessmentEvent.Action.MINUTES, actor, now, reason=_("Tải lên") if checked else "")
    return assessment


def assessment_approve(
    assessment: Assessment,
    *,
    actor,
    number: str,
    date: dt.date | None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Assessment:
    """The head approves the team's result by decision (before the approval deadline if one locks)."""
    now = now or timezone.now()
    if not number.strip() or not date:
        raise ValidationError(_("Cần ghi số và ngày quyết định phê duyệt."))
    with transaction.atomic():
        assessment = _locked_for_update(assessment)
        _check_version(assessment, version)
        if assessment.state != State.MINUTES:
            raise ValidationError(_("Cần có biên bản của tổ tự đánh giá trước khi phê duyệt."))
        _require_editable(assessment, now)
        ob = obligations_for(assessment).get(Deadline.Kind.SELF_ASSESSMENT_APPROVAL)
        if ob:
            campaign_services.obligation_submit(ob, actor=actor, now=now)
        _bump(
            assessment,
            state=State.APPROVED,
            approval_number=nfc(number.strip()),
            approval_date=date,
            approved_at=now,
            approved_by=actor,
        )
        _event(assessment, AssessmentEvent.Action.APPROVED, actor, now, reason=number)
    return assessment


def assessment_submit(
    assessment: Assessment, *, actor, version: int | None = None, now: dt.datetime | None = None
) -> Assessment:
    """Sends the approved result to the parent, with a snapshot of every answer (the reviewer's diff). A
    returned assessment is sent again by the head after the fixes (the head's approval stands)."""
    now = now or timezone.now()
    with transaction.atomic():
        assessment = _locked_for_update(assessment)
        _check_version(assessment, version)
        if assessment.state not in (State.APPROVED, State.RETURNED):
            raise ValidationError(_("Chỉ gửi cấp trên sau khi thủ trưởng phê duyệt."))
        if assessment.state == State.RETURNED:
            problems = completeness_problems(assessment)
            if problems:
                raise ValidationError(problems)
        obligations = obligations_for(assessment)
        late = False
        ob = obligations.get(Deadline.Kind.SELF_ASSESSMENT)
        if ob:
            if is_locked(assessment, now, obligations):
                raise ValidationError(
                    _("Đã quá hạn nộp: bản tự đánh giá bị khóa. Đề nghị cấp trên mở lại nếu cần bổ sung.")
                )
            if ob.status in (Obligation.Status.SUBMITTED, Obligation.Status.LATE):
                late = ob.status == Obligation.Status.LATE
            else:
                late = campaign_services.obligation_submit(ob, actor=actor, now=now).status == Obligation.Status.LATE
        CriterionEntry.objects.filter(assessment=assessment).update(return_reason="")
        _bump(assessment, state=State.SUBMITTED, submitted_at=now, submitted_late=late)
        _event(
            assessment,
            AssessmentEvent.Action.SUBMITTED,
            actor,
            now,
            snapshot=selectors.answers_snapshot(assessment),
        )
    for reviewer in selectors.reviewers_of(assessment.unit):
        notify.notify(
            recipient=reviewer,
            kind=Message.Kind.EVENT,
            subject=_("%(unit)s đã gửi kết quả tự đánh giá %(year)s")
            % {"unit": assessment.unit.name, "year": assessment.school_year},
            body=_("Mức đạt được: nhóm 1 mức độ %(l1)s, nhóm 2 mức độ %(l2)s. Hãy thẩm định và công nhận.")
            % {"l1": assessment.level_1, "l2": assessment.level_2},
            key=f"assessment:{assessment.pk}:submitted:{assessment.version}:{reviewer.pk}",
            url=reverse("criteria:review", args=[assessment.public_id]),
            unit=assessment.unit,
            when=now,
        )
    return assessment


def assessment_return(
    assessment: Assessment,
    *,
    actor,
    reasons: dict[str, str],
    note: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Assessment:
    """The reviewer returns the assessment with a reason for each criterion to fix; the unit sees exactly
    those criteria, and the head and their leads are told."""
    now = now or timezone.now()
    reasons = {code: nfc(text.strip()) for code, text in reasons.items() if text and text.strip()}
    if not reasons:
        raise ValidationError(_("Cần ghi lý do trả lại cho ít nhất một tiêu chí."))
    with transaction.atomic():
        assessment = _locked_for_update(assessment)
        _check_version(assessment, version)
        if assessment.state != State.SUBMITTED:
            raise ValidationError(_("Chỉ trả lại bản đã gửi và chưa được công nhận."))
        entries = {e.criterion.code: e for e in assessment.entries.select_related("criterion", "lead")}
        unknown = set(reasons) - set(entries)
        if unknown:
            raise ValidationError(_("Không có tiêu chí %(codes)s.") % {"codes": ", ".join(sorted(unknown))})
        for code, reason in reasons.items():
            CriterionEntry.objects.filter(pk=entries[code].pk).update(return_reason=reason)
        _bump(assessment, state=State.RETURNED)
        event = _event(assessment, AssessmentEvent.Action.RETURNED, actor, now, reason=nfc(note), returns=reasons)
    lines = [f"- Tiêu chí {code}: {reason}" for code, reason in sorted(reasons.items())]
    recipients = set(selectors.heads_of(assessment.unit)) | {
        entries[c].lead for c in reasons if entries[c].lead_id is not None
    }
    for person in recipients:
        notify.notify(
            recipient=person,
            kind=Message.Kind.EVENT,
            subject=_("Bản tự đánh giá %(year)s bị trả lại để bổ sung") % {"year": assessment.school_year},
            body="\n".join(([note] if note else []) + lines),
            key=f"assessment:{assessment.pk}:returned:{event.pk}:{person.pk}",
            url=reverse("criteria:detail", args=[assessment.public_id]),
            unit=assessment.unit,
            when=now,
        )
    return assessment


def assessment_recognise(
    assessments: list[Assessment],
    *,
    actor,
    number: str,
    date: dt.date | None,
    now: dt.datetime | None = None,
    provisional_confirmed: bool = False,
) -> list[Assessment]:
    """Recognises submitted assessments by one decision (number/date), all or none. A result computed from a
    provisional set (placeholder content) is recognised only when the reviewer confirms knowing it."""
    now = now or timezone.now()
    if not number.strip() or not date:
        raise ValidationError(_("Cần ghi số và ngày quyết định công nhận."))
    if not assessments:
        raise ValidationError(_("Hãy chọn ít nhất một đơn vị."))
    provisional = list(
        Assessment.objects.filter(pk__in=[a.pk for a in assessments], indicator_set__has_placeholders=True)
        .order_by("unit__name")
        .values_list("unit__name", flat=True)
    )
    if provisional and not provisional_confirmed:
        raise ValidationError(
            _(
                "%(note)s: kết quả của %(units)s tính theo bộ chỉ số còn nội dung tạm. Đánh dấu ô “Tôi biết bộ chỉ số "
                "là bộ tạm” rồi công nhận lại. Chưa đơn vị nào được công nhận."
            )
            % {"note": PROVISIONAL_NOTE, "units": ", ".join(provisional)}
        )
    done = []
    with transaction.atomic():
        for item in assessments:
            assessment = _locked_for_update(item)
            if assessment.state != State.SUBMITTED:
                raise ValidationError(
                    _("%(unit)s: chỉ công nhận bản đã gửi (hiện: %(state)s). Không đơn vị nào được công nhận.")
                    % {"unit": assessment.unit.name, "state": assessment.get_state_display()}
                )
            _bump(
                assessment,
                state=State.RECOGNISED,
                recognition_number=nfc(number.strip()),
                recognition_date=date,
                recognised_at=now,
                recognised_by=actor,
            )
            _event(assessment, AssessmentEvent.Action.RECOGNISED, actor, now, reason=number)
            done.append(assessment)
    for assessment in done:
        for head in selectors.heads_of(assessment.unit):
            notify.notify(
                recipient=head,
                kind=Message.Kind.EVENT,
                subject=_("Kết quả tự đánh giá %(year)s đã được công nhận") % {"year": assessment.school_year},
                body=_("Quyết định %(n)s ngày %(d)s: nhóm 1 mức độ %(l1)s, nhóm 2 mức độ %(l2)s.")
                % {"n": number, "d": date.strftime("%d/%m/%Y"), "l1": assessment.level_1, "l2": assessment.level_2},
                key=f"assessment:{assessment.pk}:recognised:{head.pk}",
                url=reverse("criteria:detail", args=[assessment.public_id]),
                unit=assessment.unit,
                when=now,
            )
    return done


def assessment_publish(assessment: Assessment, *, actor, now: dt.datetime | None = None) -> Assessment:
    """A recognised result becomes a public page (no login)."""
    now = now or timezone.now()
    with transaction.atomic():
        assessment = _locked_for_update(assessment)
        if assessment.state != State.RECOGNISED:
            raise ValidationError(_("Chỉ công khai kết quả đã được công nhận."))
        _bump(assessment, state=State.PUBLISHED, published_at=now)
        _event(assessment, AssessmentEvent.Action.PUBLISHED, actor, now)
    return assessment


def assessment_reopen(
    assessment: Assessment, *, actor, reason: str, until: dt.datetime, now: dt.datetime | None = None
) -> Assessment:
    """The reviewer reopens one unit's locked assessment until a moment, with a recorded reason."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do mở lại."))
    ob = obligations_for(assessment).get(Deadline.Kind.SELF_ASSESSMENT)
    if ob is None or not is_locked(assessment, now):
        raise ValidationError(_("Bản tự đánh giá này không bị khóa nên không cần mở lại."))
    with transaction.atomic():
        campaign_services.obligation_reopen(ob, actor=actor, until=until, reason=reason)
        _event(
            assessment,
            AssessmentEvent.Action.REOPENED,
            actor,
            now,
            reason=f"{nfc(reason.strip())} (đến {timezone.localtime(until):%H:%M %d/%m/%Y})",
        )
    return assessment

"""The steps of an assessment: the team's minutes, the head's approval, sending it up, the reviewer's
return or recognition, publication, and reopening a locked one. Each move of state goes through
`units.transitions.transition` with the table of `criteria.transitions`.

Deadlines are campaign data: a published campaign with a "Tự đánh giá" deadline (and optionally a
"Phê duyệt kết quả tự đánh giá" one) gives the unit an obligation for the school year; approving and
submitting here meet those obligations, so reminders stop, lateness is recorded, and a deadline that locks
refuses late work until the reviewer reopens it (campaigns.services.obligation_reopen)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import services as campaign_services
from campaigns.models import Deadline, Obligation
from units import notify
from units.models import Message, nfc
from units.transitions import check, transition
from units.uploads import check_upload

from .. import selectors
from ..models import PROVISIONAL_NOTE, Assessment, AssessmentEvent, CriterionEntry, TeamMember
from ..selectors import completeness_problems, is_locked, obligations_for
from ..transitions import ASSESSMENT
from .answers import ancestors_refresh
from .common import State, check_version, history, locked_for_update, require_editable


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
        assessment = locked_for_update(assessment)
        check_version(assessment, version)
        require_editable(assessment, now)
        problems = completeness_problems(assessment)
        if problems:
            raise ValidationError(problems)
        if not TeamMember.objects.filter(assessment=assessment).exists():
            raise ValidationError(_("Cần thành lập tổ tự đánh giá trước khi lập biên bản."))
        fields = {}
        if checked:
            assessment.minutes_file.save(f"bien-ban-{assessment.public_id}.{checked.extension}", upload, save=False)
            fields["minutes_file"] = assessment.minutes_file.name
        transition(
            ASSESSMENT,
            assessment,
            State.MINUTES if assessment.state == State.DRAFT else assessment.state,
            history=history(AssessmentEvent.Action.MINUTES, actor, now, reason=_("Tải lên") if checked else ""),
            minutes_at=now,
            **fields,
        )
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
        assessment = locked_for_update(assessment)
        check_version(assessment, version)
        check(
            ASSESSMENT,
            assessment,
            State.APPROVED,
            refusal=_("Cần có biên bản của tổ tự đánh giá trước khi phê duyệt."),
        )
        require_editable(assessment, now)
        _check_decision_date(date, now, after=assessment.team_decision_date, after_what=_("quyết định thành lập tổ"))
        obligations = obligations_for(assessment)
        ob = obligations.get(Deadline.Kind.SELF_ASSESSMENT_APPROVAL)
        if ob:
            campaign_services.obligation_submit(ob, actor=actor, now=now)
        days_late, last_day = selectors.approval_lateness(assessment, date, obligations)
        reason = nfc(number.strip())
        if days_late:
            reason += " · " + _("phê duyệt trễ %(n)s ngày so với hạn %(d)s") % {
                "n": days_late,
                "d": last_day.strftime("%d/%m/%Y"),
            }
        transition(
            ASSESSMENT,
            assessment,
            State.APPROVED,
            history=history(AssessmentEvent.Action.APPROVED, actor, now, reason=reason),
            approval_number=nfc(number.strip()),
            approval_date=date,
            approved_at=now,
            approved_by=actor,
        )
    return assessment


def _check_decision_date(
    date: dt.date, now: dt.datetime, *, after: dt.date | None, after_what: str, unit_name: str = ""
) -> None:
    """A decision is dated no later than today and no earlier than the decision it follows; the message
    goes next to the date field."""
    prefix = f"{unit_name}: " if unit_name else ""
    today = timezone.localdate(now)
    if date > today:
        raise ValidationError(
            {
                "date": prefix
                + _("Ngày quyết định %(d)s ở tương lai (hôm nay là %(t)s).")
                % {"d": date.strftime("%d/%m/%Y"), "t": today.strftime("%d/%m/%Y")}
            }
        )
    if after and date < after:
        raise ValidationError(
            {
                "date": prefix
                + _("Ngày quyết định %(d)s trước ngày %(what)s (%(a)s).")
                % {"d": date.strftime("%d/%m/%Y"), "what": after_what, "a": after.strftime("%d/%m/%Y")}
            }
        )


def _meet_deadline(assessment: Assessment, actor, now: dt.datetime) -> bool:
    """Meets the submission obligation (refused when its deadline locks); whether the submission is late."""
    obligations = obligations_for(assessment)
    ob = obligations.get(Deadline.Kind.SELF_ASSESSMENT)
    if not ob:
        return False
    if is_locked(assessment, now, obligations):
        raise ValidationError(_("Đã quá hạn nộp: bản tự đánh giá bị khóa. Đề nghị cấp trên mở lại nếu cần bổ sung."))
    if ob.status in (Obligation.Status.SUBMITTED, Obligation.Status.LATE):
        return ob.status == Obligation.Status.LATE
    return campaign_services.obligation_submit(ob, actor=actor, now=now).status == Obligation.Status.LATE


def assessment_submit(
    assessment: Assessment, *, actor, version: int | None = None, now: dt.datetime | None = None
) -> Assessment:
    """Sends the approved result to the parent, with a snapshot of every answer (the reviewer's diff). A
    returned assessment is sent again by the head after the fixes (the head's approval stands)."""
    now = now or timezone.now()
    with transaction.atomic():
        assessment = locked_for_update(assessment)
        check_version(assessment, version)
        check(ASSESSMENT, assessment, State.SUBMITTED, refusal=_("Chỉ gửi cấp trên sau khi thủ trưởng phê duyệt."))
        if assessment.state == State.RETURNED:
            problems = completeness_problems(assessment)
            if problems:
                raise ValidationError(problems)
        late = _meet_deadline(assessment, actor, now)
        CriterionEntry.objects.filter(assessment=assessment).update(return_reason="")
        transition(
            ASSESSMENT,
            assessment,
            State.SUBMITTED,
            history=history(
                AssessmentEvent.Action.SUBMITTED, actor, now, snapshot=selectors.answers_snapshot(assessment)
            ),
            submitted_at=now,
            submitted_late=late,
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
        assessment = locked_for_update(assessment)
        check_version(assessment, version)
        check(ASSESSMENT, assessment, State.RETURNED, refusal=_("Chỉ trả lại bản đã gửi và chưa được công nhận."))
        entries = {e.criterion.code: e for e in assessment.entries.select_related("criterion", "lead")}
        unknown = set(reasons) - set(entries)
        if unknown:
            raise ValidationError(_("Không có tiêu chí %(codes)s.") % {"codes": ", ".join(sorted(unknown))})
        for code, reason in reasons.items():
            CriterionEntry.objects.filter(pk=entries[code].pk).update(return_reason=reason)
        transition(
            ASSESSMENT,
            assessment,
            State.RETURNED,
            history=history(AssessmentEvent.Action.RETURNED, actor, now, reason=nfc(note), returns=reasons),
        )
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
            key=f"assessment:{assessment.pk}:returned:{assessment.version}:{person.pk}",
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
            assessment = locked_for_update(item)
            check(
                ASSESSMENT,
                assessment,
                State.RECOGNISED,
                refusal=_("%(unit)s: chỉ công nhận bản đã gửi (hiện: %(state)s). Không đơn vị nào được công nhận.")
                % {"unit": assessment.unit.name, "state": assessment.get_state_display()},
            )
            _check_decision_date(
                date,
                now,
                after=assessment.approval_date,
                after_what=_("thủ trưởng phê duyệt"),
                unit_name=assessment.unit.name if len(assessments) > 1 else "",
            )
            transition(
                ASSESSMENT,
                assessment,
                State.RECOGNISED,
                history=history(AssessmentEvent.Action.RECOGNISED, actor, now, reason=number),
                recognition_number=nfc(number.strip()),
                recognition_date=date,
                recognised_at=now,
                recognised_by=actor,
            )
            done.append(assessment)
        for assessment in done:
            # The results above that count recognised units (QĐ 3806 group II) change with this one.
            ancestors_refresh(assessment.unit, assessment.school_year)
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
        assessment = locked_for_update(assessment)
        transition(
            ASSESSMENT,
            assessment,
            State.PUBLISHED,
            refusal=_("Chỉ công khai kết quả đã được công nhận."),
            history=history(AssessmentEvent.Action.PUBLISHED, actor, now),
            published_at=now,
        )
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
        AssessmentEvent.objects.create(
            assessment=assessment,
            action=AssessmentEvent.Action.REOPENED,
            actor=actor,
            at=now,
            reason=f"{nfc(reason.strip())} (đến {timezone.localtime(until):%H:%M %d/%m/%Y})",
        )
    return assessment

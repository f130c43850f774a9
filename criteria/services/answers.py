"""Entering the values of a criterion's indicators, and the live totals they give the assessment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Unit, nfc

from .. import scoring, selectors
from ..models import Answer, Assessment, CriterionEntry, EvidenceItem, Indicator
from .common import require_entry_editable


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
    (someone else saved it: nothing is overwritten, the page keeps what this user typed) unless the page asks
    for exactly what is stored, when the assessment is not in an editable state, or after the deadline
    unless reopened."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = (
            CriterionEntry.objects.select_for_update(of=("self",))
            .select_related("updated_by", "criterion")
            .get(pk=entry.pk)
        )
        assessment = Assessment.objects.select_related("unit", "indicator_set").get(pk=entry.assessment_id)
        require_entry_editable(assessment, entry, now)
        to_save, problems, changed = _prepared_answers(entry, assessment, values, evidence)
        if entry.version != version:
            if not changed and not problems:
                # A stale page that asks for exactly what is stored loses nothing: typically the page's own
                # autosave landed a moment before the "Lưu" button was pressed. Nothing to write.
                return entry
            who = entry.updated_by.get_full_name() if entry.updated_by else _("người khác")
            when = timezone.localtime(entry.updated_at).strftime("%H:%M %d/%m/%Y") if entry.updated_at else ""
            raise ValidationError(
                _(
                    "Tiêu chí %(code)s vừa được %(who)s cập nhật lúc %(when)s. Những gì bạn nhập vẫn còn trên "
                    "trang: hãy so với bản mới (mở trong thẻ khác) rồi lưu lại."
                )
                % {"code": entry.criterion.code, "who": who, "when": when}
            )
        if problems:
            raise ValidationError(problems)
        for answer, items in to_save:
            answer.save()
            if items is not None:
                answer.evidence.set(items)
        CriterionEntry.objects.filter(pk=entry.pk).update(version=F("version") + 1, updated_at=now, updated_by=actor)
        entry.refresh_from_db()
        assessment_refresh(assessment)
    return entry


def _prepared_answers(entry: CriterionEntry, assessment: Assessment, values: dict, evidence: dict):
    """The answers of the criterion with the posted values applied (not saved), the problems found, and
    whether anything differs from what is stored."""
    indicators = list(Indicator.objects.filter(criterion_id=entry.criterion_id))
    answers = {a.indicator_id: a for a in Answer.objects.filter(entry=entry).prefetch_related("evidence")}
    problems: list[str] = []
    allowed_evidence = set(EvidenceItem.objects.filter(unit=assessment.unit).values_list("pk", flat=True))
    to_save = []
    changed = False
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.CHILDREN:
            continue
        answer = answers.get(indicator.pk) or Answer(entry=entry, indicator=indicator)
        before = _answer_state(answer) if answer.pk else None
        problems += _apply(indicator, answer, values.get(indicator.pk, {}))
        answer.points = scoring.indicator_points(indicator, answer)
        changed = changed or before != _answer_state(answer)
        items = evidence.get(indicator.pk)
        if items is not None:  # None: the page did not send the evidence part, which stays as it is
            items = [e for e in items if e.pk in allowed_evidence]
            stored = {e.pk for e in answer.evidence.all()} if answer.pk else set()
            changed = changed or {e.pk for e in items} != stored
        to_save.append((answer, items))
    return to_save, problems, changed


def _answer_state(answer: Answer) -> tuple:
    """What a save may change in one answer (its evidence is compared apart)."""
    return (
        answer.value_bool,
        answer.value_choice,
        answer.value_number,
        answer.numerator,
        answer.denominator,
        answer.note,
    )


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


def ancestors_refresh(unit: Unit, school_year: str) -> None:
    """A result that counts the recognised units below (QĐ 3806 group II, "from children") changes when one
    of them is recognised: the stored totals of every assessment above `unit` for the year whose set has such
    indicators are recomputed by `assessment_refresh`, the same computation the assessment page shows."""
    step = Unit.steplen
    paths = [unit.path[:end] for end in range(step, len(unit.path), step)]
    counts_children = Indicator.objects.filter(
        criterion__group__indicator_set=OuterRef("indicator_set"), kind=Indicator.Kind.CHILDREN
    )
    above = Assessment.objects.filter(unit__path__in=paths, school_year=school_year).filter(Exists(counts_children))
    for assessment in above.select_related("unit", "indicator_set"):
        assessment_refresh(assessment)

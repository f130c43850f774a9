"""Eligibility pre-check: every campaign criterion the data can answer, shown ✓/✗ with its source.

A campaign criterion names its check in `check_code` (set by the plan's author or the seed):
- ``dx_level_2_both``: the unit (the collective, or the person's unit) has a recognised self-assessment for
  the round's school year at level 2 or higher on both groups (criteria app);
- ``cashless_100``: the unit reported 100% cashless payments for the period (the campaign's target whose
  `measure` is ``cashless``);
- ``on_time``: every obligation of the unit due in the school year was met on time (campaigns app).
Every award form with `repeat_years` adds the repeat check against the award ledger.

A check is True (✓), False (✗) or None (no data to decide; shown as "chưa có dữ liệu", counts as failing:
the reviewer must override it with a reason)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.deadlines import LOCAL_TZ
from campaigns.models import CampaignCriterion, Obligation, Target, TargetReport
from criteria.selectors import unit_dx_level

from .models import AwardRecord, Nomination, Subject


def _unit_of(nomination: Nomination):
    if nomination.subject == Subject.COLLECTIVE:
        return nomination.nominee_unit or nomination.unit
    return nomination.nominee_person.unit if nomination.nominee_person_id else nomination.unit


def _year_bounds(school_year: str) -> tuple[dt.datetime, dt.datetime]:
    start = int(school_year[:4])
    return (
        dt.datetime(start, 9, 1, tzinfo=LOCAL_TZ),
        dt.datetime(start + 1, 9, 1, tzinfo=LOCAL_TZ),
    )


def check_dx_level(nomination: Nomination, unit) -> dict:
    year = nomination.round.school_year
    levels = unit_dx_level(unit, year)
    if levels is None:
        return {
            "ok": None,
            "detail": _("%(unit)s chưa có kết quả tự đánh giá năm học %(year)s được công nhận.")
            % {"unit": unit.name, "year": year},
        }
    ok = levels[0] >= 2 and levels[1] >= 2
    return {
        "ok": ok,
        "detail": _("Kết quả được công nhận năm học %(year)s: nhóm 1 mức %(l1)s, nhóm 2 mức %(l2)s.")
        % {"year": year, "l1": levels[0], "l2": levels[1]},
    }


def check_cashless(nomination: Nomination, unit) -> dict:
    campaign = nomination.round.campaign
    campaign_ids = [campaign.pk] + ([campaign.answers_id] if campaign.answers_id else [])
    targets = list(Target.objects.filter(campaign_id__in=campaign_ids, measure=Target.Measure.CASHLESS))
    if not targets:
        return {"ok": None, "detail": _("Kế hoạch không có chỉ tiêu thanh toán không dùng tiền mặt.")}
    periods = {nomination.round.period, nomination.round.school_year, nomination.round.school_year[5:]}
    report = (
        TargetReport.objects.filter(target__in=targets, unit=unit, period__in=periods)
        .select_related("target")
        .order_by("-reported_at")
        .first()
    )
    if report is None:
        return {"ok": None, "detail": _("%(unit)s chưa báo cáo chỉ tiêu này.") % {"unit": unit.name}}
    if report.target.kind == Target.Kind.PERCENT:
        ok = bool(report.denominator) and report.numerator == report.denominator
        shown = f"{report.numerator:g}/{report.denominator:g}" if report.denominator else "—"
    else:
        ok = report.value is not None and report.value >= (1 if report.target.kind == Target.Kind.BOOLEAN else 100)
        shown = _("Có") if ok else _("Chưa")
    return {
        "ok": ok,
        "detail": _("Báo cáo kỳ %(p)s: %(v)s.") % {"p": report.period, "v": shown},
    }


def check_on_time(nomination: Nomination, unit) -> dict:
    start, end = _year_bounds(nomination.round.school_year)
    end = min(end, timezone.now())
    rows = list(
        Obligation.objects.filter(unit=unit, due_at__gte=start, due_at__lt=end).values_list("status", flat=True)
    )
    if not rows:
        return {"ok": None, "detail": _("Không có hạn nộp nào đã đến trong năm học.")}
    late = sum(1 for s in rows if s == Obligation.Status.LATE)
    missing = sum(1 for s in rows if s == Obligation.Status.OPEN)
    ok = late == 0 and missing == 0
    return {
        "ok": ok,
        "detail": _("%(n)s hạn nộp trong năm học: %(late)s nộp muộn, %(missing)s chưa nộp.")
        % {"n": len(rows), "late": late, "missing": missing},
    }


CHECKS = {
    "dx_level_2_both": (check_dx_level, _("Bộ chỉ số CĐS (tự đánh giá được công nhận)")),
    "cashless_100": (check_cashless, _("Báo cáo chỉ tiêu của kế hoạch")),
    "on_time": (check_on_time, _("Tiến độ nộp báo cáo trên cổng")),
}


def check_repeat(nomination: Nomination) -> dict | None:
    years = nomination.award_form.repeat_years
    if not years:
        return None
    since = timezone.localdate() - dt.timedelta(days=365 * years)
    owner = (
        {"person_id": nomination.nominee_person_id}
        if nomination.nominee_person_id
        else {"unit_id": nomination.nominee_unit_id}
    )
    if not any(owner.values()):
        return None
    prior = (
        AwardRecord.objects.filter(award_form=nomination.award_form, decision_date__gte=since, **owner)
        .order_by("-decision_date")
        .first()
    )
    return {
        "code": "repeat",
        "label": _("Chưa nhận %(form)s trong %(n)s năm gần đây") % {"form": nomination.award_form.name, "n": years},
        "source": _("Sổ khen thưởng"),
        "ok": prior is None,
        "detail": (
            _("Đã nhận theo quyết định %(no)s ngày %(d)s.")
            % {"no": prior.decision_number, "d": prior.decision_date.strftime("%d/%m/%Y")}
            if prior
            else _("Không có trong sổ khen thưởng.")
        ),
    }


def checks_for(nomination: Nomination) -> list[dict]:
    """The checks that apply to this nominee: the campaign's criteria for its subject (and, for a person,
    their category), then the repeat check."""
    unit = _unit_of(nomination)
    criteria = CampaignCriterion.objects.filter(campaign_id=nomination.round.campaign_id, subject=nomination.subject)
    result = []
    for criterion in criteria.exclude(check_code=""):
        if (
            nomination.subject == Subject.INDIVIDUAL
            and criterion.category
            and criterion.category != nomination.category
        ):
            continue
        check = CHECKS.get(criterion.check_code)
        if check is None:
            continue
        func, source = check
        result.append(
            {"code": criterion.check_code, "label": criterion.text, "source": str(source), **func(nomination, unit)}
        )
    repeat = check_repeat(nomination)
    if repeat:
        result.append({**repeat, "label": str(repeat["label"]), "source": str(repeat["source"])})
    for row in result:
        row["detail"] = str(row["detail"])
    return result


def refresh(nomination: Nomination) -> Nomination:
    checks = checks_for(nomination)
    failed = sum(1 for c in checks if c["ok"] is not True)
    Nomination.objects.filter(pk=nomination.pk).update(checks=checks, checks_failed=failed)
    nomination.checks, nomination.checks_failed = checks, failed
    return nomination

"""The one deadline rule: "trước ngày 01/10" is due by the end of 30/09, Asia/Ho_Chi_Minh."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from campaigns.deadlines import LOCAL_TZ, due_moment, occurrences, validate_day_month

UTC = dt.UTC


def test_before_first_october_is_due_at_local_midnight():
    due = due_moment(dt.date(2025, 10, 1), before=True)
    assert due == dt.datetime(2025, 10, 1, 0, 0, tzinfo=LOCAL_TZ)
    on_time = dt.datetime(2025, 9, 30, 23, 59, 59, tzinfo=LOCAL_TZ)
    assert on_time < due <= dt.datetime(2025, 10, 1, 0, 0, 0, tzinfo=LOCAL_TZ)
    # The same boundary seen from UTC: 16:59 on 30/09 is on time, 17:00 is late.
    assert dt.datetime(2025, 9, 30, 16, 59, tzinfo=UTC) < due
    assert dt.datetime(2025, 9, 30, 17, 0, tzinfo=UTC) >= due


def test_until_the_end_of_the_day_moves_the_moment_a_day_later():
    assert due_moment(dt.date(2025, 10, 1), before=False) == dt.datetime(2025, 10, 2, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(("day", "month"), [(30, 2), (31, 4), (29, 2), (0, 5), (32, 1)])
def test_impossible_or_not_yearly_dates_are_refused(day, month):
    with pytest.raises(ValidationError, match="không có trong mọi năm"):
        validate_day_month(day, month)


def test_month_thirteen_is_refused():
    with pytest.raises(ValidationError, match="Tháng 13"):
        validate_day_month(1, 13)


def _deadline(**kw):
    base = {
        "recurrence": "yearly",
        "day": 1,
        "month": 10,
        "basis": "calendar_year",
        "first_year": None,
        "last_year": None,
        "due_date": None,
    }
    return SimpleNamespace(**{**base, **kw})


def test_yearly_calendar_periods_within_the_campaign():
    got = occurrences(_deadline(), dt.date(2023, 10, 16), dt.date(2025, 12, 31))
    assert got == [("2024", dt.date(2024, 10, 1)), ("2025", dt.date(2025, 10, 1))]


def test_school_year_periods():
    got = occurrences(_deadline(basis="school_year", day=10, month=6), dt.date(2024, 9, 1), dt.date(2026, 8, 31))
    assert got == [("2024-2025", dt.date(2025, 6, 10)), ("2025-2026", dt.date(2026, 6, 10))]
    autumn = occurrences(_deadline(basis="school_year", day=1, month=10), dt.date(2024, 9, 1), dt.date(2025, 12, 31))
    assert [p for p, _ in autumn] == ["2024-2025", "2025-2026"]


def test_year_bounds_and_one_off():
    got = occurrences(_deadline(first_year=2024, last_year=2024), dt.date(2022, 1, 1), dt.date(2025, 12, 31))
    assert got == [("2024", dt.date(2024, 10, 1))]
    once = occurrences(
        _deadline(recurrence="once", due_date=dt.date(2022, 8, 20)), dt.date(2022, 7, 29), dt.date(2025, 1, 1)
    )
    assert once == [("", dt.date(2022, 8, 20))]

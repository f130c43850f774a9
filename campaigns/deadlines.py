"""Deadline arithmetic: the one place that says when something is due.

The rule: a plan's "trước ngày 01/10" means the work must be in by the end of 30/09, local time
(Asia/Ho_Chi_Minh), so the due moment is 00:00 on 01/10 local; "đến hết ngày 01/10" moves it a day later.
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def due_moment(day: dt.date, before: bool = True) -> dt.datetime:
    """The aware instant after which work for `day` is late."""
    if not before:
        day = day + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ)


def last_day_to_submit(day: dt.date, before: bool = True) -> dt.date:
    """The last calendar day on which submitting is still on time."""
    return day - dt.timedelta(days=1) if before else day


def validate_day_month(day: int, month: int) -> None:
    """A yearly date must exist every year: 30/02 never does, 29/02 only in leap years."""
    if not 1 <= month <= 12:
        raise ValidationError(_("Tháng %(m)s không hợp lệ.") % {"m": month})
    longest = 28 if month == 2 else calendar.monthrange(2023, month)[1]
    if not 1 <= day <= longest:
        raise ValidationError(
            _("Ngày %(d)02d/%(m)02d không có trong mọi năm; hãy chọn một ngày có thật (ví dụ 28/02 hoặc 01/03).")
            % {"d": day, "m": month}
        )


def school_year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


def occurrences(deadline, start: dt.date, end: dt.date) -> list[tuple[str, dt.date]]:
    """(period, date) for each time `deadline` falls due within [start, end] and its year bounds.

    One-off deadlines give ("", date) whatever the period (a plan may set a response date just before it
    starts). Yearly ones give the school year ("2024-2025", school years start in September) or the
    calendar year ("2024") the date belongs to.
    """
    if deadline.recurrence == "once":
        return [("", deadline.due_date)] if deadline.due_date else []
    result = []
    for year in range(start.year, end.year + 1):
        day = dt.date(year, deadline.month, deadline.day)
        if not (start <= day <= end):
            continue
        if deadline.first_year and year < deadline.first_year:
            continue
        if deadline.last_year and year > deadline.last_year:
            continue
        if deadline.basis == "school_year":
            period = school_year_label(year if day.month >= 9 else year - 1)
        else:
            period = str(year)
        result.append((period, day))
    return result

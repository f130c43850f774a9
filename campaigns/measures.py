"""Targets whose value the portal can compute from its own data (Target.measure), shown beside the value a
unit typed. The data lives in apps above campaigns, so each of them registers the function that computes its
measure (in its AppConfig.ready) and campaigns imports none of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass
class Measured:
    count: int  # documents that meet the measure
    total: int  # documents counted
    label: str  # what was counted, for the page

    @property
    def percent(self) -> Decimal | None:
        return (Decimal(self.count * 100) / self.total).quantize(Decimal("0.1")) if self.total else None


MEASURES: dict[str, Callable] = {}


def register(code: str, compute: Callable) -> None:
    """compute(unit, start: date, end: date) -> Measured, over [start, end)."""
    MEASURES[code] = compute


def period_bounds(period: str) -> tuple[dt.date, dt.date] | None:
    """ "2025" → the calendar year; "2025-2026" → the school year from 1 September."""
    if period.isdigit() and len(period) == 4:
        return dt.date(int(period), 1, 1), dt.date(int(period) + 1, 1, 1)
    first, _sep, second = period.partition("-")
    if first.isdigit() and second.isdigit():
        return dt.date(int(first), 9, 1), dt.date(int(second), 9, 1)
    return None


def measured(target, unit, period: str) -> Measured | None:
    compute = MEASURES.get(target.measure)
    bounds = period_bounds(period)
    if compute is None or bounds is None:
        return None
    return compute(unit, *bounds)

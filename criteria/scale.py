"""Assessments for every generated school (generate_scale), for the query-count tests and the benchmark:
deterministic states and levels, written in bulk."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from units.models import Unit

from .models import Assessment
from .sets import set_for

STATES = ["draft", "submitted", "submitted", "recognised", "recognised", "recognised", "returned", "published"]


def assessments_generate(school_year: str, prefix: str = "SC-") -> int:
    Assessment.objects.filter(unit__code__startswith=prefix, school_year=school_year).delete()
    schools = Unit.objects.filter(code__startswith=prefix, kind__category="school").select_related("kind")
    sets_by_kind: dict[tuple, object] = {}
    now = timezone.now()
    batch: list[Assessment] = []
    created = 0
    for n, school in enumerate(schools.iterator(chunk_size=5000)):
        key = (school.kind_id, school.province_id)
        if key not in sets_by_kind:
            sets_by_kind[key] = set_for(school.kind, school_year, school.province_id)
        indicator_set = sets_by_kind[key]
        if indicator_set is None:
            continue
        state = STATES[n % len(STATES)]
        points_1, points_2 = Decimal(30 + (n * 7) % 70), Decimal(40 + (n * 11) % 60)
        batch.append(
            Assessment(
                unit=school,
                school_year=school_year,
                indicator_set=indicator_set,
                state=state,
                points_1=points_1,
                points_2=points_2,
                level_1=1 if points_1 < 50 else 2 if points_1 <= 75 else 3,
                level_2=1 if points_2 < 50 else 2 if points_2 <= 75 else 3,
                submitted_at=None if state == "draft" else now,
                submitted_late=n % 9 == 0,
            )
        )
        if len(batch) >= 5000:
            created += len(Assessment.objects.bulk_create(batch))
            batch = []
    created += len(Assessment.objects.bulk_create(batch))
    return created

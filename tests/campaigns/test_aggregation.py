"""Target aggregation up the tree equals a naive recomputation (property-based, on a 3-level tree)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import selectors, services
from campaigns.models import TargetReport
from units.models import UnitKind
from units.services import membership_grant

from ..factories import make_unit

# Per school: (phòng index 0-2, kind 0-1, denominator, share of it as numerator 0-100%), or None = not reported.
school = st.tuples(st.integers(0, 2), st.integers(0, 1), st.integers(1, 500), st.integers(0, 100), st.booleans())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schools=st.lists(school, min_size=1, max_size=12), goals=st.tuples(st.integers(0, 100), st.integers(0, 100)))
def test_progress_matches_naive_sums(cast, schools, goals):
    kinds = [UnitKind.objects.get(code="tieu-hoc"), UnitKind.objects.get(code="thcs")]
    so = make_unit("so", cast.ministry, province=cast.so_s.province)
    phongs = [make_unit("phong-gddt", so) for _ in range(3)]
    campaign = services.campaign_create(
        issuer=so,
        number="1/KH",
        issued_on=dt.date(2025, 1, 1),
        title="KH",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
        participant_kinds=kinds,
    )
    target = services.target_save(
        campaign, name="Tỷ lệ", kind="percent", values=[("2025", kinds[0], goals[0]), ("2025", kinds[1], goals[1])]
    )
    expected = defaultdict(lambda: {"units": 0, "reported": 0, "num": Decimal(0), "den": Decimal(0), "meeting": 0})
    for phong_index, kind_index, den, share, reported in schools:
        unit = make_unit(kinds[kind_index].code, phongs[phong_index])
        row = expected[kinds[kind_index].pk]
        row["units"] += 1
        if reported:
            num = Decimal(den * share // 100)
            TargetReport.objects.create(target=target, unit=unit, period="2025", numerator=num, denominator=den)
            row["reported"] += 1
            row["num"] += num
            row["den"] += den
            row["meeting"] += num * 100 / den >= goals[kind_index]

    officer = cast.officer_s
    membership_grant(user=officer, unit=so, role="officer")
    officer = type(officer).objects.get(pk=officer.pk)
    got = {}
    for agg in selectors.target_progress(campaign, user=officer, period="2025"):
        kind_pk = next(k.pk for k in kinds if k.name == agg.kind_name)
        got[kind_pk] = agg
    assert set(got) == set(expected)
    for kind_pk, row in expected.items():
        agg = got[kind_pk]
        assert (agg.units, agg.reported, agg.meeting) == (row["units"], row["reported"], row["meeting"])
        assert (agg.numerator, agg.denominator) == (row["num"], row["den"])
        naive = row["num"] * 100 / row["den"] if row["den"] else None
        assert agg.actual == naive
    # A Phòng's own view aggregates only its schools.
    first = phongs[0]
    only_first = selectors.target_progress(campaign, user=officer, period="2025", root=first)
    assert sum(a.units for a in only_first) == sum(1 for s in schools if s[0] == 0)

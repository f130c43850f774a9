"""Queries per page do not grow with the number of units: measured at 50 and at 500 schools."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from units import services
from units.models import Person, Unit

from ..factories import kind

# Each user's own top unit: the Sở for the officer, the Phòng for the reviewer, school A for the head.
TOP = {"officer_s": "so_s", "reviewer_p": "phong_p", "principal_a": "school_a"}

PAGES = {
    "home": lambda c, top: reverse("units:home"),
    "unit_list": lambda c, top: reverse("units:unit_list"),
    "unit_search": lambda c, top: reverse("units:unit_list") + "?q=truong",
    "unit_children": lambda c, top: reverse("units:unit_children", args=[top.code]),
    "unit_detail": lambda c, top: reverse("units:unit_detail", args=[top.code]),
    "person_list": lambda c, top: reverse("units:person_list", args=[c.school_a.code]),
    "membership_list": lambda c, top: reverse("units:membership_list", args=[c.school_a.code]),
    "block_list": lambda c, top: reverse("units:block_list"),
}


def _grow(cast, schools: int) -> None:
    """Adds schools under the Phòng (with a person each at school A's roll) up to `schools` in total."""
    thcs = kind("thcs")
    have = Unit.objects.get_children_count(cast.phong_p)
    for i in range(have, schools):
        services.unit_create(code=f"GROW-{i:04d}", name=f"Trường THCS số {i}", kind=thcs, parent=cast.phong_p)
    Person.objects.bulk_create(
        [
            Person(code=f"GP-{i:05d}", full_name=f"Giáo viên {i}", category="teacher", unit=cast.school_a)
            for i in range(have, schools)
        ]
    )
    services.block_save(
        organiser=cast.so_s,
        school_year=f"{1975 + schools // 50}-{1976 + schools // 50}",
        name=f"Khối {schools}",
        members=list(Unit.objects.get_children(cast.phong_p)[: schools // 2]),
    )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("user_key", ["officer_s", "reviewer_p", "principal_a"])
def test_query_counts_do_not_grow_with_units(cast, login, user_key):
    client = login(cast.users()[user_key])
    _grow(cast, 50)
    top = getattr(cast, TOP[user_key])
    small = {name: _count(client, page(cast, top)) for name, page in PAGES.items()}
    _grow(cast, 500)
    large = {name: _count(client, page(cast, top)) for name, page in PAGES.items()}
    assert small == large
    # Ceilings, so a regression that adds a query per row at both sizes is caught too.
    # The unit page: + the award ledger (one query); an officer's pages: + the two-step verification check
    # (none when the session was signed in with the code, as real officers' sessions are).
    # The home page is the work list: a fixed number of grouped queries per panel (tests/test_first_hour.py).
    assert large.pop("home") <= 20
    assert max(large.values()) <= (14 if user_key == "officer_s" else 13), large

"""The review queue and the summary cost the same number of queries for 50 and 5,000 schools."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.models import Assessment
from criteria.scale import assessments_generate
from units.models import Membership, Role, Unit

YEAR = "2025-2026"


def _scale(schools: int):
    Assessment.objects.filter(unit__code__startswith="SC-").delete()  # units are protected while assessed
    call_command("generate_scale", "--clear", stdout=io.StringIO())
    call_command(
        "generate_scale", "--provinces", "1", "--schools", str(schools), "--staff-per-school", "0", stdout=io.StringIO()
    )
    assert assessments_generate(YEAR) > 0
    so = Unit.objects.get(code="SC-01-SO")
    return so, Membership.objects.get(unit=so, role=Role.OFFICER).user


def test_review_pages_query_counts_do_not_grow(cast, client):
    counts = {"queue": [], "summary": []}
    for schools in (50, 5000):
        so, officer = _scale(schools)
        client.force_login(officer, backend="allauth.account.auth_backends.AuthenticationBackend")
        phong = Unit.objects.filter(parent=so, kind__category="office").first()
        for name, parent in (("queue", phong), ("summary", so)):
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(reverse(f"criteria:{name}"), {"don-vi": parent.code, "nam-hoc": YEAR})
            assert r.status_code == 200
            counts[name].append(len(ctx.captured_queries))
    assert counts["queue"][0] == counts["queue"][1] and counts["queue"][1] <= 15, counts
    assert counts["summary"][0] == counts["summary"][1] and counts["summary"][1] <= 15, counts

"""The board and the reviewer queue cost the same number of queries for 50 and 2,000 nominations."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nominations import services
from nominations.models import Nomination
from units.models import Person

from .helpers import YEAR, as_user, campaign_000, heads


def _grow(award_round, cast, upto: int) -> None:
    form = award_round.award_forms.get()
    have = Nomination.objects.filter(round=award_round).count()
    schools = [cast.school_a, cast.school_b]
    people = Person.objects.bulk_create(
        [
            Person(code=f"Q{i:06d}", full_name=f"Giáo viên {i}", category="teacher", unit=schools[i % 2])
            for i in range(have, upto)
        ]
    )
    Nomination.objects.bulk_create(
        [
            Nomination(
                round=award_round,
                award_form=form,
                subject="individual",
                unit=p.unit,
                level=cast.phong_p,
                via=p.unit,
                nominee_person=p,
                nominee_name=p.full_name,
                state=Nomination.State.SUBMITTED if i % 3 else Nomination.State.APPROVED,
                summary="Thành tích tiêu biểu",
            )
            for i, p in enumerate(people)
        ]
    )


def test_board_and_queue_query_counts_do_not_grow(cast):
    h = heads(cast)
    award_round = services.round_create(campaign_000(cast), kind="yearly", school_year=YEAR, actor=h["head_p"])
    pages = {
        "board": (h["head_p"], reverse("nominations:board", args=[award_round.public_id])),
        "queue": (cast.reviewer_p, reverse("nominations:queue", args=[award_round.public_id])),
        "board_so": (cast.officer_s, reverse("nominations:board", args=[award_round.public_id]) + "?don-vi=SO-S"),
    }
    counts: dict[str, list[int]] = {k: [] for k in pages}
    for size in (50, 2000):
        _grow(award_round, cast, size)
        for name, (user, url) in pages.items():
            client = as_user(user)
            client.get(url)  # warm the session and the scope
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(url)
            assert r.status_code == 200, (name, r.status_code)
            counts[name].append(len(ctx.captured_queries))
    assert Nomination.objects.count() == 2000
    for name, (small, large) in counts.items():
        assert small == large, f"{name}: {small} queries at 50 nominations, {large} at 2,000"
    assert counts["board"][0] <= 25 and counts["queue"][0] <= 20, counts

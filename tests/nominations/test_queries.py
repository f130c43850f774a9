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


def _dossier_with(cast, h, award_round, count: int):
    """School A's dossier of `count` individuals (reports confirmed, council passed) and its council."""
    from .helpers import council_pass, dossier, ready

    form = award_round.award_forms.get()
    people = [
        Person.objects.create(code=f"D{count}-{i:03d}", full_name=f"Cán bộ {i}", category="teacher", unit=cast.school_a)
        for i in range(count)
    ]
    for p in people:
        n = services.nomination_create(
            award_round, cast.school_a, actor=cast.principal_a, award_form=form, subject="individual", person=p
        )
        ready(n, cast.principal_a)
    meeting = council_pass(award_round, cast.school_a, cast.principal_a)
    return dossier(award_round, cast.school_a, cast.principal_a), meeting


def test_dossier_and_council_pages_cost_the_same_for_3_and_30_nominees(cast):
    from nominations.models import CouncilMeeting, Submission

    h = heads(cast)
    counts: dict[str, list[int]] = {}
    for size in (3, 30):
        Submission.objects.all().delete()
        CouncilMeeting.objects.all().delete()
        Nomination.objects.all().delete()
        award_round = services.round_create(
            campaign_000(cast, deadline_locks=False), kind="yearly", school_year=YEAR, actor=h["head_p"]
        )
        sub, meeting = _dossier_with(cast, h, award_round, size)
        pages = {
            "dossier (school head)": (cast.principal_a, reverse("nominations:submission", args=[sub.public_id])),
            "council": (cast.principal_a, reverse("nominations:council", args=[meeting.public_id])),
        }
        for name, (user, url) in pages.items():
            client = as_user(user)
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(url)
            assert r.status_code == 200, (name, r.status_code)
            counts.setdefault(name, []).append(len(ctx.captured_queries))
    for name, (small, large) in counts.items():
        assert small == large, f"{name}: {small} queries for 3 nominees, {large} for 30"
        assert large <= 25, counts

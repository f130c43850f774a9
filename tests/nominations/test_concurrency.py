"""Quotas and dossiers under real concurrency on PostgreSQL: twenty reviewers approving at once against a
quota of 2 give exactly 2 approvals and a clear message for the rest; two presses of "send" on the same
dossier send it once."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from nominations import services
from nominations.models import Nomination, NominationApproval, NominationEvent, Submission

from ..factories import PersonFactory, UserFactory, grant
from .helpers import YEAR, campaign_000, collective_dossier, heads

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _race(calls) -> list:
    """Runs the calls in threads released together; returns each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_twenty_reviewers_against_a_quota_of_two(cast):
    h = heads(cast)
    award_round = services.round_create(campaign_000(cast), kind="yearly", school_year=YEAR, actor=h["head_p"])
    form = award_round.award_forms.get()
    services.quota_save(
        award_round,
        award_form=form,
        scope="council",
        unit=cast.so_s,
        max_collectives=0,
        max_individuals=2,
        actor=h["head_s"],
    )
    nominations = []
    for i in range(20):
        person = PersonFactory(unit=cast.school_a, full_name=f"Giáo viên {i:02d}", category="teacher")
        nominations.append(
            Nomination.objects.create(
                round=award_round,
                award_form=form,
                subject="individual",
                unit=cast.school_a,
                level=cast.so_s,
                via=cast.phong_p,
                nominee_person=person,
                nominee_name=person.full_name,
                state=Nomination.State.SUBMITTED,
            )
        )
    reviewers = []
    for i in range(20):
        user = UserFactory(username=f"chuyenvien{i}")
        grant(user, cast.so_s, "reviewer")
        reviewers.append(user)
    results = _race(
        [lambda n=n, u=u: services.nomination_approve(n, actor=u) for n, u in zip(nominations, reviewers, strict=True)]
    )
    approved = [r for r in results if isinstance(r, Nomination)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(approved) == 2, results
    assert len(refused) == 18
    assert all("Đã đủ hạn mức 2 cá nhân" in r.messages[0] for r in refused)
    assert NominationApproval.objects.filter(level=cast.so_s, active=True).count() == 2
    assert Nomination.objects.filter(state=Nomination.State.APPROVED).count() == 2


def test_double_submit_sends_once(cast):
    h = heads(cast)
    award_round = services.round_create(campaign_000(cast), kind="yearly", school_year=YEAR, actor=h["head_p"])
    sub = collective_dossier(award_round, cast)
    n = sub.items.get().nomination
    results = _race([lambda: services.submission_submit(sub, actor=cast.principal_a, version=sub.version)] * 2)
    assert sum(isinstance(r, Submission) for r in results) == 1, results
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "không gửi lại" in refused[0].messages[0]
    assert NominationEvent.objects.filter(nomination=n, action="submitted").count() == 1

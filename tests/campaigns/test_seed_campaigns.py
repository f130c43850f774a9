"""The seed plans load as campaigns with what they state, and their obligations materialise per year."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from campaigns.deadlines import LOCAL_TZ
from campaigns.models import AwardPlan, Campaign, Deadline, Obligation
from units.models import Unit


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())  # also runs seed_campaigns
    return {c.number: c for c in Campaign.objects.select_related("issuer")}


def test_seed_000_nominations_before_first_october_2024_and_2025(seeded):
    campaign = seeded["215/KH-PGDĐT"]
    deadline = campaign.deadlines.get(kind=Deadline.Kind.NOMINATION)
    assert deadline.wording == "trước ngày 01/10 hằng năm"
    schools = Unit.objects.filter(parent__code="PGD-CG", kind__category="school").count()
    obligations = Obligation.objects.filter(deadline=deadline)
    assert sorted(set(obligations.values_list("period", flat=True))) == ["2024", "2025"]
    for period, year in (("2024", 2024), ("2025", 2025)):
        rows = obligations.filter(period=period)
        assert rows.count() == schools + 1  # every school and the Phòng itself (it competes too)
        assert set(rows.values_list("due_at", flat=True)) == {dt.datetime(year, 10, 1, tzinfo=LOCAL_TZ)}
    quota = campaign.award_plans.get(quota_scope=AwardPlan.QuotaScope.UNIT)
    assert (quota.quota_collectives, quota.quota_individuals) == (2, 2)
    assert [p.review_label for p in campaign.phases.all()] == ["Sơ kết quý IV/2024", "Tổng kết quý IV/2025"]
    assert campaign.criteria.filter(check_code="dx_level_2_both").count() == 2


def test_seed_002_dossiers_council_and_plans(seeded):
    campaign = seeded["2076/KH-SGDĐT"]
    participants = Unit.objects.filter(
        path__startswith=campaign.issuer.path, kind__code__in=["phong-chuc-nang-so", "phong-gddt", "thpt"]
    ).count()
    plans = Obligation.objects.filter(deadline__campaign=campaign, deadline__kind=Deadline.Kind.RESPONSE_PLAN)
    assert plans.count() == participants and set(plans.values_list("period", flat=True)) == {""}
    assert set(plans.values_list("due_at", flat=True)) == {dt.datetime(2022, 8, 20, tzinfo=LOCAL_TZ)}
    dossiers = Obligation.objects.filter(deadline__campaign=campaign, deadline__kind=Deadline.Kind.NOMINATION)
    assert sorted(set(dossiers.values_list("period", flat=True))) == ["2022", "2023", "2024", "2025"]
    assert dossiers.filter(period="2024").count() == participants
    assert set(dossiers.filter(period="2024").values_list("due_at", flat=True)) == {
        dt.datetime(2024, 8, 10, tzinfo=LOCAL_TZ)
    }
    council = Obligation.objects.filter(deadline__campaign=campaign, deadline__kind=Deadline.Kind.COUNCIL)
    assert set(council.values_list("unit__code", flat=True)) == {"SO-BP"}
    assert council.filter(period="2025").get().due_at == dt.datetime(2025, 8, 15, tzinfo=LOCAL_TZ)
    quotas = {(a.quota_scope, a.quota_collectives, a.quota_individuals) for a in campaign.award_plans.all()}
    assert {("council", 7, 15), ("block", 2, 5), ("division", 1, 1)} <= quotas
    assert campaign.award_plans.filter(name__startswith="Bằng khen", copies=2).count() == 2


def test_seed_004_answers_3376_on_time_and_inherits(seeded):
    parent, response = seeded["3376/KH-SGDĐT"], seeded["45/KH-THPTLN"]
    assert response.answers == parent and response.issuer.code == "BP-THPT-LN"
    ob = Obligation.objects.get(
        deadline__campaign=parent, deadline__kind=Deadline.Kind.RESPONSE_PLAN, unit=response.issuer
    )
    assert ob.status == Obligation.Status.SUBMITTED
    assert [p.name for p in response.phases.all()] == [p.name for p in parent.phases.all()]
    assert response.targets.count() == parent.targets.count()
    assert response.basis_campaigns.filter(pk=parent.pk).exists()


def test_seed_campaigns_is_idempotent(seeded):
    counts = (Campaign.objects.count(), Obligation.objects.count(), Deadline.objects.count())
    call_command("seed_campaigns", stdout=io.StringIO())
    assert counts == (Campaign.objects.count(), Obligation.objects.count(), Deadline.objects.count())

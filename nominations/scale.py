"""National-scale nominations for the benchmark (generate_scale data): per generated Sở, a published plan
with the Sở director's Giấy khen (council 07 + 15) and a yearly round; per school, its collective and its
first staff member, sent to the school's parent. Bulk inserts; idempotent per round."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from campaigns import services as campaign_services
from campaigns.models import AwardPlan, Campaign
from units.models import Person, Unit

from . import services
from .models import AwardRound, Nomination

YEAR = "2026-2027"


def rounds_generate(actor=None) -> list[AwardRound]:
    rounds = []
    for so in Unit.objects.filter(code__startswith="SC-", kind__category="department").order_by("code"):
        existing = AwardRound.objects.filter(organiser=so, school_year=YEAR).first()
        if existing:
            rounds.append(existing)
            continue
        with transaction.atomic():
            campaign = campaign_services.campaign_create(
                issuer=so,
                number=f"{so.code}/KH",
                issued_on=dt.date(2026, 8, 1),
                title="Phong trào thi đua Chuyển đổi số (mô phỏng)",
                start_date=dt.date(2026, 8, 1),
                end_date=dt.date(2027, 12, 31),
            )
            campaign_services.part_save(
                campaign,
                AwardPlan,
                name="Giấy khen của Giám đốc Sở GD&ĐT",
                authority="Giám đốc Sở GD&ĐT",
                round="yearly",
                quota_scope="council",
                quota_collectives=7,
                quota_individuals=15,
            )
            campaign_services.campaign_publish(campaign)
            campaign = Campaign.objects.get(pk=campaign.pk)
            rounds.append(services.round_create(campaign, kind="yearly", school_year=YEAR, actor=actor))
    return rounds


def nominations_generate(batch: int = 5000) -> int:
    """One collective and one individual per generated school, waiting at the school's parent."""
    created = 0
    for award_round in rounds_generate():
        if Nomination.objects.filter(round=award_round).exists():
            continue
        form = award_round.award_forms.get()
        schools = list(
            Unit.objects.filter(path__startswith=award_round.organiser.path, kind__category="school").only(
                "pk", "name", "parent_id"
            )
        )
        first_person = {
            p.unit_id: p
            for p in Person.objects.filter(unit__in=[s.pk for s in schools])
            .order_by("unit_id", "pk")
            .distinct("unit_id")
            .only("pk", "unit_id", "full_name", "category")
        }
        rows = []
        for school in schools:
            common = {
                "round": award_round,
                "award_form": form,
                "unit_id": school.pk,
                "level_id": school.parent_id,
                "via_id": school.pk,
                "state": Nomination.State.SUBMITTED,
                "summary": "Thành tích tiêu biểu trong chuyển đổi số",
            }
            rows.append(Nomination(subject="collective", nominee_unit_id=school.pk, nominee_name=school.name, **common))
            person = first_person.get(school.pk)
            if person is not None:
                rows.append(
                    Nomination(
                        subject="individual",
                        nominee_person_id=person.pk,
                        nominee_name=person.full_name,
                        category=person.category,
                        **common,
                    )
                )
        for i in range(0, len(rows), batch):
            Nomination.objects.bulk_create(rows[i : i + batch])
        created += len(rows)
    return created

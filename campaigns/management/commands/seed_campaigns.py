"""manage.py seed_campaigns — the seed plans (000, 002, 3376 and its response 004) as published campaigns on
the demo tree, and the current plan of each province dated from the day it runs (`--today`, default the
local date). Idempotent: a campaign is found by issuer and number and left alone if it exists."""

from __future__ import annotations

import datetime as dt

from django.core.management import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from campaigns import services
from campaigns.deadlines import LOCAL_TZ
from campaigns.demo_data import CAMPAIGNS, OVERDUE_FOR, RESPONSE_004, TARGET_MEASURES, current_plans, demo_now
from campaigns.models import AwardPlan, Campaign, CampaignCriterion, ContentItem, Obligation, Task
from units.models import Unit, UnitKind

FIELDS = (
    "number",
    "issued_on",
    "title",
    "signer_position",
    "legal_basis",
    "purpose",
    "requirements",
    "participants_note",
    "individual_categories",
    "start_date",
    "end_date",
    "include_issuer",
)


class Command(BaseCommand):
    help = "Nạp các kế hoạch mẫu (000, 002, 3376 và kế hoạch hưởng ứng 004) vào dữ liệu trình diễn."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args, today: dt.date | None = None, **options) -> None:
        self.today = today or timezone.localdate()
        self.now = demo_now(self.today)
        kinds = {k.code: k for k in UnitKind.objects.all()}
        made = {}
        with transaction.atomic():
            for spec in CAMPAIGNS:
                made[spec["key"]] = self.load(spec, kinds)
            made["004"] = self.respond(made[RESPONSE_004["answers"]], kinds)
            for spec in current_plans(self.today):
                made[spec["key"]] = self.load(spec, kinds, overdue=OVERDUE_FOR)
        self.stdout.write(
            "Kế hoạch mẫu: " + ", ".join(f"{c.number} ({c.issuer.short_name or c.issuer.name})" for c in made.values())
        )

    def unit(self, code: str) -> Unit:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"Không thấy đơn vị {code}: chạy `manage.py seed_demo` trước.")
        return unit

    def load(self, spec: dict, kinds, overdue: dict | None = None) -> Campaign:
        issuer = self.unit(spec["issuer"])
        existing = Campaign.objects.filter(
            issuer=issuer, number=spec["number"], issued_on=spec["issued_on"], answers__isnull=True
        ).first()
        if existing:
            return existing
        data = {k: spec[k] for k in FIELDS if k in spec}
        campaign = services.campaign_create(
            issuer=issuer, participant_kinds=[kinds[k] for k in spec["participant_kinds"]], **data
        )
        self.parts(campaign, spec, kinds)
        self.publish(campaign, overdue or {})
        return Campaign.objects.get(pk=campaign.pk)

    def parts(self, campaign: Campaign, spec: dict, kinds) -> None:
        for order, (name, start, end, review, year, quarter) in enumerate(spec["phases"], start=1):
            services.phase_save(
                campaign,
                order=order,
                name=name,
                start_date=start,
                end_date=end,
                review=review,
                review_year=year,
                review_quarter=quarter,
            )
        for order, text in enumerate(spec["content"], start=1):
            services.part_save(campaign, ContentItem, code=f"{order}", order=order, text=text)
        for order, (subject, category, text, check) in enumerate(spec["criteria"], start=1):
            services.part_save(
                campaign,
                CampaignCriterion,
                subject=subject,
                category=category,
                order=order,
                text=text,
                check_code=check,
            )
        for award in spec["awards"]:
            services.part_save(campaign, AwardPlan, **award)
        for deadline in spec["deadlines"]:
            services.deadline_save(campaign, **deadline)
        for order, (code, name, kind, values) in enumerate(spec["targets"], start=1):
            services.target_save(
                campaign,
                code=code,
                measure=TARGET_MEASURES.get((spec["key"], code), ""),
                order=order,
                name=name,
                kind=kind,
                values=[(p, kinds.get(k) if k else None, v) for p, k, v in values],
            )
        for order, (code, title, lead_code, lead_text) in enumerate(spec["tasks"], start=1):
            lead = Unit.objects.filter(code=lead_code).first()
            services.part_save(campaign, Task, code=code, order=order, title=title, lead_unit=lead, lead_text=lead_text)

    def publish(self, campaign: Campaign, overdue: dict | None = None) -> None:
        """Published on its issue date (history as it happened), then rolled forward to today."""
        issued = dt.datetime.combine(campaign.issued_on, dt.time(9, 0), tzinfo=LOCAL_TZ)
        services.campaign_publish(campaign, now=issued)
        services.obligations_materialise(Campaign.objects.get(pk=campaign.pk), today=self.today)
        self.history(campaign, overdue or {})

    def history(self, campaign: Campaign, overdue: dict) -> None:
        """Past deadlines as they might have gone: most units on time, some late, a few still missing, so
        the demo tables show every state. Deterministic (by unit code). `overdue` names, per deadline
        kind, the units left missing so that their logins have something late to act on."""
        now = self.now
        past = Obligation.objects.filter(deadline__campaign=campaign, status=Obligation.Status.OPEN, due_at__lt=now)
        for ob in past.select_related("unit", "deadline").exclude(deadline__kind="response_plan"):
            luck = sum(map(ord, f"{ob.unit.code}{ob.period}")) % 6
            if luck == 0 or ob.unit.code in overdue.get(ob.deadline.kind, ()):
                continue  # still missing
            if luck == 1 and ob.deadline.locks:
                continue  # a locked deadline refuses late work: this one stays missing
            when = ob.due_at + (dt.timedelta(days=3) if luck == 1 else -dt.timedelta(days=2 + luck))
            services.obligation_submit(ob, now=when)

    def respond(self, parent: Campaign, kinds) -> Campaign:
        spec = RESPONSE_004
        issuer = self.unit(spec["issuer"])
        existing = Campaign.objects.filter(issuer=issuer, answers=parent).first()
        if existing:
            return existing
        campaign = services.campaign_clone(parent, issuer=issuer, answers=parent, title=spec["title"])
        campaign = services.campaign_update(
            campaign,
            number=spec["number"],
            issued_on=spec["issued_on"],
            signer_position=spec["signer_position"],
            participants_note=spec["participants_note"],
            participant_kinds=[kinds[k] for k in spec["participant_kinds"]],
        )
        for deadline in spec["extra_deadlines"]:
            services.deadline_save(campaign, **deadline)
        self.publish(campaign)
        return Campaign.objects.get(pk=campaign.pk)

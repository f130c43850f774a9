"""manage.py bench_campaigns — materialisation time for a campaign over the generated national data
(every school of the 34 generated provinces × 5 deadlines; goal ≤ 30 s for 45,000 × 5), and the
participants' table p50/p95 and queries for one Sở. Run generate_scale first. Never fails on timing."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management import BaseCommand, CommandError
from django.db import connection, transaction

from campaigns import services
from campaigns.deadlines import LOCAL_TZ
from campaigns.models import Campaign, Obligation
from units.bench import measure_page
from units.models import Membership, Role, Unit, UnitKind

NUMBER = "BENCH/KH"


class Command(BaseCommand):
    help = "Đo thời gian lập nghĩa vụ nộp ở quy mô toàn quốc và thời gian trang danh sách đơn vị tham gia."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--keep", action="store_true", help="Giữ lại kế hoạch đo sau khi chạy.")

    def handle(self, *args, runs: int, keep: bool, **options) -> None:
        root = Unit.objects.filter(depth=1).order_by("path").first()
        schools = Unit.objects.filter(code__startswith="SC-", kind__category="school").count()
        if root is None or not schools:
            raise CommandError("Chưa có dữ liệu mô phỏng: chạy `manage.py generate_scale` trước.")
        Campaign.objects.filter(number=NUMBER).delete()
        campaign = services.campaign_create(
            issuer=root,
            number=NUMBER,
            issued_on=dt.date(2025, 8, 1),
            title="Đo hiệu năng",
            start_date=dt.date(2025, 8, 1),
            end_date=dt.date(2026, 7, 31),
            participant_kinds=list(UnitKind.objects.filter(category="school")),
        )
        for i, (title, kind) in enumerate(
            [
                ("Kế hoạch hưởng ứng", "response_plan"),
                ("Tự đánh giá", "self_assessment"),
                ("Phê duyệt tự đánh giá", "sa_approval"),
                ("Báo cáo chỉ tiêu", "target_report"),
                ("Hồ sơ khen thưởng", "nomination"),
            ],
            start=1,
        ):
            services.deadline_save(campaign, title=title, kind=kind, recurrence="once", due_date=dt.date(2025, 9, i))
        started = time.perf_counter()
        with transaction.atomic():
            services.campaign_publish(campaign, now=dt.datetime(2025, 8, 2, 9, tzinfo=LOCAL_TZ))
        took = time.perf_counter() - started
        rows = Obligation.objects.filter(deadline__campaign=campaign).count()
        self.stdout.write(
            f"Lập nghĩa vụ: {rows:,} dòng ({schools:,} trường × 5 hạn) trong {took:.1f} s "
            f"({rows / took:,.0f} dòng/s); mục tiêu ≤ 30 s"
        )
        started = time.perf_counter()
        services.obligations_materialise(Campaign.objects.get(pk=campaign.pk), today=dt.date(2025, 8, 2))
        self.stdout.write(f"Chạy lại (không tạo thêm): {time.perf_counter() - started:.1f} s")

        if connection.vendor == "postgresql":
            # What autovacuum would do shortly after a bulk load; without it the planner guesses.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE campaigns_obligation")
        officer = Membership.objects.filter(unit__code="SC-01-SO", role=Role.OFFICER).select_related("user").first()
        if officer:
            self.page(campaign, officer.user, runs)
        if not keep:
            Campaign.objects.filter(pk=campaign.pk).delete()

    def page(self, campaign: Campaign, user, runs: int) -> None:
        """The participants' table as an officer of one generated Sở sees it (its ~1,300 schools)."""
        url = f"/ke-hoach/{campaign.public_id}/?tab=don-vi"
        queries, p50, p95 = measure_page(user, url, runs)
        self.stdout.write(f"Trang đơn vị tham gia: {queries} truy vấn, p50 {p50:.1f} ms, p95 {p95:.1f} ms")

"""manage.py bench_nominations — nominations at national scale (run generate_scale first): a round per
province and two nominations per school, then the board and the reviewer queues (queries, p50, p95) and
the cost of one approval under the quota locks."""

from __future__ import annotations

import statistics
import time

from django.core.management import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nominations import scale, services
from nominations.models import AwardRound, Nomination
from units.bench import measure_page
from units.models import Membership, Role, Unit, User


class Command(BaseCommand):
    help = "Đo bảng theo dõi, hàng đợi thẩm định và thao tác duyệt đề nghị khen thưởng ở quy mô toàn quốc."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=10)
        parser.add_argument("--approvals", type=int, default=100)

    def handle(self, *args, runs: int, approvals: int, **options) -> None:
        if not Unit.objects.filter(code__startswith="SC-").exists():
            raise CommandError("Chưa có dữ liệu mô phỏng: chạy `manage.py generate_scale` trước.")
        started = time.perf_counter()
        created = scale.nominations_generate()
        total = Nomination.objects.filter(round__school_year=scale.YEAR).count()
        self.stdout.write(f"Tạo {created:,} đề nghị (tổng {total:,}): {time.perf_counter() - started:.1f} s")
        so = (
            Unit.objects.filter(code__startswith="SC-", kind__category="department")
            .annotate(n=Count("children_units"))
            .order_by("-n")
            .first()
        )
        award_round = AwardRound.objects.get(organiser=so, school_year=scale.YEAR)
        officer = Membership.objects.filter(unit=so, role=Role.OFFICER).select_related("user").first().user
        phong = Unit.objects.filter(parent=so, kind__category="office").order_by("-numchild").first()
        reviewer, _ = User.objects.get_or_create(username="sc.bench.reviewer")
        Membership.objects.get_or_create(user=reviewer, unit=phong, role=Role.REVIEWER)
        in_round = Nomination.objects.filter(round=award_round).count()
        board = reverse("nominations:board", args=[award_round.public_id])
        queue = reverse("nominations:queue", args=[award_round.public_id])
        pages = [
            (f"Bảng theo dõi cấp Sở ({in_round:,} đề nghị trong tỉnh)", officer, f"{board}?don-vi={so.code}"),
            ("Hàng đợi thẩm định của Sở", officer, f"{queue}?cap={so.code}"),
            (f"Hàng đợi của một Phòng ({phong.numchild} trường)", reviewer, f"{queue}?cap={phong.code}"),
        ]
        for label, user, url in pages:
            queries, p50, p95 = measure_page(user, url, runs)
            self.stdout.write(f"{label}: {queries} truy vấn, p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        waiting = list(
            Nomination.objects.filter(round=award_round, level=phong, state=Nomination.State.SUBMITTED).order_by("pk")[
                :approvals
            ]
        )
        services.quota_save(
            award_round,
            award_form=award_round.award_forms.get(),
            scope="council",
            unit=phong,
            max_collectives=len(waiting),
            max_individuals=len(waiting),
            actor=officer,
        )
        timings, queries = [], []
        for n in waiting:
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                services.nomination_approve(n, actor=reviewer, override="Đo hiệu năng")
                timings.append((time.perf_counter() - t) * 1000)
            queries.append(len(ctx.captured_queries))
        if timings:
            self.stdout.write(
                f"Duyệt {len(timings)} đề nghị có khóa hạn mức: p50 {statistics.median(timings):.1f} ms, "
                f"max {max(timings):.1f} ms, {statistics.median(queries):.0f} truy vấn mỗi lần"
            )

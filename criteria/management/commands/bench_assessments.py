"""manage.py bench_assessments — the review queue and the summary at national scale (run generate_scale
first): one assessment per generated school, then page timings and query counts for an officer of the
largest province (queue of the Sở's direct children, summary of the whole province) and the national
summary."""

from __future__ import annotations

import time

from django.core.management import BaseCommand, CommandError
from django.db.models import Count
from django.urls import reverse

from units.bench import measure_page
from units.models import Membership, Role, Unit

from ...scale import assessments_generate

YEAR = "2025-2026"


class Command(BaseCommand):
    help = "Đo trang thẩm định và trang tổng hợp tự đánh giá ở quy mô toàn quốc."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=10)

    def handle(self, *args, runs: int, **options) -> None:
        if not Unit.objects.filter(code__startswith="SC-").exists():
            raise CommandError("Chưa có dữ liệu mô phỏng: chạy `manage.py generate_scale` trước.")
        started = time.perf_counter()
        created = assessments_generate(YEAR)
        self.stdout.write(f"Tạo {created:,} bản tự đánh giá: {time.perf_counter() - started:.1f} s")
        so = (
            Unit.objects.filter(code__startswith="SC-", kind__category="department")
            .annotate(n=Count("children_units"))
            .order_by("-n")
            .first()
        )
        officer = Membership.objects.filter(unit=so, role=Role.OFFICER).select_related("user").first().user
        phong = Unit.objects.filter(parent=so, kind__category="office").order_by("-numchild").first()
        pages = [
            (
                f"Hàng đợi thẩm định ({phong.numchild} trường của một Phòng)",
                f"{reverse('criteria:queue')}?don-vi={phong.code}&nam-hoc={YEAR}",
            ),
            ("Hàng đợi thẩm định (Sở)", f"{reverse('criteria:queue')}?don-vi={so.code}&nam-hoc={YEAR}"),
            ("Tổng hợp cấp tỉnh", f"{reverse('criteria:summary')}?don-vi={so.code}&nam-hoc={YEAR}"),
        ]
        for label, url in pages:
            queries, p50, p95 = measure_page(officer, url, runs)
            self.stdout.write(f"{label}: {queries} truy vấn, p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        from criteria.selectors import summary

        root = Unit.objects.filter(depth=1).order_by("path").first()
        started = time.perf_counter()
        data = summary(root, YEAR)
        took = time.perf_counter() - started
        self.stdout.write(
            f"Tổng hợp toàn quốc ({data['schools']:,} trường, {data['submitted']:,} bản đã gửi): {took * 1000:.0f} ms"
        )

"""manage.py bench_pages — SQL queries and p50/p95 time of the main pages, as an officer of a generated
province and as the head of one of its schools (run generate_scale first). Prints a table; never fails
on timing."""

from __future__ import annotations

from django.core.management import BaseCommand

from units.bench import main_pages, measure_page, scale_logins


class Command(BaseCommand):
    help = "Đo số truy vấn và thời gian (p50/p95) của các trang chính trên dữ liệu quy mô lớn."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--province", default="01", help="Tỉnh mô phỏng (SC-<số>) để đo.")

    def handle(self, *args, runs: int, province: str, **options) -> None:
        officer, head = scale_logins(province)
        pages = main_pages(officer, head)
        self.stdout.write(f"{'Trang':<28} {'Truy vấn':>9} {'p50 ms':>9} {'p95 ms':>9}")
        for membership, label, url in pages:
            queries, p50, p95 = measure_page(membership.user, url, runs)
            self.stdout.write(f"{label:<28} {queries:>9} {p50:>9.1f} {p95:>9.1f}")

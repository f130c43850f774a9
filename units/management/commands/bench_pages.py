"""manage.py bench_pages — SQL queries and p50/p95 time of the main pages, as an officer of a generated
province and as the head of one of its schools (run generate_scale first). Prints a table; never fails
on timing."""

from __future__ import annotations

from django.core.management import BaseCommand, CommandError

from units.bench import measure_page
from units.models import Membership, Role


class Command(BaseCommand):
    help = "Đo số truy vấn và thời gian (p50/p95) của các trang chính trên dữ liệu quy mô lớn."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--province", default="01", help="Tỉnh mô phỏng (SC-<số>) để đo.")

    def handle(self, *args, runs: int, province: str, **options) -> None:
        officer = (
            Membership.objects.filter(unit__code=f"SC-{province}-SO", role=Role.OFFICER)
            .select_related("user", "unit")
            .first()
        )
        head = (
            Membership.objects.filter(unit__province__code=f"SC-{province}", role=Role.HEAD)
            .select_related("user", "unit", "unit__parent")
            .first()
        )
        if officer is None or head is None:
            raise CommandError("Chưa có dữ liệu mô phỏng: chạy `manage.py generate_scale` trước.")
        office = head.unit.parent
        pages = [
            (officer, "Trang chủ (cán bộ Sở)", "/"),
            (officer, "Cây đơn vị", "/don-vi/"),
            (officer, "Tìm đơn vị", "/don-vi/?q=truong+mo+phong+0001"),
            (officer, "Chi tiết Sở", f"/don-vi/{officer.unit.code}/"),
            (officer, "Đơn vị trực thuộc Sở", f"/don-vi/{officer.unit.code}/truc-thuoc/"),
            (officer, "Chi tiết Phòng/xã", f"/don-vi/{office.code}/"),
            (officer, "Cán bộ của trường", f"/don-vi/{head.unit.code}/can-bo/"),
            (head, "Trang chủ (hiệu trưởng)", "/"),
            (head, "Chi tiết trường", f"/don-vi/{head.unit.code}/"),
        ]
        self.stdout.write(f"{'Trang':<28} {'Truy vấn':>9} {'p50 ms':>9} {'p95 ms':>9}")
        for membership, label, url in pages:
            queries, p50, p95 = measure_page(membership.user, url, runs)
            self.stdout.write(f"{label:<28} {queries:>9} {p50:>9.1f} {p95:>9.1f}")

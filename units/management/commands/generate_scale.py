"""manage.py generate_scale — national-scale synthetic data for benchmarks (34 provinces, 45,000 schools,
25 staff each by default). Bulk inserts with treebeard paths computed here; codes start with "SC-" so
`--clear` removes exactly what this command made. Prints the time of each stage."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management import BaseCommand
from django.db import connection, transaction
from django.db.models import Max

from units.models import (
    BlockMembership,
    EmulationBlock,
    Membership,
    Person,
    Province,
    Role,
    Unit,
    UnitKind,
    UnitVersion,
    User,
    fold,
)

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PREFIX = "SC-"
SCHOOL_KINDS = ["mam-non", "tieu-hoc", "thcs", "tieu-hoc", "thcs", "thpt", "mam-non", "th-thcs"]
OFFICES_PER_PROVINCE = 20
DIVISIONS = ["Văn phòng Sở", "Phòng Giáo dục Trung học", "Phòng Giáo dục Mầm non - Tiểu học"]
PASSWORD = "ThiDua@2026"  # noqa: S105 -- benchmark accounts on generated data only


def step(n: int) -> str:
    """The 4-character treebeard step for the n-th child (1-based)."""
    out = ""
    for _ in range(Unit.steplen):
        n, r = divmod(n, len(ALPHABET))
        out = ALPHABET[r] + out
    return out


class Command(BaseCommand):
    help = "Sinh dữ liệu quy mô toàn quốc để đo hiệu năng (mã bắt đầu bằng SC-)."

    def add_arguments(self, parser):
        parser.add_argument("--provinces", type=int, default=34)
        parser.add_argument("--schools", type=int, default=45000)
        parser.add_argument("--staff-per-school", type=int, default=25)
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--clear", action="store_true", help="Xóa dữ liệu đã sinh (mã SC-) rồi dừng.")

    def handle(self, *args, provinces: int, schools: int, staff_per_school: int, batch: int, clear: bool, **options):
        self.batch = batch
        self.t0 = time.perf_counter()
        if clear:
            self.clear()
            return
        if Unit.objects.filter(code__startswith=PREFIX).exists():
            self.stdout.write("Đã có dữ liệu SC-: chạy lại với --clear trước.")
            return
        kinds = {k.code: k for k in UnitKind.objects.all()}
        with transaction.atomic():
            root = self.root(kinds)
            sos = self.sos(root, provinces, kinds)
            offices = self.offices(sos, kinds)
            school_rows = self.schools(sos, offices, schools, kinds)
            self.numchild(root)
            self.versions()
            self.staff(school_rows, staff_per_school)
            self.logins(sos, school_rows)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE units_unit; ANALYZE units_person; ANALYZE units_membership")
        self.stdout.write(self.style.SUCCESS(f"Xong trong {time.perf_counter() - self.t0:.1f} s."))

    def log(self, stage: str, rows: int, started: float) -> None:
        took = time.perf_counter() - started
        rate = rows / took if took else 0
        self.stdout.write(f"{stage:<28} {rows:>10,} dòng  {took:7.1f} s  {rate:10,.0f} dòng/s")

    # --- tree -----------------------------------------------------------------------------------------

    def root(self, kinds) -> Unit:
        root = Unit.objects.filter(depth=1).order_by("path").first()
        if root is None:
            root = Unit.objects.add_root({"code": f"{PREFIX}BO", "name": "Bộ Giáo dục và Đào tạo", "kind": kinds["bo"]})
        return root

    def _unit(self, code, name, kind, parent: Unit, path: str, province_id) -> Unit:
        return Unit(
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            path=path,
            depth=len(path) // Unit.steplen,
            numchild=0,
            province_id=province_id,
            is_internal=kind.category in UnitKind.INTERNAL_CATEGORIES,
            search_text=fold(f"{code} {name}"),
            active_from=dt.date(2000, 1, 1),
        )

    def _next_index(self, parent: Unit) -> int:
        last = Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).aggregate(m=Max("path"))["m"]
        if not last:
            return 1
        return int(last[-Unit.steplen :], 36) + 1

    def sos(self, root: Unit, count: int, kinds) -> list[Unit]:
        started = time.perf_counter()
        first = self._next_index(root)
        provinces = Province.objects.bulk_create(
            [Province(code=f"{PREFIX}{p:02d}", name=f"Tỉnh mô phỏng {p:02d}") for p in range(1, count + 1)]
        )
        sos = [
            self._unit(
                f"{PREFIX}{p:02d}-SO",
                f"Sở Giáo dục và Đào tạo mô phỏng {p:02d}",
                kinds["so"],
                root,
                root.path + step(first + i),
                provinces[i].pk,
            )
            for i, p in enumerate(range(1, count + 1))
        ]
        sos = Unit.objects.bulk_create(sos)
        self.log("Sở", len(sos), started)
        return sos

    def offices(self, sos: list[Unit], kinds) -> dict[int, list[Unit]]:
        started = time.perf_counter()
        rows = []
        for so in sos:
            p = so.code[len(PREFIX) : len(PREFIX) + 2]
            for i, name in enumerate(DIVISIONS, start=1):
                rows.append(
                    self._unit(
                        f"{PREFIX}{p}-D{i}",
                        name,
                        kinds["phong-chuc-nang-so"],
                        so,
                        so.path + step(i),
                        so.province_id,
                    )
                )
            for j in range(1, OFFICES_PER_PROVINCE + 1):
                rows.append(
                    self._unit(
                        f"{PREFIX}{p}-X{j:02d}",
                        f"Phòng Văn hóa - Xã hội xã mô phỏng {j:02d}",
                        kinds["phong-vhxh-xa"],
                        so,
                        so.path + step(len(DIVISIONS) + j),
                        so.province_id,
                    )
                )
        created = Unit.objects.bulk_create(rows, batch_size=self.batch)
        self.log("Phòng chức năng, Phòng", len(created), started)
        by_so: dict[int, list[Unit]] = {}
        for unit in created:
            if unit.kind.code == "phong-vhxh-xa":
                by_so.setdefault(unit.parent_id, []).append(unit)
        return by_so

    def schools(self, sos, offices, count: int, kinds) -> list[Unit]:
        """Schools spread evenly over the provinces; a fifth directly under the Sở, the rest under offices."""
        started = time.perf_counter()
        rows: list[Unit] = []
        next_child: dict[int, int] = {so.pk: len(DIVISIONS) + OFFICES_PER_PROVINCE for so in sos}
        for n in range(count):
            so = sos[n % len(sos)]
            kind = kinds[SCHOOL_KINDS[n % len(SCHOOL_KINDS)]]
            if kind.code == "thpt" or n % 5 == 0:
                parent = so
            else:
                parent = offices[so.pk][(n // len(sos)) % OFFICES_PER_PROVINCE]
            next_child[parent.pk] = next_child.get(parent.pk, 0) + 1
            rows.append(
                self._unit(
                    f"{PREFIX}T{n:06d}",
                    f"Trường {kind.name.removeprefix('Trường ')} mô phỏng {n:06d}",
                    kind,
                    parent,
                    parent.path + step(next_child[parent.pk]),
                    so.province_id,
                )
            )
        created = Unit.objects.bulk_create(rows, batch_size=self.batch)
        parents = {u.pk: u for u in sos} | {o.pk: o for group in offices.values() for o in group}
        for pk, n in next_child.items():
            parents[pk].numchild = n
        Unit.objects.bulk_update(list(parents.values()), ["numchild"], batch_size=self.batch)
        self.log("Trường", len(created), started)
        return created

    def numchild(self, root: Unit) -> None:
        root.numchild = Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1).count()
        Unit.objects.filter(pk=root.pk).update(numchild=root.numchild)

    def versions(self) -> None:
        started = time.perf_counter()
        units = Unit.objects.filter(code__startswith=PREFIX).values_list("pk", "name", "parent_id", "province_id")
        rows = [
            UnitVersion(
                unit_id=pk,
                name=name,
                parent_id=parent,
                province_id=prov,
                valid_from=dt.date(2000, 1, 1),
                reason=UnitVersion.Reason.CREATED,
            )
            for pk, name, parent, prov in units.iterator(chunk_size=self.batch)
        ]
        UnitVersion.objects.bulk_create(rows, batch_size=self.batch)
        self.log("Lịch sử đơn vị", len(rows), started)

    # --- people ---------------------------------------------------------------------------------------

    def staff(self, schools: list[Unit], per_school: int) -> None:
        started = time.perf_counter()
        total = 0
        buffer: list[Person] = []
        categories = ["manager", "teacher", "teacher", "teacher", "staff", "it_officer"]
        for school in schools:
            for i in range(per_school):
                name = f"Cán bộ {i + 1:02d} {school.code[len(PREFIX) :]}"
                code = f"{school.code}-{i:02d}"
                buffer.append(
                    Person(
                        code=code,
                        full_name=name,
                        category=categories[i % len(categories)],
                        position="Giáo viên",
                        unit_id=school.pk,
                        search_text=fold(f"{code} {name}"),
                    )
                )
                if len(buffer) >= self.batch:
                    Person.objects.bulk_create(buffer)
                    total += len(buffer)
                    buffer = []
        if buffer:
            Person.objects.bulk_create(buffer)
            total += len(buffer)
        self.log("Cán bộ", total, started)

    def logins(self, sos: list[Unit], schools: list[Unit]) -> None:
        """One officer per generated province and one head for the first school of each, for bench_pages."""
        started = time.perf_counter()
        users = []
        for so in sos:
            p = so.code[len(PREFIX) : len(PREFIX) + 2]
            users.append((f"sc.officer.{p}", so, Role.OFFICER))
        firsts = {}
        for school in schools:
            firsts.setdefault(school.province_id, school)
        for school in firsts.values():
            users.append((f"sc.head.{school.code[len(PREFIX) :].lower()}", school, Role.HEAD))
        template = User(username="x")
        template.set_password(PASSWORD)
        created = User.objects.bulk_create([User(username=u, password=template.password) for u, _, _ in users])
        Membership.objects.bulk_create(
            [Membership(user=user, unit=unit, role=role) for user, (_, unit, role) in zip(created, users, strict=True)]
        )
        # Officers sign in with two-step verification; their authenticator apps exist as in production.
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import generate_totp_secret
        from allauth.mfa.utils import encrypt

        Authenticator.objects.bulk_create(
            [
                Authenticator(user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(generate_totp_secret())})
                for user, (_, _, role) in zip(created, users, strict=True)
                if role == Role.OFFICER
            ]
        )
        self.log("Tài khoản đo hiệu năng", len(created), started)

    # --- clear ----------------------------------------------------------------------------------------

    def clear(self) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            units = Unit.objects.filter(code__startswith=PREFIX)
            Membership.objects.filter(unit__in=units).delete()
            User.objects.filter(username__startswith="sc.").delete()
            Person.objects.filter(unit__in=units).delete()
            BlockMembership.objects.filter(unit__in=units).delete()
            EmulationBlock.objects.filter(organiser__in=units).delete()
            UnitVersion.objects.filter(unit__in=units).delete()
            UnitVersion.objects.filter(parent__in=units).update(parent=None)
            for depth in sorted(set(units.values_list("depth", flat=True)), reverse=True):
                Unit.objects.filter(code__startswith=PREFIX, depth=depth).delete()
            Province.objects.filter(code__startswith=PREFIX).delete()
            for root in Unit.objects.filter(depth=1):
                self.numchild(root)
        self.log("Xóa dữ liệu SC-", 0, started)

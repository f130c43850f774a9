"""manage.py seed_demo — the demo province tree, fictional people and one login per role. Idempotent."""

from __future__ import annotations

import datetime as dt
import random
import time

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import BaseCommand, call_command
from django.db import transaction
from django.utils import timezone

from units import services
from units.demo_data import (
    DEMO_PASSWORD,
    DOCUMENT_HEADERS,
    FAMILY,
    GIVEN_F,
    GIVEN_M,
    LOGINS,
    MIDDLE_F,
    MIDDLE_M,
    MOVES,
    OFFICE_POSITIONS,
    PROVINCES,
    SCHOOL_POSITIONS,
    SO_POSITIONS,
    DemoLogin,
)
from units.models import Person, Posting, Province, Unit, UnitKind, UnitVersion, User, school_year_of


class Command(BaseCommand):
    help = "Tạo dữ liệu trình diễn: 4 tỉnh theo các kế hoạch mẫu, cán bộ giả định và tài khoản cho từng vai trò."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Ngày mà dữ liệu trình diễn lấy làm hôm nay (YYYY-MM-DD); mặc định là hôm nay.",
        )

    def handle(self, *args, today: dt.date | None = None, **options) -> None:
        today = today or timezone.localdate()
        started = time.monotonic()
        self.kinds = {k.code: k for k in UnitKind.objects.all()}
        self.rng = random.Random(2026)
        self.created = 0
        with transaction.atomic():
            root = self._unit("BGDDT", "Bộ Giáo dục và Đào tạo", "bo", None, short="Bộ GD&ĐT", place="Hà Nội")
            for spec in PROVINCES:
                self._province(root, spec)
            for code, target, day, note in MOVES:
                unit, parent = Unit.objects.get(code=code), Unit.objects.get(code=target)
                if unit.parent_id != parent.pk:
                    services.unit_move(unit, parent, effective=dt.date.fromisoformat(day), note=note)
            people = self._people()
            logins = self._logins()
        # The apps above units fill the current cycle in order (plans, then self-assessments, then awards).
        for command in ("seed_campaigns", "seed_assessments", "seed_nominations"):
            if _has_command(command):
                call_command(command, today=today, stdout=self.stdout)
        self.stdout.write(
            f"Đơn vị mới: {self.created}; cán bộ mới: {people}; ngày của dữ liệu: {today:%d/%m/%Y} "
            f"({time.monotonic() - started:.1f} giây)."
        )
        self._print_logins(logins)

    # --- tree -----------------------------------------------------------------------------------------

    def _unit(self, code, name, kind, parent, *, province=None, short="", place="") -> Unit:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = services.unit_create(
                code=code,
                name=name,
                short_name=short,
                kind=self.kinds[kind],
                parent=parent,
                province=province,
                place_name=place,
                active_from=dt.date(2000, 1, 1),
            )
            self.created += 1
        self._document_header(unit)
        return unit

    @staticmethod
    def _document_header(unit: Unit) -> None:
        """The demo's governing bodies and abbreviations, held since the unit's creation (also filled into
        a database seeded before they existed, without touching a value someone set)."""
        governing, abbreviation = DOCUMENT_HEADERS.get(unit.code, ("", ""))
        for field, value in (("governing_body", governing), ("document_abbreviation", abbreviation)):
            if value and not getattr(unit, field):
                Unit.objects.filter(pk=unit.pk).update(**{field: value})
                UnitVersion.objects.filter(unit=unit, **{field: ""}).update(**{field: value})
                setattr(unit, field, value)

    def _province(self, root: Unit, spec: dict) -> None:
        province, _ = Province.objects.get_or_create(code=spec["code"], defaults={"name": spec["name"]})
        so_code, so_name, so_short, place = spec["so"]
        so = self._unit(so_code, so_name, "so", root, province=province, short=so_short, place=place)
        for i, name in enumerate(spec["divisions"], start=1):
            self._unit(f"{so_code}-P{i:02d}", name, "phong-chuc-nang-so", so, place=place)
        for code, name, office_place, schools in spec["offices"]:
            office = self._unit(code, name, "phong-gddt", so, place=office_place)
            self._schools(office, schools)
        self._schools(so, spec["schools"])
        for name, kind in spec.get("blocks", []):
            members = list(Unit.objects.filter(path__startswith=so.path, kind__code=kind, active_to__isnull=True))
            services.block_save(
                organiser=so,
                school_year=school_year_of(dt.date(2024, 10, 1)),
                name=name,
                members=members,
                block=so.organised_blocks.filter(name=name, school_year="2024-2025").first(),
            )

    def _schools(self, parent: Unit, schools) -> None:
        for code, name, kind, place, teams in schools:
            school = self._unit(code, name, kind, parent, place=place)
            for i, (team_kind, team_name) in enumerate(teams, start=1):
                self._unit(f"{code}-T{i:02d}", team_name, team_kind, school, place=place)

    # --- people ---------------------------------------------------------------------------------------

    def _name(self) -> tuple[str, str]:
        female = self.rng.random() < 0.6
        middle, given = (MIDDLE_F, GIVEN_F) if female else (MIDDLE_M, GIVEN_M)
        name = f"{self.rng.choice(FAMILY)} {self.rng.choice(middle)} {self.rng.choice(given)}"
        return name, ("F" if female else "M")

    def _people(self) -> int:
        existing = set(Person.objects.values_list("code", flat=True))
        people = []
        for unit in (
            Unit.objects.filter(kind__category__in=["department", "office", "school"])
            .select_related("kind")
            .order_by("path")
        ):
            positions = {"department": SO_POSITIONS, "office": OFFICE_POSITIONS}.get(
                unit.kind.category, SCHOOL_POSITIONS
            )
            for i, (position, category) in enumerate(positions, start=1):
                name, gender = self._name()  # drawn even when the row exists, so names stay stable
                birth = dt.date(1968 + self.rng.randrange(30), 1 + self.rng.randrange(12), 1 + self.rng.randrange(28))
                code = f"{unit.code}-{i:02d}"
                if code in existing:
                    continue
                people.append(
                    Person(
                        code=code,
                        full_name=name,
                        gender=gender,
                        date_of_birth=birth,
                        position=position,
                        category=category,
                        unit=unit,
                    )
                )
        for p in people:  # bulk_create skips save(): fill what save() derives
            from units.models import fold, nfc

            p.full_name = nfc(p.full_name)
            p.search_text = fold(f"{p.code} {p.full_name} {p.position}")
        Person.objects.bulk_create(people, batch_size=1000)
        created = Person.objects.filter(code__in=[p.code for p in people])
        Posting.objects.bulk_create(
            [Posting(person=p, unit_id=p.unit_id, position=p.position, start=dt.date(2020, 9, 5)) for p in created]
        )
        return len(people)

    def _logins(self) -> list[tuple[DemoLogin, str]]:
        rows = []
        # One hash for every demo account: hashing is deliberately slow, and they share the password.
        hashed = make_password(DEMO_PASSWORD)
        for login in LOGINS:
            unit = Unit.objects.get(code=login.unit_code)
            user = User.objects.filter(username=login.username).first()
            if user is None:
                # The account belongs to the unit's person in that post (one principal per school), or to a
                # new person when the unit has nobody in it (a team, the ministry, a Sở specialist).
                person = (
                    Person.objects.filter(unit=unit, position=login.position, user__isnull=True)
                    .order_by("code")
                    .first()
                )
                name, gender = (person.full_name, person.gender) if person else self._name()
                last, first = name.rsplit(" ", 1)
                user = User(
                    username=login.username,
                    first_name=first,
                    last_name=last,
                    email=f"{login.username}@demo.thidua.vn",
                )
                user.password = hashed
                user.is_superuser = user.is_staff = login.role == "admin"
                user.save()
                if person is None:
                    Person.objects.create(
                        code=f"TK-{login.username}",
                        full_name=name,
                        gender=gender,
                        position=login.position,
                        category=login.category,
                        unit=unit,
                        user=user,
                        email=user.email,
                    )
                else:
                    Person.objects.filter(pk=person.pk).update(user=user, email=user.email)
            services.membership_grant(user=user, unit=unit, role=login.role)
            rows.append((login, unit.name))
        return rows

    def _print_logins(self, rows) -> None:
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Mở {settings.SITE_URL}/ và đăng nhập (mật khẩu chung: {DEMO_PASSWORD}):")
        )
        width = max(len(login.username) for login, _unit in rows)
        roles = dict(_roles())
        for province in dict.fromkeys(login.province for login, _unit in rows):
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(province or "Toàn quốc"))
            for login, unit in rows:
                if login.province == province:
                    self.stdout.write(f"  {login.username.ljust(width)}  {roles[login.role]} — {unit}")
                    self.stdout.write(f"  {' ' * width}  → {login.try_first}")


def _roles():
    from units.models import Role

    return Role.choices


def _has_command(name: str) -> bool:
    from django.core.management import get_commands

    app = get_commands().get(name)
    return app is not None and (app == "django.core" or apps.is_installed(app))

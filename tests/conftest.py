"""The named cast of STYLE.md, with a second province always populated.

Province S: Sở S → Phòng P → schools A and B (A has a subject team). Province T: Sở T → school X.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from units.models import Person, Role, Unit, User

from .factories import PersonFactory, ProvinceFactory, UserFactory, grant, make_unit


def _reachable(url: str, default_port: int) -> tuple[str, int, bool]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=3):
            return host, port, True
    except OSError:
        return host, port, False


def pytest_sessionstart(session):
    """Fail in one clear line when the real services the suite needs are not there."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit("The test suite runs on PostgreSQL: set DATABASE_URL=postgres://... (see README).", returncode=3)
    host, port, ok = _reachable(f"//{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}", 5432)
    if not ok:
        pytest.exit(
            f"PostgreSQL is not reachable at {host}:{port} (DATABASE_URL). "
            "Start it, e.g. `docker compose up -d db redis`, then run the tests again.",
            returncode=3,
        )
    host, port, ok = _reachable(settings.REDIS_URL, 6379)
    if not ok:
        pytest.exit(
            f"Redis is not reachable at {host}:{port} (REDIS_URL). "
            "Start it, e.g. `docker compose up -d db redis`, then run the tests again.",
            returncode=3,
        )


@dataclass
class Cast:
    ministry: Unit
    so_s: Unit
    phong_p: Unit
    school_a: Unit
    team_a: Unit
    school_b: Unit
    so_t: Unit
    school_x: Unit
    principal_a: User
    teacher_a: User
    principal_b: User
    reviewer_p: User
    officer_s: User
    outsider: User
    person_teacher_a: Person
    person_b: Person
    person_x: Person

    def users(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "principal_a": self.principal_a,
            "teacher_a": self.teacher_a,
            "principal_b": self.principal_b,
            "reviewer_p": self.reviewer_p,
            "officer_s": self.officer_s,
            "outsider": self.outsider,
        }


def build_cast() -> Cast:
    prov_s = ProvinceFactory(code="S", name="Tỉnh Sông Xanh")
    prov_t = ProvinceFactory(code="T", name="Tỉnh Trà Vàng")
    ministry = make_unit("bo", None, code="BGDDT", name="Bộ Giáo dục và Đào tạo")
    so_s = make_unit(
        "so",
        ministry,
        code="SO-S",
        name="Sở Giáo dục và Đào tạo Sông Xanh",
        province=prov_s,
        place_name="Sông Xanh",
    )
    phong_p = make_unit(
        "phong-gddt",
        so_s,
        code="PHONG-P",
        name="Phòng Giáo dục và Đào tạo huyện Phú Điền",
        place_name="Phú Điền",
    )
    school_a = make_unit("thcs", phong_p, code="TRUONG-A", name="Trường THCS An Bình")
    team_a = make_unit("to-chuyen-mon", school_a, code="TO-A-TOAN", name="Tổ Toán - Tin")
    school_b = make_unit("tieu-hoc", phong_p, code="TRUONG-B", name="Trường Tiểu học Bình Minh")
    so_t = make_unit("so", ministry, code="SO-T", name="Sở Giáo dục và Đào tạo Trà Vàng", province=prov_t)
    school_x = make_unit("thpt", so_t, code="TRUONG-X", name="Trường THPT Xuân Lộc")

    principal_a = UserFactory(username="principal_a", first_name="Hiệu trưởng A")
    teacher_a = UserFactory(username="teacher_a", first_name="Giáo viên A")
    principal_b = UserFactory(username="principal_b", first_name="Hiệu trưởng B")
    reviewer_p = UserFactory(username="reviewer_p", first_name="Chuyên viên P")
    officer_s = UserFactory(username="officer_s", first_name="Cán bộ Sở S")
    outsider = UserFactory(username="outsider", first_name="Người ngoài")

    grant(principal_a, school_a, Role.HEAD)
    grant(teacher_a, school_a, Role.STAFF)
    grant(principal_b, school_b, Role.HEAD)
    grant(reviewer_p, phong_p, Role.REVIEWER)
    grant(officer_s, so_s, Role.OFFICER)
    grant(outsider, school_x, Role.HEAD)

    person_teacher_a = PersonFactory(unit=school_a, full_name="Lê Thị Thu", user=teacher_a)
    person_b = PersonFactory(unit=school_b, full_name="Trần Văn Bình")
    person_x = PersonFactory(unit=school_x, full_name="Phạm Quốc Xuân")
    return Cast(
        ministry,
        so_s,
        phong_p,
        school_a,
        team_a,
        school_b,
        so_t,
        school_x,
        principal_a,
        teacher_a,
        principal_b,
        reviewer_p,
        officer_s,
        outsider,
        person_teacher_a,
        person_b,
        person_x,
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate limits (allauth's password reset per address) and cached
    reads of one test never reach the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture
def login(client):
    def _login(user: User | None):
        client.logout()
        if user is not None:
            client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return client

    return _login


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def chromium(live_server, monkeypatch):
    """Debian's Chromium, headless, driven by Playwright; skipped with a clear message when not installed."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium; .ci/run installs it).")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def national(cast) -> User:
    """A national role: the emulation officer of the ministry (the root unit, no province). Not part of the
    cast's users(): it reaches every province, so the matrix checks it on the rows that concern it."""
    user = UserFactory(username="national", first_name="Cán bộ Bộ")
    grant(user, cast.ministry, Role.OFFICER)
    return user

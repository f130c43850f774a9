"""Shared measuring helper for the bench_* management commands (never used by requests)."""

from __future__ import annotations

import statistics
import time

from django.core.management import CommandError
from django.db import connection, reset_queries
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext


def measure_page(user, url: str, runs: int) -> tuple[int, float, float]:
    """(queries of one request, p50 ms, p95 ms over `runs` requests) for a GET by `user` via the test client."""
    with override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False):
        client = Client()
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        reset_queries()  # each request resets the log; start from zero so the capture counts this one
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} trả về {response.status_code}")
        timings = []
        for _ in range(max(runs, 1)):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) > 1 else timings[0]
    return len(ctx.captured_queries), statistics.median(timings), p95


def scale_logins(province: str):
    """(officer of the generated Sở, head of one of its schools) memberships, made by generate_scale."""
    from .models import Membership, Role

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
    return officer, head


def main_pages(officer, head) -> list[tuple[object, str, str]]:
    """(membership, label, url) of the main pages measured by bench_pages and bench_national."""
    office = head.unit.parent
    return [
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


def database_url() -> str:
    """The URL of the database this process uses, for the processes a benchmark or drill starts."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def session_for(user, *, second_factor: bool) -> str:
    """The key of a signed-in session as the login page would leave it (with the authenticator code when
    `second_factor`), made without a login: no "signed in" audit entry for a user who did not sign in."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if second_factor:
        store["account_authentication_methods"] = [{"method": "mfa", "type": "totp", "at": time.time()}]
    store.create()
    return store.session_key

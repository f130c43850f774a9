"""Shared measuring helper for the bench_* management commands (never used by requests)."""

from __future__ import annotations

import statistics
import time

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

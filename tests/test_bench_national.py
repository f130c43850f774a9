"""bench_national runs end to end on a small generated province: gunicorn with 2 workers serves every main
page with 200 to the load, the staff import runs and is removed, and bench/results.md-style tables are
written. (Timings are reported, never asserted.)"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from units.models import Person

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_bench_national_on_a_small_province(tmp_path, monkeypatch):
    call_command(
        "generate_scale", "--provinces", "1", "--schools", "40", "--staff-per-school", "2", stdout=io.StringIO()
    )
    people = Person.objects.count()
    out = tmp_path / "results.md"
    stdout = io.StringIO()
    call_command(
        "bench_national",
        "--skip", "exports",
        "--skip", "sweep",
        "--requests", "2",
        "--clients", "2",
        "--import-rows", "200",
        "--out", str(out),
        stdout=stdout,
    )  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert "gunicorn 2 worker" in text and "| Trang | Truy vấn | p50 ms | p95 ms |" in text
    assert "| Nhật ký hệ thống |" in text and "| Nhập cán bộ từ Excel | 200 dòng" in text
    assert "Máy:" in text and "PostgreSQL" in text
    assert Person.objects.count() == people  # the imported staff are removed

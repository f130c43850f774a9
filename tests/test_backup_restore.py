"""Backup and restore drill: dump the database with backup_db, restore it into a fresh database with
restore_db, and run smoke_check against the restored copy (a separate process, as an operator would)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection

from campaigns.models import Campaign
from units.models import Unit

from .conftest import build_cast
from .factories import school_campaign
from .test_celery_worker import ROOT, _worker_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_backup_restore_into_a_fresh_database_passes_the_smoke_check(tmp_path):
    cast = build_cast()
    school_campaign(cast)
    units = Unit.objects.count()
    env = _worker_env()
    dump = tmp_path / "thidua.dump"
    result = _manage(env, "backup_db", str(dump))
    assert result.returncode == 0, result.stderr
    assert dump.stat().st_size > 0

    fresh = f"{connection.settings_dict['NAME']}_restore_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored = {**env, "DATABASE_URL": env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{fresh}"}
        result = _manage(restored, "restore_db", str(dump))
        assert result.returncode == 0, result.stderr
        result = _manage(restored, "restore_db", str(dump))
        assert result.returncode != 0 and "không trống" in result.stderr  # never over a database in use
        result = _manage(restored, "smoke_check")
        assert result.returncode == 0, result.stderr
        assert f"{units:,} đơn vị" in result.stdout
        result = _manage(
            restored, "shell", "-c", "from campaigns.models import Campaign; print(Campaign.objects.count())"
        )
        assert result.stdout.strip().splitlines()[-1] == str(Campaign.objects.count())
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')

"""A real Celery worker on the real Redis broker runs the daily roll-forward against the test database."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from campaigns import services
from campaigns.models import Campaign, Deadline, Obligation
from units.models import UnitKind

from .factories import make_unit

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _worker_env() -> dict:
    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env.update(
        DATABASE_URL=f"postgres://{auth}@{host}/{connection.settings_dict['NAME']}",
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/15",  # a broker db of its own
        DJANGO_DEBUG="true",
    )
    return env


def purge_broker(env: dict) -> None:
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "purge", "-f"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )


def start_worker(env: dict) -> subprocess.Popen:
    """A real Celery worker process (solo pool) on the test broker and database. Its log goes to
    CELERY_TEST_LOG when set (to see why a worker did not pick a task up)."""
    log = open(os.environ["CELERY_TEST_LOG"], "ab") if os.environ.get("CELERY_TEST_LOG") else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO" if os.environ.get("CELERY_TEST_LOG") else "WARNING",
            "-n",
            f"test{time.monotonic_ns()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )


@pytest.fixture
def worker():
    env = _worker_env()
    purge_broker(env)
    proc = start_worker(env)
    yield env
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_worker_rolls_obligations_forward(worker):
    from celery import Celery

    so = make_unit("so", None, code="SO-W", name="Sở thử nghiệm")
    school = make_unit("thcs", so, code="TR-W", name="Trường THCS thử nghiệm")
    campaign = services.campaign_create(
        issuer=so,
        number="1/KH-W",
        issued_on=dt.date(2024, 1, 1),
        title="Phong trào thử nghiệm",
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2040, 12, 31),
        participant_kinds=[UnitKind.objects.get(code="thcs")],
    )
    services.deadline_save(
        campaign,
        title="Hồ sơ khen thưởng",
        kind=Deadline.Kind.NOMINATION,
        recurrence="yearly",
        day=1,
        month=10,
        basis="calendar_year",
    )
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PUBLISHED)
    assert not Obligation.objects.filter(unit=school).exists()

    app = Celery(broker=worker["CELERY_BROKER_URL"])
    app.send_task("campaigns.roll_forward_obligations")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not Obligation.objects.filter(unit=school).exists():
        time.sleep(0.5)
    periods = set(Obligation.objects.filter(unit=school).values_list("period", flat=True))
    assert periods, "the worker did not run the task within 60 s"
    assert str(dt.date.today().year) in periods or str(dt.date.today().year + 1) in periods

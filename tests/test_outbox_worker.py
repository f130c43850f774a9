"""Exactly once, with real parts: 200 obligations, two sweeps at once, a real Celery worker on Redis that is
killed in the middle of sending, a restarted worker — every reminder is e-mailed once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from campaigns import services
from campaigns.deadlines import LOCAL_TZ
from campaigns.reminders import reminders_sweep
from units.models import Message, Role, UnitKind

from .factories import UserFactory, grant, make_unit
from .test_celery_worker import _worker_env, purge_broker, start_worker

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
NOW = dt.datetime(2025, 9, 29, 8, 5, tzinfo=LOCAL_TZ)  # T-1 for deadlines "trước ngày 01/10"


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_every_reminder_is_emailed_exactly_once_across_a_worker_crash(tmp_path):
    so = make_unit("so", None, code="SO-OB", name="Sở thử nghiệm hộp thư")
    kind = UnitKind.objects.get(code="thcs")
    for i in range(50):
        school = make_unit("thcs", so, code=f"OB-{i:02d}", name=f"Trường THCS hộp thư {i:02d}")
        head = UserFactory(username=f"ob_head_{i:02d}")
        grant(head, school, Role.HEAD)
    campaign = services.campaign_create(
        issuer=so,
        number="9/KH",
        issued_on=dt.date(2025, 8, 1),
        title="KH",
        start_date=dt.date(2025, 8, 1),
        end_date=dt.date(2025, 12, 31),
        participant_kinds=[kind],
    )
    for title in ("Kế hoạch", "Báo cáo", "Tự đánh giá", "Hồ sơ khen thưởng"):
        services.deadline_save(campaign, title=title, recurrence="once", due_date=dt.date(2025, 10, 1))
    services.campaign_publish(campaign, now=dt.datetime(2025, 8, 2, 9, tzinfo=LOCAL_TZ))

    def sweep():
        try:
            reminders_sweep(now=NOW)
        finally:
            connection.close()

    sweeps = [threading.Thread(target=sweep) for _ in range(2)]
    for t in sweeps:
        t.start()
    for t in sweeps:
        t.join()
    assert Message.objects.count() == 200

    outdir = tmp_path / "mail"
    outdir.mkdir()
    env = _worker_env()
    env.update(EMAIL_BACKEND="tests.outbox_backend.Backend", OUTBOX_TEST_DIR=str(outdir), OUTBOX_CLAIM_TIMEOUT="1")
    purge_broker(env)
    broker = Celery(broker=env["CELERY_BROKER_URL"])

    first = start_worker({**env, "OUTBOX_TEST_PAUSE_AFTER": "60"})
    try:
        broker.send_task("units.send_outbox")
        _wait(lambda: (outdir / "paused").exists(), 90, "the first worker to pause mid-batch")
        os.kill(first.pid, signal.SIGKILL)  # dies in the middle of a batch it has claimed
        first.wait(timeout=20)
    finally:
        if first.poll() is None:
            first.kill()
    assert len(list(outdir.glob("*.eml"))) == 60
    assert Message.objects.filter(status="sending").exists()  # its unsent claims are left behind

    time.sleep(1.2)  # the claims go stale (OUTBOX_CLAIM_TIMEOUT=1)
    second = start_worker(env)
    try:
        broker.send_task("units.send_outbox")
        broker.send_task("units.send_outbox")  # a duplicate task must not send twice either
        _wait(lambda: Message.objects.filter(status="sent").count() == 200, 120, "all 200 messages sent")
    finally:
        second.terminate()
        second.wait(timeout=20)
    files = list(outdir.glob("*.eml"))
    assert len(files) == 200
    assert not [f for f in files if not f.name.endswith(".0.eml")], "a message was delivered twice"

"""A real Celery worker on the real Redis broker builds an export; killed after writing the file but before
marking the job done (a test storage pauses it there), the job is recovered and completes once on a new
worker: one file, the right rows."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns import services as campaign_services
from reports import services
from reports.models import ReportJob

from .conftest import build_cast
from .factories import school_campaign
from .nominations.helpers import as_user
from .test_celery_worker import _worker_env, purge_broker, start_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _wait(predicate, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_export_survives_a_killed_worker(django_capture_on_commit_callbacks):
    from celery import Celery

    cast = build_cast()
    campaign = school_campaign(cast)
    campaign_services.deadline_save(
        campaign,
        title="Hồ sơ khen thưởng",
        kind="nomination",
        recurrence="yearly",
        day=1,
        month=10,
        basis="calendar_year",
    )
    campaign_services.campaign_publish(campaign, now=dt.datetime(2025, 8, 2, 9, 0, tzinfo=dt.UTC))
    env = _worker_env()
    env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    purge_broker(env)
    app = Celery(broker=env["CELERY_BROKER_URL"])
    # The task is sent below to the worker's own broker, not by the on-commit hook to the default one.
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        job = services.job_request(
            cast.officer_s, kind="campaign_status", unit=cast.so_s, params={"campaign": campaign.public_id}
        )
    target = Path(settings.MEDIA_ROOT) / "reports" / job.filename
    target.unlink(missing_ok=True)

    # The first worker writes the file, then stops before marking the job done, and is killed there.
    marker = Path(settings.MEDIA_ROOT) / f"paused-{job.public_id}"
    marker.unlink(missing_ok=True)
    worker = start_worker(
        {**env, "FILE_STORAGE_BACKEND": "tests.pausing_storage.PausingStorage", "REPORT_TEST_PAUSE": str(marker)}
    )
    try:
        app.send_task("reports.build", args=[job.pk])
        assert _wait(marker.exists), "the worker never wrote the file"
        assert target.exists() and ReportJob.objects.get(pk=job.pk).state == "running"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
        marker.unlink(missing_ok=True)
    job.refresh_from_db()
    assert job.state == "running" and job.attempts == 1

    # The recovery sweep (beat, every 2 minutes) finds the silent job and queues it again.
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        later = timezone.now() + dt.timedelta(seconds=settings.REPORT_STALE_SECONDS + 1)
        assert services.jobs_recover(now=later) == 1
    worker = start_worker(env)
    try:
        app.send_task("reports.build", args=[job.pk])
        assert _wait(lambda: ReportJob.objects.get(pk=job.pk).state == "done"), "the job did not complete"
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    job.refresh_from_db()
    assert job.attempts == 2 and job.progress == 100
    assert [p.name for p in target.parent.glob(f"{Path(job.filename).stem}*")] == [job.filename]  # one file
    response = as_user(cast.officer_s).get(reverse("reports:download", args=[job.public_id]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [[c.value for c in r] for r in wb["Tình hình nộp"].iter_rows(min_row=3)]
    assert sorted(r[1] for r in rows) == ["Trường THCS An Bình", "Trường Tiểu học Bình Minh"]
    assert all(r[5] == "Chưa nộp" or r[5] == "Quá hạn, chưa nộp" for r in rows)

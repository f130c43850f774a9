"""Celery application. The periodic schedule lives here (beat_schedule), not in django-celery-beat,
which caps Django below the version we run."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("thidua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The periodic schedule (Asia/Ho_Chi_Minh, CELERY_TIMEZONE). Each entry calls a thin task of the app
# that owns the work; every task is idempotent, so a beat restart or a duplicate run is harmless.
app.conf.beat_schedule = {
    "obligations-roll-forward": {
        "task": "campaigns.roll_forward_obligations",
        "schedule": crontab(hour=0, minute=30),
    },
    "reminder-sweep": {"task": "campaigns.reminder_sweep", "schedule": crontab(minute="*/15")},
    # Catches retries with backoff and anything enqueued outside a sweep (events, exports).
    "outbox-send": {"task": "units.send_outbox", "schedule": crontab(minute="*/5")},
    "daily-digests": {"task": "units.send_digests", "schedule": crontab(hour=7, minute=0)},
    # Report jobs whose worker died are queued again; expired report files are deleted nightly.
    "reports-recover": {"task": "reports.recover", "schedule": crontab(minute="*/2")},
    "reports-expire": {"task": "reports.expire", "schedule": crontab(hour=1, minute=15)},
}

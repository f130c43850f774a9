"""Celery application. The periodic schedule lives here (beat_schedule), not in django-celery-beat,
which caps Django below the version we run."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("thidua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Filled by the apps that own periodic work (reminder sweep, export clean-up).
app.conf.beat_schedule = {}

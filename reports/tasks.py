"""Celery tasks of the reports app. Thin: the bodies are in services and are idempotent."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="reports.build",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, TimeoutError),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=4,
    time_limit=30 * 60,
    soft_time_limit=28 * 60,
)
def build_report(job_id: int) -> str:
    job = services.job_run(job_id)
    return job.state if job else "skipped"


@shared_task(name="reports.expire")
def expire_reports() -> int:
    return services.jobs_expire()


@shared_task(name="reports.recover")
def recover_reports() -> int:
    return services.jobs_recover()

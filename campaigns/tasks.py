"""Celery tasks of the campaigns app: thin wrappers around services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, name="campaigns.roll_forward_obligations")
def roll_forward_obligations() -> int:
    """Daily: create the obligations of deadlines that came within the horizon (idempotent)."""
    return services.obligations_roll_forward()

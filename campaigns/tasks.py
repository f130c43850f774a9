"""Celery tasks of the campaigns app: thin wrappers around services."""

from celery import shared_task
from django.db import transaction

from . import reminders, services


@shared_task(acks_late=True, reject_on_worker_lost=True, name="campaigns.roll_forward_obligations")
def roll_forward_obligations() -> int:
    """Daily: create the obligations of deadlines that came within the horizon (idempotent)."""
    return services.obligations_roll_forward()


@shared_task(acks_late=True, reject_on_worker_lost=True, name="campaigns.reminder_sweep")
def reminder_sweep() -> int:
    """Every 15 minutes: create the due reminders (exactly once by key), then have them delivered."""
    from units.tasks import send_outbox

    created = reminders.reminders_sweep()
    if created:
        transaction.on_commit(send_outbox.delay)
    return created

"""Celery tasks of the units app: thin wrappers around the outbox services."""

from celery import shared_task

from . import notify


@shared_task(acks_late=True, reject_on_worker_lost=True, name="units.send_outbox")
def send_outbox() -> int:
    """Deliver every due message (idempotent: rows are locked and marked in the sending transaction)."""
    return notify.outbox_send_due()


@shared_task(acks_late=True, reject_on_worker_lost=True, name="units.send_digests")
def send_digests() -> int:
    return notify.digests_send()

"""The outbox: create notifications exactly once, deliver them (portal + e-mail) with row locks and retries,
and fold reminders into one daily digest for people who asked for it. Every app notifies through here."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from .models import Message, NotificationPreference, User

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
DIGEST_KINDS = frozenset({Message.Kind.REMINDER, Message.Kind.DUE_TODAY})


def messages_enqueue(messages: Iterable[Message]) -> int:
    """Stores new messages; any whose key already exists is skipped (a second sweep creates nothing).
    Returns how many rows were new."""
    messages = list(messages)
    if not messages:
        return 0
    keys = [m.key for m in messages]
    before = Message.objects.filter(key__in=keys).count()
    Message.objects.bulk_create(messages, ignore_conflicts=True, batch_size=2000)
    return Message.objects.filter(key__in=keys).count() - before


def notify(
    *,
    recipient: User,
    kind: str,
    subject: str,
    body: str,
    key: str,
    url: str = "",
    unit=None,
    when: dt.datetime | None = None,
    object_label: str = "",
) -> bool:
    """One event notification (returned for revision, recognised, export ready...). True if new."""
    message = Message(
        key=key,
        recipient=recipient,
        unit=unit,
        kind=kind,
        subject=subject[:255],
        body=body,
        url=url,
        object_label=object_label[:255],
        scheduled_at=when or timezone.now(),
    )
    return messages_enqueue([message]) == 1


def _wants_digest(user_ids: set[int]) -> set[int]:
    return set(
        NotificationPreference.objects.filter(user_id__in=user_ids, digest_only=True).values_list("user_id", flat=True)
    )


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def _mail_kit():
    """What every e-mail of one delivery run shares: the two templates and the footer links."""
    templates = (get_template("email/message.txt"), get_template("email/message.html"))
    footer = {
        "site_url": settings.SITE_URL,
        "preferences_url": _absolute(reverse("units:message_preferences")),
        "messages_url": _absolute(reverse("units:messages")),
    }
    return templates, footer


def _message_id(messages: list[Message]) -> str:
    """The same Message-ID for the same outbox rows: if a worker dies after the mail server took an e-mail
    but before the row was marked sent, the one repeated e-mail carries the same ID, which mail systems use
    to recognise it as the same message."""
    digest = hashlib.sha256(" ".join(sorted(m.key for m in messages)).encode()).hexdigest()[:32]
    host = urlparse(settings.SITE_URL).hostname or "thidua.local"
    return f"<{digest}@{host}>"


def _email(messages: list[Message], kit) -> EmailMultiAlternatives:
    """One e-mail for one recipient: a single message as itself, several due at once as one list."""
    templates, footer = kit
    first = messages[0]
    items = [{"message": m, "link": _absolute(m.url)} for m in messages]
    context = {"recipient": first.recipient, "items": items, **footer}
    subject = first.subject if len(messages) == 1 else f"Bạn có {len(messages)} thông báo mới"
    mail = EmailMultiAlternatives(
        subject=f"[Cổng thi đua] {subject}",
        body=templates[0].render(context),
        to=[first.recipient.email],
        headers={"X-Thidua-Message": " ".join(m.key for m in messages), "Message-ID": _message_id(messages)},
    )
    mail.attach_alternative(templates[1].render(context), "text/html")
    return mail


def outbox_send_due(*, now: dt.datetime | None = None, batch: int = 500, limit: int | None = None) -> int:
    """Delivers due messages; returns how many outbox rows were handled.

    A worker claims a batch (row locks, SKIP LOCKED, so several workers share the queue) ordered by
    recipient, and commits the claim. A person with several messages due at once gets one e-mail listing
    them (135,000 reminders to 45,000 heads are 45,000 e-mails, not a flood). Each e-mail is marked sent
    in its own statement right after the send, so a worker killed mid-batch leaves only unsent claims;
    they return to the queue after OUTBOX_CLAIM_TIMEOUT and are sent once by the next run. Failures back
    off exponentially and end as failed, visible in the outbox."""
    now = now or timezone.now()
    release_stale_claims(now)
    done = 0
    connection = get_connection()
    kit = _mail_kit()
    while limit is None or done < limit:
        with transaction.atomic():
            due = (
                Message.objects.select_for_update(skip_locked=True)
                .filter(status=Message.Status.PENDING, scheduled_at__lte=now)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .order_by("recipient_id", "pk")
            )
            claimed = list(due.values_list("pk", "recipient_id")[:batch])
            if not claimed:
                return done
            last_pk, last_recipient = claimed[-1]
            # The batch edge must not split a person's messages into two e-mails.
            ids = [pk for pk, _r in claimed] + list(
                due.filter(recipient_id=last_recipient, pk__gt=last_pk).values_list("pk", flat=True)
            )
            Message.objects.filter(pk__in=ids).update(status=Message.Status.SENDING, claimed_at=timezone.now())
        rows = Message.objects.filter(pk__in=ids).select_related("recipient").order_by("recipient_id", "pk")
        by_recipient: dict[int, list[Message]] = defaultdict(list)
        for message in rows:
            by_recipient[message.recipient_id].append(message)
        digest_users = _wants_digest(set(by_recipient))
        held: list[int] = []
        portal_only: list[int] = []
        for user_id, messages in by_recipient.items():
            to_mail = []
            for message in messages:
                if message.kind in DIGEST_KINDS and user_id in digest_users:
                    held.append(message.pk)
                elif not message.recipient.email:
                    portal_only.append(message.pk)
                else:
                    to_mail.append(message)
            if to_mail:
                _deliver(to_mail, now, connection, kit)
        _mark(held, status=Message.Status.IN_DIGEST)
        _mark(portal_only, status=Message.Status.PORTAL_ONLY, sent_at=now)
        done += len(ids)
    return done


def release_stale_claims(now: dt.datetime) -> int:
    """Claims older than the timeout belong to a worker that died: put them back in the queue."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT)
    return Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=cutoff).update(
        status=Message.Status.PENDING, claimed_at=None
    )


def _mark(pks: list[int], **fields) -> None:
    """Records the outcome only for rows this worker still holds."""
    if pks:
        Message.objects.filter(pk__in=pks, status=Message.Status.SENDING).update(**fields)


def _deliver(messages: list[Message], now: dt.datetime, connection, kit) -> None:
    pks = [m.pk for m in messages]
    try:
        mail = _email(messages, kit)
        mail.connection = connection
        mail.send()
    except Exception as exc:  # any transport error: keep the rows, retry later
        attempts = max(m.attempts for m in messages) + 1
        failed = attempts >= MAX_ATTEMPTS
        _mark(
            pks,
            attempts=attempts,
            last_error=str(exc)[:500],
            status=Message.Status.FAILED if failed else Message.Status.PENDING,
            next_attempt_at=None if failed else now + dt.timedelta(minutes=2**attempts),
        )
        log.warning("messages %s not sent: %s", pks, exc)
        return
    _mark(pks, status=Message.Status.SENT, sent_at=now, attempts=F("attempts") + 1)


def digests_send(*, now: dt.datetime | None = None) -> int:
    """One e-mail per person gathering the reminders held for their digest; exactly once per day (the
    digest itself is a message with a per-day key)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    held = (
        Message.objects.filter(status=Message.Status.IN_DIGEST, sent_at__isnull=True)
        .select_related("recipient")
        .order_by("recipient_id", "scheduled_at")
    )
    by_user: dict[int, list[Message]] = defaultdict(list)
    for message in held:
        by_user[message.recipient_id].append(message)
    sent = 0
    for user_id, items in by_user.items():
        with transaction.atomic():
            digest_key = f"digest:{user_id}:{today:%Y%m%d}"
            if Message.objects.filter(key=digest_key).exists():
                continue
            lines = [f"- {m.subject}: {m.body.splitlines()[0] if m.body else ''}" for m in items]
            Message.objects.create(
                key=digest_key,
                recipient=items[0].recipient,
                kind=Message.Kind.DIGEST,
                subject=f"Tổng hợp {len(items)} việc cần làm ngày {today:%d/%m/%Y}",
                body="\n".join(lines),
                url="/thong-bao/",
                scheduled_at=now,
            )
            Message.objects.filter(pk__in=[m.pk for m in items]).update(sent_at=now)
            sent += 1
    if sent:
        outbox_send_due(now=now)
    return sent


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return (
        Message.objects.filter(recipient=user, read_at__isnull=True, scheduled_at__lte=timezone.now())
        .exclude(kind=Message.Kind.DIGEST)
        .count()
    )


def messages_mark_read(user, public_ids: list[str] | None = None) -> int:
    qs = Message.objects.filter(recipient=user, read_at__isnull=True)
    if public_ids is not None:
        qs = qs.filter(public_id__in=public_ids)
    return qs.update(read_at=timezone.now())

"""Reminders: the schedule at its boundaries, exactly-once creation and delivery, digests, escalation."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection

from campaigns import services
from campaigns.deadlines import LOCAL_TZ, due_moment
from campaigns.models import Obligation
from campaigns.reminders import current_step, last_day, reminders_sweep, schedule
from units import notify
from units.models import Message, NotificationPreference

from ..factories import school_campaign


def local(y, m, d, h=0, mi=0, s=0):
    return dt.datetime(y, m, d, h, mi, s, tzinfo=LOCAL_TZ)


# --- the schedule -----------------------------------------------------------------------------------


def test_steps_for_before_first_october():
    due = due_moment(dt.date(2025, 10, 1))  # "trước ngày 01/10": last day 30/09
    assert last_day(due) == dt.date(2025, 9, 30)
    steps = schedule(due, until=local(2025, 10, 20))
    assert [(s.name, s.at) for s in steps] == [
        ("before-7", local(2025, 9, 23, 8)),
        ("before-3", local(2025, 9, 27, 8)),
        ("before-1", local(2025, 9, 29, 8)),
        ("day", local(2025, 9, 30, 8)),
        ("overdue-1", local(2025, 10, 1, 8)),
        ("overdue-8", local(2025, 10, 8, 8)),
        ("overdue-15", local(2025, 10, 15, 8)),
    ]


def test_t_minus_one_at_local_boundaries():
    due = due_moment(dt.date(2025, 10, 1))
    assert current_step(due, local(2025, 9, 29, 7, 59, 59)).name == "before-3"  # from 27/09 08:00
    assert current_step(due, local(2025, 9, 29, 8, 0)).name == "before-1"
    assert current_step(due, local(2025, 9, 29, 23, 59)).name == "before-1"
    assert current_step(due, local(2025, 9, 30, 23, 59, 59)).name == "day"  # still on time
    assert current_step(due, local(2025, 10, 1, 8)).name == "overdue-1"
    # 01:00 UTC on 29/09 is 08:00 in Hà Nội: the T-1 reminder is due.
    assert current_step(due, dt.datetime(2025, 9, 29, 1, 0, tzinfo=dt.UTC)).name == "before-1"


def test_leap_years_and_configured_offsets():
    due = due_moment(dt.date(2024, 3, 1))  # last day 29/02/2024
    assert last_day(due) == dt.date(2024, 2, 29)
    steps = schedule(due, before=(10,), on_day=False, overdue=False, until=local(2024, 12, 31))
    assert [(s.name, s.at.date()) for s in steps] == [("before-10", dt.date(2024, 2, 19))]
    assert last_day(due_moment(dt.date(2025, 3, 1))) == dt.date(2025, 2, 28)


def test_old_steps_are_skipped_not_sent_late():
    due = due_moment(dt.date(2025, 10, 1))
    assert current_step(due, local(2025, 10, 5, 9)) is None  # overdue-1 was 4 days ago; next is overdue-8


# --- the sweep ----------------------------------------------------------------------------------------


@pytest.fixture
def plan(cast):
    campaign = school_campaign(cast)
    deadline = services.deadline_save(
        campaign,
        title="Hồ sơ khen thưởng",
        kind="nomination",
        recurrence="yearly",
        day=1,
        month=10,
        basis="calendar_year",
    )
    services.campaign_publish(campaign, now=local(2025, 8, 2, 9))
    return deadline


def test_sweep_reminds_the_heads_once_and_skips_submitted_work(cast, plan):
    b = Obligation.objects.get(deadline=plan, unit=cast.school_b, period="2025")
    services.obligation_submit(b, now=local(2025, 9, 1))
    assert reminders_sweep(now=local(2025, 9, 29, 8, 5)) == 1
    assert reminders_sweep(now=local(2025, 9, 29, 8, 20)) == 0  # the next sweep: nothing new
    message = Message.objects.get()
    assert message.recipient == cast.principal_a and message.kind == "reminder"
    assert message.subject == "Còn 1 ngày: Hồ sơ khen thưởng (kỳ 2025)"
    assert "hết ngày 30/09/2025" in message.body
    notify.outbox_send_due(now=local(2025, 9, 29, 8, 6))
    notify.outbox_send_due(now=local(2025, 9, 29, 8, 30))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [cast.principal_a.email]
    assert mail.outbox[0].alternatives and "Xem và xử lý" in mail.outbox[0].alternatives[0][0]


def test_overdue_escalates_to_head_and_blocking_digest_to_the_parent_reviewer(cast, plan):
    reminders_sweep(now=local(2025, 10, 1, 9))
    kinds = sorted(Message.objects.values_list("recipient__username", "kind"))
    assert kinds == [("principal_a", "overdue"), ("principal_b", "overdue"), ("reviewer_p", "blocking")]
    digest = Message.objects.get(kind="blocking")
    assert "2 đơn vị trực thuộc Phòng Giáo dục và Đào tạo huyện Phú Điền" in digest.subject
    assert "Trường THCS An Bình" in digest.body and "quá hạn 1 ngày" in digest.body
    reminders_sweep(now=local(2025, 10, 1, 15))
    assert Message.objects.count() == 3


def test_deadline_moved_earlier_gets_a_fresh_schedule_and_people_are_told(cast, plan):
    reminders_sweep(now=local(2025, 9, 29, 9))
    services.deadline_change(plan, actor=cast.officer_s, reason="Theo công văn 12", day=28, month=9)
    told = Message.objects.filter(kind="deadline_changed")
    assert set(told.values_list("recipient__username", flat=True)) == {"principal_a", "principal_b"}
    assert "trước ngày 28/09 hằng năm" in told.first().body
    new = reminders_sweep(now=local(2025, 9, 29, 9, 15))
    assert new == 3  # both schools are now overdue under the new date, and their reviewer is told
    assert Message.objects.filter(kind="overdue").count() == 2


def test_several_reminders_due_together_reach_a_person_as_one_email(cast):
    campaign = school_campaign(cast)
    for title in ("Kế hoạch hưởng ứng", "Báo cáo chỉ tiêu", "Tự đánh giá"):
        services.deadline_save(campaign, title=title, recurrence="once", due_date=dt.date(2025, 10, 1))
    services.campaign_publish(campaign, now=local(2025, 8, 2, 9))
    assert reminders_sweep(now=local(2025, 9, 29, 8, 5)) == 6  # 3 deadlines x 2 schools
    assert notify.outbox_send_due(now=local(2025, 9, 29, 8, 6), batch=4) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.principal_a.email, cast.principal_b.email])
    first = mail.outbox[0]
    assert first.subject == "[Cổng thi đua] Bạn có 3 thông báo mới"
    for title in ("Kế hoạch hưởng ứng", "Báo cáo chỉ tiêu", "Tự đánh giá"):
        assert title in first.body and title in first.alternatives[0][0]
    assert len(first.extra_headers["X-Thidua-Message"].split()) == 3
    assert set(Message.objects.values_list("status", "attempts")) == {("sent", 1)}
    # A repeat of the same rows (a worker died before marking them) carries the same Message-ID.
    rows = list(Message.objects.filter(key__in=first.extra_headers["X-Thidua-Message"].split()))
    assert first.extra_headers["Message-ID"] == notify._message_id(rows[::-1])
    assert first.message()["Message-ID"] == first.extra_headers["Message-ID"]
    assert mail.outbox[1].extra_headers["Message-ID"] != first.extra_headers["Message-ID"]


def test_digest_only_folds_reminders_but_not_overdue(cast, plan):
    NotificationPreference.objects.create(user=cast.principal_a, digest_only=True)
    reminders_sweep(now=local(2025, 9, 27, 8, 1))
    notify.outbox_send_due(now=local(2025, 9, 27, 8, 2))
    assert [m.to for m in mail.outbox] == [[cast.principal_b.email]]
    assert Message.objects.get(recipient=cast.principal_a).status == "in_digest"
    assert notify.digests_send(now=local(2025, 9, 28, 7)) == 1
    assert notify.digests_send(now=local(2025, 9, 28, 7, 30)) == 0
    assert mail.outbox[-1].to == [cast.principal_a.email] and "Tổng hợp 1 việc" in mail.outbox[-1].subject
    reminders_sweep(now=local(2025, 10, 1, 8, 1))
    notify.outbox_send_due(now=local(2025, 10, 1, 8, 2))
    assert Message.objects.filter(recipient=cast.principal_a, kind="overdue", status="sent").exists()


def test_failed_sends_back_off_and_show_up(cast, plan, settings):
    settings.EMAIL_BACKEND = "tests.campaigns.failing_mail.Backend"
    reminders_sweep(now=local(2025, 9, 29, 8, 5))
    notify.outbox_send_due(now=local(2025, 9, 29, 8, 6))
    message = Message.objects.get(recipient=cast.principal_a)
    assert message.status == "pending" and message.attempts == 1 and "SMTP" in message.last_error
    assert message.next_attempt_at == local(2025, 9, 29, 8, 8)
    notify.outbox_send_due(now=local(2025, 9, 29, 8, 7))  # not yet due again
    assert Message.objects.get(pk=message.pk).attempts == 1
    for minute in range(8, 60):
        notify.outbox_send_due(now=local(2025, 9, 29, 9, minute))
    notify.outbox_send_due(now=local(2025, 9, 30, 9))
    assert Message.objects.get(pk=message.pk).status == "failed"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sweeps_create_each_reminder_once(cast):
    campaign = school_campaign(cast)
    deadline = services.deadline_save(campaign, title="Báo cáo", recurrence="once", due_date=dt.date(2025, 10, 1))
    services.campaign_publish(campaign, now=local(2025, 8, 2, 9))
    now = local(2025, 9, 29, 8, 5)
    errors = []

    def run():
        try:
            reminders_sweep(now=now)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Message.objects.filter(object_label=deadline.title).count() == 2  # heads of A and B, once each

"""manage.py bench_reminders — the reminder sweep at national scale: a campaign over every generated school
with 3 deadlines due tomorrow, one head per school; prints the time to create the reminders and the time to
deliver them with one or more processes (locmem e-mail; --processes = worker concurrency), queries per e-mail.
Run generate_scale first."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time

from django.core.management import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from campaigns import scale, services
from campaigns.reminders import reminders_sweep
from units import notify
from units.models import Message, Unit

NUMBER = "BENCH-REM/KH"
PREFIX = "bench.rem."


def _deliver(now: dt.datetime) -> tuple[int, int]:
    """One delivery process: drains the shared queue (SKIP LOCKED) and reports rows handled and e-mails sent."""
    from django.core import mail

    mail.outbox = []
    rows = notify.outbox_send_due(now=now, batch=500)
    connection.close()
    return rows, len(mail.outbox)


class Command(BaseCommand):
    help = "Đo thời gian quét nhắc hạn và gửi thư ở quy mô toàn quốc."

    def add_arguments(self, parser):
        parser.add_argument("--keep", action="store_true")
        parser.add_argument(
            "--processes", type=int, default=1, help="số tiến trình gửi song song (như --concurrency của worker)"
        )

    def handle(self, *args, keep: bool, processes: int, **options) -> None:
        schools = list(Unit.objects.filter(code__startswith="SC-", kind__category="school").values_list("pk", "code"))
        if not schools:
            raise CommandError("Chưa có dữ liệu mô phỏng: chạy `manage.py generate_scale` trước.")
        self.cleanup()
        started = time.perf_counter()
        users = scale.heads_for(schools, PREFIX)
        self.stdout.write(f"Chuẩn bị {len(users):,} hiệu trưởng: {time.perf_counter() - started:.1f} s")
        now = timezone.now()
        campaign, sweep_at = scale.plan_due_tomorrow(number=NUMBER, title="Đo nhắc hạn")
        started = time.perf_counter()
        services.campaign_publish(campaign, now=now)
        self.stdout.write(f"Lập nghĩa vụ: {time.perf_counter() - started:.1f} s")

        reset_queries()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            created = reminders_sweep(now=sweep_at)
        took = time.perf_counter() - started
        self.stdout.write(
            f"Quét lần 1: {created:,} nhắc hạn tạo trong {took:.1f} s, {len(ctx.captured_queries)} truy vấn"
        )
        started = time.perf_counter()
        again = reminders_sweep(now=sweep_at)
        self.stdout.write(f"Quét lần 2: {again} nhắc hạn mới trong {time.perf_counter() - started:.1f} s")

        deliver_at = sweep_at + dt.timedelta(minutes=1)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            from django.core import mail

            mail.outbox = []
            # Queries per e-mail: one batch measured alone (the debug query log is capped at 9,000).
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                sample = notify.outbox_send_due(now=deliver_at, batch=300, limit=300)
            sample_mails = len(mail.outbox)
            started = time.perf_counter()
            connection.close()  # each process opens its own
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                results = pool.map(_deliver, [deliver_at] * processes)
            took = time.perf_counter() - started
            rows, mails = sum(r for r, _m in results), sum(m for _r, m in results)
            left = Message.objects.filter(recipient__username__startswith=PREFIX, status="pending").count()
            self.stdout.write(
                f"Gửi ({processes} tiến trình): {rows:,} nhắc hạn trong {mails:,} thư (mỗi người một thư gộp) "
                f"trong {took:.1f} s ({rows / took:,.0f} nhắc hạn/s, {mails / took:,.0f} thư/s); còn chờ: {left}; "
                f"{len(ctx.captured_queries) / max(sample_mails, 1):.2f} truy vấn/thư "
                f"(đo trên {sample_mails} thư, {sample} nhắc hạn); mục tiêu gửi ≤ 60 s"
            )
        if not keep:
            self.cleanup()

    def cleanup(self) -> None:
        scale.remove(number=NUMBER, prefix=PREFIX)
        # Reclaim the dead rows at once, as autovacuum would between two real sweeps: a rerun of the
        # benchmark otherwise measures a table holding millions of dead rows from the previous one.
        with connection.cursor() as cur:
            cur.execute(
                "VACUUM (ANALYZE) units_message, campaigns_obligation, campaigns_deadline, units_membership, units_user"
            )

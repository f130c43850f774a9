"""manage.py drill — reliability drills against the configured database and Redis, with real processes, for
a staging copy of production (or the generated national data). Each drill prints what it did and what it
found, and the command fails if a drill finds data lost or doubled:

- backup: backup_db, restore into a fresh database, smoke_check on the copy, row counts compared, copy dropped;
- export: a large report is built by a Celery worker that is killed (SIGKILL) while it runs; a second worker
  and `reports.recover` finish it: the job ends done, with one file;
- sweep: the reminder sweep of a plan over every school is killed (SIGKILL) while it runs, then run again:
  every reminder exists once (a third run finds nothing missing, the keys are unique);
- outbox: a batch of e-mails is being delivered by a worker that is killed mid-batch; after the claim timeout
  a second worker delivers the rest: every message is delivered, none twice except at most the one in flight
  when the worker died, which goes again with the same Message-ID (Django's file e-mail backend
  records the deliveries in a temporary folder, nothing is sent to anybody; other messages due at that time
  on the copy are "delivered" into that folder too, which is why this is for a staging copy).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from units.bench import database_url

ROOT = Path(settings.BASE_DIR)
CELERY = (sys.executable, "-m", "celery", "-A", "config")
UNUSABLE_PASSWORD = "!"  # noqa: S105 - drill accounts never sign in
DRILL_USERS = "drill.mail."
SWEEP_USERS = "drill.sweep."
EXPORT_USER = "drill.export"
SWEEP_NUMBER = "DRILL-SWEEP/KH"
# Tables compared between the database and its restored copy.
COUNTED = ("units.Unit", "units.Person", "units.AuditEntry", "campaigns.Campaign", "campaigns.Obligation")


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


class Command(BaseCommand):
    help = "Diễn tập sự cố: sao lưu/khôi phục, tắt đột ngột worker khi đang xuất báo cáo và khi đang gửi thư."

    def add_arguments(self, parser):
        parser.add_argument("--skip", action="append", default=[], choices=["backup", "export", "sweep", "outbox"])
        parser.add_argument("--messages", type=int, default=3000, help="số thư trong diễn tập hộp thư đi")

    def handle(self, *args, skip, messages, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Diễn tập cần PostgreSQL và Redis thật (DATABASE_URL, REDIS_URL).")
        self.env = self.worker_env()
        self.messages = messages
        self.failures: list[str] = []
        drills = (("backup", self.backup), ("export", self.export), ("sweep", self.sweep), ("outbox", self.outbox))
        for name, drill in drills:
            if name in skip:
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"\n== {name}"))
            started = time.perf_counter()
            drill()
            self.stdout.write(f"({time.perf_counter() - started:.0f} s)")
        if self.failures:
            raise CommandError("Diễn tập phát hiện lỗi: " + "; ".join(self.failures))
        self.stdout.write(self.style.SUCCESS("\nMọi diễn tập đạt."))

    # --- processes ------------------------------------------------------------------------------------

    def worker_env(self) -> dict:
        url = database_url()
        broker = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/14"  # a broker database of the drill's own
        return {
            **os.environ,
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": broker,
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        }

    def manage(self, env: dict, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own command with our own arguments
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
        )

    def worker(self, **extra: str) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 - our own worker
            [*CELERY, "worker", "--pool", "solo", "--loglevel", "WARNING", "-n", f"drill{time.monotonic_ns()}@%h"],
            cwd=ROOT,
            env={**self.env, **extra},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def send(self, task: str, *args) -> None:
        from celery import Celery

        Celery(broker=self.env["CELERY_BROKER_URL"]).send_task(task, args=list(args))

    def purge(self) -> None:
        subprocess.run(  # noqa: S603 - our own command
            [*CELERY, "purge", "-f"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            timeout=60,
        )

    def kill(self, worker: subprocess.Popen) -> None:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    def stop(self, worker: subprocess.Popen) -> None:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill(worker)

    def fail(self, text: str) -> None:
        self.failures.append(text)
        self.stdout.write(self.style.ERROR("  LỖI: " + text))

    # --- backup and restore -----------------------------------------------------------------------------

    def backup(self) -> None:
        from django.apps import apps

        counts = {label: apps.get_model(label).objects.count() for label in COUNTED}
        fresh = f"{connection.settings_dict['NAME']}_drill_{os.getpid()}"
        with tempfile.TemporaryDirectory() as folder:
            dump = Path(folder) / "drill.dump"
            started = time.perf_counter()
            result = self.manage(self.env, "backup_db", str(dump))
            if result.returncode:
                return self.fail("backup_db: " + result.stderr[-500:])
            self.stdout.write(
                f"  backup_db: {dump.stat().st_size / 1e6:.1f} MB trong {time.perf_counter() - started:.1f} s"
            )
            with connection.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
                cur.execute(f'CREATE DATABASE "{fresh}"')
            try:
                copy = {**self.env, "DATABASE_URL": self.env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{fresh}"}
                started = time.perf_counter()
                result = self.manage(copy, "restore_db", str(dump))
                if result.returncode:
                    return self.fail("restore_db: " + result.stderr[-500:])
                self.stdout.write(f"  restore_db vào {fresh}: {time.perf_counter() - started:.1f} s")
                # Counted before the smoke check, which signs in (and so adds an audit entry).
                code = "from django.apps import apps\n" + "\n".join(
                    f"print('{label}', apps.get_model('{label}').objects.count())" for label in COUNTED
                )
                result = self.manage(copy, "shell", "-c", code)
                restored = dict(line.split() for line in result.stdout.strip().splitlines() if line.count(" ") == 1)
                wrong = [n for n, c in counts.items() if int(restored.get(n, -1)) != c]
                for name in wrong:
                    self.fail(f"{name}: {counts[name]} dòng ở bản gốc, {restored.get(name)} ở bản khôi phục")
                if not wrong:
                    self.stdout.write("  số dòng khớp: " + ", ".join(f"{n} {c:,}" for n, c in counts.items()))
                result = self.manage(copy, "smoke_check")
                if result.returncode:
                    return self.fail("smoke_check: " + result.stderr[-500:])
                self.stdout.write("  smoke_check: " + result.stdout.strip().splitlines()[-1])
            finally:
                with connection.cursor() as cur:
                    cur.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')

    # --- worker killed during an export ---------------------------------------------------------------

    def export(self) -> None:
        from criteria.models import Assessment
        from reports.models import ReportJob
        from units.models import Unit, User

        year = (
            Assessment.objects.values("school_year")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .values_list("school_year", flat=True)
            .first()
        )
        root = Unit.objects.filter(depth=1).order_by("path").first()
        if year is None or root is None:
            return self.stdout.write("  Bỏ qua: chưa có kết quả tự đánh giá nào để xuất.")
        # A requester of its own, without a usable password, removed with its job at the end.
        User.objects.filter(username=EXPORT_USER).delete()
        admin = User.objects.create(username=EXPORT_USER, password=UNUSABLE_PASSWORD)
        job = ReportJob.objects.create(
            requester=admin, unit=root, kind="assessment_results", params={"school_year": year}
        )
        try:
            self.export_run(job)
        finally:
            job = ReportJob.objects.filter(pk=job.pk).first()
            if job is not None and job.file:
                job.file.storage.delete(job.file.name)
            ReportJob.objects.filter(requester=admin).delete()
            admin.delete()

    def export_run(self, job) -> None:
        from reports.models import ReportJob

        self.purge()
        first = self.worker()
        try:
            self.send("reports.build", job.pk)
            started = ReportJob.objects.filter(pk=job.pk).filter(
                Q(state="running", progress__gte=1) | Q(state__in=["done", "failed"])
            )
            if not _wait(started.exists, 300):
                return self.fail("worker thứ nhất không bắt đầu tạo báo cáo trong 5 phút")
            job.refresh_from_db()
            if job.state != "running":
                self.stdout.write(
                    f"  Không kết luận được: báo cáo đã xong ({job.state}) trước khi kịp tắt worker; "
                    "cần dữ liệu lớn hơn (generate_scale) để diễn tập."
                )
                return
            self.kill(first)
            self.stdout.write(f"  worker bị tắt đột ngột (SIGKILL) khi báo cáo đang ở {job.progress}%")
        finally:
            self.stop(first)
        stale = 5
        second = self.worker(REPORT_STALE_SECONDS=str(stale))
        try:
            time.sleep(stale + 1)
            self.send("reports.recover")
            done = _wait(lambda: ReportJob.objects.filter(pk=job.pk, state__in=["done", "failed"]).exists(), 1200)
        finally:
            self.stop(second)
        job.refresh_from_db()
        if not done or job.state != "done":
            return self.fail(f"báo cáo không hoàn thành sau khi phục hồi (trạng thái {job.state}: {job.message})")
        from django.core.files.storage import storages

        storage = storages["default"]
        _dirs, files = storage.listdir("reports")
        own = [f for f in files if job.public_id in f]
        if own != [job.filename]:
            return self.fail(f"tệp của báo cáo: {own} (cần đúng một tệp {job.filename})")
        self.stdout.write(
            f"  worker thứ hai và reports.recover hoàn thành báo cáo: {job.attempts} lần chạy, "
            f"một tệp {job.filename} ({job.size / 1e6:.1f} MB)"
        )

    # --- process killed during the reminder sweep -------------------------------------------------------

    def sweep(self) -> None:

        from campaigns import scale
        from campaigns import services as campaign_services
        from campaigns.models import Obligation
        from units.models import Message, Unit

        scale.remove(number=SWEEP_NUMBER, prefix=SWEEP_USERS)
        schools = list(Unit.objects.filter(kind__category="school", active_to__isnull=True).values_list("pk", "code"))
        if not schools or not Unit.objects.filter(depth=1).exists():
            return self.stdout.write("  Bỏ qua: chưa có trường nào.")
        scale.heads_for(schools, SWEEP_USERS)
        campaign, sweep_at = scale.plan_due_tomorrow(number=SWEEP_NUMBER, title="Diễn tập quét nhắc hạn")
        campaign_services.campaign_publish(campaign)
        at = sweep_at.isoformat()
        code = (
            "import datetime as dt\nfrom campaigns.reminders import reminders_sweep\n"
            f"print('new', reminders_sweep(now=dt.datetime.fromisoformat('{at}')))"
        )
        mine = Message.objects.filter(recipient__username__startswith=SWEEP_USERS)
        first = subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=self.env, stdout=subprocess.PIPE
        )
        time.sleep(3)  # into the sweep: the obligations are read, the reminders are being built
        running = first.poll() is None
        self.kill(first) if running else first.wait()
        kept = mine.count()
        self.stdout.write(
            f"  lần quét thứ nhất bị tắt đột ngột (SIGKILL) khi đang chạy; {kept:,} nhắc hạn đã ghi"
            if running
            else f"  Không kết luận được: lần quét thứ nhất xong trước khi kịp tắt ({kept:,} nhắc hạn)"
        )
        for label in ("thứ hai", "thứ ba"):
            result = self.manage(self.env, "shell", "-c", code)
            if result.returncode:
                return self.fail("quét nhắc hạn: " + result.stderr[-500:])
            created = int(result.stdout.split()[-1])
            self.stdout.write(f"  lần quét {label}: {created:,} nhắc hạn mới")
        if created:
            self.fail(f"lần quét thứ ba còn tạo {created} nhắc hạn: lần thứ hai đã bỏ sót")
        doubled = mine.values("key").annotate(n=Count("pk")).filter(n__gt=1).count()
        # One reminder per obligation of a school (each school got one drill head).
        expected = Obligation.objects.filter(
            deadline__campaign=campaign, unit__kind__category="school", unit__active_to__isnull=True
        ).count()
        total = mine.count()
        if doubled or total != expected or not total:
            self.fail(f"{total:,} nhắc hạn cho {expected:,} nghĩa vụ của các trường, {doubled} khóa trùng")
        else:
            self.stdout.write(f"  đủ {total:,} nhắc hạn cho {expected:,} nghĩa vụ của các trường, không trùng")
        self.cleanup_sweep()

    def cleanup_sweep(self) -> None:
        from campaigns import scale

        scale.remove(number=SWEEP_NUMBER, prefix=SWEEP_USERS)

    # --- worker killed while delivering e-mail ----------------------------------------------------------

    def outbox(self) -> None:
        from units import notify
        from units.models import Message, User

        count = self.messages
        self.cleanup_outbox()
        users = User.objects.bulk_create(
            [
                User(username=f"{DRILL_USERS}{i}", email=f"drill{i}@drill.invalid", password=UNUSABLE_PASSWORD)
                for i in range(count)
            ]
        )
        now = timezone.now()
        notify.messages_enqueue(
            Message(
                key=f"drill:{u.pk}",
                recipient=u,
                kind=Message.Kind.EVENT,
                subject="Diễn tập gửi thư",
                body="Thư diễn tập, không gửi cho ai.",
                scheduled_at=now,
            )
            for u in users
        )
        mine = Message.objects.filter(recipient__username__startswith=DRILL_USERS)
        with tempfile.TemporaryDirectory() as folder:
            mail = {
                "EMAIL_URL": f"filemail:///{folder}",  # django-environ drops one leading slash of the path
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            }
            self.purge()
            first = self.worker(**mail)
            try:
                self.send("units.send_outbox")
                _wait(lambda: mine.filter(status=Message.Status.SENT).count() >= count // 10, 300)
                self.kill(first)
            finally:
                self.stop(first)
            sent_before = mine.filter(status=Message.Status.SENT).count()
            claimed = mine.filter(status=Message.Status.SENDING).count()
            self.stdout.write(
                f"  worker bị tắt đột ngột sau {sent_before:,}/{count:,} thư; {claimed:,} thư đang được nhận dở"
                + (" (đã gửi hết trước khi tắt: tăng --messages để diễn tập thật)" if sent_before == count else "")
            )
            timeout = 3
            second = self.worker(OUTBOX_CLAIM_TIMEOUT=str(timeout), **mail)
            try:
                time.sleep(timeout + 1)
                self.send("units.send_outbox")
                _wait(lambda: not mine.exclude(status=Message.Status.SENT).exists(), 600)
            finally:
                self.stop(second)
            keys = []
            for path in Path(folder).iterdir():
                keys += re.findall(r"^X-Thidua-Message: (.+)$", path.read_text(errors="replace"), re.M)
            # Only the drill's own messages are counted (other messages due at the time are delivered too).
            delivered = [k for line in keys for k in line.split() if k.startswith("drill:")]
            left = mine.exclude(status=Message.Status.SENT).count()
            doubled = len(delivered) - len(set(delivered))
            self.stdout.write(
                f"  worker thứ hai gửi phần còn lại: {len(set(delivered)):,} thư đã gửi, {doubled} thư gửi hai lần, "
                f"{left} thư chưa gửi"
            )
            if left:
                self.fail(f"{left} thư chưa được gửi sau khi phục hồi")
            if len(set(delivered)) != count:
                self.fail(f"thư mục thư đi ghi nhận {len(set(delivered))} thư khác nhau, cần {count}")
            # A worker killed after the mail server took an e-mail but before marking it sent repeats that one
            # e-mail (with the same Message-ID); more than one per killed worker would be a fault.
            if doubled > 1:
                self.fail(f"{doubled} thư bị gửi hai lần (tối đa 1: thư đang gửi dở khi worker bị tắt)")
            elif doubled:
                self.stdout.write("  (1 thư gửi lại: thư đang gửi dở đúng lúc worker bị tắt, cùng Message-ID)")
        self.cleanup_outbox()

    def cleanup_outbox(self) -> None:
        from units.models import Message, User

        Message.objects.filter(recipient__username__startswith=DRILL_USERS).delete()
        User.objects.filter(username__startswith=DRILL_USERS).delete()

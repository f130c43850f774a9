"""manage.py bench_national — the national-scale benchmark in one run, on `generate_scale` data
(34 provinces, 45,000 schools): prints and writes to bench/results.md, with the date and the machine,

1. the main pages served by gunicorn with 2 workers on 127.0.0.1 under a bounded local load (a fixed number
   of concurrent clients, each waiting for its answer): queries per page (measured in-process, the same code),
   p50/p95 per page under the load and the requests per second;
2. the exports beside their floors (`bench_reports`: Excel of every school, PDF of 500 nominees);
3. the reminder sweep (`bench_reminders`: 45,000 schools × 3 deadlines, then delivery);
4. the staff import rate (an Excel file of generated staff read and written all-or-nothing, then removed).

Timing never fails the command; it reports. Run `manage.py generate_scale` first.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection, transaction

from units.bench import database_url, main_pages, measure_page, scale_logins, session_for
from units.models import Membership, Person, Unit

ROOT = Path(settings.BASE_DIR)
IMPORT_PREFIX = "BENCH-IMP-"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


class Command(BaseCommand):
    help = "Đo hiệu năng toàn quốc trong một lần chạy: trang (gunicorn 2 worker), xuất báo cáo, quét nhắc hạn, nhập."

    def add_arguments(self, parser):
        parser.add_argument("--province", default="01", help="Tỉnh mô phỏng (SC-<số>) để đo trang.")
        parser.add_argument("--clients", type=int, default=4, help="số người dùng đồng thời (tải có giới hạn)")
        parser.add_argument("--requests", type=int, default=30, help="số yêu cầu mỗi trang")
        parser.add_argument("--import-rows", type=int, default=20_000)
        parser.add_argument("--skip", action="append", default=[], choices=["pages", "exports", "sweep", "import"])
        parser.add_argument("--out", default=str(ROOT / "bench" / "results.md"))

    def handle(self, *args, province, clients, requests, import_rows, skip, out, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Đo hiệu năng cần PostgreSQL (DATABASE_URL).")
        officer, head = scale_logins(province)
        started = time.perf_counter()
        sections: list[str] = []
        if "pages" not in skip:
            sections.append(self.pages(officer, head, clients, requests))
        rows: list[tuple[str, str]] = []
        if "exports" not in skip:
            rows.append(("Xuất báo cáo (bench_reports)", self.capture("bench_reports")))
        if "sweep" not in skip:
            sweep = self.capture("bench_reminders", processes=2)
            rows.append(("Quét và gửi nhắc hạn (bench_reminders --processes 2)", sweep))
        if "import" not in skip:
            rows.append(("Nhập cán bộ từ Excel", self.import_rate(import_rows)))
        if rows:
            table = ["| Phép đo | Kết quả |", "|---|---|"]
            table += [f"| {name} | {text.strip().replace(chr(10), '<br>')} |" for name, text in rows]
            sections.append("\n".join(table))
        header = self.header(time.perf_counter() - started)
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(header + "\n\n" + "\n\n".join(sections) + "\n", encoding="utf-8")
        self.stdout.write(f"\nĐã ghi {out}")

    # --- 1. pages under gunicorn ----------------------------------------------------------------------

    def pages(self, officer: Membership, head: Membership, clients: int, requests: int) -> str:
        pages = [
            *main_pages(officer, head),
            (officer, "Hàng đợi thẩm định tự đánh giá", "/tu-danh-gia/tham-dinh/"),
            (officer, "Khen thưởng", "/khen-thuong/"),
            (officer, "Xuất báo cáo", "/bao-cao/"),
            (officer, "Nhật ký hệ thống", "/nhat-ky/"),
            (head, "Tự đánh giá (hiệu trưởng)", "/tu-danh-gia/"),
        ]
        queries = {label: measure_page(m.user, url, 1)[0] for m, label, url in pages}
        cookies = {
            officer.user_id: session_for(officer.user, second_factor=True),
            head.user_id: session_for(head.user, second_factor=False),
        }
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_HSTS_SECONDS": "0",
            "STATIC_MANIFEST": "false",
            "LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen(  # noqa: S603 - our own server with our own arguments
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            self.wait_ready(base, server)
            work = [(label, url, cookies[m.user_id]) for m, label, url in pages for _ in range(requests)]
            random.Random(0).shuffle(work)  # pages interleaved, the same order every run
            timings: dict[str, list[float]] = {label: [] for _m, label, _u in pages}
            errors: list[str] = []
            lock = threading.Lock()
            cursor = iter(range(len(work)))

            def client() -> None:
                while True:
                    with lock:
                        i = next(cursor, None)
                    if i is None:
                        return
                    label, url, cookie = work[i]
                    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
                        base + url, headers={"Cookie": f"sessionid={cookie}"}
                    )
                    began = time.perf_counter()
                    try:
                        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - 127.0.0.1
                            response.read()
                            status = response.status
                    except urllib.error.HTTPError as exc:
                        status = exc.code
                    took = (time.perf_counter() - began) * 1000
                    with lock:
                        if status != 200:
                            errors.append(f"{url}: {status}")
                        timings[label].append(took)

            began = time.perf_counter()
            threads = [threading.Thread(target=client) for _ in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)
        if errors:
            raise CommandError("Trang trả lỗi: " + ", ".join(sorted(set(errors))[:10]))
        lines = [
            f"Trang chính — gunicorn 2 worker, {clients} người dùng đồng thời, {requests} yêu cầu mỗi trang, "
            f"{len(work)} yêu cầu trong {wall:.1f} s ({len(work) / wall:.0f} yêu cầu/s)",
            "",
            "| Trang | Truy vấn | p50 ms | p95 ms |",
            "|---|---:|---:|---:|",
        ]
        self.stdout.write(f"{'Trang':<34} {'Truy vấn':>9} {'p50 ms':>9} {'p95 ms':>9}")
        for _m, label, _u in pages:
            values = timings[label]
            p50, p95 = statistics.median(values), _pct(values, 95)
            self.stdout.write(f"{label:<34} {queries[label]:>9} {p50:>9.1f} {p95:>9.1f}")
            lines.append(f"| {label} | {queries[label]} | {p50:.1f} | {p95:.1f} |")
        self.stdout.write(f"{len(work)} yêu cầu trong {wall:.1f} s ({len(work) / wall:.0f}/s)")
        return "\n".join(lines)

    def wait_ready(self, base: str, server: subprocess.Popen) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError("gunicorn dừng: " + server.stderr.read().decode()[-2000:])
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5):  # noqa: S310 - 127.0.0.1
                    return
            except OSError:
                time.sleep(0.3)
        raise CommandError("gunicorn không sẵn sàng sau 60 s.")

    # --- 2, 3. the other benchmarks --------------------------------------------------------------------

    def capture(self, command: str, **options) -> str:
        buffer = io.StringIO()
        began = time.perf_counter()
        call_command(command, stdout=buffer, **options)
        text = buffer.getvalue().strip() + f"\n(toàn bộ lệnh {time.perf_counter() - began:.0f} s)"
        self.stdout.write(text)
        return text

    # --- 4. import ------------------------------------------------------------------------------------

    def import_rate(self, count: int) -> str:
        from openpyxl import Workbook

        from units import importing

        schools = list(
            Unit.objects.filter(code__startswith="SC-", kind__category="school").values_list("code", flat=True)[
                : max(count // 25, 1)
            ]
        )
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Cán bộ")
        sheet.append(list(importing.STAFF_COLUMNS.values()))
        for i in range(count):
            sheet.append(
                [
                    f"{IMPORT_PREFIX}{i:07d}",
                    f"Nguyễn Thị Nhập {i}",
                    "Nữ",
                    "01/01/1990",
                    "Giáo viên",
                    "Giáo viên",
                    schools[i % len(schools)],
                    "",
                    "",
                ]
            )
        data = io.BytesIO()
        book.save(data)
        began = time.perf_counter()
        rows = importing.read_table(data.getvalue(), "can-bo.xlsx")
        read = time.perf_counter() - began
        began = time.perf_counter()
        report = importing.import_staff(rows)
        wrote = time.perf_counter() - began
        if report.errors:
            raise CommandError(f"Nhập lỗi: {report.errors[:3]}")
        with transaction.atomic():
            Person.objects.filter(code__startswith=IMPORT_PREFIX).delete()
        text = (
            f"{count:,} dòng ({len(data.getvalue()) / 1e6:.1f} MB): đọc tệp {read:.1f} s, "
            f"kiểm tra và ghi {wrote:.1f} s, {count / (read + wrote):,.0f} dòng/s"
        )
        self.stdout.write("Nhập cán bộ: " + text)
        return text

    # --- header ---------------------------------------------------------------------------------------

    def header(self, seconds: float) -> str:
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            pg = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM units_unit WHERE code LIKE 'SC-%%'")
            units = cur.fetchone()[0]
        cpu = ""
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        memory = ""
        try:
            kb = int(Path("/proc/meminfo").read_text().split()[1])
            memory = f", {kb / 1024 / 1024:.0f} GB RAM"
        except (OSError, ValueError, IndexError):
            pass
        now = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=7)))
        return (
            "# Kết quả đo hiệu năng toàn quốc (`manage.py bench_national`)\n\n"
            f"- Ngày đo: {now:%d/%m/%Y %H:%M} (giờ Việt Nam); toàn bộ lần đo {seconds:.0f} s\n"
            f"- Máy: {platform.node()}, {os.cpu_count()} CPU {cpu}{memory}; Python {platform.python_version()}; "
            f"PostgreSQL {pg}\n"
            f"- Dữ liệu: {units:,} đơn vị mô phỏng (`generate_scale`)"
        )

"""manage.py bench_reports — exports at national scale (run generate_scale first), each beside its floor:

- Excel: self-assessment results of every generated school (45,000 rows × 40 indicators, value and points
  each) through the report job, against a raw write-only openpyxl sheet of the same cells without the ORM.
  Each side runs in a fresh child process so the peak resident memory is its own.
- PDF: a decision listing 500 nominees through the report job, against WeasyPrint rendering the same HTML.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time

from django.core.management import BaseCommand, CommandError
from django.db import connection

YEAR = "2026-2027"
# The national data holds three school years of results (the workbook is of the latest): the tables the
# export reads are three times the year it reads, as after three years of use.
YEARS = ("2024-2025", "2025-2026", YEAR)


def _peak_mb() -> float:
    """This process's own peak resident memory (VmHWM; ru_maxrss would carry the parent's over exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Đo thời gian và bộ nhớ khi xuất Excel 45.000 đơn vị và PDF 500 người, so với mức sàn."

    def add_arguments(self, parser):
        parser.add_argument("--child", choices=["excel", "floor", "pdf"], help=argparse.SUPPRESS)
        parser.add_argument("--job", type=int)
        parser.add_argument("--rows", type=int)
        parser.add_argument("--sample", help=argparse.SUPPRESS)

    def handle(self, *args, child=None, job=None, rows=None, sample=None, **options) -> None:
        if child:
            return self.child(child, job, rows, json.loads(sample) if sample else None)
        from units.models import Unit

        if not Unit.objects.filter(code__startswith="SC-").exists():
            raise CommandError("Chưa có dữ liệu mô phỏng: chạy `manage.py generate_scale` trước.")
        self.excel()
        self.pdf()

    # --- parent ---------------------------------------------------------------------------------------

    def run_child(self, *args: str) -> dict:
        out = subprocess.run(  # noqa: S603 - our own command with our own arguments
            [sys.executable, "manage.py", "bench_reports", "--child", *args],
            capture_output=True,
            text=True,
        )
        if out.returncode:
            raise CommandError(out.stderr[-2000:])
        return json.loads(out.stdout.strip().splitlines()[-1])

    def excel(self) -> None:
        from criteria.scale import assessments_generate
        from reports.models import ReportJob
        from units.models import Unit, User

        started = time.perf_counter()
        from criteria.models import Answer

        for year in YEARS:
            if not Answer.objects.filter(entry__assessment__school_year=year).exists():
                assessments_generate(year)
                self.answers(year)
        answers = self.answers(YEAR)
        total = Answer.objects.count()
        self.stdout.write(
            f"Dữ liệu: {answers:,} câu trả lời chỉ số năm học {YEAR}, {total:,} của {len(YEARS)} năm học "
            f"({time.perf_counter() - started:.0f} s)"
        )
        root = Unit.objects.filter(depth=1).order_by("path").first()
        admin, _ = User.objects.get_or_create(username="sc.bench.admin", defaults={"is_superuser": True})
        job = ReportJob.objects.create(
            requester=admin, unit=root, kind="assessment_results", params={"school_year": YEAR}
        )
        ours = self.run_child("excel", "--job", str(job.pk))
        cols = ours["cols"]
        floor = self.run_child("floor", "--rows", str(ours["rows"]), "--sample", json.dumps(ours["row"]))
        self.stdout.write(
            f"Excel kết quả tự đánh giá: {ours['rows']:,} dòng × {cols} cột ({ours['size'] / 1e6:.1f} MB, "
            f"{ours['sheets']} trang theo bộ chỉ số)\n"
            f"  báo cáo: {ours['seconds']:.1f} s, đỉnh bộ nhớ {ours['peak_mb']:.0f} MB\n"
            f"  mức sàn (openpyxl write-only, không ORM): {floor['seconds']:.1f} s, đỉnh {floor['peak_mb']:.0f} MB\n"
            f"  tỷ lệ thời gian {ours['seconds'] / floor['seconds']:.2f}×"
        )

    def answers(self, year: str) -> int:
        """Entries and answers for every generated assessment of the year, deterministic, in two statements."""
        with connection.cursor() as cur:
            cur.execute(
                """
                INSERT INTO criteria_criterionentry (assessment_id, criterion_id, version, return_reason)
                SELECT a.id, c.id, 1, ''
                FROM criteria_assessment a
                JOIN criteria_criteriongroup g ON g.indicator_set_id = a.indicator_set_id
                JOIN criteria_criterion c ON c.group_id = g.id
                WHERE a.school_year = %s
                ON CONFLICT DO NOTHING
                """,
                [year],
            )
            cur.execute(
                """
                INSERT INTO criteria_answer (entry_id, indicator_id, value_bool, value_choice, value_number,
                                             numerator, denominator, note, points)
                SELECT e.id, i.id,
                       CASE WHEN i.kind IN ('mandatory', 'yes_no') THEN (e.id + i.id) %% 3 > 0 END,
                       CASE WHEN i.kind = 'levels' THEN 1 + (e.id + i.id) %% 3 END,
                       CASE WHEN i.kind = 'number' THEN (e.id * 7 + i.id) %% 50 END,
                       CASE WHEN i.kind = 'percentage' THEN (e.id + i.id) %% 40 END,
                       CASE WHEN i.kind = 'percentage' THEN 40 END,
                       '', ((e.id + i.id) %% 5)
                FROM criteria_criterionentry e
                JOIN criteria_assessment a ON a.id = e.assessment_id AND a.school_year = %s
                JOIN criteria_indicator i ON i.criterion_id = e.criterion_id
                ON CONFLICT DO NOTHING
                """,
                [year],
            )
            # Fresh statistics, as autovacuum would have after a real year of entries (else the planner
            # scans every answer to find a chunk's).
            cur.execute("ANALYZE criteria_answer; ANALYZE criteria_criterionentry; ANALYZE criteria_assessment")
            cur.execute(
                "SELECT count(*) FROM criteria_answer an JOIN criteria_criterionentry e ON e.id = an.entry_id "
                "JOIN criteria_assessment a ON a.id = e.assessment_id WHERE a.school_year = %s",
                [year],
            )
            return cur.fetchone()[0]

    def pdf(self) -> None:
        from nominations import scale
        from nominations.models import AwardRound, Decision, Nomination
        from reports import documents
        from reports.models import ReportJob
        from units.models import User

        scale.nominations_generate()
        award_round = AwardRound.objects.filter(school_year=scale.YEAR).order_by("pk").first()
        admin = User.objects.get(username="sc.bench.admin")
        decision, _ = Decision.objects.get_or_create(
            unit=award_round.organiser,
            number="500/QĐ-BENCH",
            defaults={
                "round": award_round,
                "award_form": award_round.award_forms.get(),
                "signed_on": "2026-10-15",
                "authority_name": "Giám đốc Sở GD&ĐT",
                "signer_name": "Nguyễn Văn A",
                "signer_position": "Giám đốc",
            },
        )
        decision.nominations.set(Nomination.objects.filter(round=award_round).order_by("pk")[:500])
        job = ReportJob.objects.create(
            requester=admin,
            unit=award_round.organiser,
            kind="decision_pdf",
            params={"decision": decision.public_id, "certificates": False},
        )
        noop = lambda done, total: None  # noqa: E731
        # A worker renders many documents: load the fonts once before timing either side.
        documents.pdf_from_html("<p>Khởi động phông chữ</p>")
        started = time.perf_counter()
        _title, html = documents.decision_html(job, noop)
        pdf = documents.pdf_from_html(html)
        ours = time.perf_counter() - started
        started = time.perf_counter()
        documents.pdf_from_html(html)
        raw = time.perf_counter() - started
        import io

        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        self.stdout.write(
            f"PDF quyết định kèm danh sách 500 người ({pages} trang): báo cáo {ours:.1f} s, "
            f"WeasyPrint cùng HTML {raw:.1f} s, tỷ lệ {ours / raw:.2f}×"
        )

    # --- children -------------------------------------------------------------------------------------

    def child(self, what: str, job_id, rows, sample) -> None:
        started = time.perf_counter()
        if what == "excel":
            from openpyxl import load_workbook

            from reports.models import ReportJob
            from reports.services import job_run

            job = job_run(job_id)
            seconds = time.perf_counter() - started
            peak = _peak_mb()
            book = load_workbook(job.file.path, read_only=True)
            sheets = [ws for ws in book.worksheets if ws.title.startswith("KQ")]
            header = next(sheets[0].iter_rows(min_row=2, max_row=2, values_only=True))
            count = sum(1 for ws in sheets for _ in ws.iter_rows(min_row=3, values_only=True))
            sample = next(sheets[0].iter_rows(min_row=3, max_row=3, values_only=True))
            result = {"rows": count, "cols": len(header), "size": job.size, "sheets": len(sheets), "row": sample}
            ReportJob.objects.filter(pk=job_id).delete()
        else:
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            ws = wb.create_sheet("floor")
            # The same cells as the report's rows (one real row, its unit code varied), held in memory.
            for i in range(rows):
                ws.append([f"SC-{i:06d}", *sample[1:]])
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as target:
                wb.save(target.name)
            seconds = time.perf_counter() - started
            peak = _peak_mb()
            result = {}
        self.stdout.write(json.dumps({"seconds": seconds, "peak_mb": peak, **result}))

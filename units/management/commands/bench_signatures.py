"""manage.py bench_signatures [FILE] [--runs N]: what the upload check costs (units.signatures.verify_pdf) for
a signed PDF, in milliseconds. Without FILE it builds a 2 MB PDF signed by a throwaway test PKI (the tests'
tests/signatures/pki.py) and trusts that PKI's root for the run. Prints figures; never fails on timing."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from units.signatures import verify_pdf


class Command(BaseCommand):
    help = "Đo thời gian kiểm tra chữ ký số của một tệp PDF đã ký (mặc định: tệp thử 2 MB)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")
        parser.add_argument("--runs", type=int, default=10)
        parser.add_argument("--mb", type=float, default=2.0)

    def handle(self, *args, file=None, runs=10, mb=2.0, **options):
        with tempfile.TemporaryDirectory() as tmp:
            if file:
                data = Path(file).read_bytes()
                settings = {}
            else:
                try:
                    from tests.signatures.pki import make_pki, plain_pdf, sign_pdf
                except ImportError as exc:
                    raise CommandError("Without FILE the bench needs tests/signatures/pki.py (the test PKI).") from exc
                pki = make_pki("Bench")
                pages = 8
                padding = int(mb * 1024 * 1024 / pages)
                data = sign_pdf(plain_pdf("Bench", pages=pages, padding=padding), pki.signer("Bench Signer"), pki)
                (Path(tmp) / "root.pem").write_bytes(pki.root.pem)
                settings = {"SIGNATURE_TRUST_ROOTS": str(Path(tmp) / "root.pem")}
            with override_settings(**settings):
                started = time.perf_counter()
                first = verify_pdf(data)
                cold = (time.perf_counter() - started) * 1000
                times = []
                for _i in range(runs):
                    started = time.perf_counter()
                    verify_pdf(data)
                    times.append((time.perf_counter() - started) * 1000)
        self.stdout.write(
            f"file: {len(data) / 1024 / 1024:.2f} MB, {len(first.signatures)} signature(s), status {first.status}\n"
            f"first check (imports, cold caches): {cold:.0f} ms\n"
            f"per check over {runs} runs: median {statistics.median(times):.0f} ms, "
            f"min {min(times):.0f} ms, max {max(times):.0f} ms"
        )

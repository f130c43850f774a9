"""manage.py verify_signature FILE [FILE…]: the digital signatures of PDFs, judged against
SIGNATURE_TRUST_ROOTS. Exit 0 when every file has at least one intact, valid and trusted signature (not
modified after signing), 1 otherwise, 2 when a file cannot be read."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from units.signatures import moment, signature_ok, verify_pdf


def yes_no(value: bool) -> str:
    return "có" if value else "KHÔNG"


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số trong tệp PDF (theo kho chứng thư gốc SIGNATURE_TRUST_ROOTS)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")

    def handle(self, *args, files, **options):
        unreadable = failed = False
        for name in files:
            try:
                data = Path(name).read_bytes()
            except OSError as exc:
                self.stdout.write(f"{name}: không đọc được tệp ({exc.strerror or exc})")
                unreadable = True
                continue
            verdict = verify_pdf(data)
            if not verdict.is_pdf:
                self.stdout.write(f"{name}: không phải tệp PDF")
                failed = True
                continue
            if not verdict.readable:
                self.stdout.write(f"{name}: {verdict.error}")
                unreadable = True
                continue
            if not verdict.signatures:
                self.stdout.write(f"{name}: không có chữ ký số")
                failed = True
                continue
            self.stdout.write(f"{name}: {len(verdict.signatures)} chữ ký")
            for i, sig in enumerate(verdict.signatures, 1):
                when, stamp = (moment(sig[k]) for k in ("signing_time", "timestamp_time"))
                when, stamp = (timezone.localtime(t) if t else None for t in (when, stamp))
                self.stdout.write(
                    "\n".join(
                        [
                            f"  [{i}] trường {sig['field']}",
                            f"      người ký: {sig['signer']}"
                            + (f", {sig['organisation']}" if sig["organisation"] else ""),
                            f"      cấp bởi: {sig['issuer']}",
                            f"      thời điểm ký: {when:%H:%M:%S %d/%m/%Y %Z}"
                            if when
                            else "      thời điểm ký: (không ghi)",
                            f"      dấu thời gian: {stamp:%H:%M:%S %d/%m/%Y %Z}"
                            if stamp
                            else "      dấu thời gian: không có",
                            f"      toàn vẹn: {yes_no(sig['intact'])} · hợp lệ: {yes_no(sig['valid'])}"
                            f" · tin cậy: {yes_no(sig['trusted'])}",
                            f"      sửa sau khi ký: {'CÓ' if sig['modified_after'] else 'không'}"
                            f" · chứng thư còn hiệu lực lúc ký: {yes_no(sig['cert_valid_at_signing'])}",
                            f"      thu hồi: {sig['revocation']}",
                            "      kết luận: "
                            + ("ĐẠT" if signature_ok(sig) else "KHÔNG ĐẠT — " + "; ".join(sig["problems"])),
                        ]
                    )
                )
            if not any(signature_ok(s) for s in verdict.signatures):
                failed = True
        sys.exit(2 if unreadable else 1 if failed else 0)

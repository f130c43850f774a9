"""manage.py backup_db <file> — a PostgreSQL dump of the database of record (pg_dump custom format, which
pg_restore reads table by table) plus, with --media, a tar of the uploaded files beside it.

Restore (see README, "Backup and restore"): create an empty database, `manage.py restore_db <file>` with
DATABASE_URL pointing at it, then `manage.py smoke_check`."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import connection


def pg_env() -> tuple[dict, list[str]]:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise CommandError("Sao lưu bằng pg_dump chỉ dùng cho PostgreSQL (DATABASE_URL=postgres://...).")
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres"]
    return env, args


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu (pg_dump) và, nếu chọn, các tệp đã tải lên."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp dump (.dump)")
        parser.add_argument("--media", action="store_true", help="Kèm tệp nén thư mục MEDIA_ROOT (.media.tar.gz)")

    def handle(self, *args, file: str, media: bool, **options) -> None:
        if shutil.which("pg_dump") is None:
            raise CommandError("Không thấy pg_dump: cài gói postgresql-client cùng phiên bản máy chủ.")
        env, conn = pg_env()
        target = Path(file)
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [shutil.which("pg_dump"), *conn, "-Fc", "--no-owner", "-f", str(target), connection.settings_dict["NAME"]],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise CommandError(f"pg_dump lỗi: {result.stderr.strip()[:500]}")
        self.stdout.write(f"Đã sao lưu cơ sở dữ liệu: {target} ({target.stat().st_size:,} byte)")
        if media:
            archive = target.with_suffix(".media.tar.gz")
            with tarfile.open(archive, "w:gz") as tar:
                tar.add(settings.MEDIA_ROOT, arcname="media")
            self.stdout.write(f"Đã sao lưu tệp tải lên: {archive}")

"""manage.py restore_db <file> — restores a backup_db dump into the (empty) database of DATABASE_URL."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.db import connection

from .backup_db import pg_env


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu từ tệp sao lưu (pg_restore) vào cơ sở dữ liệu trống của DATABASE_URL."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options) -> None:
        if shutil.which("pg_restore") is None:
            raise CommandError("Không thấy pg_restore: cài gói postgresql-client cùng phiên bản máy chủ.")
        if not Path(file).is_file():
            raise CommandError(f"Không thấy tệp sao lưu {file}.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            if cursor.fetchone()[0]:
                raise CommandError(
                    "Cơ sở dữ liệu đích không trống: khôi phục vào một cơ sở dữ liệu mới (createdb) để không ghi đè."
                )
        env, conn = pg_env()
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [
                shutil.which("pg_restore"),
                *conn,
                "--no-owner",
                "--exit-on-error",
                "-d",
                connection.settings_dict["NAME"],
                file,
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise CommandError(f"pg_restore lỗi: {result.stderr.strip()[:500]}")
        self.stdout.write(f"Đã khôi phục {file} vào {connection.settings_dict['NAME']}.")

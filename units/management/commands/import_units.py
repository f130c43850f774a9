"""manage.py import_units FILE [--dry-run] — units from Excel/CSV, all rows or none."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from units import importing


class Command(BaseCommand):
    help = "Nhập danh sách đơn vị từ tệp Excel (.xlsx) hoặc CSV; có lỗi ở bất kỳ dòng nào thì không ghi gì."
    importer = staticmethod(importing.import_units)
    columns = importing.UNIT_COLUMNS

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")

    def import_options(self, options) -> dict:
        """Extra keyword arguments of the importer taken from the command line (none for units)."""
        return {}

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        try:
            problem = importing.size_problem(path.stat().st_size)  # before reading the file at all
            if problem:
                raise importing.ImportFileError(problem)
            rows = importing.read_table(path.read_bytes(), path.name)
        except importing.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        report = self.importer(rows, dry_run=dry_run, **self.import_options(options))
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            if any(importing.DUPLICATE_HINT in e.message for e in report.errors):
                self.stderr.write(
                    "Các dòng trùng họ tên và ngày sinh: nếu đúng là người khác, chạy lại với --confirm-duplicates."
                )
            raise CommandError(
                f"{len(report.errors)} dòng có lỗi; không có dữ liệu nào được ghi. "
                f"Các cột cần có: {', '.join(self.columns.values())}."
            )
        self.stdout.write(self.style.SUCCESS(report.summary()))

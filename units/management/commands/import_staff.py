"""manage.py import_staff FILE [--dry-run] [--confirm-duplicates] — staff from Excel/CSV, all rows or none."""

from units import importing

from .import_units import Command as ImportUnitsCommand


class Command(ImportUnitsCommand):
    help = "Nhập danh sách cán bộ từ tệp Excel (.xlsx) hoặc CSV; cập nhật theo mã định danh; có lỗi thì không ghi gì."
    importer = staticmethod(importing.import_staff)
    columns = importing.STAFF_COLUMNS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--confirm-duplicates",
            action="store_true",
            help="Vẫn nhập các dòng trùng họ tên và ngày sinh với cán bộ đã có (đã kiểm tra là người khác).",
        )

    def import_options(self, options) -> dict:
        return {"confirm_duplicates": options["confirm_duplicates"]}

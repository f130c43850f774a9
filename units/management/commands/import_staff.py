"""manage.py import_staff FILE [--dry-run] — staff from Excel/CSV, all rows or none."""

from units import importing

from .import_units import Command as ImportUnitsCommand


class Command(ImportUnitsCommand):
    help = "Nhập danh sách cán bộ từ tệp Excel (.xlsx) hoặc CSV; cập nhật theo mã định danh; có lỗi thì không ghi gì."
    importer = staticmethod(importing.import_staff)
    columns = importing.STAFF_COLUMNS

"""django-import-export resources and file formats for units and staff, with Vietnamese column titles.

Reading goes through units.importing.read_table (TableXLSX / TableCSV below), so the admin applies the same
limits (bytes, unpacked size, rows, time) and cell rules as the portal's pages and the management commands,
and import is delegated to units.importing: all rows validated first, row numbers as in the spreadsheet,
nothing written on any error. Export writes formula-looking values as text cells that read back unchanged
(units.cells), so an exported file imports back with no change.
"""

from __future__ import annotations

import csv
import io

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.formats import base_formats
from import_export.results import Result, RowResult

from . import cells, importing
from .models import Person, Unit


class TableDataset(tablib.Dataset):
    """A dataset read by importing.read_table: `numbered_rows` keeps the spreadsheet's row numbers."""

    numbered_rows: list[tuple[int, dict]]


def _dataset(rows: list[tuple[int, dict]]) -> TableDataset:
    headers = list(dict.fromkeys(h for _n, values in rows for h in values))
    dataset = TableDataset(headers=headers)
    for _n, values in rows:
        dataset.append([values.get(h) for h in headers])
    dataset.numbered_rows = rows
    return dataset


class TableXLSX(base_formats.XLSX):
    """Excel through the project's reader (limits, formula cells told apart) and writer (text cells)."""

    def create_dataset(self, in_stream):
        return _dataset(importing.read_table(bytes(in_stream), "tep.xlsx"))

    def export_data(self, dataset, **kwargs):
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(dataset.title or "Sheet1")
        sheet.append([cells.xlsx_cell(sheet, h) for h in dataset.headers or []])
        for row in dataset:
            sheet.append([cells.xlsx_cell(sheet, value) for value in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


class TableCSV(base_formats.CSV):
    """UTF-8 CSV through the project's reader; formula-looking values get the apostrophe it removes again."""

    def is_binary(self):
        return True  # read_table decodes (and says so in Vietnamese when the file is not UTF-8)

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return _dataset(importing.read_table(bytes(in_stream), "tep.csv"))

    def export_data(self, dataset, **kwargs):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(dataset.headers or [])
        for row in dataset:
            writer.writerow(["" if v is None else cells.safe_cell(v) for v in row])
        return out.getvalue()


FORMATS = [TableCSV, TableXLSX]


class ServiceImportMixin:
    importer = None
    columns: dict[str, str] = {}

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        headers = [str(h or "") for h in (dataset.headers or [])]
        rows = getattr(dataset, "numbered_rows", None)
        if rows is None:
            rows = [(n, dict(zip(headers, values, strict=False))) for n, values in enumerate(dataset, start=2)]
        report = type(self).importer(rows, actor=kwargs.get("user"), dry_run=dry_run)
        result = Result()
        result.diff_headers = headers
        by_row = {number: values for number, values in rows}
        for error in report.errors:
            values = by_row.get(error.row, {})
            # The error sits under its column when it belongs to one cell (the page shows row and column).
            problem = ValidationError({error.column: [error.message]} if error.column else error.message)
            result.append_invalid_row(error.row, values, problem)
        if report.ok:
            for number, values in rows:
                row_result = RowResult()
                row_result.import_type = report.actions.get(number, RowResult.IMPORT_TYPE_SKIP)
                row_result.diff = ["" if values.get(h) is None else values[h] for h in headers]
                row_result.object_repr = str(next(iter(values.values()), ""))
                row_result.number = number
                result.append_row_result(row_result)
                result.increment_row_result_total(row_result)
        result.total_rows = len(rows)
        return result


class SafeExportMixin:
    """Marks formula-looking values as text; the formats above write them so they read back unchanged."""

    def export_field(self, field, instance, **kwargs):
        return cells.as_text(super().export_field(field, instance, **kwargs))


class UnitResource(SafeExportMixin, ServiceImportMixin, resources.ModelResource):
    importer = staticmethod(importing.import_units)

    code = fields.Field(attribute="code", column_name="Mã đơn vị")
    name = fields.Field(attribute="name", column_name="Tên đơn vị")
    short_name = fields.Field(attribute="short_name", column_name="Tên viết tắt")
    governing_body = fields.Field(attribute="governing_body", column_name="Cơ quan chủ quản")
    document_abbreviation = fields.Field(
        attribute="document_abbreviation", column_name="Chữ viết tắt trong ký hiệu văn bản"
    )
    kind = fields.Field(attribute="kind__code", column_name="Loại đơn vị")
    parent = fields.Field(attribute="parent__code", column_name="Mã đơn vị cấp trên")
    place_name = fields.Field(attribute="place_name", column_name="Địa danh")
    address = fields.Field(attribute="address", column_name="Địa chỉ")
    email = fields.Field(attribute="email", column_name="Thư điện tử")
    phone = fields.Field(attribute="phone", column_name="Điện thoại")

    class Meta:
        model = Unit
        fields = (
            "code",
            "name",
            "short_name",
            "governing_body",
            "document_abbreviation",
            "kind",
            "parent",
            "place_name",
            "address",
            "email",
            "phone",
        )
        import_id_fields = ("code",)

    def get_queryset(self):
        return Unit.objects.select_related("kind", "parent").order_by("path")


class PersonResource(SafeExportMixin, ServiceImportMixin, resources.ModelResource):
    importer = staticmethod(importing.import_staff)

    code = fields.Field(attribute="code", column_name="Mã định danh")
    full_name = fields.Field(attribute="full_name", column_name="Họ và tên")
    gender = fields.Field(attribute="get_gender_display", column_name="Giới tính")
    date_of_birth = fields.Field(attribute="date_of_birth", column_name="Ngày sinh")
    position = fields.Field(attribute="position", column_name="Chức vụ")
    category = fields.Field(attribute="get_category_display", column_name="Đối tượng")
    unit = fields.Field(attribute="unit__code", column_name="Mã đơn vị")
    email = fields.Field(attribute="email", column_name="Thư điện tử")
    phone = fields.Field(attribute="phone", column_name="Điện thoại")

    class Meta:
        model = Person
        fields = (
            "code",
            "full_name",
            "gender",
            "date_of_birth",
            "position",
            "category",
            "unit",
            "email",
            "phone",
        )
        import_id_fields = ("code",)

    def get_queryset(self):
        return Person.objects.select_related("unit").order_by("unit__path", "full_name")

    def dehydrate_date_of_birth(self, person):
        return person.date_of_birth.strftime("%d/%m/%Y") if person.date_of_birth else ""

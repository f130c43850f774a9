"""django-import-export resources for units and staff, with Vietnamese column titles.

Export is import-export's own (formula-looking values escaped by IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT).
Import is delegated to units.importing, so the admin applies exactly the rules of the management
commands: all rows validated first, row numbers as in the spreadsheet, nothing written on any error.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.results import Result, RowResult

from . import importing
from .cells import safe_cell
from .models import Person, Unit


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
        rows = [(number, dict(zip(headers, values, strict=False))) for number, values in enumerate(dataset, start=2)]
        report = type(self).importer(rows, actor=kwargs.get("user"), dry_run=dry_run)
        result = Result()
        result.diff_headers = headers
        by_row = {number: values for number, values in rows}
        for error in report.errors:
            values = by_row.get(error.row, {})
            result.append_invalid_row(error.row, values, ValidationError(error.message))
        if report.ok:
            for number, values in rows:
                row_result = RowResult()
                row_result.import_type = report.actions.get(number, RowResult.IMPORT_TYPE_SKIP)
                row_result.diff = [values.get(h, "") for h in headers]
                row_result.object_repr = str(next(iter(values.values()), ""))
                row_result.number = number
                result.append_row_result(row_result)
                result.increment_row_result_total(row_result)
        result.total_rows = len(rows)
        return result


class SafeExportMixin:
    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))


class UnitResource(SafeExportMixin, ServiceImportMixin, resources.ModelResource):
    importer = staticmethod(importing.import_units)

    code = fields.Field(attribute="code", column_name="Mã đơn vị")
    name = fields.Field(attribute="name", column_name="Tên đơn vị")
    short_name = fields.Field(attribute="short_name", column_name="Tên viết tắt")
    kind = fields.Field(attribute="kind__code", column_name="Loại đơn vị")
    parent = fields.Field(attribute="parent__code", column_name="Mã đơn vị cấp trên")
    place_name = fields.Field(attribute="place_name", column_name="Địa danh")
    address = fields.Field(attribute="address", column_name="Địa chỉ")
    email = fields.Field(attribute="email", column_name="Thư điện tử")
    phone = fields.Field(attribute="phone", column_name="Điện thoại")

    class Meta:
        model = Unit
        fields = ("code", "name", "short_name", "kind", "parent", "place_name", "address", "email", "phone")
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

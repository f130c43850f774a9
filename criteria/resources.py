"""Indicator sets in Excel through django-import-export (the officers' correction loop): export one row per
indicator with Vietnamese titles; the corrected file comes back through `criteria.sets.set_import`, which
validates every row and creates the next version."""

from __future__ import annotations

import io

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from units.resources import SafeExportMixin, TableXLSX

from .models import PROVISIONAL_NOTE, Indicator, IndicatorSet
from .sets import COLUMNS


class IndicatorResource(SafeExportMixin, resources.ModelResource):
    group = fields.Field(attribute="criterion__group__number", column_name=COLUMNS["group"])
    group_name = fields.Field(attribute="criterion__group__name", column_name=COLUMNS["group_name"])
    criterion_code = fields.Field(attribute="criterion__code", column_name=COLUMNS["criterion"])
    criterion_name = fields.Field(attribute="criterion__name", column_name=COLUMNS["criterion_name"])
    code = fields.Field(attribute="code", column_name=COLUMNS["code"])
    text = fields.Field(attribute="text", column_name=COLUMNS["text"])
    kind = fields.Field(attribute="kind", column_name=COLUMNS["kind"])
    max_points = fields.Field(attribute="max_points", column_name=COLUMNS["max_points"])
    options = fields.Field(column_name=COLUMNS["options"])
    evidence_required = fields.Field(column_name=COLUMNS["evidence_required"])
    evidence_note = fields.Field(attribute="evidence_note", column_name=COLUMNS["evidence_note"])
    guidance = fields.Field(attribute="guidance", column_name=COLUMNS["guidance"])
    group_max = fields.Field(column_name=COLUMNS["group_max"])
    level2_min = fields.Field(column_name=COLUMNS["level2_min"])
    level3_above = fields.Field(column_name=COLUMNS["level3_above"])

    class Meta:
        model = Indicator
        fields = (
            "group",
            "group_name",
            "criterion_code",
            "criterion_name",
            "code",
            "text",
            "kind",
            "max_points",
            "options",
            "evidence_required",
            "evidence_note",
            "guidance",
            "group_max",
            "level2_min",
            "level3_above",
        )
        export_order = fields

    def __init__(self, indicator_set: IndicatorSet | None = None, **kwargs):
        super().__init__(**kwargs)
        self.indicator_set = indicator_set

    def get_queryset(self):
        qs = Indicator.objects.select_related("criterion__group")
        if self.indicator_set is not None:
            qs = qs.filter(criterion__group__indicator_set=self.indicator_set)
        return qs

    def dehydrate_options(self, indicator: Indicator) -> str:
        import json

        return json.dumps(indicator.options, ensure_ascii=False) if indicator.options else ""

    def dehydrate_evidence_required(self, indicator: Indicator) -> str:
        return "Có" if indicator.evidence_required else "Không"

    def dehydrate_max_points(self, indicator: Indicator) -> float:
        return float(indicator.max_points)

    def dehydrate_group_max(self, indicator: Indicator) -> float:
        return float(indicator.criterion.group.max_points)

    def dehydrate_level2_min(self, indicator: Indicator) -> float:
        return float(indicator.criterion.group.level2_min)

    def dehydrate_level3_above(self, indicator: Indicator) -> float:
        return float(indicator.criterion.group.level3_above)


INSTRUCTIONS = [
    _("Cách nhập danh mục chính thức"),
    _("1. Sửa trang “Chỉ số” (trang đầu tiên); không đổi tên cột, không ghi công thức (ô bắt đầu bằng =, +, -, @)."),
    _("2. Mỗi dòng là một chỉ số. Nhóm: 1 hoặc 2. Mã tiêu chí và Mã chỉ số không trùng nhau."),
    _("3. Kiểu nhập: mandatory (điều kiện bắt buộc, không tính điểm), yes_no, levels, number, percentage, children."),
    _("4. Tổng “Điểm tối đa” các chỉ số tính điểm của một nhóm phải bằng “Tổng điểm nhóm” (100)."),
    _(
        "5. Ghi “Tổng điểm nhóm”, “Mức độ 2 từ (điểm)” và “Mức độ 3 khi trên (điểm)” giống nhau trên mọi dòng của nhóm"
        " (mặc định: dưới 50 mức độ 1; từ 50 đến 75 mức độ 2; trên 75 mức độ 3)."
    ),
    _("6. Xóa dấu “[Nội dung tạm…]” khi thay bằng nội dung chính thức; còn dấu này thì bộ vẫn là bộ chỉ số tạm."),
    _(
        "7. Tải tệp lên trang “Nhập Excel”: hệ thống kiểm tra và cho xem khác biệt so với phiên bản hiện tại trước khi"
        " ghi. Phiên bản mới chỉ được dùng sau bước “Kích hoạt” riêng, có ghi nhật ký."
    ),
    _("8. Bộ toàn quốc chỉ do cán bộ của Bộ nhập và kích hoạt; Sở nhập thì tạo phiên bản riêng, chỉ dùng trong tỉnh."),
]


def set_workbook(indicator_set: IndicatorSet) -> bytes:
    """The set as an Excel file that is also the template to correct: sheet 1 the indicators (what the import
    reads), sheet 2 the instructions, with the provisional note when the set holds placeholder content."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    resource = IndicatorResource(indicator_set)
    book = load_workbook(io.BytesIO(TableXLSX().export_data(resource.export(resource.get_queryset()))))
    book.active.title = str(_("Chỉ số"))
    sheet = book.create_sheet(str(_("Hướng dẫn")))
    lines = [
        f"{indicator_set.name} — {indicator_set.decision_number}, "
        + str(_("phiên bản %(v)s") % {"v": indicator_set.version})
    ]
    if indicator_set.is_provisional:
        lines.insert(0, str(PROVISIONAL_NOTE))
    for line in [*lines, "", *INSTRUCTIONS]:
        sheet.append([str(line)])
    sheet["A1"].font = Font(bold=True, color="B00020" if indicator_set.is_provisional else "000000")
    sheet.column_dimensions["A"].width = 140
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

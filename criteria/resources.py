"""Indicator sets in Excel through django-import-export (the officers' correction loop): export one row per
indicator with Vietnamese titles; the corrected file comes back through `criteria.sets.set_import`, which
validates every row and creates the next version."""

from __future__ import annotations

from import_export import fields, resources

from units.resources import SafeExportMixin

from .models import Indicator, IndicatorSet
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


def set_workbook(indicator_set: IndicatorSet) -> bytes:
    resource = IndicatorResource(indicator_set)
    return resource.export(resource.get_queryset()).export("xlsx")

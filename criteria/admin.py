from django.contrib import admin
from import_export.admin import ExportMixin

from units.audit import AuditedAdmin
from units.resources import FORMATS

from .models import Assessment, AssessmentEvent, Criterion, CriterionGroup, EvidenceItem, Indicator, IndicatorSet
from .resources import IndicatorResource


class CriterionGroupInline(admin.TabularInline):
    model = CriterionGroup
    extra = 0
    fields = ("number", "code", "name", "max_points", "level2_min", "level3_above", "from_children")


@admin.register(IndicatorSet)
class IndicatorSetAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "decision_number", "version", "province", "valid_from", "is_active", "has_placeholders")
    list_filter = ("family", "is_active", "province")
    # Who a version applies to and whether it is in force change only through the set pages' import and
    # activation steps (governance, consistency checks, audit), not by ticking a box here.
    readonly_fields = ("province", "is_active")
    inlines = [CriterionGroupInline]
    filter_horizontal = ("unit_kinds",)


@admin.register(Criterion)
class CriterionAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "group")
    list_filter = ("group__indicator_set",)


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin, ExportMixin, admin.ModelAdmin):
    """Export through the same resource as the officers' page; import goes through the page, which
    validates the whole file and creates a new version (a set in use is never edited in place)."""

    resource_classes = [IndicatorResource]
    formats = FORMATS  # formula-looking text written as text cells that read back unchanged
    list_display = ("code", "text", "kind", "max_points", "is_placeholder")
    list_filter = ("criterion__group__indicator_set", "kind", "is_placeholder")
    search_fields = ("code", "text")


class AssessmentEventInline(admin.TabularInline):
    model = AssessmentEvent
    extra = 0
    readonly_fields = ("action", "actor", "at", "reason", "returns")
    exclude = ("snapshot",)
    can_delete = False


@admin.register(Assessment)
class AssessmentAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("unit", "school_year", "state", "level_1", "level_2", "updated_at")
    list_filter = ("school_year", "state")
    search_fields = ("unit__name", "unit__code")
    raw_id_fields = ("unit", "approved_by", "recognised_by")
    inlines = [AssessmentEventInline]


@admin.register(EvidenceItem)
class EvidenceItemAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("title", "unit", "issued_on", "content_type", "size", "created_at")
    search_fields = ("title", "unit__name")
    raw_id_fields = ("unit", "uploaded_by")

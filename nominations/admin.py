"""Admin for the reference data of nominations (award forms, report templates) and a read view of the
ledger. Workflow objects (nominations, dossiers, decisions) change only through the pages and services."""

from django.contrib import admin

from units.audit import AuditedAdmin

from .models import AwardForm, AwardRecord, AwardRound, Quota, ReportTemplate


@admin.register(ReportTemplate)
class ReportTemplateAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "subject", "version", "decree")
    list_filter = ("subject",)


@admin.register(AwardForm)
class AwardFormAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "owner", "authority_name", "vote_threshold", "threshold_inclusive", "repeat_years")
    search_fields = ("name", "authority_name")
    raw_id_fields = ("owner", "authority_unit")


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0
    raw_id_fields = ("unit", "block", "parent")
    fields = ("award_form", "scope", "unit", "block", "parent", "max_collectives", "max_individuals")


@admin.register(AwardRound)
class AwardRoundAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "organiser", "school_year", "kind", "open")
    list_filter = ("kind", "open")
    raw_id_fields = ("campaign", "organiser", "deadline", "council_deadline")
    inlines = [QuotaInline]


@admin.register(AwardRecord)
class AwardRecordAdmin(AuditedAdmin, admin.ModelAdmin):
    """Awards from before the portal are entered here; the portal's own come from finalised decisions."""

    list_display = ("award_name", "person", "unit", "decision_number", "decision_date")
    search_fields = ("award_name", "decision_number", "person__full_name", "unit__name")
    raw_id_fields = ("person", "unit", "award_form", "nomination")

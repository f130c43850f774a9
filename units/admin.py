"""Django admin for system administrators (is_staff). Officers work in the portal's own pages."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ImportForm, SelectableFieldsExportForm

from .audit import AuditedAdmin
from .importing import ImportFileError, upload_bytes
from .models import (
    BlockMembership,
    EmulationBlock,
    Membership,
    Person,
    Posting,
    Province,
    Unit,
    UnitKind,
    UnitVersion,
    User,
)
from .resources import FORMATS, PersonResource, UnitResource


class CheckedImportForm(ImportForm):
    """The admin's import form: the import byte limit and the uploads' virus scan before the file is kept;
    the rest of the limits apply when the file is read (units.importing.read_table)."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            upload_bytes(upload)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        upload.seek(0)
        return upload


class ColumnTitleExportForm(SelectableFieldsExportForm):
    """The export's column choices under their Vietnamese titles (import-export shows the field's name)."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return str(field.column_name) if field else field_name


class TableImportExportAdmin(ImportExportModelAdmin):
    """Import and export of a table through units.importing: one Vietnamese line when the file is refused,
    each row's errors with their row number and column, nothing written on any error."""

    formats = FORMATS
    import_form_class = CheckedImportForm
    export_form_class = ColumnTitleExportForm
    import_template_name = "admin/units/import.html"

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", "Không đọc được tệp: hãy chọn đúng định dạng (Excel .xlsx hoặc CSV UTF-8).")

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None and not context.get("fields_list"):
            # import-export leaves the expected columns out when the file was refused; the page keeps them.
            resources = [cls() for cls in self.get_import_resource_classes(request)]
            context["fields_list"] = [
                (r.get_display_name(), [f.column_name for f in r.get_user_visible_fields()]) for r in resources
            ]
        return response

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except ImportFileError as exc:  # the kept file is read again on confirmation, with the same limits
            self.message_user(request, str(exc), level=messages.ERROR)
            opts = self.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))


@admin.register(User)
class UserAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_staff", "last_login")
    search_fields = ("username", "email", "first_name", "last_name")
    list_filter = ("is_active", "is_staff")
    exclude = ("password", "user_permissions", "groups")


@admin.register(Province)
class ProvinceAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "active", "merged_into")
    search_fields = ("code", "name")


@admin.register(UnitKind)
class UnitKindAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "category", "sort_order")
    list_filter = ("category",)
    filter_horizontal = ("allowed_parents",)


class UnitVersionInline(admin.TabularInline):
    model = UnitVersion
    fk_name = "unit"
    extra = 0
    can_delete = False
    readonly_fields = (
        "name",
        "short_name",
        "parent",
        "parent_name",
        "governing_body",
        "document_abbreviation",
        "valid_from",
        "valid_to",
        "reason",
        "note",
    )
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(AuditedAdmin, TableImportExportAdmin):
    resource_classes = [UnitResource]
    list_display = ("code", "name", "kind", "province", "parent", "active_to")
    list_filter = ("kind", "province")
    search_fields = ("code", "name", "short_name")
    list_select_related = ("kind", "province", "parent")
    readonly_fields = ("path", "depth", "numchild", "parent", "province", "is_internal")
    fields = (
        "code",
        "name",
        "short_name",
        "governing_body",
        "document_abbreviation",
        "kind",
        "parent",
        "province",
        "place_name",
        "address",
        "email",
        "phone",
        "active_from",
        "active_to",
        "merged_into",
        "path",
        "depth",
        "numchild",
        "is_internal",
    )
    raw_id_fields = ("merged_into",)
    inlines = [UnitVersionInline]

    def has_add_permission(self, request):
        # Units are added under a parent through the portal or the import, which keep the tree right.
        return False


class BlockMembershipInline(admin.TabularInline):
    model = BlockMembership
    fk_name = "block"
    extra = 0
    raw_id_fields = ("unit",)
    fields = ("unit",)


@admin.register(EmulationBlock)
class EmulationBlockAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "school_year", "organiser", "province")
    list_filter = ("school_year", "province")
    search_fields = ("name",)
    raw_id_fields = ("organiser",)
    inlines = [BlockMembershipInline]


class PostingInline(admin.TabularInline):
    model = Posting
    extra = 0
    raw_id_fields = ("unit",)


@admin.register(Person)
class PersonAdmin(AuditedAdmin, TableImportExportAdmin):
    resource_classes = [PersonResource]
    list_display = ("code", "full_name", "position", "category", "unit", "user", "active")
    list_filter = ("category", "active")
    search_fields = ("code", "full_name", "email")
    list_select_related = ("unit", "user")
    raw_id_fields = ("unit", "user")
    inlines = [PostingInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("user", "role", "unit", "valid_from", "valid_to", "revoked_at")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__code", "unit__name")
    raw_id_fields = ("user", "unit", "granted_by", "revoked_by")
    list_select_related = ("user", "unit")

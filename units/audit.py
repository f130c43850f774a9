"""The audit log: who changed what, when, from where, before and after.

Services call `record` at each security-relevant change (state transitions, roles, quotas, decisions,
logins). The actor and IP address of the request in progress come from `AuditContextMiddleware`;
a Celery task or a management command records the system as actor (no user, no address).

Why not django-auditlog: it listens to model signals, and the services move states with conditional
queryset updates under row locks (`filter(pk=…).update(…)`), which send no signal. Explicit calls at the
transitions catch every one of them, and each entry carries the unit that scopes who may read it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, Unit

_context: contextvars.ContextVar[tuple[object | None, str | None]] = contextvars.ContextVar(
    "thidua_audit", default=(None, None)
)

# Action code → what the log page shows. Codes are data in the table; a label missing here shows the code.
ACTIONS: dict[str, str] = {
    "login.success": _("Đăng nhập"),
    "login.failed": _("Đăng nhập sai mật khẩu"),
    "login.locked": _("Tạm khóa đăng nhập"),
    "login.unlocked": _("Mở khóa đăng nhập"),
    "logout": _("Đăng xuất"),
    "logout.everywhere": _("Đăng xuất khỏi mọi thiết bị"),
    "password.changed": _("Đổi mật khẩu"),
    "password.reset": _("Đặt lại mật khẩu"),
    "mfa.added": _("Bật xác thực hai bước"),
    "mfa.removed": _("Tắt xác thực hai bước"),
    "account.created": _("Tạo tài khoản"),
    "membership.granted": _("Phân quyền"),
    "membership.revoked": _("Thu hồi quyền"),
    "unit.created": _("Thành lập đơn vị"),
    "unit.changed": _("Sửa thông tin đơn vị"),
    "unit.moved": _("Chuyển đơn vị cấp trên"),
    "campaign.status": _("Trạng thái kế hoạch"),
    "campaign.deadline": _("Thay đổi hạn nộp"),
    "campaign.target": _("Thay đổi chỉ tiêu"),
    "campaign.reopen": _("Mở lại cho đơn vị"),
    "campaign.other": _("Thay đổi kế hoạch"),
    "assessment.state": _("Trạng thái tự đánh giá"),
    "nomination.state": _("Trạng thái đề nghị khen thưởng"),
    "submission.state": _("Trạng thái hồ sơ trình"),
    "council.closed": _("Chốt kết quả Hội đồng"),
    "quota.changed": _("Thay đổi hạn mức"),
    "decision.created": _("Ghi nhận quyết định khen thưởng"),
    "decision.state": _("Trạng thái quyết định"),
    "indicator_set.imported": _("Nhập phiên bản bộ chỉ số"),
    "indicator_set.activated": _("Kích hoạt phiên bản bộ chỉ số"),
    "indicator_set.withdrawn": _("Ngừng dùng phiên bản bộ chỉ số của tỉnh"),
    "admin.created": _("Thêm trong trang quản trị"),
    "admin.changed": _("Sửa trong trang quản trị"),
    "admin.deleted": _("Xóa trong trang quản trị"),
}


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind `TRUSTED_PROXY_COUNT` reverse proxies, the address the
    outermost trusted proxy saw (counted from the right of X-Forwarded-For, so a client cannot forge it).
    django-axes uses this too, so lockouts and the log agree."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Makes the request's user and address available to `record` for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _context.set((request, client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)


def _current_user():
    request, _ip = _context.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def plain(value):
    """A JSON-safe form of a field value for the before/after columns."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def values(obj, fields: Iterable[str]) -> dict:
    return {f: plain(getattr(obj, f)) for f in fields}


def record(
    action: str,
    obj=None,
    *,
    unit: Unit | int | None = None,
    actor=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    repr_text: str | None = None,
) -> AuditEntry:
    """Writes one entry. `unit` decides who may read it (officers of that unit and above)."""
    _request, ip = _context.get()
    actor = actor if actor is not None else _current_user()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    object_type = object_id = ""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(getattr(obj, "public_id", None) or obj.pk or "")
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "",
        ip=ip,
        unit_id=unit_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=(repr_text if repr_text is not None else str(obj) if obj is not None else "")[:300],
        before=before,
        after=after,
        note=note or "",
    )


def record_change(
    action: str, obj, before: dict, *, unit, note: str = "", after: dict | None = None
) -> AuditEntry | None:
    """An entry for the fields of `before` whose new value differs; none if nothing did. The new values are
    read from `obj` (already saved), or given in `after` when a queryset update moved it."""
    after = values(obj, before) if after is None else after
    changed = [f for f in before if before[f] != after[f]]
    if not changed:
        return None
    return record(
        action,
        obj,
        unit=unit,
        before={f: before[f] for f in changed},
        after={f: after[f] for f in changed},
        note=note,
    )


def unit_of(obj) -> int | None:
    """The unit an object belongs to, for the scope of its audit entries (a unit is its own; a dossier's is
    its sender)."""
    if isinstance(obj, Unit):
        return obj.pk
    for attribute in ("unit_id", "from_unit_id", "organiser_id", "owner_id", "issuer_id"):
        value = getattr(obj, attribute, None)
        if value:
            return value
    return None


def _form_changes(form) -> tuple[dict, dict]:
    fields = [f for f in form.changed_data if f not in ("password",)]
    before = {f: plain(form.initial.get(f)) for f in fields}
    after = {f: plain(form.cleaned_data.get(f)) for f in fields}
    return before, after


class AuditedAdmin:
    """Mixin for Django admin classes: additions, changes (with before/after of the changed fields) and
    deletions made in the admin go to the audit log, as the portal's own pages do, inline rows included."""

    def save_model(self, request, obj, form, change):
        before, after = _form_changes(form)
        super().save_model(request, obj, form, change)
        if before or not change:
            record("admin.changed" if change else "admin.created", obj, unit=unit_of(obj), before=before, after=after)

    def delete_model(self, request, obj):
        record("admin.deleted", obj, unit=unit_of(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """The changelist's "delete selected" action deletes without delete_model: each row is logged too."""
        for obj in queryset:
            record("admin.deleted", obj, unit=unit_of(obj))
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        changed = [(f, *_form_changes(f)) for f in formset.forms if f.has_changed() and f not in formset.deleted_forms]
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
        for obj in deleted:
            record("admin.deleted", obj, unit=unit_of(obj))
        super().save_formset(request, form, formset, change)
        for inline_form, before, after in changed:
            obj = inline_form.instance
            adding = not inline_form.initial
            record("admin.created" if adding else "admin.changed", obj, unit=unit_of(obj), before=before, after=after)

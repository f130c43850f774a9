"""Pages for the hierarchy, people and roles. Thin: look up through a scoped selector (404 outside the
user's reach), check the rule (403), call a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import audit, notify, security, selectors, services
from .forms import (
    AccountForPersonForm,
    AuditFilterForm,
    BlockForm,
    MembershipGrantForm,
    MessageReadForm,
    PersonForm,
    PersonSearchForm,
    PreferenceForm,
    UnitCreateForm,
    UnitEditForm,
    UnitMoveForm,
    UnitSearchForm,
)
from .http import PAGE_SIZE, form_data, paginate, require
from .models import Message, NotificationPreference, Role, Unit, school_year_of
from .rules import grantable_roles

# --- Dashboard and profile --------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The person's work list: each app that owns the data contributes its panels (settings.DASHBOARD_PANELS),
    all starting from the roles read once per request (selectors.work_roles)."""
    roles = selectors.work_roles(request)
    scope = selectors.scope_for(request.user)
    panels = [panel for path in settings.DASHBOARD_PANELS if (panel := import_string(path)(request))]
    return render(
        request,
        "units/home.html",
        {
            "panels": panels,
            "memberships": roles.memberships,
            "is_reviewer": bool(scope.all_roles & {Role.REVIEWER, Role.OFFICER, Role.ADMIN}),
            "school_year": school_year_of(timezone.localdate()),
        },
    )


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    return render(
        request,
        "units/profile.html",
        {
            "person": person,
            "memberships": selectors.memberships_of(request.user),
            "audit_reader": selectors.audit_reader(request.user),
        },
    )


# --- Units ------------------------------------------------------------------------------------------


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    form = UnitSearchForm(request.GET or None)
    results = None
    if form.is_valid() and (form.cleaned_data["q"] or form.cleaned_data["kind"]):
        kind = form.cleaned_data["kind"]
        results = paginate(
            request, selectors.unit_search(request.user, form.cleaned_data["q"], kind.code if kind else None)
        )
    context = {"form": form, "results": results}
    if results is None:
        context["roots"] = selectors.unit_roots_for_user(request.user)
    template = "units/unit_list.html#area" if request.htmx else "units/unit_list.html"
    return render(request, template, context)


@login_required
@require_GET
def unit_children(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_for_user(request.user, code)
    children = paginate(request, selectors.unit_children(unit), size=100)
    # Only units the user may open are links (a council secretary sees the Phòng, not its schools).
    reachable = selectors.scope_for(request.user).reachable_pks(children)
    return render(
        request, "units/unit_list.html#children", {"unit": unit, "children": children, "reachable": reachable}
    )


@login_required
@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_for_user(request.user, code)
    scope = selectors.scope_for(request.user)
    children = paginate(request, selectors.unit_children(unit))
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "ancestors": [(a, scope.reaches(a)) for a in selectors.unit_ancestors(unit)],
            "children": children,
            "reachable": scope.reachable_pks(children),
            "counts": selectors.unit_subtree_counts(unit),
            "history": selectors.unit_history(unit),
            "blocks": selectors.unit_blocks(unit),
            "people_count": unit.people.filter(active=True).count(),
            "can_edit": request.user.has_perm("units.change_unit", unit),
            "can_add": request.user.has_perm("units.add_child_unit", unit),
            "can_manage_people": request.user.has_perm("units.manage_people", unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest, code: str) -> HttpResponse:
    parent = selectors.unit_get_for_user(request.user, code)
    require(request.user, "units.add_child_unit", parent)
    internal_only = not request.user.has_perm("units.change_unit", parent)
    form = UnitCreateForm(form_data(request), parent=parent, internal_only=internal_only)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(parent=parent, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Đã thêm đơn vị “%(name)s”.") % {"name": unit.name})
            return redirect("units:unit_detail", code=unit.code)
    return render(
        request,
        "units/unit_form.html",
        {"form": form, "parent": parent, "back": parent, "title": _("Thêm đơn vị trực thuộc")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_for_user(request.user, code)
    require(request.user, "units.change_unit", unit)
    form = UnitEditForm(form_data(request), instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("effective", "note")}
        services.unit_update(
            unit,
            actor=request.user,
            effective=form.cleaned_data["effective"],
            note=form.cleaned_data["note"],
            **data,
        )
        messages.success(request, _("Đã lưu thông tin đơn vị."))
        return redirect("units:unit_detail", code=unit.code)
    return render(
        request,
        "units/unit_form.html",
        {"form": form, "unit": unit, "back": unit, "title": _("Sửa thông tin đơn vị")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_for_user(request.user, code)
    require(request.user, "units.change_unit", unit)
    if unit.parent is None:
        raise PermissionDenied(_("Không thể chuyển đơn vị gốc."))
    form = UnitMoveForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        target = Unit.objects.filter(code=form.cleaned_data["new_parent_code"].strip()).first()
        if target is None or not request.user.has_perm("units.change_unit", target):
            form.add_error("new_parent_code", _("Không tìm thấy đơn vị cấp trên này trong phạm vi bạn quản lý."))
        else:
            try:
                services.unit_move(
                    unit,
                    target,
                    effective=form.cleaned_data["effective"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("Đã chuyển “%(unit)s” về trực thuộc “%(parent)s”.") % {"unit": unit.name, "parent": target.name},
                )
                return redirect("units:unit_detail", code=unit.code)
    return render(
        request,
        "units/unit_form.html",
        {"form": form, "unit": unit, "back": unit, "title": _("Chuyển đơn vị cấp trên")},
    )


# --- People -----------------------------------------------------------------------------------------


@login_required
@require_GET
def person_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_for_user(request.user, code)
    form = PersonSearchForm(request.GET or None)
    text = category = ""
    if form.is_valid():
        text, category = form.cleaned_data["q"], form.cleaned_data["category"]
    people = paginate(request, selectors.person_list(unit, text=text, category=category))
    context = {
        "unit": unit,
        "form": form,
        "people": people,
        "can_manage": request.user.has_perm("units.manage_people", unit),
    }
    template = "units/person_list.html#table" if request.htmx else "units/person_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_for_user(request.user, code)
    require(request.user, "units.manage_people", unit)
    form = PersonForm(form_data(request))
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                unit=unit, actor=request.user, start=timezone.localdate(), **form.cleaned_data
            )
        except services.PossibleDuplicatePerson as exc:
            duplicates = exc.matches
            form.add_error("confirm_duplicate", exc.messages)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Đã thêm cán bộ “%(name)s”.") % {"name": person.full_name})
            return redirect("units:person_detail", public_id=person.public_id)
    if not duplicates and not form["confirm_duplicate"].value():
        del form.fields["confirm_duplicate"]  # the box appears only once a possible duplicate was shown
    return render(
        request,
        "units/person_form.html",
        {"form": form, "unit": unit, "title": _("Thêm cán bộ"), "duplicates": duplicates},
    )


@login_required
@require_GET
def person_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, public_id)
    can_manage = request.user.has_perm("units.change_person", person)
    return render(
        request,
        "units/person_detail.html",
        {
            "person": person,
            "can_manage": can_manage,
            "locked_out": can_manage and person.user is not None and security.is_locked_out(person.user),
            "account_form": AccountForPersonForm(initial={"email": person.email}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, public_id)
    require(request.user, "units.change_person", person)
    form = PersonForm(form_data(request), instance=person)
    del form.fields["confirm_duplicate"]  # an edit changes an existing record, it creates no second one
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Đã lưu hồ sơ cán bộ."))
            return redirect("units:person_detail", public_id=person.public_id)
    return render(
        request,
        "units/person_form.html",
        {"form": form, "unit": person.unit, "person": person, "title": _("Sửa hồ sơ cán bộ")},
    )


@login_required
@require_POST
def person_account(request: HttpRequest, public_id: str) -> HttpResponse:
    """Creates a login for a staff member; they set their password through the reset e-mail."""
    person = selectors.person_get_for_user(request.user, public_id)
    require(request.user, "units.change_person", person)
    if person.user_id:
        messages.info(request, _("Cán bộ này đã có tài khoản."))
        return redirect("units:person_detail", public_id=person.public_id)
    form = AccountForPersonForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("units:person_detail", public_id=person.public_id)
    services.person_create_account(person, username=form.cleaned_data["username"], email=form.cleaned_data["email"])
    services.account_send_password_setup(request, form.cleaned_data["email"])
    messages.success(
        request, _("Đã tạo tài khoản và gửi thư hướng dẫn đặt mật khẩu tới %(email)s.") % form.cleaned_data
    )
    return redirect("units:person_detail", public_id=person.public_id)


# --- Roles ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def membership_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_for_user(request.user, code)
    can_manage = request.user.has_perm("units.manage_memberships", unit)
    roles = grantable_roles(request.user, unit) if can_manage else frozenset()
    form = MembershipGrantForm(form_data(request), roles=roles) if can_manage else None
    if request.method == "POST":
        require(request.user, "units.manage_memberships", unit)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.membership_grant_by_login(
                    login=data["login"],
                    unit=unit,
                    role=data["role"],
                    actor=request.user,
                    valid_from=data["valid_from"],
                    valid_to=data["valid_to"],
                )
            except ValidationError as exc:
                form.add_error("login", exc.messages)
            else:
                user = result.membership.user
                if result.invited is not None:
                    services.account_send_password_setup(request, user.email)
                    messages.success(
                        request,
                        _("Đã tạo tài khoản cho %(name)s, phân quyền và gửi thư mời đặt mật khẩu tới %(email)s.")
                        % {"name": result.invited.full_name, "email": user.email},
                    )
                else:
                    messages.success(request, _("Đã phân quyền cho %(user)s.") % {"user": user})
                return redirect("units:membership_list", code=unit.code)
    return render(
        request,
        "units/membership_list.html",
        {
            "unit": unit,
            "memberships": selectors.membership_list(unit, include_past=request.GET.get("past") == "1"),
            "form": form,
            "can_manage": can_manage,
            "grantable": roles,
        },
    )


@login_required
@require_POST
def membership_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = selectors.membership_get_for_user(request.user, public_id)
    require(request.user, "units.manage_memberships", membership.unit)
    if membership.role not in grantable_roles(request.user, membership.unit):
        raise PermissionDenied(_("Bạn không thể thu hồi vai trò này."))
    if membership.user_id == request.user.pk and membership.role in (Role.OFFICER, Role.ADMIN):
        messages.error(request, _("Bạn không thể tự thu hồi quyền quản trị của chính mình."))
    else:
        services.membership_revoke(membership, actor=request.user)
        messages.success(request, _("Đã thu hồi vai trò."))
    return redirect("units:membership_list", code=membership.unit.code)


# --- Blocks -----------------------------------------------------------------------------------------


@login_required
@require_GET
def block_list(request: HttpRequest) -> HttpResponse:
    school_year = request.GET.get("nam_hoc") or None
    blocks = paginate(request, selectors.block_list_for_user(request.user, school_year))
    organisers = [
        u for u in selectors.unit_roots_for_user(request.user) if request.user.has_perm("units.manage_blocks", u)
    ]
    return render(
        request,
        "units/block_list.html",
        {"blocks": blocks, "organisers": organisers, "school_year": school_year},
    )


@login_required
@require_GET
def block_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    block = selectors.block_get_for_user(request.user, public_id)
    return render(
        request,
        "units/block_detail.html",
        {
            "eblock": block,
            "members": selectors.block_members_for_user(request.user, block),
            "can_manage": request.user.has_perm("units.manage_blocks", block),
        },
    )


def _save_block(request, form: BlockForm, organiser: Unit, block=None):
    codes = form.cleaned_data["member_codes"]
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        form.add_error("member_codes", _("Không tìm thấy mã đơn vị: %(codes)s") % {"codes": ", ".join(missing)})
        return None
    try:
        return services.block_save(
            organiser=organiser,
            school_year=form.cleaned_data["school_year"],
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            members=list(found.values()),
            block=block,
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def block_create(request: HttpRequest, code: str) -> HttpResponse:
    organiser = selectors.unit_get_for_user(request.user, code)
    require(request.user, "units.manage_blocks", organiser)
    form = BlockForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        block = _save_block(request, form, organiser)
        if block:
            messages.success(request, _("Đã tạo khối thi đua “%(name)s”.") % {"name": block.name})
            return redirect("units:block_detail", public_id=block.public_id)
    return render(
        request,
        "units/block_form.html",
        {"form": form, "organiser": organiser, "title": _("Tạo khối/cụm thi đua")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def block_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    block = selectors.block_get_for_user(request.user, public_id)
    require(request.user, "units.manage_blocks", block)
    initial = {
        "name": block.name,
        "school_year": block.school_year,
        "description": block.description,
        "member_codes": "\n".join(selectors.block_members(block).filter(moved=False).values_list("code", flat=True)),
    }
    form = BlockForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid() and _save_block(request, form, block.organiser, block=block):
        messages.success(request, _("Đã lưu khối thi đua."))
        return redirect("units:block_detail", public_id=block.public_id)
    return render(
        request,
        "units/block_form.html",
        {"form": form, "organiser": block.organiser, "eblock": block, "title": _("Sửa khối/cụm thi đua")},
    )


# --- Health -----------------------------------------------------------------------------------------


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness/readiness for load balancers and compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- Notifications ----------------------------------------------------------------------------------


@login_required
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    qs = (
        Message.objects.filter(recipient=request.user, scheduled_at__lte=timezone.now())
        .exclude(kind=Message.Kind.DIGEST)
        .order_by("-scheduled_at", "-pk")
    )
    return render(request, "units/message_list.html", {"page": paginate(request, qs)})


@login_required
@require_POST
def message_read(request: HttpRequest) -> HttpResponse:
    """Marks one message (`id`) or all of the user's messages read; only the user's own ever change."""
    form = MessageReadForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"id": "", "open": ""}
    public_id = data["id"]
    count = notify.messages_mark_read(request.user, [public_id] if public_id else None)
    target = Message.objects.filter(recipient=request.user, public_id=public_id).first() if public_id else None
    if target and target.url and data["open"]:
        return redirect(target.url)
    if not public_id:
        messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
    return redirect("units:messages")


@login_required
@require_http_methods(["GET", "POST"])
def message_preferences(request: HttpRequest) -> HttpResponse:
    pref, _created = NotificationPreference.objects.get_or_create(user=request.user)
    form = PreferenceForm(form_data(request), instance=pref)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu tùy chọn nhận thông báo."))
        return redirect("units:message_preferences")
    return render(request, "units/message_preferences.html", {"form": form})


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """The outbox of the units an officer reaches: what was sent, what waits, what failed and why."""
    scope = selectors.scope_for(request.user)
    if not scope.all_roles & {Role.OFFICER, Role.ADMIN}:
        raise PermissionDenied(_("Chỉ cán bộ phụ trách thi đua xem được hộp thư đi."))
    qs = Message.objects.filter(scope.q("unit__")).select_related("recipient", "unit").order_by("-scheduled_at", "-pk")
    status = request.GET.get("trang_thai", "")
    if status in Message.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "units/outbox.html",
        {"page": paginate(request, qs), "status": status, "statuses": Message.Status.choices},
    )


# --- Security: unlock, sign out everywhere, audit log -----------------------------------------------


@login_required
@require_POST
def person_unlock(request: HttpRequest, public_id: str) -> HttpResponse:
    """Lifts a login lockout (django-axes) for a staff member's account, as their head or an officer."""
    person = selectors.person_get_for_user(request.user, public_id)
    require(request.user, "units.change_person", person)
    if person.user is None:
        messages.info(request, _("Cán bộ này chưa có tài khoản đăng nhập."))
        return redirect("units:person_detail", public_id=person.public_id)
    cleared = security.unlock(person.user)
    audit.record("login.unlocked", person.user, unit=person.unit_id, after={"cleared": cleared})
    messages.success(
        request,
        _("Đã mở khóa đăng nhập cho %(user)s. Họ có thể đăng nhập lại ngay.") % {"user": person.user.username},
    )
    return redirect("units:person_detail", public_id=person.public_id)


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    security.logout_everywhere(request)
    messages.success(
        request, _("Đã đăng xuất khỏi mọi thiết bị khác. Phiên làm việc trên thiết bị này vẫn giữ nguyên.")
    )
    return redirect("units:profile")


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log of the units in the reader's scope, newest first, a page at a time (cursor on the id)."""
    if not selectors.audit_reader(request.user):
        raise PermissionDenied(_("Chỉ cán bộ phụ trách thi đua và quản trị viên xem được nhật ký hệ thống."))
    form = AuditFilterForm(request.GET or None)
    qs = selectors.audit_entries_for_user(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["unit"]:
            unit = selectors.unit_get_for_user(request.user, data["unit"].strip())
            qs = qs.filter(unit__path__startswith=unit.path)
        if data["action"]:
            qs = qs.filter(action=data["action"])
        if data["actor"]:
            qs = qs.filter(actor_label__icontains=data["actor"].strip())
        if data["since"]:
            qs = qs.filter(at__date__gte=data["since"])
        if data["until"]:
            qs = qs.filter(at__date__lte=data["until"])
    before = request.GET.get("truoc", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    entries = list(qs[: PAGE_SIZE + 1])
    more = len(entries) > PAGE_SIZE
    entries = entries[:PAGE_SIZE]
    rows = [(e, audit.ACTIONS.get(e.action, e.action), selectors.audit_changes(e)) for e in entries]
    query = request.GET.copy()
    query.pop("truoc", None)
    return render(
        request,
        "units/audit_log.html",
        {
            "form": form,
            "rows": rows,
            "next_cursor": entries[-1].pk if more else None,
            "query": query.urlencode(),
        },
    )

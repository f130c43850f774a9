"""Campaign pages. Thin: scoped lookup (404 outside reach) → rule (403) → service → render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from units.http import error_messages, form_data, paginate, require
from units.models import Unit, UnitKind, school_year_of
from units.selectors import scope_for, unit_get_for_user
from units.signatures import check_for_file
from units.uploads import check_upload

from . import selectors, services
from .deadlines import LOCAL_TZ
from .forms import (
    PART_FORMS,
    AnswerForm,
    AttachmentForm,
    CampaignFilterForm,
    CampaignForm,
    DeadlineChangeForm,
    IssuerChoiceForm,
    ReasonForm,
    ReopenForm,
    TargetReportRowForm,
    TargetValueChangeForm,
    TaskNoteForm,
)
from .measures import measured
from .models import Campaign, Deadline, Obligation, Target, TargetReport, Task
from .rules import EDITOR_ROLES

TABS = [
    ("tong-quan", _("Tổng quan")),
    ("tien-do", _("Giai đoạn & hạn nộp")),
    ("chi-tieu", _("Chỉ tiêu")),
    ("nhiem-vu", _("Nhiệm vụ")),
    ("don-vi", _("Đơn vị tham gia")),
    ("van-ban", _("Văn bản & lịch sử")),
]


def _detail_url(campaign: Campaign, tab: str = "tong-quan") -> str:
    return reverse("campaigns:detail", args=[campaign.public_id]) + f"?tab={tab}"


def _issuable_units(user) -> list[Unit]:
    """Units where the user may issue a plan: head, officer or admin held at that unit."""
    scope = scope_for(user)
    ids = [g.unit_id for g in scope.grants if g.role in EDITOR_ROLES]
    return list(Unit.objects.filter(pk__in=ids).order_by("depth", "name"))


# --- List, create, edit ------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    form = CampaignFilterForm(request.GET or None)
    status = text = ""
    if form.is_valid():
        status, text = form.cleaned_data["status"], form.cleaned_data["q"]
    page = paginate(request, selectors.campaign_list_for_user(request.user, status=status, text=text))
    return render(
        request,
        "campaigns/list.html",
        {"form": form, "page": page, "can_create": bool(_issuable_units(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    units = _issuable_units(request.user)
    if not units:
        raise PermissionDenied(_("Chỉ thủ trưởng hoặc cán bộ phụ trách thi đua của đơn vị mới được ban hành kế hoạch."))
    issuer_form = IssuerChoiceForm(form_data(request), units=units)
    form = CampaignForm(form_data(request))
    if request.method == "POST" and issuer_form.is_valid() and form.is_valid():
        data = dict(form.cleaned_data)
        kinds = data.pop("participant_kinds")
        confirmed = bool(data.pop("confirm_duplicate", False))
        try:
            campaign = services.campaign_create(
                issuer=issuer_form.units[issuer_form.cleaned_data["issuer"]],
                actor=request.user,
                participant_kinds=list(kinds),
                duplicate_confirmed=confirmed,
                **data,
            )
        except ValidationError as exc:
            _plan_form_error(form, exc)
        else:
            messages.success(request, _("Đã tạo dự thảo kế hoạch. Tiếp tục thêm giai đoạn, hạn nộp và chỉ tiêu."))
            return redirect("campaigns:edit", public_id=campaign.public_id)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "issuer_form": issuer_form, "title": _("Tạo kế hoạch thi đua")},
    )


def _plan_form_error(form: CampaignForm, exc: ValidationError) -> None:
    """A refusal on the plan form; a duplicate number also offers the confirmation checkbox."""
    if any(getattr(e, "code", None) == services.DUPLICATE_NUMBER for e in exc.error_list):
        form.ask_duplicate_confirmation(" ".join(exc.messages))
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    require(request.user, "campaigns.change_campaign", campaign)
    if not campaign.is_editable:
        messages.info(request, _("Kế hoạch đã ban hành: chỉ điều chỉnh được hạn nộp và chỉ tiêu, kèm lý do."))
        return redirect(_detail_url(campaign, "tien-do"))
    form = CampaignForm(form_data(request), instance=Campaign.objects.get(pk=campaign.pk))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kinds = data.pop("participant_kinds")
        confirmed = bool(data.pop("confirm_duplicate", False))
        try:
            services.campaign_update(
                campaign, actor=request.user, participant_kinds=list(kinds), duplicate_confirmed=confirmed, **data
            )
        except ValidationError as exc:
            _plan_form_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin chung."))
            return redirect("campaigns:edit", public_id=campaign.public_id)
    parts = selectors.campaign_detail_parts(campaign)
    part_forms = {key: form_class(prefix=key) for key, (form_class, _model, _label) in PART_FORMS.items()}
    return render(
        request,
        "campaigns/edit.html",
        {
            "campaign": campaign,
            "form": form,
            "parts": parts,
            "part_forms": part_forms,
            "targets": list(campaign.targets.prefetch_related("values__unit_kind")),
        },
    )


@login_required
@require_POST
def campaign_part_add(request: HttpRequest, public_id: str, part: str) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    require(request.user, "campaigns.change_campaign", campaign)
    if part not in PART_FORMS:
        raise Http404
    form_class, model, label = PART_FORMS[part]
    form = form_class(request.POST, prefix=part)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if part == "giai-doan":
                services.phase_save(campaign, **data)
            elif part == "han-nop":
                kinds = data.pop("unit_kinds")
                services.deadline_save(campaign, unit_kinds=list(kinds), **data)
            elif part == "chi-tieu":
                goals = data.pop("goals")
                services.target_save(campaign, values=goals, **data)
            elif part == "nhiem-vu":
                code = data.pop("lead_code")
                lead = Unit.objects.filter(code=code, path__startswith=campaign.issuer.path).first() if code else None
                if code and lead is None:
                    raise ValidationError(_("Không có đơn vị mã “%(c)s” thuộc đơn vị ban hành.") % {"c": code})
                services.part_save(campaign, model, lead_unit=lead, **data)
            else:
                services.part_save(campaign, model, **data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Đã thêm: %(what)s.") % {"what": label})
            return redirect(reverse("campaigns:edit", args=[campaign.public_id]) + f"#{part}")
    # Re-render the edit page with this form's errors and what was typed; other sections start empty.
    parts = selectors.campaign_detail_parts(campaign)
    part_forms = {key: (form if key == part else fc(prefix=key)) for key, (fc, _m, _l) in PART_FORMS.items()}
    messages.error(request, _("Chưa thêm được %(what)s: hãy sửa các ô được đánh dấu.") % {"what": label.lower()})
    return render(
        request,
        "campaigns/edit.html",
        {
            "campaign": campaign,
            "form": CampaignForm(instance=campaign),
            "parts": parts,
            "part_forms": part_forms,
            "targets": list(campaign.targets.prefetch_related("values__unit_kind")),
            "open_part": part,
        },
        status=200,
    )


@login_required
@require_POST
def campaign_part_delete(request: HttpRequest, public_id: str, part: str, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    require(request.user, "campaigns.change_campaign", campaign)
    if part not in PART_FORMS:
        raise Http404
    _form, model, label = PART_FORMS[part]
    obj = model.objects.filter(campaign=campaign, pk=pk).first()
    if obj is None:
        raise Http404
    try:
        services.part_delete(campaign, obj)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Đã xóa: %(what)s.") % {"what": label})
    return redirect(reverse("campaigns:edit", args=[campaign.public_id]) + f"#{part}")


@login_required
@require_POST
def campaign_publish(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    require(request.user, "campaigns.change_campaign", campaign)
    try:
        created = services.campaign_publish(campaign, actor=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("campaigns:edit", public_id=campaign.public_id)
    messages.success(
        request,
        _("Đã ban hành kế hoạch; đã lập %(n)s nghĩa vụ nộp cho các đơn vị tham gia.")
        % {"n": f"{created:,}".replace(",", ".")},
    )
    return redirect(_detail_url(campaign))


@login_required
@require_POST
def campaign_close(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    require(request.user, "campaigns.change_campaign", campaign)
    form = ReasonForm(request.POST)
    try:
        services.campaign_close(campaign, actor=request.user, reason=form.data.get("reason", ""))
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Đã kết thúc kế hoạch."))
    return redirect(_detail_url(campaign))


@login_required
@require_POST
def campaign_clone(request: HttpRequest, public_id: str) -> HttpResponse:
    source = selectors.campaign_get_for_user(request.user, public_id)
    require(request.user, "campaigns.change_campaign", source)
    campaign = services.campaign_clone(
        source, issuer=source.issuer, actor=request.user, title=_("%(t)s (bản sao)") % {"t": source.title}
    )
    messages.success(request, _("Đã nhân bản thành dự thảo mới; hãy sửa số, ngày và thời gian thi đua."))
    return redirect("campaigns:edit", public_id=campaign.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_answer(request: HttpRequest, public_id: str) -> HttpResponse:
    parent = selectors.campaign_get_for_user(request.user, public_id)
    require(request.user, "campaigns.answer_campaign", parent)
    units = [
        u for u in _issuable_units(request.user) if u.path.startswith(parent.issuer.path) and u.pk != parent.issuer_id
    ]
    form = AnswerForm(form_data(request), units=units)
    if request.method == "POST" and form.is_valid():
        unit = form.units[form.cleaned_data["unit"]]
        existing = Campaign.objects.filter(issuer=unit, answers=parent).first()
        if existing:
            messages.info(request, _("Đơn vị đã có kế hoạch hưởng ứng; mở kế hoạch đó."))
            return redirect(_detail_url(existing))
        try:
            campaign = services.campaign_clone(parent, issuer=unit, actor=request.user, answers=parent)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Đã tạo dự thảo kế hoạch hưởng ứng, kế thừa giai đoạn, hạn nộp và chỉ tiêu."))
            return redirect("campaigns:edit", public_id=campaign.public_id)
    return render(request, "campaigns/answer.html", {"campaign": parent, "form": form})


# --- Detail ------------------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    tab = request.GET.get("tab", "tong-quan")
    if tab not in dict(TABS):
        tab = "tong-quan"
    user = request.user
    context = {
        "campaign": campaign,
        "tabs": TABS,
        "tab": tab,
        "can_edit": user.has_perm("campaigns.change_campaign", campaign),
        "can_follow": user.has_perm("campaigns.follow_participants", campaign),
        "can_answer": user.has_perm("campaigns.answer_campaign", campaign),
        "my_response": Campaign.objects.filter(answers=campaign, issuer_id__in=scope_for(user).unit_ids).first(),
    }
    if tab in ("tong-quan", "tien-do", "nhiem-vu"):
        context["parts"] = selectors.campaign_detail_parts(campaign)
    if tab == "tien-do":
        context["deadline_counts"] = selectors.deadline_counts(campaign, user=user)
    if tab == "chi-tieu":
        periods = sorted({v.period for t in campaign.targets.prefetch_related("values") for v in t.values.all()})
        period = request.GET.get("ky") or (periods[-1] if periods else str(timezone.localdate().year))
        context.update(
            periods=periods,
            period=period,
            progress=selectors.target_progress(campaign, user=user, period=period),
            my_units=[
                u for u in _reporting_units(user) if selectors.participant_units_qs(campaign).filter(pk=u.pk).exists()
            ],
        )
    if tab == "nhiem-vu":
        context["task_form"] = TaskNoteForm()
    if tab == "don-vi":
        if not context["can_follow"]:
            raise PermissionDenied(_("Chỉ đơn vị ban hành và cấp trên theo dõi được danh sách đơn vị tham gia."))
        context.update(_participants(request, campaign))
    if tab == "van-ban":
        context["changes"] = campaign.changes.select_related("actor", "unit")[:100]
        context["attachment_form"] = AttachmentForm()
        context["attachment_signature"] = check_for_file(campaign.attachment)
    template = f"campaigns/detail.html#{tab}" if request.htmx else "campaigns/detail.html"
    return render(request, template, context)


def _reporting_units(user) -> list[Unit]:
    ids = [g.unit_id for g in scope_for(user).grants if g.role in ("head", "staff", "assessor", "officer", "admin")]
    return list(Unit.objects.filter(pk__in=ids))


def _participants(request: HttpRequest, campaign: Campaign) -> dict:
    period = request.GET.get("ky")
    periods = selectors.campaign_periods(campaign)
    if period is None and periods:
        current = school_year_of(timezone.localdate())
        year = str(timezone.localdate().year)
        period = current if current in periods else (year if year in periods else periods[-1])
    kind = request.GET.get("loai", "")
    status = request.GET.get("trang_thai", "")
    text = request.GET.get("q", "")[:100]
    block = request.GET.get("khoi", "")
    units, fill = selectors.participants_status(
        campaign,
        user=request.user,
        period=period,
        kind_code=kind,
        status=status,
        text=text,
        block_id=int(block) if block.isdigit() else None,
    )
    page = paginate(request, units)
    deadlines = [d for d in campaign.deadlines.all() if d.recurrence == "once" or period]
    return {
        "period": period,
        "periods": periods,
        "rows": fill(list(page.object_list)),
        "page": page,
        "deadlines": deadlines,
        "asks_response": any(d.kind == Deadline.Kind.RESPONSE_PLAN for d in deadlines)
        or Campaign.objects.filter(answers=campaign).exists(),
        "counts": selectors.participants_counts(campaign, user=request.user, period=period),
        "kinds": UnitKind.objects.filter(pk__in=campaign.participant_kinds.values("pk")),
        "blocks": selectors.campaign_blocks(campaign),
        "filters": {"loai": kind, "trang_thai": status, "q": text, "khoi": block},
        "statuses": [*Obligation.Status.choices, ("overdue", _("Quá hạn chưa nộp"))],
        "now": timezone.now(),
    }


# --- After publication ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def deadline_change(request: HttpRequest, public_id: str) -> HttpResponse:
    deadline = Deadline.objects.select_related("campaign", "campaign__issuer").filter(public_id=public_id).first()
    if deadline is None or not selectors.campaign_visible_qs(request.user).filter(pk=deadline.campaign_id).exists():
        raise Http404
    require(request.user, "campaigns.change_campaign", deadline.campaign)
    form = DeadlineChangeForm(
        form_data(request),
        initial={"due_date": deadline.due_date, "day": deadline.day, "month": deadline.month},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_change(deadline, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Đã điều chỉnh hạn nộp; các đơn vị chưa nộp nhận hạn mới."))
            return redirect(_detail_url(deadline.campaign, "tien-do"))
    return render(
        request,
        "campaigns/change.html",
        {
            "form": form,
            "campaign": deadline.campaign,
            "title": _("Điều chỉnh hạn nộp: %(t)s") % {"t": deadline.title},
            "current": deadline.wording,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_change(request: HttpRequest, public_id: str) -> HttpResponse:
    target = Target.objects.select_related("campaign", "campaign__issuer").filter(public_id=public_id).first()
    if target is None or not selectors.campaign_visible_qs(request.user).filter(pk=target.campaign_id).exists():
        raise Http404
    require(request.user, "campaigns.change_campaign", target.campaign)
    values = list(target.values.select_related("unit_kind"))
    form = TargetValueChangeForm(form_data(request))
    choice = form["target_value"].value() or request.GET.get("gia_tri")
    selected = next((v for v in values if str(v.pk) == str(choice)), values[0] if values else None)
    if request.method == "POST" and form.is_valid():
        if selected is None:
            form.add_error(None, _("Chỉ tiêu chưa có mục tiêu nào để điều chỉnh."))
        else:
            try:
                services.target_value_change(
                    selected,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    value=form.cleaned_data["value"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Đã điều chỉnh chỉ tiêu."))
                return redirect(_detail_url(target.campaign, "chi-tieu"))
    return render(
        request,
        "campaigns/change.html",
        {
            "form": form,
            "campaign": target.campaign,
            "title": _("Điều chỉnh chỉ tiêu: %(t)s") % {"t": target.name},
            "values": values,
            "selected": selected,
        },
    )


@login_required
@require_POST
def obligation_reopen(request: HttpRequest, public_id: str) -> HttpResponse:
    ob = _obligation_for(request, public_id)
    form = ReopenForm(request.POST)
    if form.is_valid():
        until = dt.datetime.combine(form.cleaned_data["until"] + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
        try:
            services.obligation_reopen(ob, actor=request.user, until=until, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Đã mở lại cho %(u)s.") % {"u": ob.unit.name})
    else:
        messages.error(request, _("Cần nhập ngày mở lại (dd/mm/yyyy) và lý do."))
    return redirect(_detail_url(ob.deadline.campaign, "don-vi"))


@login_required
@require_POST
def obligation_excuse(request: HttpRequest, public_id: str) -> HttpResponse:
    ob = _obligation_for(request, public_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.obligation_excuse(ob, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã miễn nộp cho %(u)s.") % {"u": ob.unit.name})
    else:
        messages.error(request, _("Cần ghi lý do miễn nộp."))
    return redirect(_detail_url(ob.deadline.campaign, "don-vi"))


def _obligation_for(request, public_id: str) -> Obligation:
    ob = (
        Obligation.objects.select_related("deadline", "deadline__campaign", "deadline__campaign__issuer", "unit")
        .filter(public_id=public_id)
        .first()
    )
    if ob is None or not scope_for(request.user).reaches(ob.unit):
        raise Http404
    require(request.user, "campaigns.reopen_obligation", ob)
    return ob


@login_required
@require_POST
def task_note(request: HttpRequest, public_id: str) -> HttpResponse:
    task = Task.objects.select_related("campaign", "campaign__issuer", "lead_unit").filter(public_id=public_id).first()
    if task is None or not selectors.campaign_visible_qs(request.user).filter(pk=task.campaign_id).exists():
        raise Http404
    require(request.user, "campaigns.update_task", task)
    form = TaskNoteForm(request.POST)
    if form.is_valid():
        try:
            services.task_update(task, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Đã cập nhật tiến độ nhiệm vụ %(c)s.") % {"c": task.code or task.title})
    else:
        messages.error(request, _("Cần ghi nội dung cập nhật và tiến độ từ 0 đến 100%."))
    return redirect(_detail_url(task.campaign, "nhiem-vu"))


# --- Target reports ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def target_report(request: HttpRequest, public_id: str, code: str, period: str) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    unit = unit_get_for_user(request.user, code)
    if not selectors.participant_units_qs(campaign).filter(pk=unit.pk).exists():
        raise Http404
    can_report = request.user.has_perm("campaigns.report_target", unit)
    targets = list(campaign.targets.prefetch_related("values"))
    reports = {r.target_id: r for r in TargetReport.objects.filter(target__campaign=campaign, unit=unit, period=period)}
    rows = []
    errors: dict[int, str] = {}
    forms: dict[int, TargetReportRowForm] = {}
    if request.method == "POST":
        if not can_report:
            raise PermissionDenied(_("Chỉ cán bộ của đơn vị mới nhập số liệu chỉ tiêu."))
        saved = 0
        for target in targets:
            form = forms[target.pk] = TargetReportRowForm(request.POST, prefix=f"t{target.pk}")
            if not form.has_figures():
                continue
            try:
                if not form.is_valid():
                    raise ValidationError([e for field_errors in form.errors.values() for e in field_errors])
                data = form.cleaned_data
                services.target_report_save(
                    target=target,
                    unit=unit,
                    period=period,
                    actor=request.user,
                    numerator=data["numerator"],
                    denominator=data["denominator"],
                    value=data["value"],
                    evidence_url=data["evidence_url"],
                    note=data["note"],
                    expected_version=data["version"] or None,
                )
                saved += 1
            except ValidationError as exc:
                errors[target.pk] = " ".join(exc.messages)
        if not errors:
            messages.success(request, _("Đã lưu %(n)s chỉ tiêu.") % {"n": saved})
            return redirect(request.path)
        messages.error(request, _("Một số chỉ tiêu chưa lưu được; các ô bạn đã nhập vẫn được giữ."))
        reports = {
            r.target_id: r for r in TargetReport.objects.filter(target__campaign=campaign, unit=unit, period=period)
        }
    for target in targets:
        goal = selectors.goal_for(list(target.values.all()), period, unit.kind_id)
        rows.append(
            {
                "target": target,
                "report": reports.get(target.pk),
                "goal": goal,
                "measured": measured(target, unit, period) if target.measure else None,
                "error": errors.get(target.pk),
                "posted": forms[target.pk].typed() if target.pk in forms else None,
            }
        )
    lock = (
        Obligation.objects.filter(
            deadline__campaign=campaign, deadline__kind=Deadline.Kind.TARGET_REPORT, unit=unit, period=period
        )
        .select_related("deadline")
        .first()
    )
    locked = bool(lock and lock.deadline.locks and timezone.now() >= lock.effective_due_at)
    return render(
        request,
        "campaigns/target_report.html",
        {
            "campaign": campaign,
            "unit": unit,
            "period": period,
            "rows": rows,
            "can_report": can_report and not locked,
            "locked": locked,
            "lock": lock,
        },
    )


# --- Attachment -------------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_upload(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    require(request.user, "campaigns.change_campaign", campaign)
    form = AttachmentForm(request.POST, request.FILES)
    upload = form.cleaned_data["file"] if form.is_valid() else None
    problem = _pdf_problem(upload)
    if problem:
        messages.error(request, problem)
    else:
        services.campaign_attach(campaign, upload, actor=request.user)
        messages.success(request, _("Đã tải lên bản ký của kế hoạch."))
    return redirect(_detail_url(campaign, "van-ban"))


def _pdf_problem(upload) -> str | None:
    problem, _checked = check_upload(upload, accept=("pdf",))
    return problem


@login_required
@require_GET
def attachment_download(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(request.user, public_id)
    if not campaign.attachment:
        raise Http404
    filename = f"{campaign.number or campaign.public_id}.pdf".replace("/", "-")
    response = FileResponse(
        campaign.attachment.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

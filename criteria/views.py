"""Self-assessment pages. Thin: scoped lookup (404 outside reach) → rule (403) → service → render."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.deadlines import LOCAL_TZ
from campaigns.models import Deadline
from units.http import error_messages, form_errors, paginate, require
from units.importing import ImportFileError, read_table, upload_bytes
from units.models import DocumentType, EmulationBlock, Role, Unit, UnitKind, school_year_of, validate_school_year
from units.selectors import document_header, document_number, scope_for, unit_get_for_user
from units.signatures import attach_checks, check_for_file, seal_pdf

from . import rules, scoring, selectors, services, sets
from .forms import (
    ApprovalForm,
    AssignForm,
    EntryForm,
    EvidenceForm,
    MinutesForm,
    RecogniseForm,
    ReopenForm,
    ReturnForm,
    StartForm,
    TeamForm,
)
from .models import Answer, Assessment, CriterionEntry, EvidenceItem, Indicator
from .rules import REVIEW_ROLES

YEAR_PARAM = "nam-hoc"
UNKNOWN_ACTION = _("Thao tác không hợp lệ. Hãy tải lại trang rồi thử lại.")
NOT_REVIEWER = _("Trang này dành cho chuyên viên thẩm định hoặc cán bộ phụ trách thi đua của đơn vị cấp trên.")


def _school_year(request: HttpRequest) -> str:
    value = request.GET.get(YEAR_PARAM) or request.POST.get("school_year") or ""
    try:
        validate_school_year(value)
    except ValidationError:
        return school_year_of(timezone.localdate())
    return value


def _years_around(year: str) -> list[str]:
    start = int(year[:4])
    return [f"{y}-{y + 1}" for y in range(start + 1, start - 4, -1)]


def _detail(assessment: Assessment) -> str:
    return reverse("criteria:detail", args=[assessment.public_id])


# --- My assessments -------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    year = _school_year(request)
    scope = scope_for(request.user)
    own_ids = [g.unit_id for g in scope.grants if g.role not in (Role.REVIEWER, Role.OFFICER)]
    units = list(
        Unit.objects.filter(pk__in=own_ids, is_internal=False).select_related("kind").order_by("depth", "name")
    )
    by_unit = selectors.assessments_by_unit([u.pk for u in units], year)
    kinds = {(u.kind_id, u.province_id): u.kind for u in units}
    has_set = {key: sets.set_for(kind, year, key[1]) is not None for key, kind in kinds.items()}
    rows = [
        {
            "unit": u,
            "assessment": by_unit.get(u.pk),
            "can_start": Role.HEAD in scope.roles_held_at(u),
            "has_set": has_set[(u.kind_id, u.province_id)],
        }
        for u in units
    ]
    review_parents = list(
        Unit.objects.filter(pk__in=[g.unit_id for g in scope.grants if g.role in REVIEW_ROLES]).order_by("depth")
    )
    return render(
        request,
        "criteria/home.html",
        {"rows": rows, "year": year, "years": _years_around(year), "review_parents": review_parents},
    )


@login_required
@require_POST
def start(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, code)
    require(request.user, "criteria.manage_assessment", unit)
    form = StartForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        assessment = services.assessment_start(unit, form.cleaned_data["school_year"], actor=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("criteria:home")
    messages.success(request, _("Đã mở bản tự đánh giá. Bước tiếp theo: thành lập tổ và phân công tiêu chí."))
    return redirect(_detail(assessment))


# --- One assessment ------------------------------------------------------------------------------------


def _context(request: HttpRequest, assessment: Assessment, answers: dict | None = None) -> dict:
    user = request.user
    result = selectors.assessment_result(assessment, answers)
    entries = selectors.entries_with_people(assessment)
    obligations = services.obligations_for(assessment)
    for entry in entries:
        entry.can_edit = user.has_perm("criteria.change_entry", entry) and selectors.entry_is_open(assessment, entry)
    return {
        "assessment": assessment,
        "result": result,
        "missing": [scoring.missing_text(g) for g in result.groups],
        "entries": entries,
        "returned": [e for e in entries if e.return_reason],
        "team": list(assessment.team.select_related("user")),
        "events": list(assessment.events.select_related("actor")[:30]),
        "can_manage": user.has_perm("criteria.manage_assessment", assessment),
        "can_review": user.has_perm("criteria.review_assessment", assessment),
        "approval": obligations.get(Deadline.Kind.SELF_ASSESSMENT_APPROVAL),
        "approval_late": selectors.approval_lateness(assessment, obligations=obligations),
        "submission": obligations.get(Deadline.Kind.SELF_ASSESSMENT),
        "locked": services.is_locked(assessment, obligations=obligations),
        "problems": services.completeness_problems(assessment) if assessment.is_editable else [],
    }


@login_required
@require_GET
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, public_id)
    context = _context(request, assessment) | {"minutes_signature": check_for_file(assessment.minutes_file)}
    return render(request, "criteria/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, public_id: str) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, public_id)
    require(request.user, "criteria.manage_assessment", assessment)
    people = list(selectors.unit_people(assessment.unit))
    entries = selectors.entries_with_people(assessment)
    members = {m.user_id: m for m in assessment.team.all()}
    team_people = [p for p in people if p.pk in members]
    team_form = TeamForm(people=people, team=members, assessment=assessment)
    assign_form = None
    status = 200
    if request.method == "POST":
        if request.POST.get("part") == "assign":
            form = assign_form = AssignForm(request.POST, entries=entries, team_people=team_people)
        else:
            form = team_form = TeamForm(request.POST, people=people)
        try:
            if form.is_valid():
                if form is assign_form:
                    for entry, lead, coops in assign_form.assignments():
                        services.entry_assign(entry, actor=request.user, lead=lead, cooperators=coops)
                    messages.success(request, _("Đã lưu phân công tiêu chí."))
                else:
                    services.team_save(
                        assessment,
                        actor=request.user,
                        decision_number=form.cleaned_data["decision_number"],
                        decision_date=form.cleaned_data["decision_date"],
                        members=form.members_chosen(),
                    )
                    messages.success(request, _("Đã lưu tổ tự đánh giá. Tiếp theo: phân công tiêu chí."))
                return redirect(reverse("criteria:team", args=[public_id]))
        except ValidationError as exc:
            form_errors(form, exc)
        status = 400
    AssignForm.choices(entries, assign_form)
    return render(
        request,
        "criteria/team.html",
        {
            "assessment": assessment,
            "people": people,
            "team_form": team_form,
            "assign_form": assign_form,
            "team_people": team_people,
            "entries": entries,
        },
        status=status,
    )


def _entry_rows(entry: CriterionEntry, posted: dict | None = None):
    indicators = list(Indicator.objects.filter(criterion_id=entry.criterion_id))
    answers = {a.indicator_id: a for a in entry.answers.prefetch_related("evidence")}
    children = selectors.children_facts(entry.assessment, indicators)
    rows = []
    for indicator in indicators:
        answer = answers.get(indicator.pk)
        rows.append(
            {
                "indicator": indicator,
                "answer": answer,
                "posted": (posted or {}).get(indicator.pk),
                "points": scoring.indicator_points(indicator, answer, children.get(indicator.pk)),
                "children": children.get(indicator.pk),
                "evidence_ids": {e.pk for e in answer.evidence.all()} if answer else set(),
                "choices": list(enumerate(indicator.options.get("choices", []))),
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, public_id)
    item = get_object_or_404(
        CriterionEntry.objects.select_related("criterion", "criterion__group", "lead", "updated_by"),
        pk=pk,
        assessment=assessment,
    )
    item.assessment = assessment
    can_edit = request.user.has_perm("criteria.change_entry", item)
    posted = None
    error = None
    if request.method == "POST":
        require(request.user, "criteria.change_entry", item)
        form = EntryForm(request.POST, indicators=Indicator.objects.filter(criterion_id=item.criterion_id))
        form.is_valid()  # every part is free text here; the service checks the values against the indicators
        values = form.values()
        library = {str(e.pk): e for e in EvidenceItem.objects.filter(unit=assessment.unit)}
        try:
            item = services.entry_save(
                item,
                actor=request.user,
                values=values,
                evidence=form.evidence(library),
                version=form.cleaned_data.get("version") or 0,
            )
            item.assessment = assessment
            if request.htmx:
                return render(request, "criteria/_entry_status.html", {"entry": item, "saved": True})
            messages.success(request, _("Đã lưu tiêu chí %(code)s.") % {"code": item.criterion.code})
            return redirect(reverse("criteria:entry", args=[public_id, pk]))
        except ValidationError as exc:
            error = exc.messages
            posted = values
            if request.htmx:
                return render(request, "criteria/_entry_status.html", {"entry": item, "errors": error})
    return render(
        request,
        "criteria/entry.html",
        {
            "assessment": assessment,
            "entry": item,
            "rows": _entry_rows(item, posted),
            "errors": error,
            "posted_version": request.POST.get("version") if posted else None,
            "can_edit": can_edit
            and assessment.is_editable
            and selectors.entry_is_open(assessment, item)
            and not services.is_locked(assessment),
            "closed_by_return": not selectors.entry_is_open(assessment, item),
            "library": list(EvidenceItem.objects.filter(unit=assessment.unit)),
        },
        status=409 if error and any("vừa được" in e for e in error) else 200,
    )


STEP_FORMS = {"bien-ban": MinutesForm, "phe-duyet": ApprovalForm}


@login_required
@require_POST
def step(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, public_id)
    require(request.user, "criteria.manage_assessment", assessment)
    form = STEP_FORMS.get(action, MinutesForm)(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError([])
        version = form.cleaned_data["version"]
        if action == "bien-ban":
            services.minutes_record(assessment, actor=request.user, upload=form.cleaned_data["file"], version=version)
            messages.success(request, _("Đã ghi nhận biên bản. Tiếp theo: thủ trưởng phê duyệt kết quả."))
        elif action == "phe-duyet":
            services.assessment_approve(
                assessment,
                actor=request.user,
                number=form.cleaned_data["number"],
                date=form.cleaned_data["date"],
                version=version,
            )
            messages.success(request, _("Đã phê duyệt. Tiếp theo: gửi kết quả lên cấp trên."))
        elif action == "gui":
            services.assessment_submit(assessment, actor=request.user, version=version)
            messages.success(request, _("Đã gửi cấp trên. Kết quả sẽ được thẩm định và công nhận."))
        elif action == "cong-khai":
            services.assessment_publish(assessment, actor=request.user)
            messages.success(request, _("Đã công khai kết quả. Địa chỉ trang công khai ở bên dưới."))
        else:
            messages.error(request, UNKNOWN_ACTION)
    except ValidationError as exc:
        if action != "phe-duyet":
            error_messages(request, exc)
            for errors in form.errors.values():
                error_messages(request, ValidationError(errors))
            return redirect(_detail(assessment))
        # The approval form is drawn again with the number and date as typed, the message next to its field.
        form_errors(form, exc)
        assessment.refresh_from_db()
        context = {**_context(request, assessment), "approval_form": form}
        return render(request, "criteria/detail.html", context, status=400)
    return redirect(_detail(assessment))


@login_required
@require_GET
def minutes(request: HttpRequest, public_id: str) -> HttpResponse:
    """The uploaded minutes, or the portal's draft of them as PDF (NĐ 30/2020 layout) to print and sign."""
    assessment = selectors.assessment_get_for_user(request.user, public_id)
    if assessment.minutes_file and request.GET.get("ban") != "du-thao":
        name = assessment.minutes_file.name.rsplit("/", 1)[-1]
        response = FileResponse(assessment.minutes_file.open("rb"), as_attachment=True, filename=name)
        response["X-Content-Type-Options"] = "nosniff"
        return response
    from weasyprint import HTML

    context = _context(request, assessment)
    context["today"] = timezone.localdate()
    context["rows"] = selectors.answers_snapshot(assessment)
    context["header"] = document_header(assessment.unit, context["today"])
    context["number"] = document_number(context["header"], DocumentType.MINUTES)
    html = render_to_string("criteria/minutes_pdf.html", context, request=request)
    pdf = seal_pdf(HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf())
    return FileResponse(
        io.BytesIO(pdf),
        as_attachment=True,
        filename=f"bien-ban-tu-danh-gia-{assessment.unit.code}-{assessment.school_year}.pdf",
        content_type="application/pdf",
    )


# --- Evidence library ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def evidence_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, code)
    can_add = request.user.has_perm("criteria.add_evidence", unit)
    if request.method == "POST":
        require(request.user, "criteria.add_evidence", unit)
        form = EvidenceForm(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise ValidationError([])
            data = form.cleaned_data
            if data["file"]:
                item = services.evidence_upload(
                    unit, data["file"], title=data["title"], issued_on=data["issued_on"], actor=request.user
                )
            else:
                item = services.evidence_link(
                    unit, url=data["url"], title=data["title"], issued_on=data["issued_on"], actor=request.user
                )
            if getattr(item, "reused", False):
                messages.info(
                    request,
                    _("Tệp này đã có trong thư viện với tên “%(t)s”; hãy đánh dấu minh chứng đó, không cần tải lại.")
                    % {"t": item.title},
                )
            else:
                messages.success(request, _("Đã thêm “%(t)s” vào thư viện minh chứng.") % {"t": item.title})
            back = data["next"]
            if back.startswith("/tu-danh-gia/"):
                return redirect(back)
            return redirect(reverse("criteria:evidence_list", args=[code]))
        except ValidationError as exc:
            form_errors(form, exc)
    else:
        form = EvidenceForm()
    page = paginate(request, EvidenceItem.objects.filter(unit=unit).select_related("uploaded_by"))
    page.object_list = attach_checks(page.object_list, "file")  # the digital-signature badge of each PDF
    return render(
        request,
        "criteria/evidence.html",
        {"unit": unit, "page": page, "can_add": can_add, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def evidence_download(request: HttpRequest, public_id: str) -> HttpResponse:
    item = EvidenceItem.objects.select_related("unit").filter(public_id=public_id).first()
    if item is None or not scope_for(request.user).reaches(item.unit):
        raise Http404
    if item.url and not item.file:
        return redirect(item.url)
    inline = item.content_type in ("application/pdf", "image/png", "image/jpeg")
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.file.name.rsplit("/", 1)[-1],
        content_type=item.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


# --- Review -------------------------------------------------------------------------------------------


def _review_parent(request: HttpRequest) -> Unit | None:
    scope = scope_for(request.user)
    code = request.GET.get("don-vi") or request.POST.get("parent")
    if code:
        unit = unit_get_for_user(request.user, code)
        if not scope.roles_at(unit) & REVIEW_ROLES:
            return None
        return unit
    grants = [g for g in scope.grants if g.role in REVIEW_ROLES]
    if not grants:
        return None
    return Unit.objects.get(pk=min(grants, key=lambda g: g.unit_depth).unit_id)


@login_required
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    parent = _review_parent(request)
    if parent is None:
        raise PermissionDenied(NOT_REVIEWER)
    year = _school_year(request)
    form = RecogniseForm()
    if request.method == "POST":
        form = RecogniseForm(request.POST)
        try:
            if form.is_valid():
                targets = list(
                    Assessment.objects.filter(
                        public_id__in=form.cleaned_data["pick"], unit__parent=parent, school_year=year
                    ).select_related("unit")
                )
                for assessment in targets:
                    require(request.user, "criteria.review_assessment", assessment)
                done = services.assessment_recognise(
                    targets,
                    actor=request.user,
                    number=form.cleaned_data["number"],
                    date=form.cleaned_data["date"],
                    provisional_confirmed=form.cleaned_data["confirm_provisional"],
                )
                messages.success(request, _("Đã công nhận %(n)s đơn vị.") % {"n": len(done)})
                return redirect(f"{reverse('criteria:queue')}?don-vi={parent.code}&{YEAR_PARAM}={year}")
        except ValidationError as exc:
            form_errors(form, exc)
    kind, block, state = request.GET.get("loai", ""), request.GET.get("khoi", ""), request.GET.get("trang-thai", "")
    units = selectors.review_queue(parent, year, kind=kind, block=block, state=state)
    page = paginate(request, units)
    by_unit = selectors.assessments_by_unit([u.pk for u in page], year)
    deadline = (
        Deadline.objects.filter(
            kind=Deadline.Kind.SELF_ASSESSMENT,
            obligations__unit__parent=parent,
            obligations__period__in=[year, year[5:]],
        )
        .values_list("obligations__due_at", flat=True)
        .order_by("obligations__due_at")
        .first()
    )
    days_left = (timezone.localdate(deadline) - timezone.localdate()).days if deadline else None
    rows = [{"unit": u, "assessment": by_unit.get(u.pk)} for u in page]
    return render(
        request,
        "criteria/queue.html",
        {
            "parent": parent,
            "year": year,
            "years": _years_around(year),
            "page": page,
            "rows": rows,
            "deadline": deadline,
            "days_left": days_left,
            "kinds": UnitKind.objects.filter(category="school").order_by("sort_order"),
            "blocks": EmulationBlock.objects.filter(organiser=parent, school_year=year).order_by("name"),
            "states": Assessment.State.choices,
            "filters": {"kind": kind, "block": block, "state": state},
            "provisional": Assessment.objects.filter(
                pk__in=[a.pk for a in by_unit.values()], indicator_set__has_placeholders=True
            ).exists(),
            "form": form,
            "picked": set(form["pick"].value() or []),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, public_id: str) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, public_id)
    require(request.user, "criteria.review_assessment", assessment)
    codes = list(assessment.entries.values_list("criterion__code", flat=True))
    forms = {
        "return_form": ReturnForm(codes=codes),
        "recognise_form": RecogniseForm(),
        "reopen_form": ReopenForm(),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("return", "recognise", "reopen"):
            messages.error(request, UNKNOWN_ACTION)
            return redirect(reverse("criteria:review", args=[public_id]))
        form = {
            "return": lambda: ReturnForm(request.POST, codes=codes),
            "recognise": lambda: RecogniseForm(request.POST),
            "reopen": lambda: ReopenForm(request.POST),
        }[action]()
        forms[f"{action}_form"] = form
        try:
            if form.is_valid():
                data = form.cleaned_data
                if action == "return":
                    services.assessment_return(
                        assessment,
                        actor=request.user,
                        reasons=form.reasons(),
                        note=data["note"],
                        version=data["version"],
                    )
                    messages.success(request, _("Đã trả lại. Đơn vị được báo các tiêu chí cần bổ sung."))
                elif action == "recognise":
                    services.assessment_recognise(
                        [assessment],
                        actor=request.user,
                        number=data["number"],
                        date=data["date"],
                        provisional_confirmed=data["confirm_provisional"],
                    )
                    messages.success(request, _("Đã công nhận kết quả."))
                else:
                    day = data["until"]
                    until = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
                    services.assessment_reopen(assessment, actor=request.user, reason=data["reason"], until=until)
                    messages.success(
                        request, _("Đã mở lại cho đơn vị đến hết ngày %(d)s.") % {"d": day.strftime("%d/%m/%Y")}
                    )
                return redirect(reverse("criteria:review", args=[public_id]))
        except ValidationError as exc:
            form_errors(form, exc)
    answers = {
        a.indicator_id: a for a in Answer.objects.filter(entry__assessment=assessment).prefetch_related("evidence")
    }
    context = _context(request, assessment, answers)
    children = context["result"].children
    by_criterion: dict[int, list] = {}
    for indicator in context["result"].indicators:
        answer = answers.get(indicator.pk)
        by_criterion.setdefault(indicator.criterion_id, []).append(
            {
                "indicator": indicator,
                "answer": answer,
                "value": selectors.display_value(indicator, answer),
                "points": scoring.indicator_points(indicator, answer, children.get(indicator.pk)),
                "children": children.get(indicator.pk),
            }
        )
    for entry_ in context["entries"]:
        entry_.rows = by_criterion.get(entry_.criterion_id, [])
        entry_.reason = forms["return_form"][f"reason-{entry_.criterion.code}"]
    context["changes"] = selectors.changes_since_last_submission(assessment)
    context.update(forms)
    failed = any(f.errors for f in forms.values())
    return render(request, "criteria/review.html", context, status=400 if failed else 200)


@login_required
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    parent = _review_parent(request)
    if parent is None:
        raise PermissionDenied(NOT_REVIEWER)
    year = _school_year(request)
    data = selectors.summary(parent, year)
    for row in data["by_kind"] + data["by_block"]:
        row["charts"] = []
        for group in (1, 2):
            x, segments = 0, []
            for level in (1, 2, 3):
                n = row[f"l{group}_{level}"]
                width = round(n * 100 / row["recognised"], 1) if row["recognised"] else 0
                segments.append({"level": level, "n": n, "x": x, "width": width})
                x += width
            row["charts"].append({"group": group, "segments": segments})
    return render(
        request, "criteria/summary.html", {"parent": parent, "year": year, "years": _years_around(year), **data}
    )


# --- Public page ----------------------------------------------------------------------------------------


@require_GET
def public(request: HttpRequest, public_id: str) -> HttpResponse:
    assessment = (
        Assessment.objects.select_related("unit", "indicator_set")
        .filter(public_id=public_id, state=Assessment.State.PUBLISHED)
        .first()
    )
    if assessment is None:
        raise Http404
    result = selectors.assessment_result(assessment)
    return render(request, "criteria/public.html", {"assessment": assessment, "result": result})


# --- Indicator sets -----------------------------------------------------------------------------------

SET_IMPORT_SESSION = "criteria_set_import"
SET_IMPORT_KEEP_BYTES = 1024 * 1024  # a checked file is kept in the session for the confirmation step


@login_required
@require_GET
def set_list(request: HttpRequest) -> HttpResponse:
    items = selectors.set_visible_qs(request.user).prefetch_related("unit_kinds").order_by("family", "-version")
    return render(
        request,
        "criteria/set_list.html",
        {"sets": items, "can_manage": request.user.has_perm("criteria.manage_sets")},
    )


@login_required
@require_GET
def set_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator_set = selectors.set_get_for_user(request.user, code)
    groups, by_group, _indicators = selectors.set_structure(indicator_set)
    for group in groups:
        group.rows = by_group[group.pk]
    errors, notes = sets.consistency(sets.set_facts(indicator_set))
    return render(
        request,
        "criteria/set_detail.html",
        {
            "set": indicator_set,
            "groups": groups,
            "used": Assessment.objects.filter(indicator_set=indicator_set).count(),
            "can_manage": request.user.has_perm("criteria.manage_sets"),
            "can_govern": request.user.has_perm("criteria.govern_set", indicator_set),
            "problems": errors,
            "notes": notes,
        },
    )


@login_required
@require_GET
def set_export(request: HttpRequest, code: str) -> HttpResponse:
    indicator_set = selectors.set_get_for_user(request.user, code)
    from .resources import set_workbook

    return FileResponse(
        io.BytesIO(set_workbook(indicator_set)),
        as_attachment=True,
        filename=f"bo-chi-so-{indicator_set.code}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_import(request: HttpRequest, code: str) -> HttpResponse:
    """Upload → check and preview the difference (nothing written; the checked file is kept in the session)
    → confirm: the new version is written inactive → activation is a separate step on the set's page."""
    base = selectors.set_get_for_user(request.user, code)
    require(request.user, "criteria.manage_sets")
    preview = None
    kept = request.session.get(SET_IMPORT_SESSION)
    if kept and kept.get("base") != base.code:
        kept = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        confirm = request.POST.get("confirm") == "1"
        try:
            if upload is not None:
                data, name = upload_bytes(upload), upload.name  # the byte limit and virus scan of every import
            elif confirm and kept:
                data, name = base64.b64decode(kept["data"]), kept["name"]
            else:
                raise ImportFileError(_("Hãy chọn tệp Excel (.xlsx) đã tải từ bộ chỉ số rồi sửa."))
            rows = read_table(data, name)
            # A file is written only after its preview was shown: a confirmation without a checked file checks.
            write = confirm and kept is not None and hashlib.sha256(data).hexdigest() == kept["sha"]
            preview, new_set = sets.set_import_preview(rows, base=base, actor=request.user, dry_run=not write)
            if new_set:
                request.session.pop(SET_IMPORT_SESSION, None)
                messages.success(
                    request,
                    _(
                        "Đã tạo phiên bản %(v)s (%(n)s chỉ số), chưa dùng. Kiểm tra lại rồi bấm “Kích hoạt”. "
                        "Các bản tự đánh giá cũ giữ nguyên phiên bản đã dùng."
                    )
                    % {"v": new_set.version, "n": preview.report.created},
                )
                return redirect(reverse("criteria:set_detail", args=[new_set.code]))
            if preview.report.ok and len(data) <= SET_IMPORT_KEEP_BYTES:
                request.session[SET_IMPORT_SESSION] = {
                    "base": base.code,
                    "name": name,
                    "sha": hashlib.sha256(data).hexdigest(),
                    "data": base64.b64encode(data).decode(),
                }
            else:
                request.session.pop(SET_IMPORT_SESSION, None)
        except ImportFileError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "criteria/set_import.html",
        {
            "set": base,
            "preview": preview,
            "report": preview.report if preview else None,
            "national": rules.is_national(request.user),
        },
    )


@login_required
@require_POST
def set_activate(request: HttpRequest, code: str) -> HttpResponse:
    """Activation (or, for a province's own version, withdrawal): a separate, audited step."""
    indicator_set = selectors.set_get_for_user(request.user, code)
    require(request.user, "criteria.govern_set", indicator_set)
    try:
        if request.POST.get("action") == "withdraw":
            sets.set_withdraw(indicator_set, actor=request.user)
            messages.success(
                request, _("Đã ngừng dùng phiên bản riêng của tỉnh; đơn vị mới bắt đầu sẽ dùng bộ toàn quốc.")
            )
        else:
            sets.set_activate(indicator_set, actor=request.user)
            where = indicator_set.province.name if indicator_set.province else _("toàn quốc")
            messages.success(
                request, _("Đã kích hoạt phiên bản %(v)s (%(where)s).") % {"v": indicator_set.version, "where": where}
            )
    except ValidationError as exc:
        error_messages(request, exc)
    return redirect(reverse("criteria:set_detail", args=[indicator_set.code]))

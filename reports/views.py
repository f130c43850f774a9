"""Report pages: the export form, the requester's jobs with live progress, downloads and the public
verification of issued documents. A job and its file belong to the requester alone (404 for anyone else)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.selectors import campaign_get_for_user, campaign_visible_qs
from units.http import error_messages, paginate, require
from units.models import Unit, school_year_of, validate_school_year
from units.selectors import scope_for

from . import documents, services
from .models import IssuedDocument, ReportJob
from .rules import EXPORT_ROLES

Kind = ReportJob.Kind


def _scopes(user) -> list[Unit]:
    """Units the user may export over: where they hold a role that reports (their own unit or subtree)."""
    scope = scope_for(user)
    ids = [g.unit_id for g in scope.grants if g.role in EXPORT_ROLES]
    if scope.is_superuser and not ids:
        return list(Unit.objects.filter(depth=1))
    return list(Unit.objects.filter(pk__in=ids, is_internal=False).order_by("depth", "name"))


def _params(request: HttpRequest, kind: str) -> dict:
    """The filters of a report, each checked against what the user may see (404 outside reach)."""
    post = request.POST
    if kind in (Kind.CAMPAIGN_STATUS, Kind.TARGETS):
        campaign = campaign_get_for_user(request.user, post.get("campaign", ""))
        params = {"campaign": campaign.public_id}
        if post.get("period", "").strip():
            params["period"] = post["period"].strip()[:9]
        if post.get("school_year", "").strip():
            validate_school_year(post["school_year"].strip())
            params["school_year"] = post["school_year"].strip()
        return params
    if kind == Kind.ASSESSMENT_RESULTS:
        year = post.get("school_year", "").strip()
        validate_school_year(year)
        return {"school_year": year}
    if kind == Kind.NOMINATIONS:
        from nominations.selectors import round_get_for_user

        return {"round": round_get_for_user(request.user, post.get("round", "")).public_id}
    raise ValidationError(_("Loại báo cáo không hợp lệ."))


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    scopes = _scopes(request.user)
    if request.method == "POST":
        require(request.user, "reports.export")
        unit = next((u for u in scopes if u.code == request.POST.get("unit")), None)
        kind = request.POST.get("kind", "")
        try:
            if unit is None:
                raise ValidationError(_("Hãy chọn phạm vi báo cáo (đơn vị của bạn)."))
            if kind not in ReportJob.EXCEL:
                raise ValidationError(_("Hãy chọn loại báo cáo."))
            job = services.job_request(request.user, kind=kind, unit=unit, params=_params(request, kind))
        except ValidationError as exc:
            error_messages(request, exc)
            return redirect("reports:home")
        return redirect(reverse("reports:job", args=[job.public_id]))
    from nominations.selectors import rounds_for

    year = school_year_of(timezone.localdate())
    return render(
        request,
        "reports/home.html",
        {
            "scopes": scopes,
            "kinds": [(k, label) for k, label in Kind.choices if k in ReportJob.EXCEL],
            "campaigns": list(
                campaign_visible_qs(request.user).filter(status="published").order_by("-issued_on")[:100]
            ),
            "rounds": list(rounds_for(request.user).order_by("-school_year", "name")[:100]) if scopes else [],
            "year": year,
            "jobs": list(ReportJob.objects.filter(requester=request.user).select_related("unit")[:10]),
        },
    )


@login_required
@require_POST
def document(request: HttpRequest, kind: str, public_id: str) -> HttpResponse:
    """A PDF of one object the user can see: a dossier, a decision, a self-assessment."""
    if kind == "ho-so":
        from nominations.selectors import submission_get_for_user

        obj = submission_get_for_user(request.user, public_id)
        job_kind, unit, allowed = Kind.DOSSIER_PDF, obj.from_unit, scope_for(request.user).reaches(obj.to_unit)
        allowed = allowed or request.user.has_perm("nominations.prepare_dossier", obj)
        params = {"submission": obj.public_id}
    elif kind == "quyet-dinh":
        from nominations.selectors import decision_get_for_user

        obj = decision_get_for_user(request.user, public_id)
        job_kind, unit, allowed = Kind.DECISION_PDF, obj.unit, True
        params = {"decision": obj.public_id}
    elif kind == "tu-danh-gia":
        from criteria.selectors import assessment_get_for_user

        obj = assessment_get_for_user(request.user, public_id)
        job_kind, unit, allowed = Kind.ASSESSMENT_PDF, obj.unit, True
        params = {"assessment": obj.public_id}
    else:
        raise Http404
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền xuất tài liệu này."))
    try:
        job = services.job_request(request.user, kind=job_kind, unit=unit, params=params)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/") else "reports:home")
    return redirect(reverse("reports:job", args=[job.public_id]))


def _own_job(request: HttpRequest, public_id: str) -> ReportJob:
    job = ReportJob.objects.filter(public_id=public_id, requester=request.user).select_related("unit").first()
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    page = paginate(request, ReportJob.objects.filter(requester=request.user).select_related("unit"))
    return render(request, "reports/jobs.html", {"page": page})


@login_required
@require_GET
def job(request: HttpRequest, public_id: str) -> HttpResponse:
    obj = _own_job(request, public_id)
    if request.htmx:
        response = render(request, "reports/_job_status.html", {"job": obj})
        if obj.state not in services.ACTIVE:
            response["HX-Refresh"] = "false"
        return response
    return render(request, "reports/job.html", {"job": obj})


@login_required
@require_GET
def download(request: HttpRequest, public_id: str) -> HttpResponse:
    obj = _own_job(request, public_id)
    if obj.state != ReportJob.State.DONE or not obj.file:
        messages.error(
            request,
            _("Tệp không còn: báo cáo đã hết hạn lưu trữ. Hãy tạo lại.")
            if obj.state == ReportJob.State.DONE
            else _("Báo cáo chưa tạo xong."),
        )
        return redirect(reverse("reports:job", args=[public_id]))
    response = FileResponse(obj.file.open("rb"), as_attachment=True, filename=obj.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: confirms a document's number, date and issuer from the code printed beside its QR, whether the
    portal sealed it, and (POST) whether a file a person holds is the original."""
    doc = IssuedDocument.objects.filter(code=code.upper()[:16]).first()
    comparison, problem = None, ""
    if request.method == "POST" and doc is not None:
        upload = request.FILES.get("tep")
        if upload is None or upload.size == 0:
            problem = _("Hãy chọn tệp cần đối chiếu.")
        elif upload.size > settings.UPLOAD_MAX_BYTES:
            problem = _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        else:
            comparison = documents.compare_with_issued(doc, upload.read())
    context = {"doc": doc, "code": code, "comparison": comparison, "problem": problem}
    if doc is not None:
        context["issued"] = documents.issued_file(doc)
    return render(request, "reports/verify.html", context, status=200 if doc else 404)

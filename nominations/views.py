"""Nomination pages. Thin: scoped lookup (404 outside reach) → rule (403) → service → render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.deadlines import LOCAL_TZ
from campaigns.models import Campaign
from campaigns.selectors import campaign_get_for_user
from criteria.models import EvidenceItem
from units.http import error_messages, form_errors, paginate, require
from units.models import Person, Role, Unit
from units.selectors import scope_for
from units.signatures import attach_checks

from . import selectors, services
from .forms import (
    BulkApproveForm,
    CouncilCreateForm,
    CouncilVotesForm,
    DecisionCreateForm,
    DecisionStepForm,
    DossierForm,
    DossierReopenForm,
    DossierReturnForm,
    DossierSendForm,
    HandDownForm,
    NominationCreateForm,
    NominationEvidenceForm,
    ObjectionForm,
    QuotaForm,
    ReasonForm,
    ReportForm,
    RoundCreateForm,
)
from .models import AwardRound, CouncilMeeting, Decision, Nomination, Objection, Quota, Subject, Submission
from .rules import DOSSIER_ROLES, REVIEW_ROLES, acts_at
from .signature_rules import dossier_signature

UNKNOWN_ACTION = _("Thao tác không hợp lệ. Hãy tải lại trang rồi thử lại.")


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _board(award_round: AwardRound) -> str:
    return reverse("nominations:board", args=[award_round.public_id])


# --- Rounds --------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _home_page(request)


def _home_page(request: HttpRequest, *, refused: tuple[Campaign, RoundCreateForm] | None = None) -> HttpResponse:
    """The rounds the user works in and the plans they may open one from; a refused opening is drawn again
    on its plan's line with what was typed."""
    rounds = list(
        selectors.rounds_for(request.user)
        .select_related("organiser", "campaign")
        .order_by("-school_year", "name")[:100]
    )
    scope = scope_for(request.user)
    issuers = [g.unit_id for g in scope.grants if g.role in (Role.HEAD, Role.OFFICER, Role.ADMIN)]
    campaigns = list(
        Campaign.objects.filter(issuer_id__in=issuers, status=Campaign.Status.PUBLISHED)
        .exclude(award_plans=None)
        .select_related("issuer")
        .order_by("-issued_on")
    )
    return render(
        request,
        "nominations/home.html",
        {
            "rounds": rounds,
            "campaigns": campaigns,
            "kinds": AwardRound.Kind.choices,
            "refused_pk": refused[0].pk if refused else None,
            "form": refused[1] if refused else RoundCreateForm(),
        },
        status=400 if refused else 200,
    )


@login_required
@require_POST
def round_create(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = campaign_get_for_user(request.user, public_id)
    require(request.user, "nominations.manage_level", campaign.issuer)
    form = RoundCreateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([])
        award_round = services.round_create(
            campaign,
            kind=form.cleaned_data["kind"],
            school_year=form.cleaned_data["school_year"],
            actor=request.user,
            signatures_required=form.cleaned_data["ky_so"],
        )
    except ValidationError as exc:
        form_errors(form, exc)
        return _home_page(request, refused=(campaign, form))
    messages.success(request, _("Đã mở đợt xét khen thưởng. Kiểm tra hạn mức rồi thông báo cho các đơn vị."))
    return redirect(_board(award_round))


@login_required
@require_GET
def board(request: HttpRequest, public_id: str) -> HttpResponse:
    award_round = selectors.round_get_for_user(request.user, public_id)
    levels = selectors.levels_of(request.user, award_round)
    code = request.GET.get("don-vi")
    if code:
        unit = selectors.unit_in_round(request.user, award_round, code)
    else:
        reached = [u for u in levels if scope_for(request.user).reaches(u)]
        unit = reached[0] if reached else award_round.organiser
        if not scope_for(request.user).reaches(unit):
            unit = None
    state = request.GET.get("trang-thai", "")
    rows = selectors.nominations_for(request.user).filter(round=award_round)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    if state in Nomination.State.values:
        rows = rows.filter(state=state)
    page = paginate(request, rows.select_related("award_form", "unit", "level").order_by("unit__path", "subject", "pk"))
    context = {
        "round": award_round,
        "unit": unit,
        "levels": levels,
        "page": page,
        "state": state,
        "states": Nomination.State.choices,
        "counts": selectors.board(award_round, unit, request.user) if unit else None,
        "quotas": selectors.quota_rows(award_round, levels + ([unit] if unit else [])),
        "can_manage": request.user.has_perm("nominations.manage_round", award_round),
        "forms": list(award_round.award_forms.all()),
        "actions": [
            {
                "unit": u,
                "draft": request.user.has_perm("nominations.draft", u),
                "council": request.user.has_perm("nominations.run_council", u),
                "dossier": bool(acts_at(request.user, u) & DOSSIER_ROLES) and u.parent_id is not None,
                "review": bool(acts_at(request.user, u) & REVIEW_ROLES),
                "decide": request.user.has_perm("nominations.manage_level", u),
            }
            for u in levels
        ],
        "councils": list(
            CouncilMeeting.objects.filter(round=award_round, unit__in=levels)
            .select_related("unit")
            .order_by("-held_at")
        ),
        "submissions": list(
            Submission.objects.filter(round=award_round, from_unit__in=levels)
            .select_related("from_unit", "to_unit")
            .order_by("-created_at")
        ),
        "decisions": list(
            Decision.objects.filter(round=award_round, unit__in=levels)
            .select_related("award_form")
            .order_by("-signed_on")
        ),
    }
    return render(request, "nominations/board.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def quotas(request: HttpRequest, public_id: str) -> HttpResponse:
    award_round = selectors.round_get_for_user(request.user, public_id)
    levels = [
        u
        for u in selectors.levels_of(request.user, award_round)
        if request.user.has_perm("nominations.manage_level", u)
    ]
    if not levels:
        require(request.user, "nominations.manage_round", award_round)
    award_forms = list(award_round.award_forms.all())
    set_form, hand_form = QuotaForm(award_forms=award_forms), HandDownForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("set", "hand_down"):
            messages.error(request, UNKNOWN_ACTION)
            return redirect(reverse("nominations:quotas", args=[award_round.public_id]))
        if action == "set":
            form = set_form = QuotaForm(request.POST, award_forms=award_forms)
        else:
            form = hand_form = HandDownForm(request.POST)
        try:
            if form.is_valid():
                data = form.cleaned_data
                if action == "set":
                    unit = selectors.unit_in_round(request.user, award_round, data["unit"])
                    require(request.user, "nominations.manage_level", unit)
                    services.quota_save(
                        award_round,
                        award_form=form.award_forms[data["award_form"]],
                        scope=data["scope"],
                        unit=unit,
                        max_collectives=data["max_collectives"],
                        max_individuals=data["max_individuals"],
                        actor=request.user,
                    )
                    messages.success(request, _("Đã lưu hạn mức."))
                else:
                    quota = Quota.objects.filter(round=award_round, public_id=data["quota"], unit__in=levels).first()
                    if quota is None:
                        raise Http404
                    child = Unit.objects.filter(parent=quota.unit, code=data["child"]).first()
                    if child is None:
                        raise ValidationError({"child": _("Chỉ phân bổ hạn mức cho đơn vị trực thuộc trực tiếp.")})
                    services.quota_hand_down(
                        quota,
                        child=child,
                        max_collectives=data["max_collectives"],
                        max_individuals=data["max_individuals"],
                        actor=request.user,
                    )
                    messages.success(request, _("Đã phân bổ hạn mức cho %(u)s.") % {"u": child.name})
                return redirect(reverse("nominations:quotas", args=[award_round.public_id]))
        except ValidationError as exc:
            form_errors(form, exc)
    return render(
        request,
        "nominations/quotas.html",
        {
            "round": award_round,
            "levels": levels,
            "rows": selectors.quota_rows(award_round, levels),
            "forms": award_forms,
            "scopes": Quota.Scope.choices,
            "children": list(Unit.objects.filter(parent__in=levels, is_internal=False).order_by("name")[:500]),
            "set_form": set_form,
            "hand_form": hand_form,
        },
        status=400 if set_form.errors or hand_form.errors else 200,
    )


# --- Nominations -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, public_id: str, code: str) -> HttpResponse:
    award_round = selectors.round_get_for_user(request.user, public_id)
    unit = selectors.unit_in_round(request.user, award_round, code)
    require(request.user, "nominations.draft", unit)
    forms = list(award_round.award_forms.all())
    people = list(
        Person.objects.filter(unit__path__startswith=unit.path, active=True)
        .select_related("unit")
        .order_by("full_name")[:1000]
    )
    teams = list(Unit.objects.filter(parent=unit, is_internal=True).order_by("name"))
    collectives = [unit, *teams]
    if request.method == "POST":
        posted = NominationCreateForm(request.POST, award_forms=forms)
        try:
            if not posted.is_valid():
                raise ValidationError([])
            data = posted.cleaned_data
            nomination = services.nomination_create(
                award_round,
                unit,
                actor=request.user,
                award_form=next(f for f in forms if f.pk == data["award_form"]),
                subject=data["subject"],
                person=next((p for p in people if p.public_id == data["person"]), None),
                nominee_unit=next((u for u in collectives if u.code == data["nominee_unit"]), None),
                proposed_by=next((u for u in teams if u.code == data["proposed_by"]), None),
                summary=data["summary"],
            )
        except ValidationError as exc:
            form_errors(posted, exc)
            return render(
                request,
                "nominations/create.html",
                {
                    "round": award_round,
                    "unit": unit,
                    "forms": forms,
                    "people": people,
                    "collectives": collectives,
                    "teams": teams,
                    "form": posted,
                    "posted": posted.data,
                },
                status=400,
            )
        messages.success(request, _("Đã tạo đề nghị. Tiếp theo: viết báo cáo thành tích và đính kèm minh chứng."))
        return redirect(reverse("nominations:detail", args=[nomination.public_id]))
    return render(
        request,
        "nominations/create.html",
        {
            "round": award_round,
            "unit": unit,
            "forms": forms,
            "people": people,
            "collectives": collectives,
            "teams": teams,
            "subjects": Subject.choices,
        },
    )


def _report_rows(nomination: Nomination, posted: dict | None = None) -> list[dict]:
    template = nomination.report_template
    if template is None:
        return []
    data = posted if posted is not None else nomination.report
    return [
        {
            "key": section.get("key"),
            "title": section.get("title"),
            "fields": [{**f, "value": data.get(f["key"], "")} for f in section.get("fields", [])],
        }
        for section in template.sections
    ]


def _detail_page(request, nomination: Nomination, *, errors=None, posted=None, action=None, status=200):
    """The nomination page; after a refused save or action it is drawn with what the user typed."""
    can_edit = request.user.has_perm("nominations.change_nomination", nomination)
    history = list(nomination.events.select_related("actor", "level")[:50])
    return render(
        request,
        "nominations/detail.html",
        {
            "n": nomination,
            "can_edit": can_edit,
            "can_review": nomination.state in (Nomination.State.SUBMITTED, Nomination.State.APPROVED)
            and request.user.has_perm("nominations.review_nomination", nomination),
            "can_confirm": can_edit
            and bool(scope_for(request.user).roles_held_at(nomination.unit) & {Role.HEAD, Role.ADMIN}),
            "sections": _report_rows(nomination, posted),
            "problems": services.report_problems(nomination),
            "evidence": attach_checks(nomination.evidence.all(), "file"),
            "library": list(EvidenceItem.objects.filter(unit=nomination.unit)[:200]) if can_edit else [],
            "history": history,
            "errors": errors,
            "posted_version": request.POST.get("version") if errors else None,
            "action": action,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    nomination = selectors.nomination_get_for_user(request.user, public_id)
    if request.method != "POST":
        return _detail_page(request, nomination)
    require(request.user, "nominations.change_nomination", nomination)
    keys = [f["key"] for f in nomination.report_template.fields] if nomination.report_template else []
    form = ReportForm(request.POST, keys=keys)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        nomination = services.nomination_save(
            nomination,
            actor=request.user,
            version=form.cleaned_data["version"],
            summary=form.summary_posted(),
            report=form.report(),
        )
    except ValidationError as exc:
        if request.htmx:
            return render(
                request, "nominations/_save_status.html", {"nomination": nomination, "errors": exc.messages}, status=409
            )
        typed = {k: form.data[f"r-{k}"] for k in keys if f"r-{k}" in form.data}
        nomination.summary = form.data.get("summary", nomination.summary)
        posted = {**nomination.report, **typed}
        return _detail_page(request, nomination, errors=exc.messages, posted=posted, status=409)
    if request.htmx:
        return render(request, "nominations/_save_status.html", {"nomination": nomination, "saved": True})
    messages.success(request, _("Đã lưu đề nghị."))
    return redirect(reverse("nominations:detail", args=[public_id]))


REVIEW_ACTIONS = ("duyet", "tra-lai", "khong-de-nghi", "bo-duyet")
OWN_ACTIONS = ("xac-nhan", "rut", "minh-chung", "kiem-tra")


def _act(request, nomination: Nomination, name: str, data: dict) -> str:
    """Runs one action on the nomination and says what was done; a refusal raises ValidationError."""
    who = {"n": nomination.nominee_name}
    if name in REVIEW_ACTIONS:
        require(request.user, "nominations.review_nomination", nomination)
        if name == "duyet":
            services.nomination_approve(nomination, actor=request.user, override=data["override"])
            return _("Đã duyệt %(n)s.") % who
        if name == "tra-lai":
            services.nomination_return(nomination, actor=request.user, reason=data["reason"])
            return _("Đã trả lại %(n)s kèm lý do.") % who
        if name == "khong-de-nghi":
            services.nomination_reject(nomination, actor=request.user, reason=data["reason"])
            return _("Đã ghi nhận không đề nghị %(n)s.") % who
        services.nomination_unapprove(nomination, actor=request.user, reason=data["reason"])
        return _("Đã bỏ duyệt %(n)s.") % who
    require(request.user, "nominations.change_nomination", nomination)
    if name == "xac-nhan":
        if not scope_for(request.user).roles_held_at(nomination.unit) & {Role.HEAD, Role.ADMIN}:
            require(request.user, "nominations.sign_dossier", None)
        services.nomination_confirm(nomination, actor=request.user)
        return _("Thủ trưởng đã xác nhận báo cáo thành tích.")
    if name == "rut":
        services.nomination_withdraw(nomination, actor=request.user, reason=data["reason"])
        return _("Đã rút đề nghị.")
    if name == "kiem-tra":
        from . import eligibility

        eligibility.refresh(nomination)
        return _("Đã kiểm tra lại các điều kiện.")
    item = None
    if data["item"]:
        item = EvidenceItem.objects.filter(unit=nomination.unit, public_id=data["item"]).first()
        if item is None:
            raise ValidationError({"item": _("Không tìm thấy minh chứng trong thư viện của đơn vị.")})
    services.nomination_evidence(
        nomination, actor=request.user, upload=data["file"], url=data["url"], title=data["title"], item=item
    )
    return _("Đã đính kèm minh chứng.")


@login_required
@require_POST
def action(request: HttpRequest, public_id: str, name: str) -> HttpResponse:
    nomination = selectors.nomination_get_for_user(request.user, public_id)
    if name not in REVIEW_ACTIONS + OWN_ACTIONS:
        messages.error(request, UNKNOWN_ACTION)
        return redirect(reverse("nominations:detail", args=[public_id]))
    form = (NominationEvidenceForm if name == "minh-chung" else ReasonForm)(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError([])
        messages.success(request, _act(request, nomination, name, form.cleaned_data))
    except ValidationError as exc:
        # The page is drawn again with the reason (or the evidence's title and link) as typed.
        form_errors(form, exc)
        nomination.refresh_from_db()
        return _detail_page(request, nomination, action={"name": name, "form": form}, status=400)
    back = form.cleaned_data["next"]
    return redirect(back if back.startswith("/") else reverse("nominations:detail", args=[public_id]))


# --- Reviewer queue --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest, public_id: str) -> HttpResponse:
    award_round = selectors.round_get_for_user(request.user, public_id)
    levels = [u for u in selectors.levels_of(request.user, award_round) if acts_at(request.user, u) & REVIEW_ROLES]
    if not levels:
        require(request.user, "nominations.review_nomination", None)
    code = request.GET.get("cap") or request.POST.get("cap")
    level = next((u for u in levels if u.code == code), levels[0])
    if request.method == "POST":
        form = BulkApproveForm(request.POST)
        ids = form.cleaned_data["chon"] if form.is_valid() else []
        if not ids:
            messages.error(request, _("Hãy chọn ít nhất một đề nghị."))
        else:
            chosen = list(Nomination.objects.filter(round=award_round, level=level, public_id__in=ids).order_by("pk"))
            done, refused = services.bulk_approve(chosen, actor=request.user)
            if done:
                messages.success(request, _("Đã duyệt %(n)s đề nghị.") % {"n": len(done)})
            for msg in refused:
                messages.error(request, msg)
        return redirect(reverse("nominations:queue", args=[public_id]) + f"?cap={level.code}")
    rows = selectors.queue(
        award_round,
        level,
        state=request.GET.get("trang-thai", ""),
        form_id=request.GET.get("hinh-thuc", ""),
        subject=request.GET.get("doi-tuong", ""),
    )
    page = paginate(request, rows)
    return render(
        request,
        "nominations/queue.html",
        {
            "round": award_round,
            "level": level,
            "levels": levels,
            "page": page,
            "forms": list(award_round.award_forms.all()),
            "quotas": selectors.quota_rows(award_round, [level]),
            "filters": request.GET,
            "subjects": Subject.choices,
        },
    )


# --- Council meetings ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def council_create(request: HttpRequest, public_id: str, code: str) -> HttpResponse:
    award_round = selectors.round_get_for_user(request.user, public_id)
    unit = selectors.unit_in_round(request.user, award_round, code)
    require(request.user, "nominations.run_council", unit)
    agenda = list(services.council_agenda(award_round, unit))
    form = CouncilCreateForm()
    if request.method == "POST":
        form = CouncilCreateForm(request.POST)
        try:
            if form.is_valid():
                data = form.cleaned_data
                meeting = services.council_create(
                    award_round,
                    unit,
                    actor=request.user,
                    held_at=dt.datetime.combine(data["date"], dt.time(8, 0), tzinfo=LOCAL_TZ),
                    place=data["place"],
                    chair_name=data["chair_name"] or "—",
                    secretary_name=data["secretary_name"] or request.user.get_full_name(),
                    members_total=data["members_total"],
                    members_present=data["members_present"],
                    members=data["members"],
                )
                messages.success(request, _("Đã mở cuộc họp. Nhập số phiếu đồng ý cho từng đề nghị."))
                return redirect(reverse("nominations:council", args=[meeting.public_id]))
        except ValidationError as exc:
            form_errors(form, exc)
    return render(
        request,
        "nominations/council_create.html",
        {"round": award_round, "unit": unit, "agenda": agenda, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def council(request: HttpRequest, public_id: str) -> HttpResponse:
    meeting = selectors.council_get_for_user(request.user, public_id)
    can_run = request.user.has_perm("nominations.run_council", meeting.unit)
    votes = list(
        meeting.votes.select_related("nomination__award_form", "nomination__unit").order_by(
            "nomination__award_form__name", "nomination__subject", "rank", "pk"
        )
    )
    form = CouncilVotesForm(initial={"version": meeting.version}, votes=votes)
    if request.method == "POST":
        require(request.user, "nominations.run_council", meeting.unit)
        form = CouncilVotesForm(request.POST, votes=votes)
        try:
            if form.is_valid():
                meeting = services.council_record(
                    meeting, actor=request.user, version=form.cleaned_data["version"], votes=form.votes()
                )
                if form.cleaned_data["action"] == "close":
                    services.council_close(meeting, actor=request.user, version=meeting.version)
                    messages.success(request, _("Đã kết thúc cuộc họp; kết quả và danh sách xếp hạng đã được chốt."))
                else:
                    messages.success(request, _("Đã lưu kết quả bỏ phiếu."))
                return redirect(reverse("nominations:council", args=[public_id]))
        except ValidationError as exc:
            form_errors(form, exc)
    for vote in votes:
        vote.field = form[f"v-{vote.nomination_id}"]
    return render(
        request,
        "nominations/council.html",
        {"meeting": meeting, "votes": votes, "can_run": can_run, "form": form},
        status=400 if form.errors else 200,
    )


# --- Dossiers ---------------------------------------------------------------------------------------------


@login_required
@require_POST
def submission_create(request: HttpRequest, public_id: str, code: str) -> HttpResponse:
    award_round = selectors.round_get_for_user(request.user, public_id)
    unit = selectors.unit_in_round(request.user, award_round, code)
    if not acts_at(request.user, unit) & DOSSIER_ROLES:
        require(request.user, "nominations.prepare_dossier", None)
    try:
        submission = services.submission_create(award_round, unit, actor=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect(_board(award_round))
    return redirect(reverse("nominations:submission", args=[submission.public_id]))


@login_required
@require_http_methods(["GET", "POST"])
def submission(request: HttpRequest, public_id: str) -> HttpResponse:
    sub = selectors.submission_get_for_user(request.user, public_id)
    perms = {
        "prepare": request.user.has_perm("nominations.prepare_dossier", sub),
        "sign": request.user.has_perm("nominations.sign_dossier", sub),
        "review": request.user.has_perm("nominations.review_dossier", sub),
    }
    forms = {"save": DossierForm.for_dossier(sub), "return": DossierReturnForm(), "reopen": DossierReopenForm()}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("save", "submit", "return", "reopen"):
            messages.error(request, UNKNOWN_ACTION)
            return redirect(reverse("nominations:submission", args=[public_id]))
        form = {"save": DossierForm, "submit": DossierSendForm, "return": DossierReturnForm}.get(
            action, DossierReopenForm
        )(request.POST, request.FILES)
        if action != "submit":
            forms[action] = form
        try:
            if action == "submit":
                require(request.user, "nominations.sign_dossier", sub)
                version = form.cleaned_data["version"] if form.is_valid() else None
                confirm = form.is_valid() and form.cleaned_data["xac_nhan_nguoi_ky"]
                services.submission_submit(sub, actor=request.user, version=version, confirm_signer=confirm)
                messages.success(request, _("Đã ký và gửi hồ sơ lên %(u)s.") % {"u": sub.to_unit.name})
            elif action == "save":
                require(request.user, "nominations.prepare_dossier", sub)
                if form.is_valid():
                    services.submission_update(
                        sub,
                        actor=request.user,
                        version=form.cleaned_data["version"],
                        chosen_ids=form.chosen_ids(),
                        **form.changes(),
                    )
                    messages.success(request, _("Đã lưu hồ sơ."))
            elif action == "return":
                require(request.user, "nominations.review_dossier", sub)
                if form.is_valid():
                    services.submission_return(
                        sub,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                        version=form.cleaned_data["version"],
                    )
                    messages.success(request, _("Đã trả lại hồ sơ."))
            else:
                require(request.user, "nominations.review_dossier", sub)
                if form.is_valid():
                    until = form.cleaned_data["until"]
                    services.submission_reopen(
                        sub,
                        actor=request.user,
                        until=dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=LOCAL_TZ),
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Đã mở lại hạn nộp cho %(u)s.") % {"u": sub.from_unit.name})
        except ValidationError as exc:
            if action == "submit":
                error_messages(request, exc)
                return redirect(reverse("nominations:submission", args=[public_id]))
            form_errors(form, exc)
        if action == "submit" or not form.errors:
            return redirect(reverse("nominations:submission", args=[public_id]))
    items = list(
        sub.items.select_related("nomination__award_form", "nomination__unit", "nomination__level").order_by(
            "nomination__award_form__name", "nomination__subject", "rank", "pk"
        )
    )
    candidates = []
    if sub.state == Submission.State.DRAFT and perms["prepare"]:
        candidates, _votes = services.submission_candidates(sub.round, sub.from_unit)
    chosen = {i.nomination_id for i in items}
    if forms["save"].is_bound:
        chosen = {int(v) for v in forms["save"]["chon"].value() or [] if v.isdigit()}
    return render(
        request,
        "nominations/submission.html",
        {
            "sub": sub,
            "items": items,
            "candidates": [(n, n.pk in chosen) for n in candidates],
            "checklist": services.checklist(sub),
            "locked": services.submission_locked(sub),
            "signature": dossier_signature(sub),
            "perms": perms,
            "editable": sub.state in (Submission.State.DRAFT, Submission.State.RETURNED),
            "form": forms["save"],
            "return_form": forms["return"],
            "reopen_form": forms["reopen"],
        },
        status=400 if any(f.errors for f in forms.values()) else 200,
    )


# --- Decisions and the public page ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, public_id: str, code: str) -> HttpResponse:
    award_round = selectors.round_get_for_user(request.user, public_id)
    unit = selectors.unit_in_round(request.user, award_round, code)
    require(request.user, "nominations.manage_level", unit)
    forms = list(award_round.award_forms.select_related("authority_unit"))
    data = DecisionCreateForm(request.POST if request.method == "POST" else None)
    chosen_form = _int(request.GET.get("hinh-thuc") or data["award_form"].value())
    form = next((f for f in forms if f.pk == chosen_form), None)
    if request.method == "POST":
        try:
            if data.is_valid():
                if form is None:
                    raise ValidationError(_("Hãy chọn hình thức khen thưởng."))
                decision = services.decision_create(
                    award_round,
                    unit,
                    actor=request.user,
                    award_form=form,
                    number=data.cleaned_data["number"],
                    signed_on=data.cleaned_data["signed_on"],
                    signer_name=data.cleaned_data["signer_name"],
                    signer_position=data.cleaned_data["signer_position"],
                    nomination_ids=[i for i in data.cleaned_data["chon"] if i.isdigit()],
                )
                messages.success(request, _("Đã ghi quyết định. Tiếp theo: công khai kết quả để lấy ý kiến."))
                return redirect(reverse("nominations:decision", args=[decision.public_id]))
        except ValidationError as exc:
            form_errors(data, exc)
    candidates = services.decision_candidates(award_round, unit, form) if form else []
    ticked = set(data["chon"].value() or []) if data.is_bound else {str(n.pk) for n in candidates}
    return render(
        request,
        "nominations/decision_create.html",
        {
            "round": award_round,
            "unit": unit,
            "forms": forms,
            "form": form,
            "candidates": [(n, str(n.pk) in ticked) for n in candidates],
            "data": data,
        },
        status=400 if data.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, public_id: str) -> HttpResponse:
    obj = selectors.decision_get_for_user(request.user, public_id)
    can_manage = request.user.has_perm("nominations.manage_level", obj.unit)
    refused = None
    if request.method == "POST":
        require(request.user, "nominations.manage_level", obj.unit)
        form = DecisionStepForm(request.POST)
        data = form.cleaned_data if form.is_valid() else {"action": "", "version": None}
        action = data["action"]
        try:
            if action == "post":
                services.decision_post(obj, actor=request.user, version=data["version"])
                messages.success(request, _("Đã công khai kết quả; ý kiến được nhận đến hết thời hạn."))
            elif action == "finalise":
                services.decision_finalise(obj, actor=request.user, version=data["version"])
                messages.success(request, _("Quyết định đã có hiệu lực; giấy chứng nhận đã được cấp số."))
            elif action == "resolve":
                objection = Objection.objects.filter(decision=obj, pk=data["objection"] or 0).first()
                if objection is None:
                    raise Http404
                services.objection_resolve(objection, actor=request.user, resolution=data["resolution"])
                messages.success(request, _("Đã ghi kết quả xử lý ý kiến."))
            else:
                messages.error(request, UNKNOWN_ACTION)
        except ValidationError as exc:
            if action != "resolve":
                error_messages(request, exc)
            else:  # the resolution as typed comes back under its objection
                form_errors(form, exc)
                refused = form
        if refused is None:
            return redirect(reverse("nominations:decision", args=[public_id]))
    certificates = {c.nomination_id: c for c in obj.certificates.all()}
    rows = list(obj.nominations.select_related("unit").order_by("subject", "pk"))
    for n in rows:
        n.cert = certificates.get(n.pk)
    return render(
        request,
        "nominations/decision.html",
        {
            "decision": obj,
            "rows": rows,
            "objections": list(obj.objections.select_related("nomination", "resolved_by")),
            "can_manage": can_manage,
            "window_open": obj.state == Decision.State.POSTED and timezone.now() < obj.objection_until,
            "refused": refused,
        },
        status=400 if refused else 200,
    )


@require_http_methods(["GET", "POST"])
def public(request: HttpRequest, public_id: str) -> HttpResponse:
    """The posted result, for anyone: the awardees, and while the window is open a form for objections."""
    obj = (
        Decision.objects.filter(public_id=public_id, state__in=[Decision.State.POSTED, Decision.State.FINAL])
        .select_related("unit", "award_form", "round")
        .first()
    )
    if obj is None:
        raise Http404
    form, sent = ObjectionForm(), False
    if request.method == "POST":
        form = ObjectionForm(request.POST)
        if request.POST.get("website"):  # honeypot: a field people never see
            raise Http404
        try:
            if form.is_valid():
                data = form.cleaned_data
                services.objection_create(
                    obj,
                    name=data["name"],
                    contact=data["contact"],
                    text=data["text"],
                    nomination_id=data["nomination"],
                )
                sent = True
        except ValidationError as exc:
            form_errors(form, exc)
    return render(
        request,
        "nominations/public.html",
        {
            "decision": obj,
            "rows": list(obj.nominations.order_by("subject", "pk")),
            "window_open": obj.state == Decision.State.POSTED and timezone.now() < obj.objection_until,
            "form": form,
            "sent": sent,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def my_awards(request: HttpRequest) -> HttpResponse:
    person = Person.objects.filter(user=request.user).select_related("unit").first()
    nominations = (
        list(person.nominations.select_related("round", "award_form").exclude(state=Nomination.State.DRAFT))
        if person
        else []
    )
    return render(
        request,
        "nominations/my_awards.html",
        {"person": person, "awards": selectors.ledger(person=person), "nominations": nominations},
    )

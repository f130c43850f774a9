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
from units.models import Person, Role, Unit
from units.selectors import scope_for
from units.views import error_messages, paginate, posted_date, posted_version, require

from . import selectors, services
from .models import AwardRound, CouncilMeeting, Decision, Nomination, Objection, Quota, Subject, Submission
from .rules import DOSSIER_ROLES, REVIEW_ROLES, acts_at

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
        },
    )


@login_required
@require_POST
def round_create(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = campaign_get_for_user(request.user, public_id)
    require(request.user, "nominations.manage_level", campaign.issuer)
    try:
        award_round = services.round_create(
            campaign,
            kind=request.POST.get("kind", ""),
            school_year=request.POST.get("school_year", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("nominations:home")
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
        "counts": selectors.board(award_round, unit) if unit else None,
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
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "set":
                unit = selectors.unit_in_round(request.user, award_round, request.POST.get("unit", ""))
                require(request.user, "nominations.manage_level", unit)
                form = award_round.award_forms.filter(pk=_int(request.POST.get("award_form"), 0)).first()
                if form is None or request.POST.get("scope") not in Quota.Scope.values:
                    raise ValidationError(_("Hãy chọn hình thức và cách tính hạn mức."))
                services.quota_save(
                    award_round,
                    award_form=form,
                    scope=request.POST["scope"],
                    unit=unit,
                    max_collectives=_int(request.POST.get("max_collectives"), -1),
                    max_individuals=_int(request.POST.get("max_individuals"), -1),
                    actor=request.user,
                )
                messages.success(request, _("Đã lưu hạn mức."))
            elif action == "hand_down":
                quota = Quota.objects.filter(
                    round=award_round, public_id=request.POST.get("quota", ""), unit__in=levels
                ).first()
                if quota is None:
                    raise Http404
                child = Unit.objects.filter(parent=quota.unit, code=request.POST.get("child", "")).first()
                if child is None:
                    raise ValidationError(_("Chỉ phân bổ hạn mức cho đơn vị trực thuộc trực tiếp."))
                services.quota_hand_down(
                    quota,
                    child=child,
                    max_collectives=_int(request.POST.get("max_collectives"), -1),
                    max_individuals=_int(request.POST.get("max_individuals"), -1),
                    actor=request.user,
                )
                messages.success(request, _("Đã phân bổ hạn mức cho %(u)s.") % {"u": child.name})
            else:
                messages.error(request, UNKNOWN_ACTION)
        except ValidationError as exc:
            error_messages(request, exc)
        return redirect(reverse("nominations:quotas", args=[award_round.public_id]))
    return render(
        request,
        "nominations/quotas.html",
        {
            "round": award_round,
            "levels": levels,
            "rows": selectors.quota_rows(award_round, levels),
            "forms": list(award_round.award_forms.all()),
            "scopes": Quota.Scope.choices,
            "children": list(Unit.objects.filter(parent__in=levels, is_internal=False).order_by("name")[:500]),
        },
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
        form = next((f for f in forms if f.pk == _int(request.POST.get("award_form"))), None)
        subject = request.POST.get("subject", "")
        person = next((p for p in people if p.public_id == request.POST.get("person")), None)
        nominee_unit = next((u for u in collectives if u.code == request.POST.get("nominee_unit")), None)
        team = next((u for u in teams if u.code == request.POST.get("proposed_by")), None)
        try:
            if form is None:
                raise ValidationError(_("Hãy chọn hình thức khen thưởng."))
            nomination = services.nomination_create(
                award_round,
                unit,
                actor=request.user,
                award_form=form,
                subject=subject,
                person=person,
                nominee_unit=nominee_unit,
                proposed_by=team,
                summary=request.POST.get("summary", ""),
            )
        except ValidationError as exc:
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
                    "errors": exc.messages,
                    "posted": request.POST,
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


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    nomination = selectors.nomination_get_for_user(request.user, public_id)
    can_edit = request.user.has_perm("nominations.change_nomination", nomination)
    errors, posted = None, None
    if request.method == "POST":
        require(request.user, "nominations.change_nomination", nomination)
        fields = [f["key"] for f in nomination.report_template.fields] if nomination.report_template else []
        report = {k: request.POST[f"r-{k}"] for k in fields if f"r-{k}" in request.POST}
        summary = request.POST.get("summary")
        try:
            nomination = services.nomination_save(
                nomination, actor=request.user, version=posted_version(request), summary=summary, report=report
            )
            if request.htmx:
                return render(request, "nominations/_save_status.html", {"nomination": nomination, "saved": True})
            messages.success(request, _("Đã lưu đề nghị."))
            return redirect(reverse("nominations:detail", args=[public_id]))
        except ValidationError as exc:
            errors = exc.messages
            posted = {**nomination.report, **report}
            if request.htmx:
                return render(
                    request, "nominations/_save_status.html", {"nomination": nomination, "errors": errors}, status=409
                )
            nomination.summary = summary if summary is not None else nomination.summary
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
            "evidence": list(nomination.evidence.all()),
            "library": list(EvidenceItem.objects.filter(unit=nomination.unit)[:200]) if can_edit else [],
            "history": history,
            "errors": errors,
            "posted_version": request.POST.get("version") if errors else None,
        },
        status=409 if errors else 200,
    )


@login_required
@require_POST
def action(request: HttpRequest, public_id: str, name: str) -> HttpResponse:
    nomination = selectors.nomination_get_for_user(request.user, public_id)
    back = request.POST.get("next") or reverse("nominations:detail", args=[public_id])
    if not back.startswith("/"):
        back = reverse("nominations:detail", args=[public_id])
    reason = request.POST.get("reason", "")
    try:
        if name in ("duyet", "tra-lai", "khong-de-nghi", "bo-duyet"):
            require(request.user, "nominations.review_nomination", nomination)
            if name == "duyet":
                services.nomination_approve(nomination, actor=request.user, override=request.POST.get("override", ""))
                messages.success(request, _("Đã duyệt %(n)s.") % {"n": nomination.nominee_name})
            elif name == "tra-lai":
                services.nomination_return(nomination, actor=request.user, reason=reason)
                messages.success(request, _("Đã trả lại %(n)s kèm lý do.") % {"n": nomination.nominee_name})
            elif name == "khong-de-nghi":
                services.nomination_reject(nomination, actor=request.user, reason=reason)
                messages.success(request, _("Đã ghi nhận không đề nghị %(n)s.") % {"n": nomination.nominee_name})
            else:
                services.nomination_unapprove(nomination, actor=request.user, reason=reason)
                messages.success(request, _("Đã bỏ duyệt %(n)s.") % {"n": nomination.nominee_name})
        elif name in ("xac-nhan", "rut", "minh-chung", "kiem-tra"):
            require(request.user, "nominations.change_nomination", nomination)
            if name == "xac-nhan":
                if not scope_for(request.user).roles_held_at(nomination.unit) & {Role.HEAD, Role.ADMIN}:
                    require(request.user, "nominations.sign_dossier", None)
                services.nomination_confirm(nomination, actor=request.user)
                messages.success(request, _("Thủ trưởng đã xác nhận báo cáo thành tích."))
            elif name == "rut":
                services.nomination_withdraw(nomination, actor=request.user, reason=reason)
                messages.success(request, _("Đã rút đề nghị."))
            elif name == "kiem-tra":
                from . import eligibility

                eligibility.refresh(nomination)
                messages.success(request, _("Đã kiểm tra lại các điều kiện."))
            else:
                item = None
                if request.POST.get("item"):
                    item = EvidenceItem.objects.filter(unit=nomination.unit, public_id=request.POST["item"]).first()
                    if item is None:
                        raise ValidationError(_("Không tìm thấy minh chứng trong thư viện của đơn vị."))
                services.nomination_evidence(
                    nomination,
                    actor=request.user,
                    upload=request.FILES.get("file"),
                    url=request.POST.get("url", "").strip(),
                    title=request.POST.get("title", ""),
                    item=item,
                )
                messages.success(request, _("Đã đính kèm minh chứng."))
        else:
            messages.error(request, UNKNOWN_ACTION)
    except ValidationError as exc:
        error_messages(request, exc)
    return redirect(back)


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
        ids = [i for i in request.POST.getlist("chon") if i]
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
    errors = None
    if request.method == "POST":
        date = posted_date(request.POST.get("date", ""))
        try:
            if date is None:
                raise ValidationError(_("Ngày họp phải có dạng dd/mm/yyyy."))
            meeting = services.council_create(
                award_round,
                unit,
                actor=request.user,
                held_at=dt.datetime.combine(date, dt.time(8, 0), tzinfo=LOCAL_TZ),
                place=request.POST.get("place", ""),
                chair_name=request.POST.get("chair_name", "").strip() or "—",
                secretary_name=request.POST.get("secretary_name", "").strip() or request.user.get_full_name(),
                members_total=_int(request.POST.get("members_total"), 0),
                members_present=_int(request.POST.get("members_present"), 0),
                members=request.POST.get("members", ""),
            )
            messages.success(request, _("Đã mở cuộc họp. Nhập số phiếu đồng ý cho từng đề nghị."))
            return redirect(reverse("nominations:council", args=[meeting.public_id]))
        except ValidationError as exc:
            errors = exc.messages
    return render(
        request,
        "nominations/council_create.html",
        {"round": award_round, "unit": unit, "agenda": agenda, "errors": errors, "posted": request.POST},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def council(request: HttpRequest, public_id: str) -> HttpResponse:
    meeting = selectors.council_get_for_user(request.user, public_id)
    can_run = request.user.has_perm("nominations.run_council", meeting.unit)
    if request.method == "POST":
        require(request.user, "nominations.run_council", meeting.unit)
        votes = {}
        for key, value in request.POST.items():
            if key.startswith("v-") and key[2:].isdigit():
                votes[int(key[2:])] = _int(value) if value.strip() else None
        try:
            if any(v is not None and v < 0 for v in votes.values()) or any(
                request.POST[k].strip() and _int(request.POST[k]) is None for k in request.POST if k.startswith("v-")
            ):
                raise ValidationError(_("Số phiếu phải là số nguyên không âm."))
            meeting = services.council_record(meeting, actor=request.user, version=posted_version(request), votes=votes)
            if request.POST.get("action") == "close":
                services.council_close(meeting, actor=request.user, version=meeting.version)
                messages.success(request, _("Đã kết thúc cuộc họp; kết quả và danh sách xếp hạng đã được chốt."))
            else:
                messages.success(request, _("Đã lưu kết quả bỏ phiếu."))
        except ValidationError as exc:
            error_messages(request, exc)
        return redirect(reverse("nominations:council", args=[public_id]))
    votes = list(
        meeting.votes.select_related("nomination__award_form", "nomination__unit").order_by(
            "nomination__award_form__name", "nomination__subject", "rank", "pk"
        )
    )
    return render(request, "nominations/council.html", {"meeting": meeting, "votes": votes, "can_run": can_run})


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
    if request.method == "POST":
        action = request.POST.get("action", "")
        version = posted_version(request)
        try:
            if action == "save":
                require(request.user, "nominations.prepare_dossier", sub)
                services.submission_update(
                    sub,
                    actor=request.user,
                    version=version,
                    chosen_ids=request.POST.getlist("chon") if request.POST.get("choosing") else None,
                    number=request.POST.get("number", "").strip(),
                    signed_on=posted_date(request.POST.get("signed_on", "")),
                    signer_name=request.POST.get("signer_name", "").strip(),
                    signer_position=request.POST.get("signer_position", "").strip(),
                    excerpt=request.POST.get("excerpt", "").strip()[:300],
                    **({"attachment": request.FILES["attachment"]} if "attachment" in request.FILES else {}),
                )
                messages.success(request, _("Đã lưu hồ sơ."))
            elif action == "submit":
                require(request.user, "nominations.sign_dossier", sub)
                services.submission_submit(sub, actor=request.user, version=version)
                messages.success(request, _("Đã ký và gửi hồ sơ lên %(u)s.") % {"u": sub.to_unit.name})
            elif action == "return":
                require(request.user, "nominations.review_dossier", sub)
                services.submission_return(
                    sub, actor=request.user, reason=request.POST.get("reason", ""), version=version
                )
                messages.success(request, _("Đã trả lại hồ sơ."))
            elif action == "reopen":
                require(request.user, "nominations.review_dossier", sub)
                until = posted_date(request.POST.get("until", ""))
                if until is None:
                    raise ValidationError(_("Ngày mở lại đến phải có dạng dd/mm/yyyy."))
                services.submission_reopen(
                    sub,
                    actor=request.user,
                    until=dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=LOCAL_TZ),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Đã mở lại hạn nộp cho %(u)s.") % {"u": sub.from_unit.name})
            else:
                messages.error(request, UNKNOWN_ACTION)
        except ValidationError as exc:
            error_messages(request, exc)
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
    return render(
        request,
        "nominations/submission.html",
        {
            "sub": sub,
            "items": items,
            "candidates": [(n, n.pk in chosen) for n in candidates],
            "checklist": services.checklist(sub),
            "locked": services.submission_locked(sub),
            "perms": perms,
            "editable": sub.state in (Submission.State.DRAFT, Submission.State.RETURNED),
        },
    )


# --- Decisions and the public page ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, public_id: str, code: str) -> HttpResponse:
    award_round = selectors.round_get_for_user(request.user, public_id)
    unit = selectors.unit_in_round(request.user, award_round, code)
    require(request.user, "nominations.manage_level", unit)
    forms = list(award_round.award_forms.select_related("authority_unit"))
    form = next(
        (f for f in forms if f.pk == _int(request.GET.get("hinh-thuc") or request.POST.get("award_form"))), None
    )
    errors = None
    if request.method == "POST":
        try:
            if form is None:
                raise ValidationError(_("Hãy chọn hình thức khen thưởng."))
            decision = services.decision_create(
                award_round,
                unit,
                actor=request.user,
                award_form=form,
                number=request.POST.get("number", ""),
                signed_on=posted_date(request.POST.get("signed_on", "")),
                signer_name=request.POST.get("signer_name", ""),
                signer_position=request.POST.get("signer_position", ""),
                nomination_ids=[i for i in request.POST.getlist("chon") if i.isdigit()],
            )
            messages.success(request, _("Đã ghi quyết định. Tiếp theo: công khai kết quả để lấy ý kiến."))
            return redirect(reverse("nominations:decision", args=[decision.public_id]))
        except ValidationError as exc:
            errors = exc.messages
    candidates = services.decision_candidates(award_round, unit, form) if form else []
    return render(
        request,
        "nominations/decision_create.html",
        {
            "round": award_round,
            "unit": unit,
            "forms": forms,
            "form": form,
            "candidates": candidates,
            "errors": errors,
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, public_id: str) -> HttpResponse:
    obj = selectors.decision_get_for_user(request.user, public_id)
    can_manage = request.user.has_perm("nominations.manage_level", obj.unit)
    if request.method == "POST":
        require(request.user, "nominations.manage_level", obj.unit)
        action = request.POST.get("action", "")
        try:
            if action == "post":
                services.decision_post(obj, actor=request.user, version=posted_version(request))
                messages.success(request, _("Đã công khai kết quả; ý kiến được nhận đến hết thời hạn."))
            elif action == "finalise":
                services.decision_finalise(obj, actor=request.user, version=posted_version(request))
                messages.success(request, _("Quyết định đã có hiệu lực; giấy chứng nhận đã được cấp số."))
            elif action == "resolve":
                objection = Objection.objects.filter(decision=obj, pk=_int(request.POST.get("objection"), 0)).first()
                if objection is None:
                    raise Http404
                services.objection_resolve(objection, actor=request.user, resolution=request.POST.get("resolution", ""))
                messages.success(request, _("Đã ghi kết quả xử lý ý kiến."))
            else:
                messages.error(request, UNKNOWN_ACTION)
        except ValidationError as exc:
            error_messages(request, exc)
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
        },
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
    errors, sent = None, False
    if request.method == "POST":
        if request.POST.get("website"):  # honeypot: a field people never see
            raise Http404
        try:
            services.objection_create(
                obj,
                name=request.POST.get("name", ""),
                contact=request.POST.get("contact", ""),
                text=request.POST.get("text", ""),
                nomination_id=_int(request.POST.get("nomination")),
            )
            sent = True
        except ValidationError as exc:
            errors = exc.messages
    return render(
        request,
        "nominations/public.html",
        {
            "decision": obj,
            "rows": list(obj.nominations.order_by("subject", "pk")),
            "window_open": obj.state == Decision.State.POSTED and timezone.now() < obj.objection_until,
            "errors": errors,
            "sent": sent,
            "posted": request.POST if errors else {},
        },
        status=400 if errors else 200,
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

"""Every URL of the portal × every member of the cast × GET and POST → the expected status.

A new URL without a row here fails `test_every_url_has_a_row`. Objects of another province are requested
by their real URLs and must answer 404 (not 403: an outsider learns nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from campaigns import services as campaign_services
from campaigns.models import Obligation, Task
from units import services
from units.models import Membership

from .conftest import build_cast
from .factories import school_campaign, yearly_target_report

USERS = ["anonymous", "principal_a", "teacher_a", "principal_b", "reviewer_p", "officer_s", "outsider"]

# Library URLs (login, MFA, the Django admin) are tested by their libraries and by tests/units/test_auth.py.
EXTERNAL_MODULES = ("allauth.", "django.contrib.admin")


@dataclass
class Row:
    url: Callable  # (cast, extra) -> str
    get: dict[str, int]
    post: dict[str, int]


def _memo(cast, key: str, build) -> dict:
    """The objects of a group of rows, built once per module with the cast (see the `world` fixture)."""
    memo = cast.__dict__.setdefault("_memo", {})
    if key not in memo:
        memo[key] = build(cast)
    return memo[key]


def everyone(code: int, anonymous: int = 302) -> dict[str, int]:
    return {u: (anonymous if u == "anonymous" else code) for u in USERS}


def who(default: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    result = everyone(default, anonymous)
    result.update(overrides)
    return result


# Visibility of school A: its own staff, the Phòng reviewer and the Sở officer; nobody else.
SEES_A = dict(principal_a=200, teacher_a=200, reviewer_p=200, officer_s=200)
HIDES_A = dict(principal_b=404, outsider=404)
# Managing school A's people: its head and the Sở officer; others who see it get 403.
MANAGES_A = dict(principal_a=200, teacher_a=403, reviewer_p=403, officer_s=200, **HIDES_A)
# Changing school A's record (name, parent): officers only.
EDITS_A = dict(principal_a=403, teacher_a=403, reviewer_p=403, officer_s=200, **HIDES_A)
# Person of school B: school B's head, the reviewer and the officer see them.
SEES_B_PERSON = dict(principal_a=404, teacher_a=404, principal_b=200, reviewer_p=200, officer_s=200, outsider=404)


def _extra(cast) -> dict:
    return _memo(cast, "_extra", _build_extra)


def _build_extra(cast) -> dict:
    block = services.block_save(
        organiser=cast.phong_p,
        school_year="2025-2026",
        name="Khối THCS - Tiểu học",
        members=[cast.school_a, cast.school_b],
    )
    teacher_role = Membership.objects.get(user=cast.teacher_a, unit=cast.school_a)
    return {"block": block, "teacher_role": teacher_role, **_campaign_objects(cast)}


def _campaign_objects(cast) -> dict:
    """A published campaign of Sở S (schools take part) with a deadline, a target, a task, a signed PDF,
    and a draft of Sở S with one phase."""
    published = school_campaign(cast)
    deadline, target = yearly_target_report(published)
    task = campaign_services.part_save(
        published, Task, code="2.1", title="Xây dựng kho học liệu", lead_unit=cast.phong_p
    )
    campaign_services.campaign_publish(published, now=dt.datetime(2025, 8, 2, 9, 0, tzinfo=dt.UTC))
    campaign_services.campaign_attach(published, SimpleUploadedFile("kh.pdf", b"%PDF-1.4 test"))
    draft = campaign_services.campaign_create(
        issuer=cast.so_s,
        title="Dự thảo kế hoạch",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    phase = campaign_services.phase_save(
        draft, name="Giai đoạn 1", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 6, 30)
    )
    obligation = Obligation.objects.filter(deadline=deadline, unit=cast.school_a).first()
    return {
        "campaign": published,
        "deadline": deadline,
        "target": target,
        "task": task,
        "draft": draft,
        "phase": phase,
        "obligation": obligation,
    }


ROWS: dict[str, Row] = {
    "units:home": Row(lambda c, x: reverse("units:home"), everyone(200), everyone(405)),
    "units:profile": Row(lambda c, x: reverse("units:profile"), everyone(200), everyone(405)),
    "units:unit_list": Row(lambda c, x: reverse("units:unit_list"), everyone(200), everyone(405)),
    "units:unit_detail": Row(
        lambda c, x: reverse("units:unit_detail", args=[c.school_a.code]), who(404, **SEES_A), everyone(405)
    ),
    "units:unit_children": Row(
        lambda c, x: reverse("units:unit_children", args=[c.school_a.code]), who(404, **SEES_A), everyone(405)
    ),
    "units:unit_create": Row(
        lambda c, x: reverse("units:unit_create", args=[c.school_a.code]),
        who(404, **MANAGES_A),
        who(404, **MANAGES_A),
    ),
    "units:unit_edit": Row(
        lambda c, x: reverse("units:unit_edit", args=[c.school_a.code]),
        who(404, **EDITS_A),
        who(404, **EDITS_A),
    ),
    "units:unit_move": Row(
        lambda c, x: reverse("units:unit_move", args=[c.school_a.code]),
        who(404, **EDITS_A),
        who(404, **EDITS_A),
    ),
    "units:person_list": Row(
        lambda c, x: reverse("units:person_list", args=[c.school_a.code]), who(404, **SEES_A), everyone(405)
    ),
    "units:person_create": Row(
        lambda c, x: reverse("units:person_create", args=[c.school_a.code]),
        who(404, **MANAGES_A),
        who(404, **MANAGES_A),
    ),
    "units:membership_list": Row(
        lambda c, x: reverse("units:membership_list", args=[c.school_a.code]),
        who(404, **SEES_A),
        who(404, **MANAGES_A),
    ),
    "units:block_create": Row(
        lambda c, x: reverse("units:block_create", args=[c.so_s.code]),
        who(404, officer_s=200),
        who(404, officer_s=200),
    ),
    "units:person_detail": Row(
        lambda c, x: reverse("units:person_detail", args=[c.person_b.public_id]),
        who(404, **SEES_B_PERSON),
        everyone(405),
    ),
    "units:person_edit": Row(
        lambda c, x: reverse("units:person_edit", args=[c.person_b.public_id]),
        who(404, **{**SEES_B_PERSON, "reviewer_p": 403}),
        who(404, **{**SEES_B_PERSON, "reviewer_p": 403}),
    ),
    "units:person_account": Row(
        lambda c, x: reverse("units:person_account", args=[c.person_b.public_id]),
        everyone(405),
        who(404, **{**SEES_B_PERSON, "principal_b": 302, "reviewer_p": 403, "officer_s": 302}),
    ),
    "units:membership_revoke": Row(
        lambda c, x: reverse("units:membership_revoke", args=[x["teacher_role"].public_id]),
        everyone(405),
        who(404, principal_a=302, teacher_a=403, reviewer_p=403, officer_s=302),
    ),
    "units:block_list": Row(lambda c, x: reverse("units:block_list"), everyone(200), everyone(405)),
    "units:block_detail": Row(
        lambda c, x: reverse("units:block_detail", args=[x["block"].public_id]),
        who(200, outsider=404),
        everyone(405),
    ),
    "units:block_edit": Row(
        lambda c, x: reverse("units:block_edit", args=[x["block"].public_id]),
        who(403, officer_s=200, outsider=404),
        who(403, officer_s=200, outsider=404),
    ),
    "units:person_unlock": Row(
        lambda c, x: reverse("units:person_unlock", args=[c.person_b.public_id]),
        everyone(405),
        who(404, **{**SEES_B_PERSON, "principal_b": 302, "reviewer_p": 403, "officer_s": 302}),
    ),
    "units:logout_everywhere": Row(lambda c, x: reverse("units:logout_everywhere"), everyone(405), everyone(302)),
    # The audit log: officers (and administrators) of a scope read it; nobody writes through a page.
    "units:audit_log": Row(lambda c, x: reverse("units:audit_log"), who(403, officer_s=200), everyone(405)),
    "units:healthz": Row(
        lambda c, x: reverse("units:healthz"), everyone(200, anonymous=200), everyone(405, anonymous=405)
    ),
}

# --- notifications ---------------------------------------------------------------------------------
ROWS.update(
    {
        "units:messages": Row(lambda c, x: reverse("units:messages"), everyone(200), everyone(405)),
        "units:message_read": Row(lambda c, x: reverse("units:message_read"), everyone(405), everyone(302)),
        "units:message_preferences": Row(
            lambda c, x: reverse("units:message_preferences"), everyone(200), everyone(302)
        ),
        "units:outbox": Row(lambda c, x: reverse("units:outbox"), who(403, officer_s=200), everyone(405)),
    }
)

# --- campaigns ---------------------------------------------------------------------------------------
# The published campaign of Sở S is visible to everyone in province S; the draft only to its issuer.
SEES_CAMPAIGN = who(200, outsider=404)
ONLY_ISSUER = who(404, officer_s=200)
EDITOR_ACTS = who(403, officer_s=302, outsider=404)
CAN_ISSUE = who(200, teacher_a=403, reviewer_p=403)
ANSWERS = who(403, principal_a=200, principal_b=200, outsider=404)
REPORT_VIEW = who(200, principal_b=404, outsider=404)
REPORT_POST = who(403, principal_a=302, teacher_a=302, principal_b=404, outsider=404)
REVIEWS_A = who(403, reviewer_p=302, officer_s=302, principal_b=404, outsider=404)
CHANGE = who(403, officer_s=200, outsider=404)


def _draft_url(name, *args):
    return lambda c, x: reverse(name, args=[x["draft"].public_id, *args])


def _pub_url(name, *args):
    return lambda c, x: reverse(name, args=[x["campaign"].public_id, *args])


ROWS.update(
    {
        "campaigns:list": Row(lambda c, x: reverse("campaigns:list"), everyone(200), everyone(405)),
        "campaigns:create": Row(lambda c, x: reverse("campaigns:create"), CAN_ISSUE, CAN_ISSUE),
        "campaigns:detail": Row(_pub_url("campaigns:detail"), SEES_CAMPAIGN, everyone(405)),
        "campaigns:edit": Row(_draft_url("campaigns:edit"), ONLY_ISSUER, ONLY_ISSUER),
        "campaigns:part_add": Row(_draft_url("campaigns:part_add", "giai-doan"), everyone(405), ONLY_ISSUER),
        "campaigns:part_delete": Row(
            lambda c, x: reverse("campaigns:part_delete", args=[x["draft"].public_id, "giai-doan", x["phase"].pk]),
            everyone(405),
            who(404, officer_s=302),
        ),
        "campaigns:publish": Row(_draft_url("campaigns:publish"), everyone(405), who(404, officer_s=302)),
        "campaigns:close": Row(_pub_url("campaigns:close"), everyone(405), EDITOR_ACTS),
        "campaigns:clone": Row(_pub_url("campaigns:clone"), everyone(405), EDITOR_ACTS),
        "campaigns:answer": Row(_pub_url("campaigns:answer"), ANSWERS, ANSWERS),
        "campaigns:target_report": Row(
            lambda c, x: reverse("campaigns:target_report", args=[x["campaign"].public_id, c.school_a.code, "2025"]),
            REPORT_VIEW,
            REPORT_POST,
        ),
        "campaigns:attachment_upload": Row(_pub_url("campaigns:attachment_upload"), everyone(405), EDITOR_ACTS),
        "campaigns:attachment_download": Row(_pub_url("campaigns:attachment_download"), SEES_CAMPAIGN, everyone(405)),
        "campaigns:deadline_change": Row(
            lambda c, x: reverse("campaigns:deadline_change", args=[x["deadline"].public_id]), CHANGE, CHANGE
        ),
        "campaigns:target_change": Row(
            lambda c, x: reverse("campaigns:target_change", args=[x["target"].public_id]), CHANGE, CHANGE
        ),
        "campaigns:obligation_reopen": Row(
            lambda c, x: reverse("campaigns:obligation_reopen", args=[x["obligation"].public_id]),
            everyone(405),
            REVIEWS_A,
        ),
        "campaigns:obligation_excuse": Row(
            lambda c, x: reverse("campaigns:obligation_excuse", args=[x["obligation"].public_id]),
            everyone(405),
            REVIEWS_A,
        ),
        "campaigns:task_note": Row(
            lambda c, x: reverse("campaigns:task_note", args=[x["task"].public_id]),
            everyone(405),
            EDITOR_ACTS,
        ),
    }
)


# --- self-assessment (criteria) ------------------------------------------------------------------------
# School A's assessment (2025-2026) with its evidence library: school A's staff, the Phòng reviewer and the
# Sở officer see it; only the head runs it; reviewers and officers above it review it.


def _assessment(cast) -> dict:
    return _memo(cast, "_assessment", _build_assessment)


def _build_assessment(cast) -> dict:
    from criteria import services as criteria_services

    assessment = criteria_services.assessment_start(cast.school_a, "2025-2026", actor=cast.principal_a)
    item = criteria_services.evidence_upload(
        cast.school_a,
        SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 evidence"),
        title="Kế hoạch CĐS",
        issued_on=None,
        actor=cast.principal_a,
    )
    return {"assessment": assessment, "entry": assessment.entries.first(), "item": item}


def _a_url(name: str, *more):
    return lambda c, x: reverse(name, args=[_assessment(c)["assessment"].public_id, *more])


HEAD_A = dict(principal_a=200, teacher_a=403, reviewer_p=403, officer_s=403, **HIDES_A)
REVIEWERS = who(403, reviewer_p=200, officer_s=200)

ROWS.update(
    {
        "criteria:home": Row(lambda c, x: reverse("criteria:home"), everyone(200), everyone(405)),
        "criteria:start": Row(
            lambda c, x: reverse("criteria:start", args=[c.school_a.code]),
            everyone(405),
            who(404, **{**HEAD_A, "principal_a": 302}),
        ),
        "criteria:queue": Row(
            lambda c, x: reverse("criteria:queue"), REVIEWERS, who(403, reviewer_p=400, officer_s=400)
        ),
        "criteria:summary": Row(lambda c, x: reverse("criteria:summary"), REVIEWERS, everyone(405)),
        "criteria:evidence_list": Row(
            lambda c, x: reverse("criteria:evidence_list", args=[c.school_a.code]),
            who(404, **SEES_A),
            who(404, principal_a=400, teacher_a=400, reviewer_p=403, officer_s=403),
        ),
        "criteria:evidence_download": Row(
            lambda c, x: reverse("criteria:evidence_download", args=[_assessment(c)["item"].public_id]),
            who(404, **SEES_A),
            everyone(405),
        ),
        "criteria:detail": Row(_a_url("criteria:detail"), who(404, **SEES_A), everyone(405)),
        "criteria:team": Row(_a_url("criteria:team"), who(404, **HEAD_A), who(404, **{**HEAD_A, "principal_a": 302})),
        "criteria:entry": Row(
            lambda c, x: reverse(
                "criteria:entry", args=[_assessment(c)["assessment"].public_id, _assessment(c)["entry"].pk]
            ),
            who(404, **SEES_A),
            who(404, **{**HEAD_A, "principal_a": 409}),  # an empty form carries no version: refused as stale
        ),
        "criteria:step": Row(_a_url("criteria:step", "gui"), everyone(405), who(404, **{**HEAD_A, "principal_a": 302})),
        "criteria:minutes": Row(_a_url("criteria:minutes"), who(404, **SEES_A), everyone(405)),
        "criteria:review": Row(
            _a_url("criteria:review"),
            who(404, principal_a=403, teacher_a=403, reviewer_p=200, officer_s=200),
            who(404, principal_a=403, teacher_a=403, reviewer_p=302, officer_s=302),
        ),
        # A draft is not public: 404 for everyone, signed in or not (the published page: test_assessment_cycle).
        "criteria:public": Row(_a_url("criteria:public"), everyone(404, anonymous=404), everyone(405, anonymous=405)),
        "criteria:set_list": Row(lambda c, x: reverse("criteria:set_list"), everyone(200), everyone(405)),
        "criteria:set_detail": Row(
            lambda c, x: reverse("criteria:set_detail", args=["qd4725-v1"]), everyone(200), everyone(405)
        ),
        "criteria:set_export": Row(
            lambda c, x: reverse("criteria:set_export", args=["qd4725-v1"]), everyone(200), everyone(405)
        ),
        "criteria:set_import": Row(
            lambda c, x: reverse("criteria:set_import", args=["qd4725-v1"]),
            who(403, officer_s=200),
            who(403, officer_s=200),
        ),
        # A national set is activated by the national role only (see test_set_views_national_role).
        "criteria:set_activate": Row(
            lambda c, x: reverse("criteria:set_activate", args=["qd4725-v1"]), everyone(405), everyone(403)
        ),
    }
)


# --- nominations ---------------------------------------------------------------------------------------
# A round of Phòng P's plan (seed 000 shape). School A's collective nomination has been voted by its council
# and sent in a dossier to the Phòng; a draft decision sits at Sở S. Drafting is for school A's own people;
# the Phòng reviews what was sent to it; the head alone runs the council and signs.


def _nominations(cast) -> dict:
    return _memo(cast, "_nominations", _build_nominations)


def _build_nominations(cast) -> dict:
    from nominations import services as nomination_services
    from nominations.models import Decision

    from .nominations.helpers import campaign_000, council_pass, dossier, ready

    campaign = campaign_000(cast)
    award_round = nomination_services.round_create(
        campaign, kind="yearly", school_year="2026-2027", actor=cast.officer_s
    )
    form = award_round.award_forms.get()
    nomination = nomination_services.nomination_create(
        award_round, cast.school_a, actor=cast.principal_a, award_form=form, subject="collective"
    )
    ready(nomination, cast.principal_a)
    meeting = council_pass(award_round, cast.school_a, cast.principal_a)
    sub = dossier(award_round, cast.school_a, cast.principal_a)
    nomination_services.submission_submit(sub, actor=cast.principal_a, version=sub.version)
    decision = Decision.objects.create(
        round=award_round,
        unit=cast.so_s,
        award_form=form,
        number="9/QĐ",
        signed_on=dt.date(2026, 10, 1),
        authority_name="Giám đốc Sở",
    )
    return {
        "campaign": campaign,
        "round": award_round,
        "nomination": nomination,
        "meeting": meeting,
        "submission": sub,
        "decision": decision,
    }


def _n_url(name: str, key: str, *more):
    def url(c, x):
        objs = _nominations(c)
        return reverse(name, args=[objs[key].public_id, *more])

    return url


def _n_unit_url(name: str):
    return lambda c, x: reverse(name, args=[_nominations(c)["round"].public_id, c.school_a.code])


IN_ROUND = dict(principal_a=200, teacher_a=200, principal_b=200, reviewer_p=200, officer_s=200, outsider=404)
SEES_A_ONLY = dict(principal_a=200, teacher_a=200, reviewer_p=200, officer_s=200)
HEADS = dict(principal_a=200, teacher_a=403, principal_b=200, reviewer_p=403, officer_s=200, outsider=404)
REVIEWS = dict(principal_a=200, teacher_a=403, principal_b=200, reviewer_p=200, officer_s=200, outsider=404)

ROWS.update(
    {
        "nominations:home": Row(lambda c, x: reverse("nominations:home"), everyone(200), everyone(405)),
        "nominations:my_awards": Row(lambda c, x: reverse("nominations:my_awards"), everyone(200), everyone(405)),
        "nominations:round_create": Row(
            _n_url("nominations:round_create", "campaign"),
            everyone(405),
            who(403, outsider=404),
        ),
        "nominations:board": Row(_n_url("nominations:board", "round"), who(200, **IN_ROUND), everyone(405)),
        "nominations:quotas": Row(
            _n_url("nominations:quotas", "round"),
            who(200, **HEADS),
            who(302, **{k: (302 if v == 200 else v) for k, v in HEADS.items()}),
        ),
        "nominations:queue": Row(
            _n_url("nominations:queue", "round"),
            who(200, **REVIEWS),
            who(302, **{k: (302 if v == 200 else v) for k, v in REVIEWS.items()}),
        ),
        "nominations:create": Row(
            _n_unit_url("nominations:create"),
            who(404, principal_a=200, teacher_a=200, reviewer_p=403, officer_s=403),
            who(404, principal_a=400, teacher_a=400, reviewer_p=403, officer_s=403),
        ),
        "nominations:council_create": Row(
            _n_unit_url("nominations:council_create"),
            who(404, principal_a=200, teacher_a=403, reviewer_p=403, officer_s=403),
            who(404, principal_a=400, teacher_a=403, reviewer_p=403, officer_s=403),
        ),
        "nominations:submission_create": Row(
            _n_unit_url("nominations:submission_create"),
            everyone(405),
            who(404, principal_a=302, teacher_a=403, reviewer_p=403, officer_s=403),
        ),
        "nominations:decision_create": Row(
            _n_unit_url("nominations:decision_create"),
            who(404, principal_a=200, teacher_a=403, reviewer_p=403, officer_s=403),
            who(404, principal_a=400, teacher_a=403, reviewer_p=403, officer_s=403),
        ),
        # Sent to the Phòng: visible to school A, the Phòng and the Sở; nobody edits it while it is there.
        "nominations:detail": Row(
            _n_url("nominations:detail", "nomination"),
            who(404, **SEES_A_ONLY),
            who(404, principal_a=403, teacher_a=403, reviewer_p=403, officer_s=403),
        ),
        "nominations:action": Row(
            _n_url("nominations:action", "nomination", "duyet"),
            everyone(405),
            who(404, principal_a=403, teacher_a=403, reviewer_p=400, officer_s=403),
        ),
        "nominations:council": Row(
            _n_url("nominations:council", "meeting"),
            who(404, **SEES_A_ONLY),
            who(404, principal_a=400, teacher_a=403, reviewer_p=403, officer_s=403),
        ),
        "nominations:submission": Row(
            _n_url("nominations:submission", "submission"),
            who(404, **SEES_A_ONLY),
            who(404, principal_a=302, teacher_a=302, reviewer_p=302, officer_s=302),
        ),
        "nominations:decision": Row(
            _n_url("nominations:decision", "decision"), who(404, officer_s=200), who(404, officer_s=302)
        ),
        # A draft decision is not public: 404 for everyone, signed in or not.
        "nominations:public": Row(
            _n_url("nominations:public", "decision"), everyone(404, anonymous=404), everyone(404, anonymous=404)
        ),
    }
)


# --- reports -----------------------------------------------------------------------------------------
# A finished export of the Sở officer (only its requester sees it or its file), a PDF requested from school
# A's dossier (school A's head, the Phòng and the Sở may; a teacher may not) and a public verification code.


def _reports(cast) -> dict:
    return _memo(cast, "_reports", _build_reports)


def _build_reports(cast) -> dict:
    from reports import services as report_services
    from reports.models import IssuedDocument

    extra = _extra(cast)
    job = report_services.job_request(
        cast.officer_s, kind="campaign_status", unit=cast.so_s, params={"campaign": extra["campaign"].public_id}
    )
    report_services.job_run(job.pk)
    doc = IssuedDocument.objects.create(kind="Tờ trình", number="1/TTr", issuer_name="Trường A", title="Thử")
    return {"job": job, "doc": doc}


OWNER_ONLY = dict(principal_a=404, teacher_a=404, principal_b=404, reviewer_p=404, officer_s=200, outsider=404)

ROWS.update(
    {
        "reports:home": Row(lambda c, x: reverse("reports:home"), everyone(200), who(302, teacher_a=403)),
        "reports:jobs": Row(lambda c, x: reverse("reports:jobs"), everyone(200), everyone(405)),
        "reports:document": Row(
            lambda c, x: reverse("reports:document", args=["ho-so", _nominations(c)["submission"].public_id]),
            everyone(405),
            who(404, principal_a=302, teacher_a=403, reviewer_p=302, officer_s=302),
        ),
        "reports:job": Row(
            lambda c, x: reverse("reports:job", args=[_reports(c)["job"].public_id]),
            who(404, **OWNER_ONLY),
            everyone(405),
        ),
        "reports:download": Row(
            lambda c, x: reverse("reports:download", args=[_reports(c)["job"].public_id]),
            who(404, **OWNER_ONLY),
            everyone(405),
        ),
        # Public: anyone confirms a document by its code.
        "reports:verify": Row(
            lambda c, x: reverse("reports:verify", args=[_reports(c)["doc"].code]),
            everyone(200, anonymous=200),
            everyone(200, anonymous=200),  # a file to compare with the original (none posted: asked for)
        ),
    }
)


def _project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns and namespace and p.namespace:
                    ns = f"{namespace}:{p.namespace}"
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                module = getattr(p.callback, "__module__", "") or ""
                if module.startswith(EXTERNAL_MODULES) or not p.name or (namespace or "").startswith("admin"):
                    continue
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_has_a_row():
    names = _project_url_names()
    missing = names - ROWS.keys()
    stale = ROWS.keys() - names
    assert not missing, f"URLs without a permission-matrix row: {sorted(missing)}"
    assert not stale, f"Rows for URLs that no longer exist: {sorted(stale)}"


CASES = [(name, user, method) for name in sorted(ROWS) for user in USERS for method in ("get", "post")]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The cast and every row's objects, built once for the module inside a transaction rolled back at its
    end; each case runs in its own savepoint (the `db` fixture), so a POST changes nothing for the next."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            cast = build_cast()
            _extra(cast)
            _assessment(cast)
            _nominations(cast)
            _reports(cast)
            yield cast
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.parametrize(("name", "user_key", "method"), CASES, ids=["-".join(c) for c in CASES])
def test_matrix(world, db, client, name, user_key, method):
    cast = world
    row = ROWS[name]
    extra = _extra(cast)
    user = cast.users()[user_key]
    if user is not None:
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    url = row.url(cast, extra)
    response = getattr(client, method)(url, {})
    expected = getattr(row, method)[user_key]
    assert response.status_code == expected, f"{method.upper()} {url} as {user_key}"
    if expected == 302 and user_key == "anonymous":
        assert "/tai-khoan/login/" in response["Location"]


# The set views with a national role (the ministry's officer), next to the cast's provincial officer and school
# roles above: the national role imports and activates national sets; officer_s imports (its province's own
# version) but may not activate a national one (403 in ROWS); schools only read.
NATIONAL_SET_CASES = [
    ("criteria:set_list", "get", 200),
    ("criteria:set_detail", "get", 200),
    ("criteria:set_export", "get", 200),
    ("criteria:set_import", "get", 200),
    ("criteria:set_import", "post", 200),
    ("criteria:set_activate", "get", 405),
    ("criteria:set_activate", "post", 302),
]


@pytest.mark.parametrize(
    ("name", "method", "expected"), NATIONAL_SET_CASES, ids=["-".join(map(str, c)) for c in NATIONAL_SET_CASES]
)
def test_set_views_national_role(world, db, client, name, method, expected):
    from .factories import UserFactory, grant

    national = UserFactory(username="national_matrix")
    grant(national, world.ministry, "officer")
    client.force_login(national, backend="allauth.account.auth_backends.AuthenticationBackend")
    url = reverse(name) if name == "criteria:set_list" else reverse(name, args=["qd4725-v1"])
    response = getattr(client, method)(url, {})
    assert response.status_code == expected, f"{method.upper()} {url} as national"

"""Seed 002's quotas on the cast: the Sở council selects 07 + 15 a year, each block proposes 02 + 05, each
division of the Sở 01 + 01; a level hands part of its quota down; deadlines lock and the parent reopens;
the same nominee is never proposed twice; stale autosaves are refused without losing what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.models import AwardPlan, Campaign, Obligation
from nominations import services
from nominations.models import Nomination, Quota, Submission
from units import services as unit_services
from units.models import UnitKind

from ..factories import PersonFactory, UserFactory, grant, make_unit
from .helpers import (
    GIAY_KHEN,
    PUBLISHED,
    YEAR,
    as_user,
    campaign_000,
    collective_dossier,
    council_pass,
    dossier,
    heads,
    ready,
)

pytestmark = pytest.mark.django_db


def campaign_002(cast):
    campaign = campaign_services.campaign_create(
        issuer=cast.so_s,
        number="1234/KH-SGDĐT",
        issued_on=dt.date(2025, 8, 1),
        title="Phong trào thi đua Chuyển đổi số ngành GD&ĐT",
        start_date=dt.date(2025, 8, 1),
        end_date=dt.date(2027, 12, 31),
        participant_kinds=list(UnitKind.objects.filter(code__in=["thpt", "phong-gddt", "phong-chuc-nang-so"])),
    )
    for scope, c, i in (("council", 7, 15), ("block", 2, 5), ("division", 1, 1)):
        campaign_services.part_save(
            campaign,
            AwardPlan,
            name=GIAY_KHEN,
            authority="Giám đốc Sở GD&ĐT Sông Xanh",
            round="yearly",
            quota_scope=scope,
            quota_collectives=c,
            quota_individuals=i,
        )
    campaign_services.campaign_publish(campaign, now=PUBLISHED)
    return Campaign.objects.get(pk=campaign.pk)


@pytest.fixture
def seed002(cast):
    h = heads(cast)
    schools = [make_unit("thpt", cast.so_s, code=f"THPT-{i}", name=f"Trường THPT số {i}") for i in range(1, 4)]
    division = make_unit("phong-chuc-nang-so", cast.so_s, code="SO-S-VP", name="Văn phòng Sở")
    unit_services.block_save(organiser=cast.so_s, school_year=YEAR, name="Khối THPT", members=schools)
    campaign = campaign_002(cast)
    award_round = services.round_create(campaign, kind="yearly", school_year=YEAR, actor=h["head_s"])
    heads_of = {}
    for school in [*schools, division]:
        head = UserFactory(username=f"head-{school.code.lower()}")
        grant(head, school, "head")
        heads_of[school.code] = head
    return {"round": award_round, "schools": schools, "division": division, "heads": heads_of, **h}


def _send_collective(award_round, school, head):
    n = services.nomination_create(
        award_round, school, actor=head, award_form=award_round.award_forms.get(), subject="collective"
    )
    ready(n, head)
    council_pass(award_round, school, head)
    sub = dossier(award_round, school, head)
    services.submission_submit(sub, actor=head, version=sub.version)
    n.refresh_from_db()
    return n


def test_round_takes_the_seed_002_quotas(seed002):
    quotas = {q.scope: (q.max_collectives, q.max_individuals) for q in seed002["round"].quotas.all()}
    assert quotas == {"council": (7, 15), "block": (2, 5), "division": (1, 1)}


def test_block_quota_02_collectives(seed002, cast):
    award_round = seed002["round"]
    sent = [_send_collective(award_round, s, seed002["heads"][s.code]) for s in seed002["schools"]]
    assert all(n.state == Nomination.State.SUBMITTED and n.level == cast.so_s for n in sent)
    services.nomination_approve(sent[0], actor=cast.officer_s)
    services.nomination_approve(sent[1], actor=cast.officer_s)
    with pytest.raises(ValidationError, match="khối thi đua “Khối THPT”"):
        services.nomination_approve(sent[2], actor=cast.officer_s)
    # Taking one approval back frees the slot.
    services.nomination_unapprove(sent[0], actor=cast.officer_s, reason="Xếp lại thứ tự")
    services.nomination_approve(sent[2], actor=cast.officer_s)
    assert Nomination.objects.filter(state="approved").count() == 2


def test_division_quota_01_individual_at_submission(seed002, cast):
    award_round, division = seed002["round"], seed002["division"]
    head = seed002["heads"][division.code]
    form = award_round.award_forms.get()
    people = [PersonFactory(unit=division, category="official") for _ in range(2)]
    for p in people:
        ready(
            services.nomination_create(
                award_round, division, actor=head, award_form=form, subject="individual", person=p
            ),
            head,
        )
    council_pass(award_round, division, head)
    sub = dossier(award_round, division, head)
    assert sub.items.count() == 2
    with pytest.raises(ValidationError, match="Vượt hạn mức: Văn phòng Sở được trình tối đa 1 cá nhân"):
        services.submission_submit(sub, actor=head, version=sub.version)
    assert Submission.objects.get(pk=sub.pk).state == Submission.State.DRAFT  # nothing sent
    keep = sub.items.first().nomination_id
    sub = services.submission_update(sub, actor=head, version=sub.version, chosen_ids=[keep])
    services.submission_submit(sub, actor=head, version=sub.version)
    assert Nomination.objects.get(pk=keep).state == Nomination.State.SUBMITTED


def test_council_quota_and_hand_down(seed002, cast):
    award_round = seed002["round"]
    council = award_round.quotas.get(scope="council")
    services.quota_save(
        award_round,
        award_form=council.award_form,
        scope="council",
        unit=cast.so_s,
        max_collectives=1,
        max_individuals=15,
        actor=seed002["head_s"],
    )
    sent = [_send_collective(award_round, s, seed002["heads"][s.code]) for s in seed002["schools"][:2]]
    services.nomination_approve(sent[0], actor=cast.officer_s)
    with pytest.raises(ValidationError, match="Hội đồng TĐKT của Sở Giáo dục và Đào tạo Sông Xanh"):
        services.nomination_approve(sent[1], actor=cast.officer_s)
    with pytest.raises(ValidationError, match="không thể giảm hạn mức"):
        services.quota_save(
            award_round,
            award_form=council.award_form,
            scope="council",
            unit=cast.so_s,
            max_collectives=0,
            max_individuals=15,
            actor=seed002["head_s"],
        )
    # The Sở hands part of its council quota to the Phòng: 1 + 3 at most, never more than it has.
    part = services.quota_hand_down(
        council, child=cast.phong_p, max_collectives=1, max_individuals=3, actor=seed002["head_s"]
    )
    assert part.scope == Quota.Scope.UNIT and part.parent == council
    with pytest.raises(ValidationError, match="vượt hạn mức"):
        services.quota_hand_down(
            council, child=seed002["schools"][0], max_collectives=1, max_individuals=13, actor=seed002["head_s"]
        )


def test_quota_page_sets_and_hands_down(seed002, cast):
    award_round = seed002["round"]
    client = as_user(seed002["head_s"])
    url = reverse("nominations:quotas", args=[award_round.public_id])
    page = client.get(url).content.decode()
    assert "Hội đồng TĐKT của đơn vị" in page
    council = award_round.quotas.get(scope="council")
    r = client.post(
        url,
        {
            "action": "hand_down",
            "quota": council.public_id,
            "child": cast.phong_p.code,
            "max_collectives": "1",
            "max_individuals": "99",
        },
    )
    assert r.status_code == 400 and "vượt hạn mức" in r.content.decode()  # drawn again with the error
    r = client.post(
        url,
        {
            "action": "hand_down",
            "quota": council.public_id,
            "child": cast.phong_p.code,
            "max_collectives": "1",
            "max_individuals": "2",
        },
    )
    assert Quota.objects.filter(unit=cast.phong_p, parent=council, max_individuals=2).exists()


def test_deadline_locks_and_parent_reopens(cast):
    """A dossier after the locked deadline is refused until the Phòng reopens it for that school."""
    h = heads(cast)
    campaign = campaign_000(cast)
    award_round = services.round_create(campaign, kind="yearly", school_year="2025-2026", actor=h["head_p"])
    assert award_round.period == "2026"  # due 01/10/2026, before today
    sub = collective_dossier(award_round, cast)
    with pytest.raises(ValidationError, match="Đã quá hạn nộp hồ sơ"):
        services.submission_submit(sub, actor=cast.principal_a, version=sub.version)
    client = as_user(cast.reviewer_p)
    url = reverse("nominations:submission", args=[sub.public_id])
    assert "Mở lại hạn nộp" in client.get(url).content.decode()
    until = (dt.date.today() + dt.timedelta(days=5)).strftime("%d/%m/%Y")
    client.post(url, {"action": "reopen", "until": until, "reason": "Trường bị mất điện"})
    sub.refresh_from_db()
    services.submission_submit(sub, actor=cast.principal_a, version=sub.version)
    ob = Obligation.objects.get(deadline=award_round.deadline, unit=cast.school_a, period="2026")
    # Let in by the reopening, and still late (issue 17: lateness is counted from the original deadline).
    assert ob.status == Obligation.Status.LATE and ob.reopened_until is not None and ob.days_late(ob.submitted_at) > 0
    sub.refresh_from_db()
    assert sub.submitted_late


def test_duplicates_subtree_and_stale_autosave(cast):
    h = heads(cast)
    award_round = services.round_create(campaign_000(cast), kind="yearly", school_year=YEAR, actor=h["head_p"])
    form = award_round.award_forms.get()
    n = services.nomination_create(
        award_round,
        cast.school_a,
        actor=cast.principal_a,
        award_form=form,
        subject="individual",
        person=cast.person_teacher_a,
    )
    with pytest.raises(ValidationError, match="đã được Trường THCS An Bình đề nghị"):
        services.nomination_create(
            award_round,
            cast.school_a,
            actor=cast.principal_a,
            award_form=form,
            subject="individual",
            person=cast.person_teacher_a,
        )
    with pytest.raises(ValidationError, match="Chỉ đề nghị tập thể thuộc đơn vị mình"):
        services.nomination_create(
            award_round,
            cast.school_a,
            actor=cast.principal_a,
            award_form=form,
            subject="collective",
            nominee_unit=cast.school_b,
        )
    # Two people on the same nomination: the second save is refused with the first person's name.
    principal, teacher = as_user(cast.principal_a), as_user(cast.teacher_a)
    url = reverse("nominations:detail", args=[n.public_id])
    r = teacher.post(url, {"version": n.version, "r-tasks": "Bản của giáo viên"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "Đã tự động lưu" in r.content.decode()
    r = principal.post(url, {"version": n.version, "r-tasks": "Bản của hiệu trưởng"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 409 and "Giáo viên A" in r.content.decode()
    r = principal.post(url, {"version": n.version, "r-tasks": "Bản của hiệu trưởng"})
    assert r.status_code == 409 and "Bản của hiệu trưởng" in r.content.decode()  # what was typed stays
    n.refresh_from_db()
    assert n.report["tasks"] == "Bản của giáo viên"
    # An upload that is not what it claims is refused; nothing is attached.
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = principal.post(
        reverse("nominations:action", args=[n.public_id, "minh-chung"]),
        {"title": "x", "file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00binary")},
    )
    assert n.evidence.count() == 0
    assert r.status_code == 400 and "tệp" in r.content.decode().lower()

"""Campaigns shaped like seed 000 (Phòng forwards 02 + 02 to the Sở) and seed 002 (Sở council 07 + 15, each
block 02 + 05, each division 01 + 01) on the test cast, and shortcuts to drive a nomination to a level."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from campaigns import services as campaign_services
from campaigns.models import AwardPlan, Campaign, CampaignCriterion
from nominations import services
from units.models import Role, UnitKind

from ..factories import UserFactory, grant

YEAR = "2026-2027"
PUBLISHED = dt.datetime(2025, 8, 2, 9, 0, tzinfo=dt.UTC)
GIAY_KHEN = "Giấy khen của Giám đốc Sở GD&ĐT"


def as_user(user) -> Client:
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def pdf(name: str = "minh-chung.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf")


def campaign_000(cast, *, deadline_locks: bool = True):
    """Phòng P's plan (like seed 000): schools take part; the Phòng forwards at most 02 + 02 to the Sở for
    the Sở director's Giấy khen; nominations due 01/10 every year."""
    campaign = campaign_services.campaign_create(
        issuer=cast.phong_p,
        number="5189/KH-PGDĐT",
        issued_on=dt.date(2025, 8, 1),
        title="Phong trào thi đua Chuyển đổi số",
        start_date=dt.date(2025, 8, 1),
        end_date=dt.date(2027, 12, 31),
        participant_kinds=list(UnitKind.objects.filter(code__in=["thcs", "tieu-hoc"])),
        duplicate_confirmed=True,  # some tests build the plan twice (same number, issuer and year)
    )
    campaign_services.part_save(
        campaign,
        CampaignCriterion,
        subject="collective",
        order=1,
        text="Đạt mức độ 2 trở lên trên cả 02 tiêu chí",
        check_code="dx_level_2_both",
    )
    campaign_services.part_save(
        campaign,
        AwardPlan,
        name=GIAY_KHEN,
        authority="Giám đốc Sở GD&ĐT Sông Xanh",
        round="yearly",
        quota_scope="unit",
        quota_collectives=2,
        quota_individuals=2,
    )
    campaign_services.deadline_save(
        campaign,
        title="Hồ sơ đề nghị khen thưởng gửi về Phòng GD&ĐT",
        kind="nomination",
        recurrence="yearly",
        day=1,
        month=10,
        basis="calendar_year",
        locks=deadline_locks,
    )
    campaign_services.campaign_publish(campaign, now=PUBLISHED)
    campaign = Campaign.objects.get(pk=campaign.pk)
    campaign_services.obligations_materialise(campaign)
    return campaign


def heads(cast) -> dict:
    """The Phòng's and the Sở's heads (the cast has reviewers and officers, not heads above schools)."""
    head_p = UserFactory(username="head_p", first_name="Trưởng phòng P")
    head_s = UserFactory(username="head_s", first_name="Giám đốc Sở S")
    grant(head_p, cast.phong_p, Role.HEAD)
    grant(head_s, cast.so_s, Role.HEAD)
    return {"head_p": head_p, "head_s": head_s}


def ready(nomination, head, *, summary="Hoàn thành xuất sắc nhiệm vụ chuyển đổi số."):
    """Fills the report's required fields, confirms it as the head and attaches one evidence file."""
    fields = {f["key"]: "Nội dung đầy đủ" for f in nomination.report_template.fields}
    n = services.nomination_save(nomination, actor=head, version=nomination.version, summary=summary, report=fields)
    services.nomination_evidence(n, actor=head, upload=pdf(), title="Minh chứng")
    n.refresh_from_db()
    services.nomination_confirm(n, actor=head)
    n.refresh_from_db()
    return n


def council_pass(award_round, unit, actor, *, votes=None, total=9):
    meeting = services.council_create(
        award_round,
        unit,
        actor=actor,
        held_at=dt.datetime(2025, 9, 20, 8, 0, tzinfo=dt.UTC),
        chair_name="Chủ tịch",
        secretary_name="Thư ký",
        members_total=total,
        members_present=total,
    )
    rows = {v.nomination_id: (votes or {}).get(v.nomination_id, total) for v in meeting.votes.all()}
    meeting = services.council_record(meeting, actor=actor, version=meeting.version, votes=rows)
    return services.council_close(meeting, actor=actor, version=meeting.version)


def dossier(award_round, unit, head, *, number="01/TTr"):
    sub = services.submission_create(award_round, unit, actor=head)
    return services.submission_update(
        sub,
        actor=head,
        version=sub.version,
        number=number,
        signed_on=dt.date(2025, 9, 25),
        signer_name=head.get_full_name(),
        signer_position="Thủ trưởng",
    )


def collective_dossier(award_round, cast):
    """School A's dossier, ready to send: one collective nomination with its report, passed by the council."""
    n = services.nomination_create(
        award_round,
        cast.school_a,
        actor=cast.principal_a,
        award_form=award_round.award_forms.get(),
        subject="collective",
    )
    ready(n, cast.principal_a)
    council_pass(award_round, cast.school_a, cast.principal_a)
    return dossier(award_round, cast.school_a, cast.principal_a)

"""manage.py seed_nominations — the demo's award rounds (run after seed_campaigns): seed 000's yearly round
at Phòng GD&ĐT Cần Giuộc with THCS Phước Lý's dossier already sent and waiting for the Phòng's review, and
seed 002's yearly round at Sở Bình Phước with its three quotas, open for nominations. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.core.management import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from nominations import services
from nominations.models import AwardRound
from units.models import Membership, Person, Role, Unit, school_year_of

REPORT = {
    "tasks": "Chủ trì triển khai sổ điểm điện tử, học bạ số và dạy học trực tuyến cho toàn trường.",
    "initiatives": "Sáng kiến “Ngân hàng học liệu số dùng chung” được Phòng GD&ĐT công nhận.",
    "functions": "Trường THCS công lập, thực hiện chương trình giáo dục phổ thông cấp THCS.",
    "structure": "45 cán bộ, giáo viên, nhân viên; 18 lớp với 720 học sinh.",
    "results": "100% giáo viên dạy học có ứng dụng CNTT; 100% khoản thu không dùng tiền mặt.",
    "measures": "Tập huấn kỹ năng số hằng tháng; xây dựng kho học liệu số dùng chung.",
    "hometown": "Long An",
}


class Command(BaseCommand):
    help = "Tạo các đợt xét khen thưởng trình diễn (sau seed_campaigns)."

    def handle(self, *args, **options) -> None:
        year = school_year_of(timezone.localdate())
        with transaction.atomic():
            made = [self._can_giuoc(year), self._binh_phuoc(year)]
        self.stdout.write("Đợt xét khen thưởng: " + ", ".join(r.name[:60] for r in made if r))

    def _user(self, unit_code: str, role: str):
        m = Membership.objects.filter(unit__code=unit_code, role=role, revoked_at__isnull=True).first()
        if m is None:
            raise CommandError(f"Không thấy tài khoản {role} tại {unit_code}: chạy `manage.py seed_demo` trước.")
        return m.user

    def _round(self, issuer_code: str, year: str, actor) -> AwardRound | None:
        campaign = Campaign.objects.filter(issuer__code=issuer_code, status=Campaign.Status.PUBLISHED).first()
        if campaign is None:
            return None
        existing = AwardRound.objects.filter(campaign=campaign, school_year=year, kind="yearly").first()
        if existing:
            return None
        return services.round_create(campaign, kind="yearly", school_year=year, actor=actor)

    def _nominate(self, award_round, school, head, *, people: int, collective: bool):
        form = award_round.award_forms.order_by("pk").first()
        made = []
        if collective:
            made.append(
                services.nomination_create(
                    award_round,
                    school,
                    actor=head,
                    award_form=form,
                    subject="collective",
                    summary="Đơn vị dẫn đầu chuyển đổi số của huyện.",
                )
            )
        for person in Person.objects.filter(unit=school, user__isnull=True).order_by("pk")[:people]:
            made.append(
                services.nomination_create(
                    award_round,
                    school,
                    actor=head,
                    award_form=form,
                    subject="individual",
                    person=person,
                    summary="Tiêu biểu trong ứng dụng học liệu số.",
                )
            )
        for n in made:
            keys = {f["key"] for f in n.report_template.fields if f.get("required")}
            report = {k: REPORT.get(k, "Đã cập nhật đầy đủ.") for k in keys}
            services.nomination_save(n, actor=head, version=n.version, summary=None, report=report)
        return made

    def _can_giuoc(self, year: str):
        reviewer = self._user("PGD-CG", Role.REVIEWER)
        award_round = self._round("PGD-CG", year, reviewer)
        if award_round is None:
            return None
        school = Unit.objects.get(code="CG-THCS-PL")
        head = self._user("CG-THCS-PL", Role.HEAD)
        made = self._nominate(award_round, school, head, people=2, collective=True)
        for n in made:
            n.refresh_from_db()
            services.nomination_confirm(n, actor=head)
            services.nomination_evidence(n, actor=head, url="https://thcsphuocly.edu.vn/minh-chung", title="Báo cáo")
        meeting = services.council_create(
            award_round,
            school,
            actor=head,
            held_at=timezone.now() - dt.timedelta(days=2),
            chair_name="Hiệu trưởng",
            secretary_name="Thư ký",
            members_total=9,
            members_present=9,
        )
        votes = {n.pk: 9 - i for i, n in enumerate(made)}
        meeting = services.council_record(meeting, actor=head, version=meeting.version, votes=votes)
        services.council_close(meeting, actor=head, version=meeting.version)
        sub = services.submission_create(award_round, school, actor=head)
        sub = services.submission_update(
            sub,
            actor=head,
            version=sub.version,
            number="15/TTr-THCSPL",
            signed_on=timezone.localdate(),
            signer_name=head.get_full_name(),
            signer_position="Hiệu trưởng",
        )
        services.submission_submit(sub, actor=head, version=sub.version)
        return award_round

    def _binh_phuoc(self, year: str):
        officer = self._user("SO-BP", Role.OFFICER)
        award_round = self._round("SO-BP", year, officer)
        if award_round is None:
            return None
        return award_round  # its quotas (07 + 15 council, 02 + 05 per block, 01 + 01 per division) are the demo

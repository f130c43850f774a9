"""manage.py seed_nominations — the demo's award rounds (run after seed_campaigns): seed 000's yearly round
at Phòng GD&ĐT Cần Giuộc with THCS Phước Lý's dossier already sent and waiting for the Phòng's review, and
seed 002's yearly round at Sở Bình Phước with its three quotas, open for nominations. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.core.management import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from campaigns.demo_data import demo_now
from campaigns.models import Campaign, Obligation
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


EVIDENCE = [
    ("Quyết định công nhận sáng kiến “Ngân hàng học liệu số dùng chung”", "sang-kien-hoc-lieu-so"),
    ("Báo cáo kết quả chuyển đổi số năm học của nhà trường", "bao-cao-chuyen-doi-so"),
    ("Giấy chứng nhận giải Nhì hội thi giáo viên dạy giỏi ứng dụng CNTT cấp huyện", "giai-nhi-hoi-thi-cntt"),
    ("Biên bản kiểm tra hồ sơ sổ điểm điện tử, học bạ số", "kiem-tra-so-diem-dien-tu"),
]


class Command(BaseCommand):
    help = "Tạo các đợt xét khen thưởng trình diễn (sau seed_campaigns và seed_assessments)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args, today: dt.date | None = None, **options) -> None:
        self.today = today or timezone.localdate()
        self.now = demo_now(self.today)
        year = school_year_of(self.today)
        with transaction.atomic():
            made = [self._can_giuoc(year), self._binh_phuoc(year), self._dong_nai(year)]
        self.stdout.write("Đợt xét khen thưởng: " + ", ".join(r.name[:60] for r in made if r))

    def _ago(self, days: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days)

    def _user(self, unit_code: str, role: str):
        m = Membership.objects.filter(unit__code=unit_code, role=role, revoked_at__isnull=True).first()
        if m is None:
            raise CommandError(f"Không thấy tài khoản {role} tại {unit_code}: chạy `manage.py seed_demo` trước.")
        return m.user

    def _round(self, issuer_code: str, year: str, actor) -> AwardRound | None:
        """The yearly round of the issuer's current plan (the one whose period covers today)."""
        campaign = (
            Campaign.objects.filter(
                issuer__code=issuer_code,
                status=Campaign.Status.PUBLISHED,
                start_date__lte=self.today,
                end_date__gte=self.today,
                award_plans__round="yearly",
            )
            .order_by("-issued_on", "-pk")
            .first()
        )
        if campaign is None:
            return None
        if AwardRound.objects.filter(campaign=campaign, school_year=year, kind="yearly").exists():
            return None
        # The round's period is the one of its nomination deadline's occurrence nearest to today.
        ob = (
            Obligation.objects.filter(deadline__campaign=campaign, deadline__kind="nomination")
            .order_by("due_at")
            .first()
        )
        period = ob.period if ob else ""
        return services.round_create(campaign, kind="yearly", school_year=year, actor=actor, period=period)

    def _nominate(self, award_round, school, head, *, people: int, collective: bool, proposed_by=None):
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
                    proposed_by=proposed_by,
                    nominee_unit=proposed_by,
                    summary="Tập thể dẫn đầu phong trào chuyển đổi số, 100% hồ sơ xử lý trên môi trường mạng.",
                    now=self._ago(12),
                )
            )
        staff = Person.objects.filter(unit=school, user__isnull=True, category__in=["teacher", "it_officer"])
        for person in staff.order_by("code")[:people]:
            made.append(
                services.nomination_create(
                    award_round,
                    school,
                    actor=head,
                    award_form=form,
                    subject="individual",
                    person=person,
                    summary=f"{person.position} tiêu biểu trong xây dựng học liệu số và dạy học trực tuyến.",
                    now=self._ago(11),
                )
            )
        for n in made:
            keys = {f["key"] for f in n.report_template.fields if f.get("required")}
            report = {k: REPORT.get(k, "Đã cập nhật đầy đủ theo mẫu.") for k in keys}
            services.nomination_save(n, actor=head, version=n.version, summary=None, report=report)
        return made

    def _can_giuoc(self, year: str):
        """THCS Phước Lý sent its dossier to the Phòng; the Phòng returned one nominee with a reason and the
        rest waits in its queue."""
        reviewer = self._user("PGD-CG", Role.REVIEWER)
        award_round = self._round("PGD-CG", year, reviewer)
        if award_round is None:
            return None
        school = Unit.objects.get(code="CG-THCS-PL")
        head = self._user("CG-THCS-PL", Role.HEAD)
        made = self._nominate(award_round, school, head, people=2, collective=True)
        for i, n in enumerate(made):
            n.refresh_from_db()
            services.nomination_confirm(n, actor=head, now=self._ago(6))
            title, slug = EVIDENCE[i % len(EVIDENCE)]
            services.nomination_evidence(
                n, actor=head, url=f"https://thcsphuocly.edu.vn/minh-chung/{slug}", title=title
            )
        meeting = services.council_create(
            award_round,
            school,
            actor=head,
            held_at=self._ago(4),
            chair_name=head.get_full_name(),
            secretary_name="Nguyễn Thị Thu Hà",
            members_total=9,
            members_present=9,
        )
        votes = {n.pk: 9 - i for i, n in enumerate(made)}
        meeting = services.council_record(meeting, actor=head, version=meeting.version, votes=votes)
        services.council_close(meeting, actor=head, version=meeting.version, now=self._ago(4))
        sub = services.submission_create(award_round, school, actor=head)
        sub = services.submission_update(
            sub,
            actor=head,
            version=sub.version,
            number=f"{15 + self.today.month}/TTr-THCSPL",
            signed_on=self._ago(3).date(),
            signer_name=head.get_full_name(),
            signer_position="Hiệu trưởng",
        )
        services.submission_submit(sub, actor=head, version=sub.version, now=self._ago(3))
        last = made[-1]
        last.refresh_from_db()
        services.nomination_return(
            last,
            actor=reviewer,
            reason="Báo cáo thành tích chưa có số liệu cụ thể về học liệu số; bổ sung minh chứng giải thưởng.",
            now=self._ago(1),
        )
        return award_round

    def _binh_phuoc(self, year: str):
        """The Sở's round whose locked deadline passed 4 days ago: THPT Đồng Xoài's dossier came in on time
        and waits; the council, block and division quotas are the plan's."""
        officer = self._user("SO-BP", Role.OFFICER)
        award_round = self._round("SO-BP", year, officer)
        if award_round is None:
            return None
        school = Unit.objects.get(code="BP-THPT-DX")
        head = Membership.objects.filter(unit=school, role=Role.HEAD, revoked_at__isnull=True).first()
        if head is None:
            return award_round
        head = head.user
        made = self._nominate(award_round, school, head, people=1, collective=True)
        for i, n in enumerate(made):
            n.refresh_from_db()
            services.nomination_confirm(n, actor=head, now=self._ago(9))
            title, slug = EVIDENCE[(i + 1) % len(EVIDENCE)]
            services.nomination_evidence(
                n, actor=head, url=f"https://thptdongxoai.edu.vn/minh-chung/{slug}", title=title
            )
        meeting = services.council_create(
            award_round,
            school,
            actor=head,
            held_at=self._ago(8),
            chair_name=head.get_full_name(),
            secretary_name="Trần Minh Khoa",
            members_total=11,
            members_present=10,
        )
        meeting = services.council_record(
            meeting, actor=head, version=meeting.version, votes={n.pk: 10 - i for i, n in enumerate(made)}
        )
        services.council_close(meeting, actor=head, version=meeting.version, now=self._ago(8))
        sub = services.submission_create(award_round, school, actor=head)
        sub = services.submission_update(
            sub,
            actor=head,
            version=sub.version,
            number="27/TTr-THPTĐX",
            signed_on=self._ago(7).date(),
            signer_name=head.get_full_name(),
            signer_position="Hiệu trưởng",
        )
        services.submission_submit(sub, actor=head, version=sub.version, now=self._ago(7))
        return award_round

    def _dong_nai(self, year: str):
        """The Sở Đồng Nai round, open: THPT Lộc Ninh's head has started a nomination, and its Tổ Toán
        proposes its own team to the school's council."""
        officer = self._user("SO-DN", Role.OFFICER)
        award_round = self._round("SO-DN", year, officer)
        if award_round is None:
            return None
        school = Unit.objects.get(code="BP-THPT-LN")
        head = self._user("BP-THPT-LN", Role.HEAD)
        self._nominate(award_round, school, head, people=1, collective=False)
        team = Unit.objects.get(code="BP-THPT-LN-T01")
        lead = self._user("BP-THPT-LN-T01", Role.STAFF)
        form = award_round.award_forms.order_by("pk").first()
        services.nomination_create(
            award_round,
            school,
            actor=lead,
            award_form=form,
            subject="collective",
            nominee_unit=team,
            proposed_by=team,
            summary="Tổ Toán: 100% giáo viên dạy học có ứng dụng học liệu số; 2 sáng kiến cấp trường.",
            now=self._ago(2),
        )
        return award_round

"""manage.py seed_assessments — the demo's self-assessments (run by seed_demo after seed_campaigns), dated
from `--today`: last school year recognised and published for the demo schools (their public pages and
the levels chart), this year one in progress at each school with a principal login, and some sent and
waiting for the Phòng or the Sở. Each step goes through the services, with its history. Idempotent."""

from __future__ import annotations

import datetime as dt
import random

from django.core.management import BaseCommand
from django.db import transaction
from django.utils import timezone

from campaigns.deadlines import LOCAL_TZ
from criteria import services
from criteria.models import Assessment, CriterionEntry, EvidenceItem, Indicator
from units import services as unit_services
from units.models import Membership, Person, Role, Unit, User, school_year_of

# Evidence a school really keeps; each school gets its own dated copies (titles carry the school's name).
EVIDENCE_TITLES = [
    "Quyết định thành lập tổ tự đánh giá mức độ chuyển đổi số",
    "Kế hoạch ứng dụng CNTT và chuyển đổi số năm học {year}",
    "Báo cáo sử dụng sổ điểm điện tử, học bạ số học kỳ I",
    "Danh sách giáo viên tham gia dạy học trực tuyến",
    "Biên bản kiểm tra hạ tầng mạng và thiết bị dạy học",
    "Thống kê các khoản thu không dùng tiền mặt",
    "Quy chế quản lý, khai thác kho học liệu số của trường",
    "Danh sách cán bộ, viên chức được cấp chữ ký số",
]

# (unit code, last year's recognition, this year's state): "draft" = in progress (part filled),
# "submitted" = sent and waiting for the reviewer, None = not started.
PLAN = [
    ("CG-THCS-PL", True, "draft"),
    ("CG-TH-01", True, "submitted"),
    ("CG-THCS-02", True, "submitted"),
    ("CG-TH-THCS-TT", True, None),
    ("CG-THCS-05", True, None),
    ("CG-MN-00", True, None),
    ("BP-THPT-LN", True, "submitted"),
    ("DN-THPT-NTMK", True, "draft"),
    ("DN-THPT-LHP", True, None),
    ("BP-THPT-DX", True, "submitted"),
    ("BP-THPT-CBQ", True, None),
    ("LA-THPT-CG", True, "submitted"),
    ("LA-THPT-DT", True, None),
    ("TN-THPT-CTN", True, None),
]


class Command(BaseCommand):
    help = "Tạo các bản tự đánh giá trình diễn (sau seed_campaigns)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args, today: dt.date | None = None, **options) -> None:
        self.today = today or timezone.localdate()
        year = school_year_of(self.today)
        start = int(year[:4])
        last_year = f"{start - 1}-{start}"
        made = 0
        with transaction.atomic():
            for code, recognised, state in PLAN:
                unit = Unit.objects.filter(code=code, active_to__isnull=True).first()
                if unit is None:
                    continue
                if recognised:
                    made += self._last_year(unit, last_year, start)
                if state:
                    made += self._this_year(unit, year, start, state)
        self.stdout.write(f"Bản tự đánh giá mới: {made} (năm học {last_year} và {year}).")

    # --- helpers -----------------------------------------------------------------------------------------

    def _at(self, day: dt.date, hour: int = 9) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=LOCAL_TZ)

    def _people(self, unit: Unit):
        """The head (the school's principal gets an account without a demo password if it has none) and the
        other people holding a role at the unit."""
        rows = list(Membership.objects.filter(unit=unit, revoked_at__isnull=True).select_related("user"))
        heads = [m.user for m in rows if m.role == Role.HEAD]
        others = [m.user for m in rows if m.role != Role.HEAD]
        if not heads:
            person = Person.objects.filter(unit=unit, position="Hiệu trưởng").order_by("code").first()
            if person is None:
                return None, others
            user = person.user
            if user is None:
                last, first = person.full_name.rsplit(" ", 1)
                user = User(username=f"ht.{unit.code.lower()}", first_name=first, last_name=last)
                user.set_unusable_password()
                user.save()
                Person.objects.filter(pk=person.pk).update(user=user)
            unit_services.membership_grant(user=user, unit=unit, role=Role.HEAD)
            heads = [user]
        return heads[0], others

    def _reviewer(self, unit: Unit):
        """Who recognises the unit's result: a reviewer (else an officer or head) of its parent."""
        for role in (Role.REVIEWER, Role.OFFICER, Role.HEAD):
            m = Membership.objects.filter(unit=unit.parent, role=role, revoked_at__isnull=True).first()
            if m:
                return m.user
        return None

    def _evidence(self, unit: Unit, year: str, actor, issued: dt.date) -> list[EvidenceItem]:
        items = []
        short = unit.short_name or unit.name
        for i, title in enumerate(EVIDENCE_TITLES):
            full = f"{title.format(year=year)} — {short} ({year})"
            item = EvidenceItem.objects.filter(unit=unit, title=full).first() or services.evidence_link(
                unit,
                url=f"https://{unit.code.lower()}.edu.vn/minh-chung/{year}/{i + 1:02d}",
                title=full,
                issued_on=issued + dt.timedelta(days=3 * i),
                actor=actor,
            )
            items.append(item)
        return items

    def _values(self, indicator: Indicator, rng: random.Random, strength: float) -> dict:
        """A plausible answer; `strength` (0–1) moves the school between level 1 and level 3."""
        if indicator.kind == Indicator.Kind.MANDATORY:
            return {"value": "yes"}
        if indicator.kind == Indicator.Kind.YES_NO:
            return {"value": "yes" if rng.random() < strength else "no"}
        if indicator.kind == Indicator.Kind.LEVELS:
            choices = len(indicator.options.get("choices", [])) or 1
            return {"value": str(min(choices - 1, int(strength * choices + rng.random() * 0.8)))}
        if indicator.kind == Indicator.Kind.NUMBER:
            return {"value": str(rng.randint(2, 12))}
        if indicator.kind == Indicator.Kind.PERCENTAGE:
            denominator = rng.randint(28, 64)
            share = min(1.0, max(0.2, strength + rng.uniform(-0.15, 0.1)))
            return {"numerator": str(round(denominator * share)), "denominator": str(denominator)}
        return {}

    def _fill(self, assessment: Assessment, actor, items, now: dt.datetime, *, share: float = 1.0) -> None:
        rng = random.Random(f"{assessment.unit.code}{assessment.school_year}")
        strength = 0.45 + rng.random() * 0.5
        entries = list(CriterionEntry.objects.filter(assessment=assessment).select_related("criterion"))
        for n, entry in enumerate(entries):
            if n >= round(len(entries) * share):
                break
            indicators = list(Indicator.objects.filter(criterion=entry.criterion).exclude(kind="children"))
            values = {i.pk: self._values(i, rng, strength) for i in indicators}
            evidence = {i.pk: [items[(n + k) % len(items)]] for k, i in enumerate(indicators)}
            services.entry_save(entry, actor=actor, values=values, evidence=evidence, version=entry.version, now=now)

    def _prepare(
        self, unit: Unit, year: str, day: dt.date, head, others, items, *, share: float, filled: dt.date
    ) -> Assessment:
        """Started, team formed by decision, criteria assigned and (part of them) filled in."""
        assessment = services.assessment_start(unit, year, actor=head, now=self._at(day))
        tag = unit.code.split("-")[-1]
        members = [(head, True, "Tổ trưởng, chỉ đạo chung")] + [
            (u, False, "Nhập số liệu và minh chứng các tiêu chí được giao") for u in others
        ]
        services.team_save(
            assessment,
            actor=head,
            decision_number=f"{12 + len(tag)}/QĐ-{tag}",
            decision_date=day,
            members=members,
            now=self._at(day, 10),
        )
        if others:
            for k, entry in enumerate(CriterionEntry.objects.filter(assessment=assessment).order_by("pk")):
                services.entry_assign(entry, actor=head, lead=others[k % len(others)], cooperators=[])
        self._fill(assessment, head, items, self._at(filled), share=share)
        return Assessment.objects.get(pk=assessment.pk)

    def _send(self, assessment: Assessment, head, day: dt.date) -> Assessment:
        tag = assessment.unit.code.split("-")[-1]
        services.minutes_record(assessment, actor=head, now=self._at(day))
        services.assessment_approve(
            assessment, actor=head, number=f"{30 + len(tag)}/QĐ-{tag}", date=day, now=self._at(day, 14)
        )
        return services.assessment_submit(assessment, actor=head, now=self._at(day, 16))

    # --- the two school years ---------------------------------------------------------------------------

    def _last_year(self, unit: Unit, year: str, start: int) -> int:
        if Assessment.objects.filter(unit=unit, school_year=year).exists():
            return 0
        head, others = self._people(unit)
        reviewer = self._reviewer(unit)
        if head is None or reviewer is None:
            return 0
        items = self._evidence(unit, year, head, dt.date(start - 1, 9, 10))
        assessment = self._prepare(
            unit, year, dt.date(start - 1, 10, 2), head, others, items, share=1.0, filled=dt.date(start, 5, 20)
        )
        assessment = self._send(assessment, head, dt.date(start, 6, 8))
        services.assessment_recognise(
            [assessment],
            actor=reviewer,
            number=f"{90 + len(unit.parent.code)}/QĐ-{unit.parent.code.replace('-', '')}",
            date=dt.date(start, 6, 28),
            now=self._at(dt.date(start, 6, 28)),
            # The shipped sets are provisional (placeholder indicators): the demo's reviewer recognises knowingly.
            provisional_confirmed=True,
        )
        services.assessment_publish(assessment, actor=head, now=self._at(dt.date(start, 7, 2)))
        return 1

    def _this_year(self, unit: Unit, year: str, start: int, state: str) -> int:
        if Assessment.objects.filter(unit=unit, school_year=year).exists():
            return 0
        head, others = self._people(unit)
        if head is None:
            return 0
        began = max(dt.date(start, 9, 15), self.today - dt.timedelta(days=60))
        began = min(began, self.today - dt.timedelta(days=2))
        items = self._evidence(unit, year, head, began - dt.timedelta(days=5))
        if state == "draft":
            # In progress: about two thirds of the criteria entered; what is left blocks the approval.
            self._prepare(unit, year, began, head, others, items, share=0.6, filled=self.today - dt.timedelta(days=1))
            return 1
        filled = self.today - dt.timedelta(days=2)
        assessment = self._prepare(unit, year, began, head, others, items, share=1.0, filled=filled)
        self._send(assessment, head, self.today - dt.timedelta(days=1))
        return 1

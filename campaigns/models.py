"""Campaign plans (kế hoạch / phong trào thi đua) and everything a plan states: phases and reviews,
content, criteria, award forms with quotas, deadlines (one-off or yearly) materialised into per-unit
obligations, numeric targets with unit reports, and tasks assigned to units.

Nothing legal is hard-coded: every date, quota and threshold is a row on the campaign.
"""

from __future__ import annotations

import datetime as dt
import math

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import NFCModel, Person, Unit, UnitKind, User, new_public_id


class Campaign(NFCModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        PUBLISHED = "published", _("Đã ban hành")
        CLOSED = "closed", _("Đã kết thúc")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    issuer = models.ForeignKey(
        Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="campaigns"
    )
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True, help_text=_("Ví dụ: 2076/KH-SGDĐT"))
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    title = models.CharField(_("trích yếu / tên phong trào"), max_length=500)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)
    legal_basis = models.TextField(_("căn cứ"), blank=True)
    basis_campaigns = models.ManyToManyField(
        "self", verbose_name=_("kế hoạch làm căn cứ"), symmetrical=False, blank=True, related_name="cited_by"
    )
    purpose = models.TextField(_("mục đích"), blank=True)
    requirements = models.TextField(_("yêu cầu"), blank=True)
    participant_kinds = models.ManyToManyField(
        UnitKind, verbose_name=_("loại đơn vị tham gia"), blank=True, related_name="+"
    )
    participant_units = models.ManyToManyField(
        Unit, verbose_name=_("đơn vị tham gia (chỉ định)"), blank=True, related_name="participating_campaigns"
    )
    include_issuer = models.BooleanField(_("đơn vị ban hành cũng thi đua"), default=False)
    individual_categories = models.JSONField(_("đối tượng cá nhân"), default=list, blank=True)
    participants_note = models.TextField(_("đối tượng thi đua (nguyên văn)"), blank=True)
    start_date = models.DateField(_("thời gian thi đua từ"))
    end_date = models.DateField(_("đến"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    answers = models.ForeignKey(
        "self",
        verbose_name=_("hưởng ứng kế hoạch của cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
    )
    attachment = models.FileField(_("bản ký (PDF)"), upload_to="campaigns/%Y/", blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-created_at"]
        verbose_name = _("kế hoạch thi đua")
        verbose_name_plural = _("kế hoạch thi đua")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="campaign_period_ordered"),
            # One response plan per unit per parent campaign.
            models.UniqueConstraint(
                fields=["issuer", "answers"],
                condition=Q(answers__isnull=False),
                name="campaign_one_response_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Ngày kết thúc phải sau ngày bắt đầu.")})

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def years(self) -> list[int]:
        return list(range(self.start_date.year, self.end_date.year + 1))


class Phase(NFCModel):
    class Review(models.TextChoices):
        NONE = "", _("Không")
        MID = "so_ket", _("Sơ kết")
        FINAL = "tong_ket", _("Tổng kết")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    name = models.CharField(_("tên giai đoạn"), max_length=200)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    review = models.CharField(_("mốc đánh giá"), max_length=10, choices=Review.choices, blank=True)
    review_year = models.PositiveSmallIntegerField(_("năm sơ kết/tổng kết"), null=True, blank=True)
    review_quarter = models.PositiveSmallIntegerField(
        _("quý"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    review_date = models.DateField(_("ngày cụ thể"), null=True, blank=True)
    description = models.TextField(_("nội dung"), blank=True)

    class Meta:
        ordering = ["campaign", "order", "start_date"]
        verbose_name = _("giai đoạn")
        verbose_name_plural = _("giai đoạn")

    def __str__(self) -> str:
        return self.name

    @property
    def review_label(self) -> str:
        if not self.review:
            return ""
        when = ""
        if self.review_date:
            when = self.review_date.strftime("%d/%m/%Y")
        elif self.review_quarter and self.review_year:
            when = f"quý {['I', 'II', 'III', 'IV'][self.review_quarter - 1]}/{self.review_year}"
        elif self.review_year:
            when = f"năm {self.review_year}"
        return f"{self.get_review_display()} {when}".strip()

    @property
    def review_due(self) -> dt.date | None:
        """The last day the review may take place."""
        if self.review_date:
            return self.review_date
        if self.review_year and self.review_quarter:
            month = self.review_quarter * 3
            next_month = dt.date(self.review_year + (month == 12), month % 12 + 1, 1)
            return next_month - dt.timedelta(days=1)
        if self.review_year:
            return dt.date(self.review_year, 12, 31)
        return None


class ContentItem(NFCModel):
    """A nội dung thi đua (seed 000 §II.3: 3.1 … 3.6)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="content_items")
    code = models.CharField(_("mục"), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("nội dung"))

    class Meta:
        ordering = ["campaign", "order"]
        verbose_name = _("nội dung thi đua")
        verbose_name_plural = _("nội dung thi đua")

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}".strip()


class CampaignCriterion(NFCModel):
    """A tiêu chí thi đua for collectives or for one category of individuals. `check_code` names a condition
    the data can answer (filled in by the criteria and nominations apps), e.g. "dx_level_2_both"."""

    class Subject(models.TextChoices):
        COLLECTIVE = "collective", _("Tập thể")
        INDIVIDUAL = "individual", _("Cá nhân")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria")
    subject = models.CharField(_("áp dụng cho"), max_length=12, choices=Subject.choices)
    category = models.CharField(_("đối tượng cá nhân"), max_length=20, choices=Person.Category.choices, blank=True)
    order = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("tiêu chí"))
    check_code = models.CharField(_("điều kiện kiểm tra tự động"), max_length=40, blank=True)

    class Meta:
        ordering = ["campaign", "subject", "category", "order"]
        verbose_name = _("tiêu chí thi đua")
        verbose_name_plural = _("tiêu chí thi đua")

    def __str__(self) -> str:
        return self.text[:80]


class AwardPlan(NFCModel):
    """A hình thức khen thưởng the plan offers, with its quota as the plan states it. The nominations app
    turns these into award forms, rounds and quotas."""

    class Round(models.TextChoices):
        YEARLY = "yearly", _("Hằng năm")
        MID = "so_ket", _("Sơ kết")
        FINAL = "tong_ket", _("Tổng kết")

    class QuotaScope(models.TextChoices):
        UNIT = "unit", _("Mỗi đơn vị")
        BLOCK = "block", _("Mỗi khối/cụm thi đua")
        COUNCIL = "council", _("Hội đồng TĐKT của đơn vị ban hành")
        DIVISION = "division", _("Mỗi phòng chức năng")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="award_plans")
    name = models.CharField(_("hình thức khen thưởng"), max_length=200)
    authority = models.CharField(_("cấp khen"), max_length=200, blank=True)
    round = models.CharField(_("đợt"), max_length=10, choices=Round.choices, default=Round.YEARLY)
    for_collectives = models.BooleanField(_("cho tập thể"), default=True)
    for_individuals = models.BooleanField(_("cho cá nhân"), default=True)
    quota_scope = models.CharField(_("hạn mức tính theo"), max_length=10, choices=QuotaScope.choices, blank=True)
    quota_collectives = models.PositiveIntegerField(_("số tập thể tối đa"), null=True, blank=True)
    quota_individuals = models.PositiveIntegerField(_("số cá nhân tối đa"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["campaign", "pk"]
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("hình thức khen thưởng")

    def __str__(self) -> str:
        return self.name


class Deadline(NFCModel):
    """A tiến độ line: something units must submit by a date, once or every year.

    Dates are stored as the plan writes them. `before=True` is "trước ngày 01/10": the work is due by the
    end of 30/09 (see campaigns.deadlines.due_moment, the one place that rule lives)."""

    class Kind(models.TextChoices):
        RESPONSE_PLAN = "response_plan", _("Kế hoạch hưởng ứng")
        TARGET_REPORT = "target_report", _("Báo cáo chỉ tiêu")
        SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
        SELF_ASSESSMENT_APPROVAL = "sa_approval", _("Phê duyệt kết quả tự đánh giá")
        NOMINATION = "nomination", _("Hồ sơ đề nghị khen thưởng")
        COUNCIL = "council", _("Họp Hội đồng TĐKT")
        REPORT = "report", _("Báo cáo sơ kết, tổng kết")
        OTHER = "other", _("Khác")

    class Recurrence(models.TextChoices):
        ONCE = "once", _("Một lần")
        YEARLY = "yearly", _("Hằng năm")

    class Basis(models.TextChoices):
        SCHOOL_YEAR = "school_year", _("Theo năm học")
        CALENDAR_YEAR = "calendar_year", _("Theo năm dương lịch")

    class Audience(models.TextChoices):
        PARTICIPANTS = "participants", _("Các đơn vị tham gia")
        ISSUER = "issuer", _("Đơn vị ban hành")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    title = models.CharField(_("nội dung phải nộp"), max_length=300)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    recurrence = models.CharField(_("lặp lại"), max_length=10, choices=Recurrence.choices, default=Recurrence.ONCE)
    due_date = models.DateField(_("ngày"), null=True, blank=True, help_text=_("Với hạn một lần."))
    day = models.PositiveSmallIntegerField(_("ngày trong tháng"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("tháng"), null=True, blank=True)
    before = models.BooleanField(
        _("“trước ngày”"),
        default=True,
        help_text=_("Đánh dấu nếu văn bản ghi “trước ngày …”: hạn là hết ngày hôm trước."),
    )
    basis = models.CharField(_("chu kỳ"), max_length=14, choices=Basis.choices, default=Basis.SCHOOL_YEAR)
    first_year = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    remind_days_before = models.JSONField(
        _("nhắc trước hạn (số ngày)"),
        default=list,
        blank=True,
        help_text=_("Ví dụ [7, 3, 1]. Để trống: 7, 3 và 1 ngày."),
    )
    remind_on_day = models.BooleanField(_("nhắc vào ngày cuối"), default=True)
    remind_overdue = models.BooleanField(_("nhắc khi quá hạn (ngày đầu, rồi hằng tuần)"), default=True)
    locks = models.BooleanField(
        _("khóa sau hạn"), default=False, help_text=_("Sau hạn, hồ sơ chỉ đọc trừ khi cấp trên mở lại.")
    )
    audience = models.CharField(
        _("đơn vị phải nộp"), max_length=14, choices=Audience.choices, default=Audience.PARTICIPANTS
    )
    unit_kinds = models.ManyToManyField(
        UnitKind,
        verbose_name=_("chỉ các loại đơn vị"),
        blank=True,
        related_name="+",
        help_text=_("Để trống: mọi đơn vị tham gia."),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["campaign", "month", "day", "due_date", "pk"]
        verbose_name = _("hạn nộp")
        verbose_name_plural = _("hạn nộp")
        constraints = [
            models.CheckConstraint(
                condition=(Q(recurrence="once") & Q(due_date__isnull=False))
                | (Q(recurrence="yearly") & Q(day__isnull=False) & Q(month__isnull=False)),
                name="deadline_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def wording(self) -> str:
        """As the plan says it: "trước ngày 01/10 hằng năm", "trước ngày 20/8/2022"."""
        prefix = "trước ngày " if self.before else "đến hết ngày "
        if self.recurrence == self.Recurrence.ONCE and self.due_date:
            return prefix + self.due_date.strftime("%d/%m/%Y")
        if self.day and self.month:
            return f"{prefix}{self.day:02d}/{self.month:02d} hằng năm"
        return ""

    def clean(self) -> None:
        from .deadlines import validate_day_month

        if self.recurrence == self.Recurrence.ONCE:
            if not self.due_date:
                raise ValidationError({"due_date": _("Hạn một lần cần có ngày cụ thể.")})
        else:
            if not (self.day and self.month):
                raise ValidationError({"day": _("Hạn hằng năm cần có ngày và tháng.")})
            validate_day_month(self.day, self.month)
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": _("Năm kết thúc phải sau năm bắt đầu.")})


class Obligation(models.Model):
    """One unit's duty to meet one deadline in one period (a school year like "2024-2025", a calendar year
    like "2024", or "" for a one-off deadline). Created in bulk when the campaign is published or a year
    rolls over; the unique key makes that idempotent."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chưa nộp")
        SUBMITTED = "submitted", _("Đã nộp đúng hạn")
        LATE = "late", _("Nộp muộn")
        EXCUSED = "excused", _("Được miễn")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="obligations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="obligations")
    period = models.CharField(_("kỳ"), max_length=9, blank=True)
    due_at = models.DateTimeField(_("hạn chót"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reopened_until = models.DateTimeField(_("mở lại đến"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    link = models.CharField(_("liên kết tới hồ sơ đã nộp"), max_length=300, blank=True)

    class Meta:
        ordering = ["due_at", "unit"]
        verbose_name = _("nghĩa vụ nộp")
        verbose_name_plural = _("nghĩa vụ nộp")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "unit", "period"], name="obligation_unique_per_period")
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="obligation_status_due_idx"),
            models.Index(fields=["unit", "status"], name="obligation_unit_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.deadline} ({self.period or 'một lần'})"

    @property
    def due_wording(self) -> str:
        """The concrete deadline of this period as the plan would say it: "trước ngày 01/10/2025"."""
        from .deadlines import LOCAL_TZ

        day = self.due_at.astimezone(LOCAL_TZ).date()
        if self.deadline.before:
            return f"trước ngày {day:%d/%m/%Y}"
        return f"đến hết ngày {day - dt.timedelta(days=1):%d/%m/%Y}"

    @property
    def effective_due_at(self) -> dt.datetime:
        """Until when work is accepted (a reopening moves this, never the due moment lateness is counted from)."""
        return max(self.due_at, self.reopened_until) if self.reopened_until else self.due_at

    def is_reopened(self, now: dt.datetime) -> bool:
        """The parent reopened this unit's work and the reopening still runs."""
        return bool(self.reopened_until and now < self.reopened_until)

    @staticmethod
    def status_at(submitted_at: dt.datetime, due_at: dt.datetime, current: str) -> str:
        """The rule for what a submission is: lateness is a fact counted from the ORIGINAL due moment (a
        reopening lets late work in, it does not make it on time); an obligation the parent excused with a
        reason stays "Được miễn" whenever the work comes."""
        if current == Obligation.Status.EXCUSED:
            return Obligation.Status.EXCUSED
        return Obligation.Status.LATE if submitted_at >= due_at else Obligation.Status.SUBMITTED

    def days_late(self, now: dt.datetime) -> int:
        """Started days past the (original) due moment: at submission if submitted, else now; 0 when excused."""
        if self.status == self.Status.EXCUSED:
            return 0
        seconds = ((self.submitted_at or now) - self.due_at).total_seconds()
        return math.ceil(seconds / 86400) if seconds > 0 else 0


class Target(NFCModel):
    """A chỉ tiêu: what is measured and how (percentage, count, yes/no). `code` is the plan's own numbering
    ("b3", "4"); `measure` is the stable code of what a target measures when the portal reads it (the
    cashless-payment check of the award eligibility, the share of digitally signed documents computed beside
    the typed value), so no rule depends on how a plan words it."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Tỷ lệ % (tử số/mẫu số)")
        COUNT = "count", _("Số lượng")
        BOOLEAN = "boolean", _("Có/Không")

    class Measure(models.TextChoices):
        CASHLESS = "cashless", _("Thanh toán không dùng tiền mặt")
        # Computed from the portal's own data and shown beside the typed value (campaigns.measures).
        SIGNED_DOCUMENTS = "signed_documents", _("Tỷ lệ văn bản hồ sơ có chữ ký số hợp lệ, được tin cậy")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("mã"), max_length=20, blank=True)
    measure = models.CharField(
        _("đo lường (mã cố định)"),
        max_length=30,
        choices=Measure.choices,
        blank=True,
        db_index=True,
        help_text=_("Chọn khi cổng dùng chỉ tiêu để kiểm tra điều kiện khen thưởng hoặc tự tính từ dữ liệu."),
    )
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("chỉ tiêu"), max_length=400)
    kind = models.CharField(_("kiểu"), max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    numerator_label = models.CharField(_("tử số"), max_length=200, blank=True)
    denominator_label = models.CharField(_("mẫu số"), max_length=200, blank=True)
    unit_label = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    higher_is_better = models.BooleanField(_("càng cao càng tốt"), default=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return self.name


class TargetValue(models.Model):
    """The goal for a period (a year like "2025", or a phase's end) and, optionally, one unit kind."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(_("năm/kỳ"), max_length=9)
    unit_kind = models.ForeignKey(
        UnitKind,
        verbose_name=_("loại đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.DecimalField(_("giá trị mục tiêu"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["target", "period", "unit_kind"]
        verbose_name = _("mục tiêu theo kỳ")
        verbose_name_plural = _("mục tiêu theo kỳ")
        constraints = [
            models.UniqueConstraint(fields=["target", "period", "unit_kind"], name="targetvalue_unique"),
            models.UniqueConstraint(
                fields=["target", "period"],
                condition=Q(unit_kind__isnull=True),
                name="targetvalue_unique_all_kinds",
            ),
        ]

    def clean(self) -> None:
        if self.target_id and self.target.kind == Target.Kind.PERCENT and not (0 <= self.value <= 100):
            raise ValidationError({"value": _("Tỷ lệ mục tiêu phải từ 0 đến 100%.")})
        if self.target_id and self.target.kind == Target.Kind.BOOLEAN and self.value not in (0, 1):
            raise ValidationError({"value": _("Chỉ tiêu có/không nhận giá trị 1 (có) hoặc 0 (không).")})


class TargetReport(models.Model):
    """A unit's reported value for a target in a period."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="target_reports")
    period = models.CharField(_("năm/kỳ"), max_length=9)
    numerator = models.DecimalField(_("tử số"), max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(_("mẫu số"), max_digits=14, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=2, null=True, blank=True)
    evidence_url = models.URLField(_("liên kết minh chứng"), blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    reported_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["target", "unit", "period"]
        verbose_name = _("báo cáo chỉ tiêu")
        verbose_name_plural = _("báo cáo chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["target", "unit", "period"], name="targetreport_unique"),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=models.F("denominator")),
                name="targetreport_numerator_le_denominator",
            ),
        ]

    @property
    def actual(self):
        """The comparable value: a percentage for percent targets, else the value."""
        if self.target.kind == Target.Kind.PERCENT:
            if self.denominator:
                return self.numerator * 100 / self.denominator
            return None
        return self.value


class Task(NFCModel):
    """A nhiệm vụ of the plan (seed 001 §2.1–2.15) assigned to a lead unit with cooperators."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa triển khai")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(_("mục"), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(_("nhiệm vụ"), max_length=400)
    description = models.TextField(_("nội dung"), blank=True)
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_tasks",
    )
    lead_text = models.CharField(_("chủ trì (nguyên văn)"), max_length=200, blank=True)
    cooperating_units = models.ManyToManyField(Unit, verbose_name=_("đơn vị phối hợp"), blank=True, related_name="+")
    cooperating_text = models.CharField(_("phối hợp (nguyên văn)"), max_length=400, blank=True)
    due_date = models.DateField(_("thời hạn"), null=True, blank=True)
    due_text = models.CharField(_("thời hạn (nguyên văn)"), max_length=100, blank=True)
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0, validators=[MaxValueValidator(100)])

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class TaskNote(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("nội dung cập nhật"))
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), validators=[MaxValueValidator(100)])
    status = models.CharField(_("tình trạng"), max_length=12, choices=Task.Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "-created_at"]


class CampaignChange(models.Model):
    """A change made after publication (a deadline moved, a target changed, a unit reopened), with the
    reason. Units affected are told through the notification outbox (reminders issue)."""

    class What(models.TextChoices):
        DEADLINE = "deadline", _("Thay đổi hạn nộp")
        TARGET = "target", _("Thay đổi chỉ tiêu")
        REOPEN = "reopen", _("Mở lại cho đơn vị")
        STATUS = "status", _("Thay đổi trạng thái")
        OTHER = "other", _("Khác")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="changes")
    what = models.CharField(max_length=10, choices=What.choices)
    object_label = models.CharField(max_length=300)
    before = models.CharField(max_length=300, blank=True)
    after = models.CharField(max_length=300, blank=True)
    reason = models.TextField(_("lý do"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "-at"]
        verbose_name = _("thay đổi sau ban hành")
        verbose_name_plural = _("thay đổi sau ban hành")

"""Digital-transformation indicator sets (versioned data) and each unit's yearly self-assessment.

A set (QĐ 4725, 3276, 3806...) has groups of 100 points, criteria and indicators; the level rules are data on
the group. An assessment records the set it used, so a new version never changes a past result. Answers are
grouped per criterion (`CriterionEntry`): that is the unit of assignment (lead, cooperators), of optimistic
locking (two people on different criteria never collide) and of the reviewer's "return with a reason"."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Province, Unit, UnitKind, new_public_id, validate_school_year

# Shown on every page, public page, PDF and export computed from a set that still holds placeholder content.
PROVISIONAL_NOTE = _("Bộ chỉ số tạm — chưa phải văn bản chính thức")


class Level(models.IntegerChoices):
    ONE = 1, _("Mức độ 1 – chưa đáp ứng")
    TWO = 2, _("Mức độ 2 – đáp ứng cơ bản")
    THREE = 3, _("Mức độ 3 – đáp ứng tốt")


class IndicatorSet(models.Model):
    """One version of a ministry indicator set. `family` groups the versions of one decision.

    Governance: a version without `province` is national (changed and activated only by a national role); a
    version with a province is that province's own derivation, used only inside it. One version per family is
    active nationally and at most one per family and province; a new assessment takes its province's active
    version if any, else the national one (`criteria.sets.set_for`)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    family = models.SlugField(_("bộ chỉ số"), max_length=40)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên"), max_length=300)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    unit_kinds = models.ManyToManyField(UnitKind, verbose_name=_("áp dụng cho loại đơn vị"), related_name="+")
    valid_from = models.CharField(_("áp dụng từ năm học"), max_length=9, validators=[validate_school_year])
    mandatory_caps_level = models.BooleanField(
        _("chưa đạt điều kiện bắt buộc thì nhóm chỉ ở mức độ 1"),
        default=True,
        help_text=_("Quy tắc chưa được xác nhận chính thức; mặc định bật."),
    )
    has_placeholders = models.BooleanField(
        _("còn chỉ số tạm"),
        default=False,
        help_text=_("Bộ có nội dung tạm chờ cán bộ nhập danh mục chính thức từ Excel."),
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    province = models.ForeignKey(
        Province,
        verbose_name=_("bộ riêng của tỉnh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Để trống: bộ toàn quốc do Bộ quản lý. Có tỉnh: phiên bản tỉnh tự điều chỉnh, chỉ dùng trong tỉnh."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family", "-version"]
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")
        constraints = [models.UniqueConstraint(fields=["family", "version"], name="indicator_set_family_version")]

    def __str__(self) -> str:
        return f"{self.name} (phiên bản {self.version})"

    @property
    def is_provisional(self) -> bool:
        """Placeholder content: every output computed from it carries PROVISIONAL_NOTE."""
        return self.has_placeholders

    @property
    def is_national(self) -> bool:
        return self.province_id is None


class CriterionGroup(models.Model):
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên nhóm tiêu chí"), max_length=300)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2, default=Decimal(100))
    level2_min = models.DecimalField(_("điểm tối thiểu mức độ 2"), max_digits=6, decimal_places=2, default=50)
    level3_above = models.DecimalField(_("mức độ 3 khi vượt"), max_digits=6, decimal_places=2, default=75)
    from_children = models.BooleanField(
        _("tính từ kết quả các trường trực thuộc"),
        default=False,
        help_text=_("Nhóm II của QĐ 3806: tính từ kết quả đã công nhận của các cơ sở giáo dục trực thuộc."),
    )

    class Meta:
        ordering = ["indicator_set", "number"]
        constraints = [models.UniqueConstraint(fields=["indicator_set", "number"], name="group_number_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    def level_for(self, points: Decimal) -> int:
        """< level2_min → 1; level2_min..level3_above → 2; > level3_above → 3 (INDICATORS.md)."""
        if points > self.level3_above:
            return Level.THREE
        if points >= self.level2_min:
            return Level.TWO
        return Level.ONE


class Criterion(models.Model):
    group = models.ForeignKey(CriterionGroup, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên tiêu chí"), max_length=500)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["group__number", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["group", "code"], name="criterion_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Indicator(models.Model):
    class Kind(models.TextChoices):
        MANDATORY = "mandatory", _("Điều kiện bắt buộc (có/không, không tính điểm)")
        YES_NO = "yes_no", _("Có/không")
        LEVELS = "levels", _("Chọn một mức")
        NUMBER = "number", _("Số lượng")
        PERCENTAGE = "percentage", _("Tỉ lệ (tử số/mẫu số)")
        CHILDREN = "children", _("Tỉ lệ trường trực thuộc được công nhận (tự tính)")

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("mã"), max_length=20)
    text = models.TextField(_("nội dung"))
    kind = models.CharField(_("kiểu nhập"), max_length=12, choices=Kind.choices)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2, default=0)
    # LEVELS: {"choices": [{"label": ..., "points": ...}]}; NUMBER/PERCENTAGE: {"steps": [[min, points], ...]}
    # (the highest step reached; no steps = proportional for percentages); CHILDREN: {"unit_kinds": [codes],
    # "child_group": 1 or null (both groups), "min_level": 2, "steps": [...]}.
    options = models.JSONField(_("tham số chấm điểm"), default=dict, blank=True)
    evidence_required = models.BooleanField(_("bắt buộc minh chứng"), default=True)
    evidence_note = models.TextField(_("minh chứng cần có"), blank=True)
    guidance = models.TextField(_("hướng dẫn"), blank=True)
    is_placeholder = models.BooleanField(_("nội dung tạm"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["criterion__group__number", "criterion__order", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["criterion", "code"], name="indicator_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"


class Assessment(models.Model):
    """A unit's self-assessment for one school year, against the set version it started with."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang tự đánh giá")
        MINUTES = "minutes", _("Đã có biên bản của tổ")
        APPROVED = "approved", _("Thủ trưởng đã phê duyệt")
        SUBMITTED = "submitted", _("Đã gửi cấp trên")
        RETURNED = "returned", _("Cấp trên trả lại để bổ sung")
        RECOGNISED = "recognised", _("Đã được công nhận")
        PUBLISHED = "published", _("Đã công khai")

    EDITABLE = frozenset({State.DRAFT, State.MINUTES, State.RETURNED})

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="assessments")
    school_year = models.CharField(_("năm học"), max_length=9, validators=[validate_school_year])
    indicator_set = models.ForeignKey(IndicatorSet, verbose_name=_("bộ chỉ số"), on_delete=models.PROTECT)
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.DRAFT)
    team_decision_number = models.CharField(_("số quyết định thành lập tổ"), max_length=60, blank=True)
    team_decision_date = models.DateField(_("ngày quyết định thành lập tổ"), null=True, blank=True)
    minutes_file = models.FileField(_("biên bản tự đánh giá"), upload_to="assessments/minutes/%Y/", blank=True)
    minutes_at = models.DateTimeField(null=True, blank=True)
    approval_number = models.CharField(_("số quyết định phê duyệt"), max_length=60, blank=True)
    approval_date = models.DateField(_("ngày phê duyệt"), null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    submitted_at = models.DateTimeField(_("gửi cấp trên lúc"), null=True, blank=True)
    submitted_late = models.BooleanField(default=False)
    recognition_number = models.CharField(_("số quyết định công nhận"), max_length=60, blank=True)
    recognition_date = models.DateField(_("ngày công nhận"), null=True, blank=True)
    recognised_at = models.DateTimeField(null=True, blank=True)
    recognised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Live totals, refreshed on every save of an answer (the queue and the summary read these).
    points_1 = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    points_2 = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    level_1 = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.ONE)
    level_2 = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.ONE)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-school_year", "unit__path"]
        verbose_name = _("bản tự đánh giá")
        verbose_name_plural = _("bản tự đánh giá")
        constraints = [models.UniqueConstraint(fields=["unit", "school_year"], name="assessment_unit_year")]
        indexes = [
            models.Index(fields=["school_year", "state"], name="assessment_year_state_idx"),
            models.Index(
                fields=["school_year", "unit"],
                condition=Q(state__in=["recognised", "published"]),
                name="assessment_recognised_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.school_year}"

    @property
    def is_recognised(self) -> bool:
        return self.state in (self.State.RECOGNISED, self.State.PUBLISHED)

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE


class TeamMember(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("thành viên"), on_delete=models.CASCADE)
    is_leader = models.BooleanField(_("tổ trưởng"), default=False)
    duty = models.CharField(_("nhiệm vụ trong tổ"), max_length=200, blank=True)

    class Meta:
        ordering = ["-is_leader", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "user"], name="team_member_unique")]


class CriterionEntry(models.Model):
    """One criterion of one assessment: who works on it, its version and the reviewer's reason to return it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người chủ trì"), null=True, blank=True, on_delete=models.SET_NULL
    )
    cooperators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("người phối hợp"), blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    class Meta:
        ordering = ["criterion__group__number", "criterion__order", "criterion__pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="entry_unique")]


class EvidenceItem(models.Model):
    """The unit's evidence library: a file (or a link) stored once and reused across criteria and years."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("tên minh chứng"), max_length=300)
    issued_on = models.DateField(_("ngày văn bản"), null=True, blank=True)
    file = models.FileField(_("tệp"), upload_to="evidence/%Y/%m/", blank=True)
    url = models.URLField(_("liên kết"), max_length=500, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("minh chứng")
        verbose_name_plural = _("thư viện minh chứng")

    def __str__(self) -> str:
        return self.title


class Answer(models.Model):
    entry = models.ForeignKey(CriterionEntry, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value_bool = models.BooleanField(null=True, blank=True)
    value_choice = models.PositiveSmallIntegerField(null=True, blank=True)
    value_number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    evidence = models.ManyToManyField(EvidenceItem, blank=True, related_name="answers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "indicator"], name="answer_unique")]


class AssessmentEvent(models.Model):
    """History of an assessment: every step, return (reasons per criterion), reopening and recognition.
    A submission stores a snapshot of every answer so the reviewer sees what changed since the last one."""

    class Action(models.TextChoices):
        CREATED = "created", _("Khởi tạo")
        TEAM = "team", _("Thành lập tổ tự đánh giá")
        MINUTES = "minutes", _("Ghi biên bản")
        APPROVED = "approved", _("Phê duyệt")
        SUBMITTED = "submitted", _("Gửi cấp trên")
        RETURNED = "returned", _("Trả lại")
        RECOGNISED = "recognised", _("Công nhận")
        PUBLISHED = "published", _("Công khai")
        REOPENED = "reopened", _("Mở lại")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    returns = models.JSONField(default=dict, blank=True)  # criterion code → reason
    snapshot = models.JSONField(default=dict, blank=True)  # indicator code → {"value": str, "points": str}

    class Meta:
        ordering = ["-at", "-pk"]

"""Award nominations: award forms, rounds, quotas, nominations, council meetings, dossiers sent upward,
decisions, certificates and the award ledger.

A nomination starts at the unit that proposes it (its `unit`) and climbs: each submission carries it to the
next level (`level`), where it is approved (counting against that level's quotas), returned or rejected;
the level that approved it either forwards it in its own submission or records the decision itself.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Deadline
from units.models import EmulationBlock, NFCModel, Person, Unit, new_public_id, validate_school_year


class Subject(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class ReportTemplate(NFCModel):
    """A legal template of the báo cáo thành tích, as data: sections of fields. A new decree is a new row
    (code + version), never new code. Loaded from fixtures by a post_migrate hook."""

    code = models.SlugField(_("mã mẫu"), max_length=60, unique=True)
    name = models.CharField(_("tên mẫu"), max_length=255)
    decree = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    subject = models.CharField(_("áp dụng cho"), max_length=12, choices=Subject.choices)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    # [{"key": "I", "title": "...", "fields": [{"key": "...", "label": "...", "kind": "text|textarea|date",
    #   "required": true, "help": "..."}]}]
    sections = models.JSONField(_("các mục"), default=list)

    class Meta:
        ordering = ["subject", "code"]
        verbose_name = _("mẫu báo cáo thành tích")
        verbose_name_plural = _("mẫu báo cáo thành tích")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def fields(self) -> list[dict]:
        return [f for section in self.sections for f in section.get("fields", [])]


class AwardForm(NFCModel):
    """A hình thức khen thưởng with who grants it: a unit of the portal (the Sở for a Giấy khen of its
    director) or an outside authority (the province's chairman), and the council vote it needs."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    owner = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị quản lý"),
        on_delete=models.PROTECT,
        related_name="award_forms",
        help_text=_("Đơn vị khai báo hình thức này (thường là Sở hoặc Phòng)."),
    )
    name = models.CharField(_("tên hình thức"), max_length=200)
    authority_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị quyết định khen thưởng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống nếu cấp khen ở ngoài ngành (UBND tỉnh, Bộ trưởng...)."),
    )
    authority_name = models.CharField(_("cấp khen"), max_length=200)
    for_collectives = models.BooleanField(_("cho tập thể"), default=True)
    for_individuals = models.BooleanField(_("cho cá nhân"), default=True)
    vote_threshold = models.DecimalField(
        _("tỷ lệ phiếu đồng ý tối thiểu (%)"),
        max_digits=5,
        decimal_places=2,
        default=50,
        help_text=_("Tính trên tổng số thành viên Hội đồng."),
    )
    threshold_inclusive = models.BooleanField(
        _("đạt khi bằng ngưỡng"), default=False, help_text=_("Bỏ chọn nghĩa là phải trên ngưỡng (ví dụ > 50%).")
    )
    repeat_years = models.PositiveSmallIntegerField(
        _("không khen lại trong (năm)"),
        default=0,
        help_text=_("Không đề nghị cùng hình thức cho cùng đối tượng trong số năm này (0 = không kiểm tra)."),
    )
    collective_template = models.ForeignKey(
        ReportTemplate,
        verbose_name=_("mẫu báo cáo tập thể"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    individual_template = models.ForeignKey(
        ReportTemplate,
        verbose_name=_("mẫu báo cáo cá nhân"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["owner", "name"]
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("hình thức khen thưởng")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="awardform_unique_name")]

    def __str__(self) -> str:
        return self.name

    def template_for(self, subject: str) -> ReportTemplate | None:
        return self.collective_template if subject == Subject.COLLECTIVE else self.individual_template


class AwardRound(NFCModel):
    """A đợt xét khen thưởng of a campaign: yearly, sơ kết or tổng kết, for a school year."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("Hằng năm")
        MID = "so_ket", _("Sơ kết")
        FINAL = "tong_ket", _("Tổng kết")

    class Item(models.TextChoices):
        LETTER = "to_trinh", _("Tờ trình đề nghị khen thưởng")
        MINUTES = "bien_ban", _("Biên bản họp Hội đồng TĐKT")
        LIST = "danh_sach", _("Danh sách trích ngang")
        REPORTS = "bao_cao", _("Báo cáo thành tích của từng tập thể, cá nhân")
        EVIDENCE = "minh_chung", _("Minh chứng kèm theo")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    campaign = models.ForeignKey(Campaign, verbose_name=_("kế hoạch"), on_delete=models.PROTECT, related_name="rounds")
    organiser = models.ForeignKey(
        Unit, verbose_name=_("đơn vị tổ chức xét"), on_delete=models.PROTECT, related_name="award_rounds"
    )
    kind = models.CharField(_("đợt"), max_length=10, choices=Kind.choices, default=Kind.YEARLY)
    name = models.CharField(_("tên đợt"), max_length=255)
    school_year = models.CharField(_("năm học"), max_length=9, validators=[validate_school_year])
    period = models.CharField(
        _("kỳ của hạn nộp"), max_length=9, help_text=_("Năm (2025) hoặc năm học (2024-2025) như hạn nộp của kế hoạch.")
    )
    award_forms = models.ManyToManyField(AwardForm, verbose_name=_("hình thức khen thưởng"), related_name="rounds")
    deadline = models.ForeignKey(
        Deadline,
        verbose_name=_("hạn nộp hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": Deadline.Kind.NOMINATION},
    )
    council_deadline = models.ForeignKey(
        Deadline,
        verbose_name=_("hạn họp Hội đồng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": Deadline.Kind.COUNCIL},
    )
    dossier_items = models.JSONField(_("thành phần hồ sơ"), default=list)
    copies = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)
    signatures_required = models.BooleanField(_("tờ trình và biên bản phải ký số"), default=False)
    objection_days = models.PositiveSmallIntegerField(_("số ngày công khai lấy ý kiến"), default=7)
    open = models.BooleanField(_("đang nhận hồ sơ"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-school_year", "name"]
        verbose_name = _("đợt xét khen thưởng")
        verbose_name_plural = _("đợt xét khen thưởng")

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"


class Quota(models.Model):
    """How many collectives and individuals may pass one level for one award form in one round.

    - UNIT: `unit` forwards at most N + M to its parent (seed 000: the Phòng, 02 + 02). A row with a
      `parent` quota is a part handed down to a child unit by the level above it.
    - COUNCIL: `unit`'s council approves at most N + M (seed 002: the Sở, 07 + 15 a year).
    - BLOCK: each block organised by `unit` (or only `block`) gets at most N + M approved (seed 002: 02 + 05).
    - DIVISION: each division of `unit` (a Sở's phòng chức năng) forwards at most N + M (seed 002: 01 + 01).
    """

    class Scope(models.TextChoices):
        UNIT = "unit", _("Đơn vị trình lên cấp trên")
        COUNCIL = "council", _("Hội đồng TĐKT của đơn vị")
        BLOCK = "block", _("Mỗi khối/cụm thi đua")
        DIVISION = "division", _("Mỗi phòng chức năng")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="quotas")
    award_form = models.ForeignKey(AwardForm, verbose_name=_("hình thức"), on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(_("tính theo"), max_length=10, choices=Scope.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="quotas")
    block = models.ForeignKey(
        EmulationBlock, verbose_name=_("khối/cụm"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("phân bổ từ"), null=True, blank=True, on_delete=models.CASCADE, related_name="parts"
    )
    max_collectives = models.PositiveIntegerField(_("số tập thể tối đa"), default=0)
    max_individuals = models.PositiveIntegerField(_("số cá nhân tối đa"), default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "award_form", "scope", "unit__path"]
        verbose_name = _("hạn mức khen thưởng")
        verbose_name_plural = _("hạn mức khen thưởng")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "award_form", "scope", "unit"],
                condition=Q(block__isnull=True),
                name="quota_unique_scope_unit",
            ),
            models.UniqueConstraint(
                fields=["round", "award_form", "block"], condition=Q(block__isnull=False), name="quota_unique_block"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.award_form_id and self.award_form.name} — {self.unit}"

    def limit(self, subject: str) -> int:
        return self.max_collectives if subject == Subject.COLLECTIVE else self.max_individuals


class Nomination(NFCModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Chờ thẩm định")
        RETURNED = "returned", _("Trả lại để hoàn thiện")
        APPROVED = "approved", _("Đã duyệt")
        REJECTED = "rejected", _("Không đề nghị")
        AWARDED = "awarded", _("Đã khen thưởng")
        WITHDRAWN = "withdrawn", _("Đã rút")

    EDITABLE = (State.DRAFT, State.RETURNED)
    LIVE = (State.DRAFT, State.SUBMITTED, State.RETURNED, State.APPROVED, State.AWARDED)

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    round = models.ForeignKey(AwardRound, verbose_name=_("đợt"), on_delete=models.PROTECT, related_name="nominations")
    award_form = models.ForeignKey(AwardForm, verbose_name=_("hình thức đề nghị"), on_delete=models.PROTECT)
    subject = models.CharField(_("đối tượng"), max_length=12, choices=Subject.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị đề nghị"), on_delete=models.PROTECT, related_name="nominations"
    )
    proposed_by = models.ForeignKey(
        Unit,
        verbose_name=_("tổ/bộ phận đề xuất"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.ForeignKey(
        Unit, verbose_name=_("đang ở cấp"), on_delete=models.PROTECT, related_name="nominations_here"
    )
    nominee_unit = models.ForeignKey(
        Unit, verbose_name=_("tập thể"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nominee_person = models.ForeignKey(
        Person, verbose_name=_("cá nhân"), null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    nominee_name = models.CharField(_("tên tập thể / họ tên"), max_length=255)
    nominee_position = models.CharField(_("chức vụ, đơn vị"), max_length=255, blank=True)
    category = models.CharField(_("đối tượng cá nhân"), max_length=20, choices=Person.Category.choices, blank=True)
    summary = models.TextField(_("tóm tắt thành tích"), blank=True)
    report_template = models.ForeignKey(ReportTemplate, null=True, blank=True, on_delete=models.PROTECT)
    report = models.JSONField(_("báo cáo thành tích"), default=dict, blank=True)
    report_confirmed_at = models.DateTimeField(_("thủ trưởng xác nhận báo cáo lúc"), null=True, blank=True)
    report_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence = models.ManyToManyField("criteria.EvidenceItem", blank=True, related_name="nominations")
    checks = models.JSONField(_("kiểm tra điều kiện"), default=list, blank=True)
    checks_failed = models.PositiveSmallIntegerField(default=0)
    override_reason = models.TextField(_("lý do chấp nhận khi chưa đạt điều kiện"), blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT)
    reason = models.TextField(_("lý do trả lại / không đề nghị"), blank=True)
    # The submitting unit at the current level (whose block counts for block quotas).
    via = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["round", "unit__path", "subject", "pk"]
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "award_form", "nominee_person"],
                condition=Q(nominee_person__isnull=False) & ~Q(state__in=["withdrawn", "rejected"]),
                name="nomination_person_once",
            ),
            models.UniqueConstraint(
                fields=["round", "award_form", "nominee_unit"],
                condition=Q(nominee_unit__isnull=False) & ~Q(state__in=["withdrawn", "rejected"]),
                name="nomination_unit_once",
            ),
            models.CheckConstraint(
                condition=Q(nominee_unit__isnull=True) | Q(nominee_person__isnull=True), name="nomination_one_nominee"
            ),
        ]
        indexes = [models.Index(fields=["round", "level", "state"], name="nomination_level_state_idx")]

    def __str__(self) -> str:
        return f"{self.nominee_name} — {self.award_form}"


class NominationEvent(models.Model):
    """History of a nomination: every step with the level it happened at; returns keep their reasons."""

    class Action(models.TextChoices):
        CREATED = "created", _("Khởi tạo")
        SUBMITTED = "submitted", _("Gửi cấp trên")
        RETURNED = "returned", _("Trả lại")
        APPROVED = "approved", _("Duyệt")
        REJECTED = "rejected", _("Không đề nghị")
        VOTED = "voted", _("Hội đồng bỏ phiếu")
        AWARDED = "awarded", _("Được khen thưởng")
        WITHDRAWN = "withdrawn", _("Rút đề nghị")
        CONFIRMED = "confirmed", _("Xác nhận báo cáo thành tích")

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    level = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]


class CouncilMeeting(NFCModel):
    """A meeting of a unit's Hội đồng TĐKT for a round: who attended, the secret-ballot results per nominee,
    the ranked list. Closing it fixes the results; the biên bản is produced from it."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="councils")
    round = models.ForeignKey(AwardRound, verbose_name=_("đợt"), on_delete=models.PROTECT, related_name="councils")
    held_at = models.DateTimeField(_("thời gian họp"))
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    chair_name = models.CharField(_("chủ tịch Hội đồng"), max_length=120)
    secretary_name = models.CharField(_("thư ký"), max_length=120)
    members_total = models.PositiveSmallIntegerField(_("tổng số thành viên"))
    members_present = models.PositiveSmallIntegerField(_("số thành viên có mặt"))
    members = models.TextField(_("thành viên có mặt"), blank=True, help_text=_("Mỗi dòng một người."))
    discussion = models.TextField(_("ý kiến thảo luận"), blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_at"]
        verbose_name = _("cuộc họp Hội đồng TĐKT")
        verbose_name_plural = _("cuộc họp Hội đồng TĐKT")

    def __str__(self) -> str:
        return f"{self.unit} — {self.held_at:%d/%m/%Y}"


class CouncilVote(models.Model):
    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="votes")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="votes")
    votes_for = models.PositiveSmallIntegerField(_("số phiếu đồng ý"), null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "nomination"], name="vote_once_per_meeting")]


class Submission(NFCModel):
    """The dossier a unit sends to its parent: tờ trình, biên bản, danh sách, reports, evidence."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang chuẩn bị")
        SUBMITTED = "submitted", _("Đã gửi")
        RETURNED = "returned", _("Trả lại")
        RESUBMITTED = "resubmitted", _("Đã gửi lại")
        ACCEPTED = "accepted", _("Đã thẩm định xong")
        FORWARDED = "forwarded", _("Đã trình cấp trên")
        DECIDED = "decided", _("Đã có quyết định")

    AWAITING = (State.SUBMITTED, State.RESUBMITTED)
    SENT = (State.SUBMITTED, State.RETURNED, State.RESUBMITTED, State.ACCEPTED, State.FORWARDED, State.DECIDED)

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    round = models.ForeignKey(AwardRound, verbose_name=_("đợt"), on_delete=models.PROTECT, related_name="submissions")
    from_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị trình"), on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, verbose_name=_("kính gửi"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("số tờ trình"), max_length=60, blank=True)
    signed_on = models.DateField(_("ngày tờ trình"), null=True, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    excerpt = models.CharField(_("trích yếu"), max_length=300, blank=True)
    nominations = models.ManyToManyField(Nomination, through="SubmissionItem", related_name="submissions")
    attachment = models.FileField(_("bản ký (PDF)"), upload_to="nominations/dossiers/%Y/", blank=True)
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.DRAFT)
    return_reason = models.TextField(_("lý do trả lại hồ sơ"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_late = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("hồ sơ đề nghị khen thưởng")
        verbose_name_plural = _("hồ sơ đề nghị khen thưởng")
        indexes = [models.Index(fields=["round", "to_unit", "state"], name="submission_to_state_idx")]

    def __str__(self) -> str:
        return f"{self.number or _('Tờ trình (chưa số)')} — {self.from_unit}"


class SubmissionItem(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="items")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="items")
    rank = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    class Meta:
        ordering = ["submission", "nomination__subject", "rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["submission", "nomination"], name="item_once")]


def new_verification_code() -> str:
    return secrets.token_hex(6).upper()


class Decision(NFCModel):
    """A quyết định khen thưởng: by a unit of the portal or recorded from an outside authority. It is posted
    publicly for an objection window, then finalised: certificates are issued and the ledger written."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        POSTED = "posted", _("Đang công khai lấy ý kiến")
        FINAL = "final", _("Đã có hiệu lực")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    round = models.ForeignKey(AwardRound, verbose_name=_("đợt"), on_delete=models.PROTECT, related_name="decisions")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị ghi nhận"), on_delete=models.PROTECT, related_name="+")
    award_form = models.ForeignKey(AwardForm, verbose_name=_("hình thức"), on_delete=models.PROTECT)
    number = models.CharField(_("số quyết định"), max_length=60)
    signed_on = models.DateField(_("ngày ký"))
    authority_name = models.CharField(_("cấp quyết định"), max_length=200)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    nominations = models.ManyToManyField(Nomination, verbose_name=_("được khen thưởng"), related_name="decisions")
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices, default=State.DRAFT)
    posted_at = models.DateTimeField(null=True, blank=True)
    objection_until = models.DateTimeField(_("nhận ý kiến đến"), null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="decision_unique_number")]

    def __str__(self) -> str:
        return f"{self.number} ({self.signed_on:%d/%m/%Y})"


class Objection(NFCModel):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="objections")
    nomination = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("họ tên người góp ý"), max_length=120)
    contact = models.CharField(_("điện thoại hoặc thư điện tử"), max_length=120)
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(auto_now_add=True)
    resolution = models.TextField(_("kết quả xử lý"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]


class Certificate(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="certificates")
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("số vào sổ"), max_length=40)
    code = models.CharField(_("mã xác thực"), max_length=16, unique=True, default=new_verification_code)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["decision", "pk"]


class AwardRecord(NFCModel):
    """The award ledger: what a person or a unit has received, from the portal's decisions or entered by
    hand for awards from before the portal. Read by the repeat check and by report section III."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="awards")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="awards")
    award_form = models.ForeignKey(AwardForm, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    award_name = models.CharField(_("hình thức"), max_length=200)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    authority_name = models.CharField(_("cấp khen"), max_length=200, blank=True)
    school_year = models.CharField(_("năm học"), max_length=9, blank=True)
    nomination = models.OneToOneField(
        Nomination, null=True, blank=True, on_delete=models.SET_NULL, related_name="award_record"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decision_date", "-pk"]
        verbose_name = _("khen thưởng đã nhận")
        verbose_name_plural = _("sổ khen thưởng")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(unit__isnull=False), name="awardrecord_has_owner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.award_name} — {self.decision_number}"


class NominationApproval(models.Model):
    """One level's approval of a nomination: the row quotas count. It stays when the nomination climbs on
    (the slot was used at this level) and is released only by that level revoking its approval."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="approvals")
    level = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="+")
    award_form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=12, choices=Subject.choices)
    block = models.ForeignKey(EmulationBlock, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    override_reason = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "level"], condition=Q(active=True), name="approval_once_per_level"
            )
        ]
        indexes = [
            models.Index(
                fields=["round", "award_form", "level", "subject"], condition=Q(active=True), name="approval_count_idx"
            )
        ]

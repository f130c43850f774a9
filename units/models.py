"""The unit hierarchy, people and the roles they hold.

The tree is data: unit kinds and which kinds may sit under which are rows, and a unit's place is a
materialised path (django-treebeard), so "this unit and everything below it" is one indexed prefix
query whatever the depth. Past names and parents are kept in UnitVersion rows.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


def nfc(value: str | None) -> str:
    """Vietnamese text is stored NFC-normalised and stripped, whatever the keyboard sent."""
    if not value:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def fold(value: str | None) -> str:
    """Lower-case, accent-free form for search: "Trường THCS Đông Thạnh" → "truong thcs dong thanh"."""
    text = nfc(value).replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()


def new_public_id() -> str:
    return secrets.token_urlsafe(9)


class NFCModel(models.Model):
    """Normalises every text field to NFC on save, so search and unique checks see one form."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalise_text()
        super().save(*args, **kwargs)

    def normalise_text(self) -> None:
        """NFC-normalises every text field in place (save does it; bulk_create callers call it themselves)."""
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, nfc(value))


class User(AbstractUser):
    """A login. The staff record (Person) is separate: many staff never log in."""

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    # Raised by "Đăng xuất khỏi mọi thiết bị": it is part of the session hash, so every session signed with
    # the old value stops being valid on its next request, as after a password change.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    def get_full_name(self) -> str:
        """Vietnamese order: family and middle names (last_name) before the given name (first_name)."""
        return f"{self.last_name} {self.first_name}".strip()

    def _get_session_auth_hash(self, secret=None):
        # Django's own hash (of the password) with the session epoch added; see django.contrib.auth.base_user.
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = f"{self.password}${self.session_epoch}" if self.session_epoch else self.password
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class Province(NFCModel):
    """The root tenant: every unit but the ministry belongs to exactly one province."""

    code = models.CharField(_("mã tỉnh"), max_length=10, unique=True)
    name = models.CharField(_("tên tỉnh/thành phố"), max_length=100, unique=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("sáp nhập vào"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")

    def __str__(self) -> str:
        return self.name


class UnitKind(NFCModel):
    """A kind of unit (Bộ, Sở, Phòng, trường THPT, tổ chuyên môn...) and where it may sit."""

    class Category(models.TextChoices):
        MINISTRY = "ministry", _("Bộ")
        DEPARTMENT = "department", _("Sở")
        OFFICE = "office", _("Phòng GD&ĐT / cơ quan cấp xã")
        DIVISION = "division", _("Phòng chức năng")
        SCHOOL = "school", _("Trường học")
        TEAM = "team", _("Tổ, bộ phận trong trường")

    INTERNAL_CATEGORIES = frozenset({Category.TEAM, Category.DIVISION})

    code = models.SlugField(_("mã loại"), max_length=40, unique=True)
    name = models.CharField(_("tên loại đơn vị"), max_length=120)
    category = models.CharField(_("nhóm"), max_length=20, choices=Category.choices)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    allowed_parents = models.ManyToManyField(
        "self",
        verbose_name=_("được trực thuộc loại"),
        symmetrical=False,
        related_name="allowed_children",
        blank=True,
    )

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("loại đơn vị")
        verbose_name_plural = _("loại đơn vị")

    def __str__(self) -> str:
        return self.name


class Unit(NFCModel, MP_Node):
    """An organisation in the sector: the ministry, a Sở, a Phòng, a school, a team inside a school."""

    steplen = 4
    node_order_by = None  # siblings are ordered by name in queries, not by path

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.ForeignKey(UnitKind, verbose_name=_("loại đơn vị"), on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children_units",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh/thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    place_name = models.CharField(
        _("địa danh"), max_length=80, blank=True, help_text=_("Dùng trên văn bản: “Cần Giuộc, ngày …”.")
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    # NĐ 30/2020: the line above the issuing body's name is its direct governing body. Inside the sector that
    # is the parent unit (a school's Phòng or Sở); a Sở and a Phòng are governed by a People's Committee that
    # is no unit of this tree (UBND tỉnh, UBND huyện, after 01/07/2025 the commune's), so it is named here.
    governing_body = models.CharField(
        _("cơ quan chủ quản"),
        max_length=255,
        blank=True,
        help_text=_(
            "Dòng trên tên đơn vị ở văn bản, khi cơ quan chủ quản không phải đơn vị cấp trên trong cây "
            "(ví dụ “Ủy ban nhân dân huyện Cần Giuộc” cho Phòng GD&ĐT). Để trống: đơn vị cấp trên."
        ),
    )
    document_abbreviation = models.CharField(
        _("chữ viết tắt trong ký hiệu văn bản"),
        max_length=30,
        blank=True,
        help_text=_("Phần sau loại văn bản trong số, ký hiệu: “15/TTr-THCSPL” → THCSPL."),
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    active_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    active_to = models.DateField(_("ngừng hoạt động từ"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("sáp nhập vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_units",
    )
    # Copied from the kind: teams inside a school and divisions of a Sở belong to their parent's
    # head, so the head's own-unit roles reach them too.
    is_internal = models.BooleanField(default=False, editable=False)
    search_text = models.CharField(max_length=400, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        # The path prefix index (varchar_pattern_ops) is created by a PostgreSQL-only migration.
        indexes = [models.Index(fields=["province", "kind"], name="unit_province_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=models.F("active_from")),
                name="unit_active_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.code} {self.name} {self.short_name}")
        self.is_internal = self.kind.category in UnitKind.INTERNAL_CATEGORIES
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.active_to is None or self.active_to > timezone.localdate()

    def is_descendant_or_self_of(self, other: Unit) -> bool:
        return self.path.startswith(other.path)

    def clean(self) -> None:
        if self.parent_id and self.kind_id:
            allowed = set(self.kind.allowed_parents.values_list("pk", flat=True))
            if allowed and self.parent.kind_id not in allowed:
                raise ValidationError(
                    {
                        "parent": _("Loại “%(kind)s” không được trực thuộc loại “%(parent_kind)s”.")
                        % {"kind": self.kind.name, "parent_kind": self.parent.kind.name}
                    }
                )


class UnitVersion(models.Model):
    """A past state of a unit: its name and parent for a period. Old documents show old names."""

    class Reason(models.TextChoices):
        CREATED = "created", _("Thành lập")
        RENAMED = "renamed", _("Đổi tên")
        MOVED = "moved", _("Chuyển đơn vị cấp trên")
        MERGED = "merged", _("Sáp nhập")
        CLOSED = "closed", _("Giải thể / ngừng hoạt động")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("cấp trên")
    )
    parent_name = models.CharField(_("tên cấp trên khi đó"), max_length=255, blank=True)
    governing_body = models.CharField(_("cơ quan chủ quản khi đó"), max_length=255, blank=True)
    document_abbreviation = models.CharField(_("chữ viết tắt trong ký hiệu khi đó"), max_length=30, blank=True)
    province = models.ForeignKey(Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    reason = models.CharField(_("lý do thay đổi"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "-valid_from", "-pk"]
        verbose_name = _("lịch sử đơn vị")
        verbose_name_plural = _("lịch sử đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=Q(valid_to__isnull=True), name="unitversion_one_current")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from}–{self.valid_to or '…'})"


class DocumentType(models.TextChoices):
    """Kinds of documents the portal prints, valued by their abbreviation in số/ký hiệu (NĐ 30/2020,
    Phụ lục III): "15/TTr-THCSPL" is tờ trình 15 of the school whose abbreviation is THCSPL."""

    PLAN = "KH", _("Kế hoạch")
    DECISION = "QĐ", _("Quyết định")
    SUBMISSION = "TTr", _("Tờ trình")
    MINUTES = "BB", _("Biên bản")
    REPORT = "BC", _("Báo cáo")
    LIST = "DS", _("Danh sách")


def school_year_of(day: dt.date) -> str:
    """A school year runs from 1 September (decided by the ministry each year; 1/9 is the rule of thumb
    for filing data): 15/10/2024 → "2024-2025", 20/6/2025 → "2024-2025"."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def validate_school_year(value: str) -> None:
    parts = value.split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 4 for p in parts) or int(parts[1]) != int(parts[0]) + 1:
        raise ValidationError(_("Năm học phải có dạng 2024-2025."))


class EmulationBlock(NFCModel):
    """A khối/cụm thi đua: units of a province grouped for a school year; quotas are counted per block."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    province = models.ForeignKey(Province, verbose_name=_("tỉnh/thành phố"), on_delete=models.PROTECT)
    organiser = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị tổ chức"),
        on_delete=models.PROTECT,
        related_name="organised_blocks",
        help_text=_("Sở hoặc Phòng lập khối thi đua."),
    )
    school_year = models.CharField(_("năm học"), max_length=9, validators=[validate_school_year])
    name = models.CharField(_("tên khối/cụm"), max_length=160)
    description = models.TextField(_("mô tả"), blank=True)
    members = models.ManyToManyField(
        Unit,
        verbose_name=_("đơn vị thành viên"),
        through="BlockMembership",
        through_fields=("block", "unit"),
        related_name="blocks",
    )

    class Meta:
        ordering = ["province", "-school_year", "name"]
        verbose_name = _("khối/cụm thi đua")
        verbose_name_plural = _("khối/cụm thi đua")
        constraints = [models.UniqueConstraint(fields=["organiser", "school_year", "name"], name="block_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"


class BlockMembership(models.Model):
    block = models.ForeignKey(EmulationBlock, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="block_memberships")
    # Copied from the block so that "one block per unit per organiser and year" is a plain constraint.
    school_year = models.CharField(max_length=9, editable=False)
    organiser = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        verbose_name = _("thành viên khối")
        verbose_name_plural = _("thành viên khối")
        constraints = [
            models.UniqueConstraint(fields=["unit", "organiser", "school_year"], name="block_one_per_unit_year")
        ]

    def save(self, *args, **kwargs):
        self.school_year = self.block.school_year
        self.organiser_id = self.block.organiser_id
        super().save(*args, **kwargs)


class Person(NFCModel):
    """A staff member (or student) on a unit's roll. A login is optional."""

    class Gender(models.TextChoices):
        FEMALE = "F", _("Nữ")
        MALE = "M", _("Nam")

    class Category(models.TextChoices):
        MANAGER = "manager", _("Cán bộ quản lý")
        TEACHER = "teacher", _("Giáo viên")
        STAFF = "staff", _("Nhân viên")
        IT_OFFICER = "it_officer", _("Cán bộ phụ trách CNTT/chuyển đổi số")
        OFFICIAL = "official", _("Công chức, viên chức cơ quan quản lý")
        STUDENT = "student", _("Học sinh")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    code = models.CharField(
        _("mã định danh"),
        max_length=40,
        unique=True,
        help_text=_("Mã cán bộ trên CSDL ngành hoặc mã nội bộ."),
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    category = models.CharField(_("đối tượng"), max_length=20, choices=Category.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="people")
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    user = models.OneToOneField(
        User,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    active = models.BooleanField(_("đang công tác"), default=True)
    search_text = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit", "full_name"]
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        indexes = [models.Index(fields=["unit", "active"], name="person_unit_active_idx")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.code} {self.full_name} {self.position}")
        super().save(*args, **kwargs)


class Posting(models.Model):
    """Where a person worked and as what, over time: the person's history across units."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="postings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    start = models.DateField(_("từ ngày"), null=True, blank=True)
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        ordering = ["person", "-start", "-pk"]
        verbose_name = _("quá trình công tác")
        verbose_name_plural = _("quá trình công tác")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(end__isnull=True), name="posting_one_current")
        ]


class Role(models.TextChoices):
    HEAD = "head", _("Thủ trưởng đơn vị")
    STAFF = "staff", _("Cán bộ, giáo viên")
    ASSESSOR = "assessor", _("Thành viên tổ tự đánh giá")
    REVIEWER = "reviewer", _("Chuyên viên thẩm định (cấp trên)")
    SECRETARY = "secretary", _("Thư ký Hội đồng TĐKT")
    OFFICER = "officer", _("Cán bộ phụ trách thi đua (Sở/Văn phòng)")
    ADMIN = "admin", _("Quản trị hệ thống")


# Roles whose reach is the unit and everything below it; the others reach their own unit only.
SUBTREE_ROLES = frozenset({Role.REVIEWER, Role.OFFICER, Role.ADMIN})


class MembershipQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> MembershipQuerySet:
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gt=on),
        )


class Membership(models.Model):
    """A role a user holds at a unit for a period. Revoking closes the period; rows are never deleted."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày (không gồm)"), null=True, blank=True)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "role"]
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=Q(revoked_at__isnull=True),
                name="membership_one_open_per_role",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="membership_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"

    @property
    def reaches_subtree(self) -> bool:
        return self.role in SUBTREE_ROLES


class Message(models.Model):
    """One notification to one person: shown in the portal (bell) and, unless folded into a digest, e-mailed.

    Every reminder, escalation and event is a row here (the outbox). `key` is unique: whoever computes the
    same message twice (a second sweep, a retried task) hits the constraint and creates nothing."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Nhắc hạn")
        DUE_TODAY = "due_today", _("Đến hạn hôm nay")
        OVERDUE = "overdue", _("Quá hạn")
        BLOCKING = "blocking", _("Đơn vị cấp dưới chậm nộp")
        DEADLINE_CHANGED = "deadline_changed", _("Thay đổi hạn nộp")
        EVENT = "event", _("Thông báo")
        DIGEST = "digest", _("Tổng hợp trong ngày")

    # Kinds an officer or head cannot switch off or fold into the digest.
    ALWAYS_SENT = frozenset({Kind.OVERDUE, Kind.BLOCKING})

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        IN_DIGEST = "in_digest", _("Gộp vào thư tổng hợp")
        PORTAL_ONLY = "portal_only", _("Chỉ trên cổng")
        FAILED = "failed", _("Gửi lỗi")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="messages")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    url = models.CharField(_("liên kết"), max_length=300, blank=True)
    object_label = models.CharField(_("đối tượng"), max_length=255, blank=True)
    scheduled_at = models.DateTimeField(_("thời điểm gửi"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_at", "-pk"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [
            models.Index(fields=["status", "scheduled_at"], name="message_status_due_idx"),
            models.Index(fields=["recipient", "read_at"], name="message_recipient_read_idx"),
            # The delivery claim walks pending rows by recipient (one e-mail per person per batch).
            models.Index(
                fields=["recipient", "id"], condition=Q(status="pending"), name="message_pending_recipient_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} — {self.subject}"


class NotificationPreference(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="notification_preference")
    digest_only = models.BooleanField(
        _("chỉ nhận thư tổng hợp mỗi ngày"),
        default=False,
        help_text=_("Nhắc hạn được gộp vào một thư mỗi sáng. Thông báo quá hạn vẫn được gửi ngay."),
    )

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")


class AuditEntry(models.Model):
    """One security-relevant event: a state transition, a role or quota change, a decision, a login event.

    Append-only. The model refuses to save an existing row or delete one, and on PostgreSQL a trigger
    (migration 0007) refuses UPDATE and DELETE from any client. Rows are written by `units.audit.record`."""

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    # No database constraint on actor and unit: nothing may cascade into, null out or block on the log.
    # Accounts and units are deactivated, not deleted; `actor_label` keeps the name in any case.
    actor = models.ForeignKey(
        User,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("tài khoản"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    # The unit whose officers may read the entry (with every unit above it); none: system administrators only.
    unit = models.ForeignKey(
        "Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=40, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("nhật ký hệ thống")
        verbose_name_plural = _("nhật ký hệ thống")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["unit", "-id"]), models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Nhật ký hệ thống không được sửa."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Nhật ký hệ thống không được xóa."))


class SignatureCheck(models.Model):
    """What units.signatures found in one file's content (keyed by its SHA-256): one row per distinct file,
    whatever record it is attached to. Checked against the trust store whose fingerprint is `trust_key`; a
    changed store makes the row stale and the file is checked again."""

    class Status(models.TextChoices):
        VALID = "valid", _("hợp lệ")
        INVALID = "invalid", _("chữ ký không hợp lệ")
        MODIFIED = "modified", _("tệp bị sửa sau khi ký")
        UNSIGNED = "unsigned", _("không có chữ ký số")
        UNREADABLE = "unreadable", _("không đọc được tệp PDF")

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(_("chữ ký số"), max_length=12, choices=Status.choices)
    signatures = models.JSONField(default=list, blank=True)
    trust_key = models.CharField(max_length=64, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kiểm tra chữ ký số")
        verbose_name_plural = _("kiểm tra chữ ký số")

    def __str__(self) -> str:
        return self.summary

    @property
    def summary(self) -> str:
        from units.signatures import summary

        return summary(self)

    @property
    def tone(self) -> str:
        return {"valid": "ok", "unsigned": "none"}.get(self.status, "err")

    @property
    def rows(self) -> list[dict]:
        from units.signatures import display_rows

        return display_rows(self.signatures)


class StoredFileDigest(models.Model):
    """Which content a stored file name holds, so a page finds its files' signature checks in one query."""

    name = models.CharField(max_length=300, unique=True)
    sha256 = models.CharField(max_length=64, db_index=True)

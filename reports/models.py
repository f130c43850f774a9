"""Report jobs (Excel and PDF built by Celery, downloaded by the requester within their scope) and the
register of documents the portal issued, which the public verification page reads."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit, new_public_id


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        CAMPAIGN_STATUS = "campaign_status", _("Tình hình thực hiện kế hoạch (Excel)")
        ASSESSMENT_RESULTS = "assessment_results", _("Kết quả tự đánh giá mức độ CĐS (Excel)")
        TARGETS = "targets", _("Tiến độ thực hiện chỉ tiêu (Excel)")
        NOMINATIONS = "nominations", _("Danh sách trích ngang đề nghị khen thưởng (Excel)")
        DOSSIER_PDF = "dossier_pdf", _("Hồ sơ đề nghị khen thưởng: tờ trình, biên bản, danh sách, báo cáo (PDF)")
        DECISION_PDF = "decision_pdf", _("Quyết định khen thưởng và giấy khen (PDF)")
        ASSESSMENT_PDF = "assessment_pdf", _("Báo cáo tự đánh giá mức độ CĐS (PDF)")

    EXCEL = frozenset({Kind.CAMPAIGN_STATUS, Kind.ASSESSMENT_RESULTS, Kind.TARGETS, Kind.NOMINATIONS})

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_jobs")
    unit = models.ForeignKey(Unit, verbose_name=_("phạm vi"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("loại báo cáo"), max_length=24, choices=Kind.choices)
    params = models.JSONField(_("bộ lọc"), default=dict, blank=True)
    title = models.CharField(_("tên báo cáo"), max_length=300, blank=True)
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.CharField(_("thông báo"), max_length=500, blank=True)
    file = models.FileField(_("tệp"), upload_to="reports/", blank=True, max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    # The built file's SHA-256 and whether it carries the deployment's seal: the verification page compares
    # a file a person holds with them.
    sha256 = models.CharField(max_length=64, blank=True)
    sealed = models.BooleanField(_("đóng dấu số"), default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Last sign of life: set when queued, claimed and at every progress step; the recovery sweep reads it.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("yêu cầu xuất báo cáo")
        verbose_name_plural = _("yêu cầu xuất báo cáo")
        indexes = [models.Index(fields=["requester", "-created_at"], name="reportjob_requester_idx")]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def is_excel(self) -> bool:
        return self.kind in self.EXCEL

    @property
    def filename(self) -> str:
        return f"{self.kind.replace('_', '-')}-{self.public_id}.{'xlsx' if self.is_excel else 'pdf'}"


def new_document_code() -> str:
    return secrets.token_hex(5).upper()


class IssuedDocument(models.Model):
    """A document the portal generated for officials: its number, date and issuer, confirmed by the public
    verification page its QR code points to."""

    code = models.CharField(max_length=16, unique=True, default=new_document_code)
    kind = models.CharField(_("loại văn bản"), max_length=60)
    number = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    issued_on = models.DateField(_("ngày văn bản"), null=True, blank=True)
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=255)
    title = models.CharField(_("trích yếu"), max_length=500)
    job = models.ForeignKey(ReportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("văn bản đã phát hành")
        verbose_name_plural = _("văn bản đã phát hành")
        constraints = [models.UniqueConstraint(fields=["job", "kind", "number", "title"], name="document_once_per_job")]

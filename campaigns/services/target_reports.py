"""What a participant reports against a plan's targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Unit

from ..models import (
    Deadline,
    Obligation,
    Target,
    TargetReport,
)


def _checked_values(target: Target, numerator, denominator, value) -> tuple:
    """The values a report keeps for the target's kind (numerator/denominator, or one value), checked."""
    if target.kind == Target.Kind.PERCENT:
        if numerator is None or denominator is None:
            raise ValidationError(_("Cần nhập cả tử số và mẫu số."))
        if denominator <= 0:
            raise ValidationError(_("Mẫu số phải lớn hơn 0."))
        if numerator < 0:
            raise ValidationError(_("Tử số không được âm."))
        if numerator > denominator:
            raise ValidationError(
                _("Tử số (%(n)s) không được lớn hơn mẫu số (%(d)s).") % {"n": numerator, "d": denominator}
            )
        value = None
    elif target.kind == Target.Kind.BOOLEAN:
        if value not in (0, 1, Decimal(0), Decimal(1)):
            raise ValidationError(_("Chọn Có hoặc Không."))
        numerator = denominator = None
    else:
        if value is None or value < 0:
            raise ValidationError(_("Số lượng phải là số không âm."))
        numerator = denominator = None
    return numerator, denominator, value


@transaction.atomic
def target_report_save(
    *,
    target: Target,
    unit: Unit,
    period: str,
    actor=None,
    numerator=None,
    denominator=None,
    value=None,
    evidence_url: str = "",
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> TargetReport:
    """Saves a unit's value for a period. Percentages need 0 ≤ numerator ≤ denominator; after the
    target-report deadline for that period the report is read-only unless reopened; a stale form (someone
    saved in between) is refused so nothing is silently overwritten."""
    now = now or timezone.now()
    numerator, denominator, value = _checked_values(target, numerator, denominator, value)
    lock = (
        Obligation.objects.select_for_update()
        .filter(
            deadline__campaign_id=target.campaign_id,
            deadline__kind=Deadline.Kind.TARGET_REPORT,
            unit=unit,
            period=period,
        )
        .select_related("deadline")
        .first()
    )
    if lock and lock.deadline.locks and now >= lock.effective_due_at:
        raise ValidationError(
            _("Đã quá hạn báo cáo chỉ tiêu kỳ %(p)s; số liệu chỉ còn xem được. Đề nghị cấp trên mở lại nếu cần sửa.")
            % {"p": period}
        )
    report = TargetReport.objects.select_for_update().filter(target=target, unit=unit, period=period).first()
    if report is None:
        report = TargetReport(target=target, unit=unit, period=period, version=0)
    elif expected_version is not None and report.version != expected_version:
        raise ValidationError(
            _(
                "Số liệu vừa được người khác cập nhật. Hãy tải lại trang để xem số mới trước khi sửa; "
                "những gì bạn nhập chưa được lưu."
            )
        )
    report.numerator, report.denominator, report.value = numerator, denominator, value
    report.evidence_url, report.note, report.reported_by = evidence_url, note, actor
    report.version = F("version") + 1 if report.pk else 1
    report.save()
    report.refresh_from_db()
    return report

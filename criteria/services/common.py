"""What the services of self-assessments share: the locked read, the stale-page and editable checks."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Assessment, CriterionEntry
from ..selectors import entry_is_open, is_locked

State = Assessment.State


def history(action: str, actor, now: dt.datetime, **fields) -> dict:
    """The fields of an assessment's history line (`AssessmentEvent`), for the transition that writes it."""
    return {"action": action, "actor": actor, "at": now, **fields}


def locked_for_update(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",)).select_related("unit", "indicator_set").get(pk=assessment.pk)
    )


def check_version(assessment: Assessment, version: int | None) -> None:
    """A step taken from a page older than the last change is refused (someone else acted meanwhile)."""
    if version is not None and int(version) != assessment.version:
        raise ValidationError(
            _("Bản tự đánh giá vừa được người khác cập nhật (trạng thái: %(state)s). Hãy tải lại trang rồi thử lại.")
            % {"state": assessment.get_state_display()}
        )


def require_editable(assessment: Assessment, now: dt.datetime) -> None:
    if not assessment.is_editable:
        raise ValidationError(
            _("Bản tự đánh giá đang ở trạng thái “%(state)s” nên không sửa được.")
            % {"state": assessment.get_state_display()}
        )
    if is_locked(assessment, now):
        raise ValidationError(_("Đã quá hạn nộp: bản tự đánh giá bị khóa. Đề nghị cấp trên mở lại nếu cần bổ sung."))


def require_entry_editable(assessment: Assessment, entry: CriterionEntry, now: dt.datetime) -> None:
    """The assessment is editable, and after a return only the returned criteria are."""
    require_editable(assessment, now)
    if not entry_is_open(assessment, entry):
        raise ValidationError(
            _(
                "Cấp trên chỉ trả lại một số tiêu chí để bổ sung; tiêu chí %(code)s không bị trả lại nên không sửa "
                "được cho đến khi gửi lại cấp trên."
            )
            % {"code": entry.criterion.code}
        )

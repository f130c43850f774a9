"""What the services of nominations share: the stale-page check, the history line, locked reads."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from units.models import Unit, nfc

from ..models import Nomination, NominationEvent, Subject

State = Nomination.State


def stale(obj, version) -> None:
    """A step taken from a page older than the last change is refused (someone else acted meanwhile)."""
    if version is not None and int(version) != obj.version:
        raise ValidationError(
            _("Dữ liệu vừa được người khác cập nhật. Hãy tải lại trang rồi thử lại; những gì bạn nhập chưa được lưu.")
        )


def history(action: str, level: Unit, actor, now: dt.datetime, reason: str = "") -> dict:
    """The fields of a nomination's history line (`NominationEvent`), for the transition that writes it."""
    return {"action": action, "level": level, "actor": actor, "at": now, "reason": nfc(reason)}


def event(nomination: Nomination, action: str, level: Unit, actor, now: dt.datetime, reason: str = "") -> None:
    """A history line for a step that moves no state (a council's vote)."""
    NominationEvent.objects.create(nomination=nomination, **history(action, level, actor, now, reason))


def subject_label(subject: str) -> str:
    return str(Subject(subject).label).lower()


def locked_nomination(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("award_form", "round", "level", "via")
        .get(pk=nomination.pk)
    )

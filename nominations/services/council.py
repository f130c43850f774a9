"""The council of a level (Hội đồng Thi đua – Khen thưởng): its meeting, the secret-ballot results, the
ranking and the closing that writes each vote into the nominations' history."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Unit
from units.transitions import update_audited

from ..models import AwardForm, AwardRound, CouncilMeeting, CouncilVote, NominationEvent
from ..selectors import council_agenda
from ..transitions import COUNCIL
from .common import event, stale


def council_create(award_round: AwardRound, unit: Unit, *, actor, **fields) -> CouncilMeeting:
    """Opens a meeting with the agenda as it stands; members present never exceed members."""
    total, present = fields.get("members_total") or 0, fields.get("members_present") or 0
    if total <= 0 or present <= 0:
        raise ValidationError(_("Cần nhập tổng số thành viên và số thành viên có mặt."))
    if present > total:
        raise ValidationError(_("Số thành viên có mặt (%(p)s) lớn hơn tổng số (%(t)s).") % {"p": present, "t": total})
    agenda = list(council_agenda(award_round, unit))
    if not agenda:
        raise ValidationError(_("Chưa có đề nghị nào để Hội đồng xét trong đợt này."))
    with transaction.atomic():
        meeting = CouncilMeeting.objects.create(round=award_round, unit=unit, created_by=actor, **fields)
        CouncilVote.objects.bulk_create([CouncilVote(meeting=meeting, nomination=n) for n in agenda])
    return meeting


def _passes(form: AwardForm, percent) -> bool:
    return percent >= form.vote_threshold if form.threshold_inclusive else percent > form.vote_threshold


def council_record(meeting: CouncilMeeting, *, actor, version, votes: dict[int, int | None]) -> CouncilMeeting:
    """Records the secret-ballot results (votes in favour per nominee); percentages are of all members and
    the pass mark is the award form's; the ranked list is by votes, then by the order on the agenda."""
    with transaction.atomic():
        meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
        stale(meeting, version)
        if meeting.closed_at:
            raise ValidationError(_("Cuộc họp đã kết thúc: kết quả không sửa được."))
        rows = list(meeting.votes.select_related("nomination__award_form"))
        errors = []
        for vote in rows:
            if vote.nomination_id not in votes:
                continue
            value = votes[vote.nomination_id]
            if value is not None and value > meeting.members_present:
                errors.append(
                    _("%(name)s: số phiếu (%(v)s) lớn hơn số thành viên có mặt (%(p)s).")
                    % {"name": vote.nomination.nominee_name, "v": value, "p": meeting.members_present}
                )
                continue
            vote.votes_for = value
        if errors:
            raise ValidationError(errors)
        _rank(meeting, rows)
        update_audited(COUNCIL, meeting)
    return meeting


def _rank(meeting: CouncilMeeting, rows: list[CouncilVote]) -> None:
    for vote in rows:
        if vote.votes_for is None:
            vote.percent, vote.passed, vote.rank = None, None, None
        else:
            vote.percent = round(vote.votes_for * 100 / meeting.members_total, 2)
            vote.passed = _passes(vote.nomination.award_form, vote.percent)
    groups: dict = {}
    for vote in rows:
        if vote.votes_for is not None:
            groups.setdefault((vote.nomination.award_form_id, vote.nomination.subject), []).append(vote)
    for group in groups.values():
        group.sort(key=lambda v: (-v.votes_for, v.pk))
        for rank, vote in enumerate(group, start=1):
            vote.rank = rank
    CouncilVote.objects.bulk_update(rows, ["votes_for", "percent", "passed", "rank"])


def council_close(meeting: CouncilMeeting, *, actor, version, now: dt.datetime | None = None) -> CouncilMeeting:
    now = now or timezone.now()
    with transaction.atomic():
        meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
        stale(meeting, version)
        if meeting.closed_at:
            raise ValidationError(_("Cuộc họp đã kết thúc."))
        votes = list(meeting.votes.select_related("nomination"))
        missing = [v.nomination.nominee_name for v in votes if v.votes_for is None]
        if missing:
            raise ValidationError(_("Chưa nhập kết quả bỏ phiếu cho: %(names)s.") % {"names": ", ".join(missing)})
        update_audited(COUNCIL, meeting, closed_at=now, closed_by=actor)
        for vote in votes:
            event(
                vote.nomination,
                NominationEvent.Action.VOTED,
                meeting.unit,
                actor,
                now,
                _("%(v)s/%(t)s phiếu (%(p)s%%) — %(r)s")
                % {
                    "v": vote.votes_for,
                    "t": meeting.members_total,
                    "p": vote.percent,
                    "r": _("đạt") if vote.passed else _("không đạt"),
                },
            )
    return meeting

"""Starting an assessment, the head's decision forming the team, and who works on each criterion."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Unit, nfc
from units.transitions import update_audited

from .. import selectors
from ..models import Assessment, AssessmentEvent, Criterion, CriterionEntry, TeamMember
from ..sets import set_for
from ..transitions import ASSESSMENT
from .answers import assessment_refresh
from .common import locked_for_update, require_editable


def assessment_start(unit: Unit, school_year: str, *, actor, now: dt.datetime | None = None) -> Assessment:
    """Opens the unit's assessment for the year against the newest set for its kind (idempotent)."""
    now = now or timezone.now()
    existing = Assessment.objects.filter(unit=unit, school_year=school_year).first()
    if existing:
        return existing
    indicator_set = set_for(unit.kind, school_year, unit.province_id)
    if indicator_set is None:
        raise ValidationError(
            _("Chưa có bộ chỉ số áp dụng cho %(kind)s trong năm học %(year)s.")
            % {"kind": unit.kind.name.lower(), "year": school_year}
        )
    with transaction.atomic():
        assessment, created = Assessment.objects.get_or_create(
            unit=unit, school_year=school_year, defaults={"indicator_set": indicator_set}
        )
        if created:
            criteria = Criterion.objects.filter(group__indicator_set=indicator_set)
            CriterionEntry.objects.bulk_create(CriterionEntry(assessment=assessment, criterion=c) for c in criteria)
            AssessmentEvent.objects.create(
                assessment=assessment, action=AssessmentEvent.Action.CREATED, actor=actor, at=now
            )
            assessment_refresh(assessment)
    return assessment


def team_save(
    assessment: Assessment,
    *,
    actor,
    decision_number: str,
    decision_date: dt.date | None,
    members: list[tuple[object, bool, str]],
    now: dt.datetime | None = None,
) -> Assessment:
    """The head's decision forming the team: number/date and members (each must hold a role at the unit)."""
    now = now or timezone.now()
    with transaction.atomic():
        assessment = locked_for_update(assessment)
        require_editable(assessment, now)
        allowed = set(selectors.unit_people(assessment.unit).values_list("pk", flat=True))
        strangers = [u for u, _l, _d in members if u.pk not in allowed]
        if strangers:
            raise ValidationError(
                _("%(names)s không thuộc đơn vị nên không thể vào tổ tự đánh giá.")
                % {"names": ", ".join(u.get_full_name() for u in strangers)}
            )
        if sum(1 for _u, leader, _d in members if leader) > 1:
            raise ValidationError(_("Tổ chỉ có một tổ trưởng."))
        TeamMember.objects.filter(assessment=assessment).delete()
        TeamMember.objects.bulk_create(
            TeamMember(assessment=assessment, user=u, is_leader=leader, duty=nfc(duty)) for u, leader, duty in members
        )
        update_audited(
            ASSESSMENT,
            assessment,
            team_decision_number=nfc(decision_number.strip()),
            team_decision_date=decision_date,
        )
        AssessmentEvent.objects.create(
            assessment=assessment,
            action=AssessmentEvent.Action.TEAM,
            actor=actor,
            at=now,
            reason=_("Quyết định %(n)s, %(c)s thành viên") % {"n": decision_number or "—", "c": len(members)},
        )
    return assessment


def entry_assign(entry: CriterionEntry, *, actor, lead, cooperators) -> CriterionEntry:
    """Lead and cooperators of one criterion come from the team."""
    team = set(TeamMember.objects.filter(assessment=entry.assessment_id).values_list("user_id", flat=True))
    people = ([lead] if lead else []) + list(cooperators)
    outside = [p for p in people if p.pk not in team]
    if outside:
        raise ValidationError(
            _("Chỉ phân công cho thành viên tổ tự đánh giá: %(names)s chưa ở trong tổ.")
            % {"names": ", ".join(p.get_full_name() for p in outside)}
        )
    entry.lead = lead
    entry.save(update_fields=["lead"])
    entry.cooperators.set([c for c in cooperators if not lead or c.pk != lead.pk])
    return entry

"""Rounds, award forms and quotas. Quotas are counted under row locks: an approval locks the quota rows that
apply to it (in primary-key order, so two approvals never deadlock), counts the active approvals and
refuses when the quota is full. Twenty reviewers approving at once against a quota of 2 give exactly 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.models import AwardPlan, Campaign, Deadline
from units import audit, notify
from units.models import Message, Role, Unit, UnitKind, fold, validate_school_year
from units.selectors import unit_ancestors, users_with_roles

from ..models import AwardForm, AwardRound, Quota, ReportTemplate, Subject
from ..selectors import quota_used
from .common import subject_label

TEMPLATES = Path(__file__).parent.parent / "fixtures" / "report_templates.json"


def templates_load() -> int:
    """Loads the shipped report templates that are missing (post_migrate)."""
    have = set(ReportTemplate.objects.values_list("code", flat=True))
    created = 0
    for spec in json.loads(TEMPLATES.read_text(encoding="utf-8")):
        if spec["code"] not in have:
            ReportTemplate.objects.create(**spec)
            created += 1
    return created


def _authority_unit(issuer: Unit, authority: str) -> Unit | None:
    """Which unit of the portal grants an award named like "Giám đốc Sở GD&ĐT …" or "Trưởng phòng …":
    the nearest unit of that category at or above the plan's issuer; None for outside authorities."""
    text = fold(authority)
    if "giam doc so" in text:
        category = UnitKind.Category.DEPARTMENT
    elif "truong phong" in text:
        category = UnitKind.Category.OFFICE
    elif "hieu truong" in text:
        category = UnitKind.Category.SCHOOL
    else:
        return None
    for unit in [issuer, *reversed(unit_ancestors(issuer))]:
        if unit.kind.category == category:
            return unit
    return None


def award_form_for_plan(plan: AwardPlan) -> AwardForm:
    issuer = plan.campaign.issuer
    collective = ReportTemplate.objects.filter(subject=Subject.COLLECTIVE).order_by("-version").first()
    individual = ReportTemplate.objects.filter(subject=Subject.INDIVIDUAL).order_by("-version").first()
    form, _created = AwardForm.objects.get_or_create(
        owner=issuer,
        name=plan.name,
        defaults={
            "authority_unit": _authority_unit(issuer, plan.authority or plan.name),
            "authority_name": plan.authority or plan.name,
            "for_collectives": plan.for_collectives,
            "for_individuals": plan.for_individuals,
            "collective_template": collective,
            "individual_template": individual,
        },
    )
    return form


def round_create(
    campaign: Campaign,
    *,
    kind: str,
    school_year: str,
    actor,
    period: str = "",
    name: str = "",
    signatures_required: bool = False,
) -> AwardRound:
    """Opens a round of a published campaign from the award forms its plan offers for that kind of round:
    the forms, the quotas as the plan states them (on the issuing unit), the plan's nomination and council
    deadlines, the dossier items and the number of copies."""
    validate_school_year(school_year)
    if campaign.status != Campaign.Status.PUBLISHED:
        raise ValidationError(_("Chỉ mở đợt xét khen thưởng cho kế hoạch đã ban hành."))
    plans = [p for p in campaign.award_plans.all() if p.round == kind]
    if not plans:
        raise ValidationError(_("Kế hoạch không có hình thức khen thưởng cho đợt này."))
    deadline = campaign.deadlines.filter(kind=Deadline.Kind.NOMINATION).order_by("pk").first()
    council = campaign.deadlines.filter(kind=Deadline.Kind.COUNCIL).order_by("pk").first()
    if not period:
        basis = deadline.basis if deadline else Deadline.Basis.CALENDAR_YEAR
        period = school_year if basis == Deadline.Basis.SCHOOL_YEAR else school_year[5:]
    with transaction.atomic():
        award_round = AwardRound.objects.create(
            campaign=campaign,
            organiser=campaign.issuer,
            kind=kind,
            name=name
            or _("Xét khen thưởng %(kind)s %(year)s — %(title)s")
            % {"kind": AwardRound.Kind(kind).label.lower(), "year": school_year, "title": campaign.title[:150]},
            school_year=school_year,
            period=period,
            deadline=deadline,
            council_deadline=council,
            dossier_items=list(AwardRound.Item.values),
            copies=max((p.copies or 1) for p in plans),
            signatures_required=signatures_required,
            created_by=actor,
        )
        for plan in plans:
            form = award_form_for_plan(plan)
            award_round.award_forms.add(form)
            if plan.quota_scope and (plan.quota_collectives is not None or plan.quota_individuals is not None):
                Quota.objects.get_or_create(
                    round=award_round,
                    award_form=form,
                    scope=plan.quota_scope,
                    unit=campaign.issuer,
                    block=None,
                    defaults={
                        "max_collectives": plan.quota_collectives or 0,
                        "max_individuals": plan.quota_individuals or 0,
                        "updated_by": actor,
                    },
                )
    return award_round


def quota_save(
    award_round: AwardRound,
    *,
    award_form: AwardForm,
    scope: str,
    unit: Unit,
    max_collectives: int,
    max_individuals: int,
    actor,
    block=None,
) -> Quota:
    """Sets a quota; a quota is never set below what its level has already used."""
    if award_form not in award_round.award_forms.all():
        raise ValidationError(_("Hình thức này không thuộc đợt xét."))
    if max_collectives < 0 or max_individuals < 0:
        raise ValidationError(_("Số lượng không được âm."))
    with transaction.atomic():
        quota = (
            Quota.objects.select_for_update()
            .filter(round=award_round, award_form=award_form, scope=scope, unit=unit, block=block)
            .first()
        )
        before = None
        if quota is None:
            quota = Quota(round=award_round, award_form=award_form, scope=scope, unit=unit, block=block)
        else:
            before = audit.values(quota, ("max_collectives", "max_individuals"))
            for subject, limit in ((Subject.COLLECTIVE, max_collectives), (Subject.INDIVIDUAL, max_individuals)):
                used = quota_used(quota, subject)
                if used is not None and used > limit:
                    raise ValidationError(
                        _("Đã dùng %(used)s suất %(s)s; không thể giảm hạn mức xuống %(limit)s.")
                        % {"used": used, "s": subject_label(subject), "limit": limit}
                    )
        quota.max_collectives, quota.max_individuals, quota.updated_by = max_collectives, max_individuals, actor
        quota.save()
        after = audit.values(quota, ("max_collectives", "max_individuals"))
        if before != after:
            audit.record("quota.changed", quota, unit=unit, actor=actor, before=before, after=after)
    return quota


def quota_hand_down(quota: Quota, *, child: Unit, max_collectives: int, max_individuals: int, actor) -> Quota:
    """A level hands part of its quota to a child unit: the child then forwards at most that many, and the
    parts handed down never add up to more than the quota itself."""
    if child.parent_id != quota.unit_id:
        raise ValidationError(_("Chỉ phân bổ hạn mức cho đơn vị trực thuộc trực tiếp."))
    with transaction.atomic():
        parent = Quota.objects.select_for_update().get(pk=quota.pk)
        others = parent.parts.exclude(unit=child)
        for subject, wanted in ((Subject.COLLECTIVE, max_collectives), (Subject.INDIVIDUAL, max_individuals)):
            field = "max_collectives" if subject == Subject.COLLECTIVE else "max_individuals"
            given = sum(getattr(p, field) for p in others)
            if given + wanted > parent.limit(subject):
                raise ValidationError(
                    _("Tổng phân bổ %(s)s (%(total)s) vượt hạn mức của đơn vị (%(limit)s).")
                    % {"s": subject_label(subject), "total": given + wanted, "limit": parent.limit(subject)}
                )
        part = quota_save(
            parent.round,
            award_form=parent.award_form,
            scope=Quota.Scope.UNIT,
            unit=child,
            max_collectives=max_collectives,
            max_individuals=max_individuals,
            actor=actor,
        )
        if part.parent_id != parent.pk:
            part.parent = parent
            part.save(update_fields=["parent"])
    return part


def full_message(quota: Quota, subject: str, used: int, block=None) -> str:
    where = {
        Quota.Scope.COUNCIL: _("Hội đồng TĐKT của %(unit)s"),
        Quota.Scope.UNIT: _("%(unit)s (số được trình lên cấp trên)"),
        Quota.Scope.BLOCK: _("khối thi đua “%(block)s”"),
        Quota.Scope.DIVISION: _("mỗi phòng chức năng của %(unit)s"),
    }[quota.scope] % {"unit": quota.unit.name, "block": block.name if block else ""}
    return _(
        "Đã đủ hạn mức %(limit)s %(s)s cho “%(form)s” của %(where)s (đã duyệt %(used)s). "
        "Muốn duyệt thêm, hãy bỏ duyệt một đề nghị khác hoặc đề nghị cấp trên điều chỉnh hạn mức."
    ) % {
        "limit": quota.limit(subject),
        "s": subject_label(subject),
        "form": quota.award_form.name,
        "where": where,
        "used": used,
    }


def notify_full(quota: Quota, subject: str, block, now: dt.datetime) -> None:
    for person in users_with_roles(quota.unit_id, [Role.HEAD, Role.REVIEWER, Role.OFFICER]):
        notify.notify(
            recipient=person,
            kind=Message.Kind.EVENT,
            subject=_("Đã dùng hết hạn mức %(s)s — %(form)s")
            % {"s": subject_label(subject), "form": quota.award_form.name},
            body=full_message(quota, subject, quota.limit(subject), block),
            key=f"quota:{quota.pk}:{subject}:{block.pk if block else 0}:full:{quota.limit(subject)}:{person.pk}",
            url=reverse("nominations:board", args=[quota.round.public_id]),
            unit=quota.unit,
            when=now,
        )

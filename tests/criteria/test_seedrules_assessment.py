"""Issue 17, self-assessment (seed 003, QĐ 3806/4725): after a return only the returned criteria change,
the decisions' dates are in order and not in the future (late approvals are flagged with days late), and
one computation feeds the reviewer's queue and the assessment page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from criteria import services
from criteria.models import Assessment, CriterionEntry, Indicator

from .test_cycle import YEAR, as_user, entry_of

pytestmark = pytest.mark.seedrules


def service_values(entry: CriterionEntry) -> dict[int, dict]:
    values = {}
    for indicator in Indicator.objects.filter(criterion=entry.criterion):
        if indicator.kind in (Indicator.Kind.MANDATORY, Indicator.Kind.YES_NO):
            values[indicator.pk] = {"value": "yes"}
        elif indicator.kind == Indicator.Kind.LEVELS:
            values[indicator.pk] = {"value": "2"}
        elif indicator.kind == Indicator.Kind.NUMBER:
            values[indicator.pk] = {"value": "5"}
        elif indicator.kind == Indicator.Kind.PERCENTAGE:
            values[indicator.pk] = {"numerator": "30", "denominator": "40"}
    return values


def filled(cast, unit=None, head=None) -> Assessment:
    """An assessment of the unit with every criterion answered and the team's minutes recorded."""
    unit, head = unit or cast.school_a, head or cast.principal_a
    assessment = services.assessment_start(unit, YEAR, actor=head)
    services.team_save(assessment, actor=head, decision_number="1", decision_date=None, members=[(head, True, "")])
    item = services.evidence_link(unit, url="https://example.vn/kh.pdf", title="Kế hoạch", issued_on=None, actor=head)
    for entry in assessment.entries.select_related("criterion"):
        values = service_values(entry)
        evidence = {pk: [item] for pk in values}
        services.entry_save(entry, actor=head, values=values, evidence=evidence, version=entry.version)
    services.minutes_record(assessment, actor=head)
    return Assessment.objects.get(pk=assessment.pk)


def returned(cast) -> Assessment:
    assessment = filled(cast)
    services.assessment_approve(assessment, actor=cast.principal_a, number="20/QĐ", date=dt.date(2026, 6, 1))
    services.assessment_submit(assessment, actor=cast.principal_a)
    services.assessment_return(assessment, actor=cast.reviewer_p, reasons={"1.3": "Bổ sung minh chứng"})
    return Assessment.objects.get(pk=assessment.pk)


def test_after_a_return_only_returned_criteria_are_editable(cast):
    assessment = returned(cast)
    e12, e13 = entry_of(assessment, "1.2"), entry_of(assessment, "1.3")
    with pytest.raises(ValidationError, match=r"tiêu chí 1\.2 không bị trả lại"):
        services.entry_save(e12, actor=cast.principal_a, values=service_values(e12), evidence={}, version=e12.version)
    services.entry_save(e13, actor=cast.principal_a, values=service_values(e13), evidence={}, version=e13.version)
    assert entry_of(assessment, "1.3").version == e13.version + 1
    # The page shows the criterion not returned read-only, the returned one editable.
    head = as_user(cast.principal_a)
    page = head.get(reverse("criteria:entry", args=[assessment.public_id, e12.pk])).text
    assert "không bị trả lại nên chỉ xem" in page and "Lưu tiêu chí" not in page
    page = head.get(reverse("criteria:entry", args=[assessment.public_id, e13.pk])).text
    assert "Bổ sung minh chứng" in page and "Lưu tiêu chí" in page
    # A post to the closed criterion is refused with the message; nothing is written.
    indicator = Indicator.objects.filter(criterion=e12.criterion).first()
    r = head.post(
        reverse("criteria:entry", args=[assessment.public_id, e12.pk]),
        {"version": e12.version, f"i{indicator.pk}-note": "sửa lén"},
    )
    assert "không bị trả lại" in r.text
    assert entry_of(assessment, "1.2").version == e12.version
    # Once sent again and returned for 1.2, criterion 1.2 is open and 1.3 closed.
    services.assessment_submit(assessment, actor=cast.principal_a)
    services.assessment_return(assessment, actor=cast.reviewer_p, reasons={"1.2": "Sai số liệu"})
    e12, e13 = entry_of(assessment, "1.2"), entry_of(assessment, "1.3")
    services.entry_save(e12, actor=cast.principal_a, values=service_values(e12), evidence={}, version=e12.version)
    with pytest.raises(ValidationError, match=r"tiêu chí 1\.3 không bị trả lại"):
        services.entry_save(e13, actor=cast.principal_a, values=service_values(e13), evidence={}, version=e13.version)

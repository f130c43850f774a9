"""{% award_ledger person=… %} / {% award_ledger unit=… %}: the award history on person and unit pages."""

from django import template

from nominations.models import AwardRecord

register = template.Library()


@register.inclusion_tag("nominations/_ledger.html")
def award_ledger(person=None, unit=None):
    rows = AwardRecord.objects.none()
    if person is not None:
        rows = AwardRecord.objects.filter(person=person)
    elif unit is not None:
        rows = AwardRecord.objects.filter(unit=unit)
    return {"awards": list(rows.order_by("-decision_date", "-pk")[:50])}

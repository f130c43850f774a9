"""{% award_ledger person=… %} / {% award_ledger unit=… %}: the award history on person and unit pages."""

from django import template

from nominations.selectors import ledger

register = template.Library()


@register.inclusion_tag("nominations/_ledger.html")
def award_ledger(person=None, unit=None):
    return {"awards": ledger(person=person, unit=unit)}

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ dict|get_item:key }} — look up a key that is a variable (dicts keyed by id)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def days_late(obligation, now):
    return obligation.days_late(now)


@register.filter
def reopened(obligation, now):
    """{{ ob|reopened:now }} — the parent's reopening of this unit's work still runs."""
    return obligation.is_reopened(now)

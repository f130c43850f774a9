from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """{{ row|get:"some key" }} for dict keys a template cannot spell (double underscores)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""

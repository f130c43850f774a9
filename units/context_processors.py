from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .notify import unread_count
from .selectors import scope_for


def portal(request):
    """Values every page needs: the user's scope (lazy: no query until a template asks for roles)."""
    user = getattr(request, "user", None)
    return {
        "scope": (lambda: scope_for(user)) if user is not None else None,
        "SITE_NAME": settings.SITE_NAME,
        "DEBUG": settings.DEBUG,
        # Lazy: counted only when the header renders the bell (one small indexed query).
        "unread_messages": SimpleLazyObject(lambda: unread_count(user)) if user is not None else 0,
        "AXES_COOLOFF_MINUTES": round(float(settings.AXES_COOLOFF_TIME) * 60),
    }

from django.conf import settings

from .selectors import scope_for


def portal(request):
    """Values every page needs: the user's scope (lazy: no query until a template asks for roles)."""
    user = getattr(request, "user", None)
    return {
        "scope": (lambda: scope_for(user)) if user is not None else None,
        "SITE_NAME": "Cổng thi đua ngành Giáo dục",
        "DEBUG": settings.DEBUG,
        "AXES_COOLOFF_MINUTES": round(float(settings.AXES_COOLOFF_TIME) * 60),
    }

"""Error pages in the portal's layout and in Vietnamese, also when DEBUG is on (the one-command demo).

Django answers a 404 with its technical page and an exception with its traceback page when DEBUG is on; a
newcomer clicking through the demo should see the page a real user sees. The traceback still goes to the
console (logged here, as Django logs it without DEBUG)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views import defaults

logger = logging.getLogger("django.request")


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: the layout without the request's context processors (they query the database, which may
    be what failed), with only the portal's name."""
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render({"SITE_NAME": settings.SITE_NAME}))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's page is in English; the usual cause here is a form left open too long."""
    return render(request, "403_csrf.html", status=403)


def signup_unavailable(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Accounts are created by unit heads and officers: with sign-up closed the sign-up URL does not exist."""
    from allauth.account.adapter import get_adapter
    from allauth.account.views import signup

    if not get_adapter(request).is_open_for_signup(request):
        raise Http404
    return signup(request, *args, **kwargs)


class PortalErrorPagesMiddleware:
    """With DEBUG on, a 404 or an unexpected exception raised by a view gets the portal's page instead of
    Django's technical one (without DEBUG Django already uses handler404 / handler500). A URL that matches
    no pattern is answered the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            # No view ran: the resolver found nothing and Django answered with its technical 404.
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or isinstance(exception, PermissionDenied):
            return None  # handler403 renders the portal's page in every mode
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        logger.error("Internal Server Error: %s", request.path, exc_info=exception, extra={"request": request})
        return server_error(request)

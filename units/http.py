"""Small HTTP helpers every app's views share: permission check, paging, form data, service errors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _

PAGE_SIZE = 50


def form_data(request: HttpRequest):
    """The form data of a POST, even an empty one (an unticked checkbox posts nothing), else None."""
    return request.POST if request.method == "POST" else None


def require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def paginate(request: HttpRequest, qs, size: int = PAGE_SIZE):
    """The page of `qs` asked for in ?page= (the last one if past the end), PAGE_SIZE rows each."""
    return Paginator(qs, size).get_page(request.GET.get("page"))


def error_messages(request, exc: ValidationError) -> None:
    """Shows each message of a service's ValidationError on the next page."""
    for msg in exc.messages:
        messages.error(request, msg)


def form_errors(form, exc: ValidationError) -> None:
    """Puts a service's ValidationError on a bound form: a message about one of the form's fields goes next to
    that field, every other one above the form."""
    if not exc.messages:
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages)
    else:
        form.add_error(None, exc.messages)

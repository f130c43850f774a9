from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


@dataclass(frozen=True)
class PortalSite:
    """What allauth's e-mails call `current_site`: the portal's name and address, not the request's host."""

    name: str
    domain: str

    @classmethod
    def current(cls) -> PortalSite:
        return cls(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by unit heads and officers, never by self sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {**context, "current_site": PortalSite.current()})

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"


def axes_username(request, credentials=None) -> str | None:
    """The name a login attempt is counted under by django-axes: what the user typed in the login box
    (username or e-mail, case-folded), whatever key allauth passes to the authentication backends."""
    value = None
    if credentials:
        value = credentials.get("login") or credentials.get("username") or credentials.get("email")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login")
    return value.strip().lower() if value else None

"""Account security: two-step verification required for officers and administrators, sign-out from every
device, officer unlock of a locked-out login, and the login events of the audit log."""

from __future__ import annotations

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from allauth.mfa.utils import is_mfa_enabled
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from . import audit
from .models import Membership, Person, User
from .selectors import scope_for

# Paths an officer without two-step verification may still open: signing in and out, setting it up, and
# the public pages anyone may read (document verification, published results).
_MFA_OPEN_PREFIXES = ("/tai-khoan/", "/static/", "/healthz", "/xac-thuc/", "/cong-khai/")


def requires_mfa(user) -> bool:
    """Officers, administrators (roles in MFA_REQUIRED_ROLES) and Django staff must use two-step verification."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return bool(settings.MFA_REQUIRED_ROLES)
    return bool(scope_for(user).all_roles & set(settings.MFA_REQUIRED_ROLES))


def _verified_this_session(request) -> bool:
    """Whether this session was signed in with a second factor (allauth records how a session authenticated):
    then the user has an authenticator and no query is needed."""
    methods = request.session.get("account_authentication_methods", [])
    return any(m.get("method") == "mfa" for m in methods if isinstance(m, dict))


class MFARequiredMiddleware:
    """Sends an officer or administrator who has not set up an authenticator app to the set-up page, with
    the reason, before any other page. Once set up, allauth asks for the code at every sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_MFA_OPEN_PREFIXES)
            and requires_mfa(user)
            and not _verified_this_session(request)
            and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
        ):
            target = reverse("mfa_activate_totp")
            if request.method == "GET" and not request.headers.get("HX-Request"):
                messages.warning(
                    request,
                    _(
                        "Tài khoản của bạn có vai trò quản lý (cán bộ thi đua, quản trị) nên phải bật xác thực "
                        "hai bước trước khi làm việc. Hãy quét mã QR bằng ứng dụng xác thực trên điện thoại "
                        "(Google Authenticator, Microsoft Authenticator…) rồi nhập mã 6 số."
                    ),
                )
                return redirect(target)
            # A form post or an HTMX request: refuse plainly instead of losing the body in a redirect.
            response = HttpResponse(
                _("Cần bật xác thực hai bước trước khi thực hiện thao tác này."), status=403, content_type="text/plain"
            )
            response["HX-Redirect"] = target
            return response
        return self.get_response(request)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Someone who must use two-step verification cannot switch off their only authenticator app."""
        if authenticator.type == Authenticator.Type.TOTP and requires_mfa(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)


def logout_everywhere(request) -> None:
    """Ends every session of the user on every device except this one (the session hash changes)."""
    user = request.user
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    update_session_auth_hash(request, user)
    _account_event("logout.everywhere", user)


def home_unit_id(user) -> int | None:
    """The unit whose officers see this user's login events: their staff record's unit, else a role's unit."""
    if user is None:
        return None
    unit_id = Person.objects.filter(user=user).values_list("unit_id", flat=True).first()
    if unit_id is None:
        unit_id = (
            Membership.objects.filter(user=user, revoked_at__isnull=True).values_list("unit_id", flat=True).first()
        )
    return unit_id


def _account_event(action: str, user, **details) -> None:
    """An audit entry about the user's own account, done by them, read by the officers of their unit."""
    audit.record(action, user, unit=home_unit_id(user), actor=user, **details)


def _login_names(user: User) -> set[str]:
    """The names a login attempt for this user is counted under (see units.adapters.axes_username)."""
    return {user.username.lower(), (user.email or "").lower()} - {""}


def _user_named(name: str | None) -> User | None:
    if not name:
        return None
    name = name.strip()
    return User.objects.filter(username__iexact=name).first() or User.objects.filter(email__iexact=name).first()


# --- Audit entries for authentication events ------------------------------------------------------------


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    _account_event("login.success", user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        _account_event("logout", user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    name = credentials.get("login") or credentials.get("username") or credentials.get("email") or ""
    user = _user_named(name)
    audit.record(
        "login.failed",
        user,
        unit=home_unit_id(user),
        repr_text=str(name)[:150],
        after={"login": str(name)[:150]},
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    user = _user_named(username)
    audit.record(
        "login.locked", user, unit=home_unit_id(user), repr_text=str(username or "")[:150], after={"ip": ip_address}
    )


@receiver(password_changed)
def _password_changed(sender, request, user, **kwargs):
    _account_event("password.changed", user)


@receiver(password_reset)
def _password_reset(sender, request, user, **kwargs):
    _account_event("password.reset", user)


@receiver(authenticator_added)
def _mfa_added(sender, request, user, authenticator, **kwargs):
    _account_event("mfa.added", user, after={"type": authenticator.type})


@receiver(authenticator_removed)
def _mfa_removed(sender, request, user, authenticator, **kwargs):
    _account_event("mfa.removed", user, before={"type": authenticator.type})


def unlock(user: User) -> int:
    """Clears django-axes' failure counts for every name the user can sign in with; returns how many."""
    return sum(reset(username=name) for name in _login_names(user))


def is_locked_out(user: User) -> bool:
    recent = AccessAttempt.objects.filter(
        username__in=_login_names(user), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    cool_off = get_cool_off()
    if cool_off:
        recent = recent.filter(attempt_time__gte=timezone.now() - cool_off)
    return recent.exists()


class PrivatePagesNoStoreMiddleware:
    """Pages served to a signed-in user carry `Cache-Control: private, no-store`: school offices share computers,
    and neither the browser's cache nor its back button may show the next person what the last one saw. Files
    (streamed responses and attachments) keep the headers their view set; static files never get here
    (WhiteNoise answers them above the session). HTMX fragments are left alone: they are parts of a page that
    already carries the header, never a history entry of their own, and no-store on them made the autosave of
    the self-assessment entry page race its own submit (409) in the phone journey."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not response.streaming
            and not response.has_header("Content-Disposition")
            and not request.headers.get("HX-Request")
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response

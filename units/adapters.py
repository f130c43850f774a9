from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by unit heads and officers, never by self sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False


def axes_username(request, credentials=None) -> str | None:
    """The name a login attempt is counted under by django-axes: what the user typed in the login box
    (username or e-mail, case-folded), whatever key allauth passes to the authentication backends."""
    value = None
    if credentials:
        value = credentials.get("login") or credentials.get("username") or credentials.get("email")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login")
    return value.strip().lower() if value else None

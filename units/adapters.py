from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by unit heads and officers, never by self sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

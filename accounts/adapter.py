"""OnGuard's allauth adapter: the client address rate limits key on (config/clientip.py), `next`
URLs that allauth cannot even parse treated as unsafe instead of raising a 500, and the check at
sign-in for who must set up two-step sign-in (accounts/mfa.py)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from config.clientip import client_ip

from .mfa import mfa_flag_on_login


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def is_safe_url(self, url: str | None) -> bool:
        try:
            return super().is_safe_url(url)
        except ValueError:  # urlparse("http://[x") raises "Invalid IPv6 URL" (review L3)
            return False

    def login(self, request: HttpRequest, user) -> None:
        super().login(request, user)
        mfa_flag_on_login(request, user)

"""OnGuard's allauth adapter: the client address rate limits key on (config/clientip.py), and
`next` URLs that allauth cannot even parse treated as unsafe instead of raising a 500."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from config.clientip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def is_safe_url(self, url: str | None) -> bool:
        try:
            return super().is_safe_url(url)
        except ValueError:  # urlparse("http://[x") raises "Invalid IPv6 URL" (review L3)
            return False

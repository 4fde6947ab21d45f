"""OnGuard's allauth adapter: the client address rate limits key on (config/clientip.py), `next`
URLs that allauth cannot even parse treated as unsafe instead of raising a 500, and the check at
sign-in for who must set up two-step sign-in (accounts/mfa.py), and e-mails that name the site."""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from config.clientip import client_ip

from .context_processors import SESSION_KEY as JOINING_SESSION_KEY
from .invitations import joining_organisation
from .mail import absolute_url
from .mfa import mfa_flag_on_login
from .models import User


def _on_site(url: str) -> str:
    """A link for an e-mail on the site's public address (settings.SITE_URL, as every other
    e-mail uses), whatever host the request came in on."""
    path = urlsplit(url)
    return absolute_url(path.path + (f"?{path.query}" if path.query else ""))


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def is_safe_url(self, url: str | None) -> bool:
        try:
            return super().is_safe_url(url)
        except ValueError:  # urlparse("http://[x") raises "Invalid IPv6 URL" (review L3)
            return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails name the site and its address, never the request's host (B12)."""
        context = {
            **context,
            "site_url": settings.SITE_URL.rstrip("/"),
            "support_email": settings.SUPPORT_EMAIL,
        }
        super().send_mail(template_prefix, email, context)

    def send_account_already_exists_mail(self, email: str) -> None:
        """Sign-up with a registered address (mandatory verification): the owner is told, calmly,
        with the ways back in on the site's own address, in the owner's language (not that of
        whoever filled in the form); the form showed what any sign-up shows."""
        owner = User.objects.filter(email__iexact=email).only("language").first()
        context = {
            "login_url": absolute_url(reverse("account_login")),
            "password_reset_url": absolute_url(reverse("account_reset_password")),
        }
        with translation.override((owner and owner.language) or translation.get_language()):
            self.send_mail("account/email/account_already_exists", email, context)

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation) -> str:
        return _on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return _on_site(super().get_reset_password_from_key_url(key))

    def _joining_way_back(self, request: HttpRequest) -> str:
        """The join link or invitation that brought the person to the account pages in this
        session, if it still leads in; taken once. The sign-up and log-in pages promise "you come
        straight back to join" (B7), also when the form carried no `next`."""
        way_back = request.session.pop(JOINING_SESSION_KEY, "")
        return way_back if way_back and joining_organisation(way_back) is not None else ""

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return self._joining_way_back(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return self._joining_way_back(request) or super().get_signup_redirect_url(request)

    def login(self, request: HttpRequest, user) -> None:
        super().login(request, user)
        mfa_flag_on_login(request, user)

"""Two things every response needs from the sign-in set-up:

- The CSP's form-action lets the "Sign in with …" forms go on to the providers: browsers check
  the redirect after a form post against it, so on pages that hold such a form (marked
  `data-sign-in-provider`), each configured provider's sign-in origin is added to the 'self' of
  settings.CONTENT_SECURITY_POLICY. Other pages keep 'self' alone, and cost no query.
- allauth's Google and Microsoft log-in URLs exist whether or not the provider is configured,
  and raise SocialApp.DoesNotExist when it is not: that is a 404 here, not a server error."""

import time
from urllib.parse import urlsplit

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from django.http import Http404, HttpRequest

# Where each provider's sign-in page lives; OpenID Connect apps name theirs in server_url.
PROVIDER_ORIGINS = {
    "google": "https://accounts.google.com",
    "microsoft": "https://login.microsoftonline.com",
}
SIGN_IN_FORM_MARK = b"data-sign-in-provider"
# Providers set in the admin are read at most once a minute per process, not per request.
ORIGINS_TTL_SECONDS = 60
_memo: dict = {}


def sign_in_origins() -> list[str]:
    now = time.monotonic()
    if _memo.get("until", 0) > now:
        return _memo["origins"]
    origins = set()
    for app in get_adapter().list_apps(None):
        if app.provider in PROVIDER_ORIGINS:
            origins.add(PROVIDER_ORIGINS[app.provider])
        elif server_url := (app.settings or {}).get("server_url"):
            parts = urlsplit(server_url)
            if parts.scheme in ("http", "https") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    _memo.update(origins=sorted(origins), until=now + ORIGINS_TTL_SECONDS)
    return _memo["origins"]


def sign_in_origins_forget() -> None:
    """After providers change (the admin, tests), read them again at the next request."""
    _memo.clear()


class SignInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if (
            response.get("Content-Type", "").startswith("text/html")
            and not response.streaming
            and SIGN_IN_FORM_MARK in response.content
            and (origins := sign_in_origins())
        ):
            response._csp_update = {"form-action": origins}
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, SocialApp.DoesNotExist):
            raise Http404("No such sign-in service.") from exception
        return None

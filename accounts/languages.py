"""Which language a page and an e-mail are in.

The browser's preference (Accept-Language, through Django's LocaleMiddleware) decides on a first
visit; the switcher on every page sets a cookie; a signed-in learner's saved choice (User.language,
set by the switcher or on the profile) wins over both and is the language of their e-mails,
reminders and certificates."""

from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

CODES = {code for code, _name in settings.LANGUAGES}


def language_of(user) -> str:
    """The language to write to `user` in (their saved choice, else the site's default)."""
    code = getattr(user, "language", "") or ""
    return code if code in CODES else settings.LANGUAGE_CODE


@contextmanager
def writing_to(user):
    """Render e-mails and documents for `user` in their language."""
    with translation.override(language_of(user)):
        yield


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = getattr(request.user, "language", "") if request.user.is_authenticated else ""
        if code in CODES:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher (a plain form: works without JavaScript). Remembers the choice in a
    cookie and, for a signed-in learner, on their profile; then goes back where they were."""
    code = request.POST.get("language", "")
    back = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = "/"
    response = HttpResponseRedirect(back)
    if code not in CODES:
        return response
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response

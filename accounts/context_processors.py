"""What the account pages (log-in, sign-up, "check your e-mail") say about where the person is
going: the organisation whose join link or invitation sent them there (review B7)."""

from django.http import HttpRequest

from .invitations import joining_organisation

# Where the join link or invitation that brought someone to the account pages is remembered, so
# that "check your e-mail" can still name the organisation after the sign-up form is gone.
SESSION_KEY = "joining_next"
ACCOUNT_PAGES = {"account_login", "account_signup", "account_email_verification_sent"}


def joining(request: HttpRequest) -> dict:
    """`joining`: the Organisation, on the account pages only (no query on any other page)."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name not in ACCOUNT_PAGES:
        return {}
    given = request.GET.get("next") or request.POST.get("next")
    next_url = given or request.session.get(SESSION_KEY, "")
    organisation = joining_organisation(next_url) if next_url else None
    if organisation is not None and given:
        request.session[SESSION_KEY] = next_url
    return {"joining": organisation}

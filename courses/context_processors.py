from django.conf import settings
from django.urls import Resolver404, resolve

from .help import HOTLINES
from .models import Module


def safety(request) -> dict:
    """The help lines and quick-exit target every page shows (no database access)."""
    return {"HOTLINES": HOTLINES, "QUICK_EXIT_URL": settings.QUICK_EXIT_URL}


def quiz_next(request) -> dict:
    """`quiz_module`: on the log-in and sign-up pages, the module whose quiz sent a guest there,
    so the page can say why an account is needed (one query, only on those pages)."""
    match = getattr(request, "resolver_match", None)
    next_url = request.GET.get("next", "")
    if match is None or match.url_name not in ("account_login", "account_signup") or not next_url:
        return {}
    try:
        target = resolve(next_url.split("?", 1)[0]) if next_url.startswith("/") else None
    except Resolver404:
        target = None
    if target is None or target.view_name != "quizzes:quiz":
        return {}
    return {"quiz_module": Module.objects.filter(slug=target.kwargs["slug"], is_active=True).first()}

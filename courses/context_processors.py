from django.conf import settings

from .help import HOTLINES


def safety(request) -> dict:
    """The help lines and quick-exit target every page shows (no database access)."""
    return {"HOTLINES": HOTLINES, "QUICK_EXIT_URL": settings.QUICK_EXIT_URL}

"""Answer 503 when the database is unreachable, instead of a 500 page or a stack trace.

It sits first in MIDDLEWARE because sessions and authentication query the database before any
view runs. Django turns an exception raised anywhere inside into a 500 response before it gets
here, so on a 500 (and only then: no cost to healthy requests) this asks the database whether it
is reachable, and if not answers 503 with a static page that needs no database. Django's
CONN_HEALTH_CHECKS discards a dead connection on the next request, so the site recovers by
itself when the database comes back."""

import logging

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and not database_reachable():
            return unavailable()
        return response


def database_reachable() -> bool:
    connection = connections["default"]
    try:
        connection.close_if_unusable_or_obsolete()
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.error("Database unavailable: %s", exc)
        connection.close()
        return False
    return True


def unavailable() -> HttpResponse:
    html = render_to_string("503.html", {"QUICK_EXIT_URL": settings.QUICK_EXIT_URL})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    return response

"""Error views: the 500 handler (a database error is the 503 page, not a 500) and the CSRF
failure page in the site's layout."""

import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.middleware import unavailable
from courses.views import server_error as generic_server_error


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. Django calls it while handling the exception, so sys.exc_info() names it. A
    database error means "briefly unavailable" even if the database is already back by the time
    the middleware could ask (review L12: the first request of an outage got a plain 500)."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        return unavailable()
    return generic_server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: usually an old tab or blocked cookies, said in plain words."""
    return render(request, "403_csrf.html", status=403)

"""Friendly 400, 403, 404 and 500 pages: help links, quick exit, no stack trace."""

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as real_patterns


def boom(request):
    raise RuntimeError("secret internals")


def forbidden(request):
    raise PermissionDenied


def bad(request):
    raise BadRequest("nope")


urlpatterns = [path("boom/", boom), path("forbidden/", forbidden), path("bad/", bad), *real_patterns]
handler500 = "courses.views.server_error"


@pytest.fixture
def errors_client(settings, db):
    settings.ROOT_URLCONF = "tests.trust.test_error_pages"
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("url", "status", "title"),
    [
        ("/bad/", 400, "That request didn’t work"),
        ("/forbidden/", 403, "You can’t open this page"),
        ("/nothing-here/", 404, "We can’t find that page"),
        ("/boom/", 500, "Something went wrong on our side"),
    ],
)
def test_error_pages_are_friendly(errors_client, url, status, title):
    response = errors_client.get(url)
    body = response.content.decode()
    assert response.status_code == status
    assert title in body and "1-800-843-5678" in body and 'id="quick-exit"' in body
    assert "secret internals" not in body and "Traceback" not in body


def test_health_endpoint(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "tasks": "ok (runs in process)"}
    assert client.post("/healthz").status_code == 405

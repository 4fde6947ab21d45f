"""Errors a visitor can meet look like the site and say what to do (I1), a database error is
always the 503 page (L12), and a refused request is one log line, not a traceback (I2)."""

import logging

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import path

from config.urls import handler500  # noqa: F401  (this module is the test's ROOT_URLCONF)
from config.urls import urlpatterns as real_patterns


def database_went_away(request):
    raise OperationalError("the database system is starting up")


def connection_closed(request):
    raise InterfaceError("connection already closed")


def forbidden(request):
    raise PermissionDenied("Only the organisation's owners and admins can see this page.")


def bad_request(request):
    raise BadRequest("quiz POST names a question or choice outside this form")


urlpatterns = [
    path("db-starting/", database_went_away),
    path("db-closed/", connection_closed),
    path("forbidden/", forbidden),
    path("bad-request/", bad_request),
    *real_patterns,
]


@pytest.fixture
def errors_client(settings, db):
    settings.ROOT_URLCONF = "tests.trust.test_error_handling"
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/db-starting/", "/db-closed/"])
def test_a_database_error_is_the_503_page_even_when_the_database_is_back(errors_client, url):
    # The database answers again by the time the error is handled: still a 503, never a 500.
    response = errors_client.get(url)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "briefly unavailable" in response.content.decode()


def test_a_failed_csrf_check_shows_the_site_page_with_quick_exit(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    body = response.content.decode()
    assert response.status_code == 403
    assert 'id="quick-exit"' in body and "1-800-843-5678" in body and "reload the page" in body


def test_too_many_attempts_shows_the_site_page_with_quick_exit(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "1/m/ip"}
    client.post("/accounts/signup/", {"email": "a@example.org"})
    response = client.post("/accounts/signup/", {"email": "b@example.org"})
    body = response.content.decode()
    assert response.status_code == 429
    assert 'id="quick-exit"' in body and "Too many attempts" in body


@pytest.mark.parametrize(
    "url, status, message",
    [
        ("/forbidden/", 403, "Forbidden"),
        # A forged form (the re-test's sqlmap run on the quiz logged a traceback per probe).
        ("/bad-request/", 400, "quiz POST names a question or choice outside this form: /bad-request/"),
    ],
)
def test_a_refused_request_logs_one_line_without_a_traceback(errors_client, caplog, url, status, message):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert errors_client.get(url).status_code == status
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1 and records[0].exc_info is None
    assert message in records[0].getMessage()

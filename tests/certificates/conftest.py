"""Helpers for certificate tests: completing modules through the real services, a clock the
tests move, a fixed signing key, a clean rate-limit cache, and platform staff."""

import base64
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.test import Client

from certificates import services
from tests.conftest import make_user
from tests.steps import Clock, answers, complete_module, take_quiz  # noqa: F401 (used by the tests here)

TEST_KEY = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture(autouse=True)
def _certificate_settings(settings):
    settings.OPENBADGES_SIGNING_KEY = TEST_KEY
    settings.SITE_URL = "https://onguard.example"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch, datetime(2026, 1, 31, 9, 0, tzinfo=UTC))


@pytest.fixture
def validity(monkeypatch):
    """The issuer sets a 12-month validity period (as an organisation may)."""
    issuer = services.Issuer(name="OnGuard", validity_months=12)
    monkeypatch.setattr(services, "issuer_for", lambda **kwargs: issuer)
    return issuer


@pytest.fixture
def staff(db):
    user = make_user("staff@example.org", "other", "Sam Staff")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client

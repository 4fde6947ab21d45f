"""Helpers for certificate tests: completing modules through the real services, a clock the
tests move, a fixed signing key, a clean rate-limit cache, and platform staff."""

import base64
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from certificates import services
from courses.models import Module
from courses.services import lesson_complete
from quizzes.services import attempt_submit, get_quiz, quiz_questions
from tests.conftest import make_user

TEST_KEY = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture(autouse=True)
def _certificate_settings(settings):
    settings.OPENBADGES_SIGNING_KEY = TEST_KEY
    settings.SITE_URL = "https://onguard.example"
    cache.clear()
    yield
    cache.clear()


def answers(quiz, right: bool = True) -> dict[int, set[int]]:
    result = {}
    for question in quiz_questions(quiz):
        choices = list(question.choices.all())
        result[question.pk] = (
            {c.pk for c in choices if c.correct} if right else {next(c.pk for c in choices if not c.correct)}
        )
    return result


def take_quiz(user, slug: str, right: bool = True):
    quiz = get_quiz(Module.objects.get(slug=slug))
    return attempt_submit(user=user, quiz=quiz, token=uuid.uuid4(), selected=answers(quiz, right))[0]


def complete_module(user, slug: str):
    """Every lesson, then a passing quiz: the way a learner completes a module."""
    for lesson in Module.objects.get(slug=slug).lessons.all():
        lesson_complete(user=user, lesson=lesson)
    return take_quiz(user, slug)


class Clock:
    """`timezone.now()` under the test's control."""

    def __init__(self, monkeypatch, start: datetime):
        self.now = start
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.now)

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


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

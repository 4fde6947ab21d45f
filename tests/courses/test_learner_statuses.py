"""`module_statuses_for_learner` (My learning's one-query statuses) gives exactly what
`module_statuses` gives over `modules_with_lesson_counts()`, for learners at every stage:
nothing done, a lesson opened or done, quizzes failed and passed, modules completed, a completion
due again, a lesson retired after it was done, in English and in Spanish."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from certificates import services as certificate_services
from courses.models import Lesson
from courses.services import (
    lesson_complete,
    lesson_open,
    module_statuses,
    module_statuses_for_learner,
    modules_with_lesson_counts,
)
from tests.conftest import make_user
from tests.steps import Clock, complete_module, take_quiz


def _both(user):
    expected = module_statuses(user=user, modules=list(modules_with_lesson_counts()))
    return expected, module_statuses_for_learner(user=user)


@pytest.fixture
def learners(course, monkeypatch):
    """Learners at different stages; the clock then moves on 400 days, past a 12-month validity."""
    issuer = certificate_services.Issuer(name="OnGuard", validity_months=12)
    monkeypatch.setattr(certificate_services, "issuer_for", lambda **kwargs: issuer)
    clock = Clock(monkeypatch, datetime(2026, 1, 31, 9, 0, tzinfo=UTC))
    intro = Lesson.objects.get(module__slug="first-steps", slug="intro")
    signs = Lesson.objects.get(module__slug="first-steps", slug="signs")
    users = {name: make_user(f"{name}@example.org") for name in
             ("new", "opened", "one_lesson", "failed", "failed_then_passed", "lapsed", "busy")}  # fmt: skip
    lesson_open(user=users["opened"], lesson=signs)
    lesson_complete(user=users["one_lesson"], lesson=intro)
    lesson_open(user=users["one_lesson"], lesson=signs)
    take_quiz(users["failed"], "first-steps", right=False)
    take_quiz(users["failed"], "second-steps", right=False)
    take_quiz(users["failed_then_passed"], "first-steps", right=False)
    take_quiz(users["failed_then_passed"], "first-steps")
    complete_module(users["lapsed"], "first-steps")
    clock.advance(days=400)
    complete_module(users["busy"], "first-steps")  # current: completed after the move
    complete_module(users["lapsed"], "second-steps")
    take_quiz(users["busy"], "second-steps", right=False)
    lesson_open(user=users["busy"], lesson=Lesson.objects.get(module__slug="second-steps", slug="intro"))
    return users


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_one_query_statuses_equal_module_statuses(learners, language):
    seen_states = set()
    with translation.override(language):
        for name, user in learners.items():
            expected, got = _both(user)
            assert got == expected, name
            assert list(got) == list(expected), name
            seen_states |= {s.state for s in got.values()}
    assert seen_states == {"not_started", "in_progress", "completed", "due"}


def test_a_retired_lesson_counts_in_neither(learners):
    user = learners["one_lesson"]
    Lesson.objects.filter(module__slug="first-steps", slug="intro").update(is_active=False)
    expected, got = _both(user)
    assert got == expected
    first = next(s for s in got.values() if s.module.slug == "first-steps")
    assert (first.lessons_done, first.lessons_total) == (0, 1)


def test_the_last_lesson_title_is_in_the_readers_language(learners):
    user = learners["opened"]
    with translation.override("es"):
        expected, got = _both(user)
    first = next(s for s in got.values() if s.module.slug == "first-steps")
    assert (
        got == expected
        and first.last_lesson_title != Lesson.objects.get(module__slug="first-steps", slug="signs").title
    )
    assert first.last_lesson_title == expected[first.module.pk].last_lesson_title


def test_a_visitor_gets_every_module_not_started(course):
    from django.contrib.auth.models import AnonymousUser

    expected, got = _both(AnonymousUser())
    assert got == expected and {s.state for s in got.values()} == {"not_started"}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("role", ["parent", "educator", "other"])
def test_the_track_and_membership_come_with_the_statuses(course, org_a, language, role):
    from accounts.services import membership_add
    from courses.services import learner_progress, learner_track
    from courses.translations import translated

    user = make_user(f"{role}@example.org", role)
    with translation.override(language):
        progress = learner_progress(user=user)
        track, order = learner_track(user=user)
        assert (progress.track_title, progress.track_order) == (translated(track, "title"), order)
    assert progress.in_organisation is False
    membership_add(organisation=org_a, user=user)
    assert learner_progress(user=user).in_organisation is True


def test_a_module_without_a_quiz_is_listed_alike(learners):
    from quizzes.models import Quiz

    Quiz.objects.filter(module__slug="second-steps").delete()
    for name, user in learners.items():
        expected, got = _both(user)
        assert got == expected and len(got) == 2, name

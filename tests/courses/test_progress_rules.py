"""The progress rules of ARCHITECTURE.md, through the services."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from courses.models import Lesson, Module, ModuleProgress
from courses.services import (
    lesson_complete,
    lesson_open,
    module_is_complete,
    module_statuses,
    modules_with_lesson_counts,
    next_step_url,
    recent_status,
)
from quizzes.models import Attempt
from quizzes.services import attempt_submit, get_quiz, quiz_questions
from tests.steps import Clock

pytestmark = pytest.mark.usefixtures("course")


def answers(quiz, right=True):
    """Selections for every question: all correct choices, or one wrong choice each."""
    result = {}
    for question in quiz_questions(quiz):
        choices = list(question.choices.all())
        if right:
            result[question.pk] = {c.pk for c in choices if c.correct}
        else:
            result[question.pk] = {next(c.pk for c in choices if not c.correct)}
    return result


def take_quiz(user, module, right=True):
    quiz = get_quiz(module)
    return attempt_submit(user=user, quiz=quiz, token=uuid.uuid4(), selected=answers(quiz, right))[0]


def complete_lessons(user, module):
    for lesson in module.lessons.all():
        lesson_complete(user=user, lesson=lesson)


def test_opening_a_lesson_remembers_it(parent):
    lesson = Lesson.objects.get(module__slug="first-steps", slug="signs")
    lesson_open(user=parent, lesson=lesson)
    progress = ModuleProgress.objects.get(user=parent, module=lesson.module)
    assert progress.last_lesson == lesson and progress.completed_at is None
    statuses = module_statuses(user=parent, modules=list(modules_with_lesson_counts()))
    recent = recent_status(statuses)
    assert recent.module.slug == "first-steps" and recent.last_lesson_title == "Warning signs"


def test_a_lesson_opened_again_within_a_minute_is_not_stamped_again(parent, monkeypatch):
    """The lesson page's one write is skipped when it would change nothing shown: the same
    lesson, already the module's last opened, less than a minute ago. Another lesson, or the
    same one a minute later, is stamped as before."""
    from django.urls import reverse

    from tests.conftest import client_for

    clock = Clock(monkeypatch, timezone.now())
    client = client_for(parent)
    signs, intro = (reverse("courses:lesson", args=["first-steps", slug]) for slug in ("signs", "intro"))

    def stamp():
        progress = ModuleProgress.objects.get(user=parent, module__slug="first-steps")
        return progress.last_lesson.slug, progress.last_activity_at

    assert client.get(signs).status_code == 200
    first = stamp()
    assert first[0] == "signs"
    clock.advance(seconds=40)
    client.get(signs)
    assert stamp() == first
    client.get(intro)
    assert stamp() == ("intro", first[1] + timedelta(seconds=40))
    clock.advance(seconds=61)
    client.get(intro)
    assert stamp() == ("intro", first[1] + timedelta(seconds=101))


def test_the_recent_module_is_the_unfinished_one_touched_last_with_its_lesson_in_the_readers_language(
    parent, monkeypatch
):
    clock = Clock(monkeypatch, timezone.now())
    lesson_open(user=parent, lesson=Lesson.objects.get(module__slug="first-steps", slug="signs"))
    clock.advance(minutes=5)
    lesson_open(user=parent, lesson=Lesson.objects.get(module__slug="second-steps", slug="intro"))
    clock.advance(minutes=5)
    lesson_open(user=parent, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    with translation.override("es"):
        recent = recent_status(module_statuses(user=parent, modules=list(modules_with_lesson_counts())))
    assert recent.module.slug == "first-steps" and recent.last_lesson_title == "Introducción"
    complete_lessons(parent, Module.objects.get(slug="first-steps"))
    take_quiz(parent, Module.objects.get(slug="first-steps"))
    recent = recent_status(module_statuses(user=parent, modules=list(modules_with_lesson_counts())))
    assert recent.module.slug == "second-steps"


def test_marking_a_lesson_twice_counts_once(parent):
    lesson = Lesson.objects.get(module__slug="first-steps", slug="intro")
    lesson_complete(user=parent, lesson=lesson)
    lesson_complete(user=parent, lesson=lesson)
    assert lesson.progress.count() == 1


def test_module_needs_all_lessons_and_a_passed_quiz(parent):
    module = Module.objects.get(slug="first-steps")
    take_quiz(parent, module, right=True)
    assert not module_is_complete(user=parent, module=module)
    complete_lessons(parent, module)
    assert ModuleProgress.objects.get(user=parent, module=module).completed_at is not None


def test_lessons_without_a_passed_quiz_do_not_complete_the_module(parent):
    module = Module.objects.get(slug="first-steps")
    complete_lessons(parent, module)
    take_quiz(parent, module, right=False)
    assert ModuleProgress.objects.get(user=parent, module=module).completed_at is None


def test_passing_after_failing_completes_and_best_attempt_counts(parent):
    module = Module.objects.get(slug="first-steps")
    complete_lessons(parent, module)
    take_quiz(parent, module, right=False)
    take_quiz(parent, module, right=True)
    take_quiz(parent, module, right=False)  # a worse retake does not undo the pass
    status = module_statuses(user=parent, modules=list(modules_with_lesson_counts()))[module.pk]
    assert status.state == "completed" and status.best_score == 100 and status.attempts == 3
    assert status.passed


def test_next_step_is_first_incomplete_lesson_then_quiz_then_review(parent):
    module = Module.objects.get(slug="first-steps")
    assert next_step_url(user=parent, module=module).endswith("/lessons/intro/")
    lesson_complete(user=parent, lesson=module.lessons.get(slug="intro"))
    assert next_step_url(user=parent, module=module).endswith("/lessons/signs/")
    lesson_complete(user=parent, lesson=module.lessons.get(slug="signs"))
    assert next_step_url(user=parent, module=module).endswith("/quiz/")
    take_quiz(parent, module, right=True)
    assert next_step_url(user=parent, module=module).endswith("/lessons/intro/")


def test_completing_is_recorded_once(parent):
    module = Module.objects.get(slug="first-steps")
    complete_lessons(parent, module)
    first = take_quiz(parent, module, right=True)
    completed_at = ModuleProgress.objects.get(user=parent, module=module).completed_at
    take_quiz(parent, module, right=True)
    assert ModuleProgress.objects.get(user=parent, module=module).completed_at == completed_at
    assert Attempt.objects.filter(user=parent).count() == 2 and first.passed


def test_statuses_for_a_new_learner_are_not_started(parent):
    statuses = module_statuses(user=parent, modules=list(modules_with_lesson_counts()))
    assert {s.state for s in statuses.values()} == {"not_started"}
    assert all(s.percent == 0 for s in statuses.values())

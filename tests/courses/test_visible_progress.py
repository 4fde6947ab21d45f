"""Progress a learner can see (issue 14, deliverable 5): an outline of the module's lessons with
ticks on every lesson page, a progress bar in the lesson, rings for track progress on the home
page and My learning, a clear moment when a module is completed, and guests told before the
log-in wall that quizzes need a free account."""

import re

import pytest
from django.urls import reverse

from courses.models import Lesson
from courses.services import lesson_complete
from tests.steps import complete_module

pytestmark = pytest.mark.usefixtures("course")


def lesson_url(slug):
    return reverse("courses:lesson", args=["first-steps", slug])


def test_every_lesson_page_shows_the_outline_with_ticks_and_the_current_lesson(parent_client, parent):
    lesson_complete(user=parent, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    content = parent_client.get(lesson_url("signs")).content.decode()
    outline = re.search(r'<nav class="lesson-outline.*?</nav>', content, re.S).group(0)
    assert 'aria-label="Lessons in this module"' in outline
    assert "✓" in outline and "Done" in outline  # the finished lesson, in words too
    assert 'aria-current="page"' in outline and outline.index("Introduction") < outline.index("aria-current")
    assert reverse("quizzes:quiz", args=["first-steps"]) in outline
    assert '<progress class="lesson-progress" max="2" value="1"' in content


def test_the_outline_costs_no_more_queries_than_before(parent_client, parent, assert_query_count):
    parent_client.get(lesson_url("intro"))  # the first visit also creates the module's progress row
    # session, user + the module's lessons marked done or not, with their module; no write (the
    # same lesson, opened within the minute); the sources and the lesson's body only when the
    # page's fragment is rendered, not on this repeat
    with assert_query_count(3):
        parent_client.get(lesson_url("intro"))


def test_home_and_my_learning_show_track_progress_as_a_ring_with_words(parent_client, parent):
    complete_module(parent, "first-steps")
    for url in ("/", reverse("courses:my_learning")):
        content = parent_client.get(url).content.decode()
        assert 'class="progress-ring"' in content and 'stroke-dasharray="50 100"' in content
        assert "1 of 2 modules completed" in content


def test_completing_a_module_is_a_moment_with_the_certificate_at_hand(parent_client, parent):
    complete_module(parent, "first-steps")
    content = parent_client.get(reverse("courses:module", args=["first-steps"])).content.decode()
    assert "You completed this module" in content
    assert reverse("certificates:mine") in content


def test_a_guest_is_told_before_the_log_in_wall_that_quizzes_need_a_free_account(client):
    content = client.get(reverse("courses:module", args=["first-steps"])).content.decode()
    assert "The quiz needs a free account" in content
    quiz = reverse("quizzes:quiz", args=["first-steps"])
    assert f'href="/accounts/signup/?next={quiz}"' in content
    last_lesson = client.get(lesson_url("signs")).content.decode()
    assert "The quiz needs a free account" in last_lesson


def test_the_log_in_page_says_why_when_a_quiz_sent_the_guest_there(client):
    quiz = reverse("quizzes:quiz", args=["first-steps"])
    response = client.get(quiz)
    assert response.status_code == 302
    content = client.get(response.url).content.decode()
    assert "To take the quiz on “First steps”, log in or create a free account" in content

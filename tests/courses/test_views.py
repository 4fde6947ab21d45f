"""Learner pages: catalogue, module, lesson, mark complete, continue, My learning, help."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Lesson, LessonProgress, ModuleProgress
from courses.services import lesson_complete

pytestmark = pytest.mark.usefixtures("course")

LESSON = reverse("courses:lesson", args=["first-steps", "intro"])
COMPLETE = reverse("courses:lesson_complete", args=["first-steps", "intro"])


class TestHome:
    def test_anonymous_sees_tracks_and_modules(self, client):
        response = client.get("/")
        assert response.status_code == 200
        assert b"For parents" in response.content and b"First steps" in response.content
        assert b"<progress" not in response.content  # progress bars only when signed in

    def test_signed_in_learner_sees_progress_and_recommended_track(self, parent_client, parent):
        lesson_complete(user=parent, lesson=Lesson.objects.get(slug="intro", module__slug="first-steps"))
        response = parent_client.get("/")
        assert b"Recommended for you" in response.content
        assert b"1 of 2 lessons" in response.content
        assert b"Continue where you left off" in response.content

    def test_post_is_not_allowed(self, client):
        assert client.post("/").status_code == 405


class TestModulePage:
    def test_lists_lessons_quiz_and_start_button(self, client):
        response = client.get(reverse("courses:module", args=["first-steps"]))
        assert response.status_code == 200
        assert b"Introduction" in response.content and b"Warning signs" in response.content
        assert b"Log in to take the quiz" in response.content  # a guest is told an account is needed
        assert response.context["status"].state == "not_started" and b"Start" in response.content

    def test_unknown_slug_is_404(self, client):
        assert client.get(reverse("courses:module", args=["no-such-module"])).status_code == 404

    def test_continue_goes_to_next_incomplete_step(self, parent_client, parent):
        lesson_complete(user=parent, lesson=Lesson.objects.get(slug="intro", module__slug="first-steps"))
        response = parent_client.get(reverse("courses:module_continue", args=["first-steps"]))
        assert response.url == reverse("courses:lesson", args=["first-steps", "signs"])


class TestLessonPage:
    def test_anonymous_can_read_and_is_offered_sign_up(self, client):
        response = client.get(LESSON)
        assert response.status_code == 200
        assert b"Groomers often pretend to be young." in response.content
        assert b"Sign up to save your progress" in response.content
        assert f"?next={LESSON}".encode() in response.content.replace(b"%2F", b"/")

    def test_shows_sources_help_and_chat(self, client):
        body = client.get(LESSON).content
        assert b'id="source-1"' in body and b"report.cybertip.org" in body and b"1-888-373-7888" in body
        assert b'class="chat-list"' in body

    def test_content_note_comes_before_the_text(self, client):
        body = client.get(reverse("courses:lesson", args=["first-steps", "signs"])).content.decode()
        assert body.index("Content note") < body.index("Secrecy about a new friend")

    def test_opening_remembers_last_lesson(self, parent_client, parent):
        parent_client.get(LESSON)
        assert ModuleProgress.objects.get(user=parent).last_lesson.slug == "intro"

    @pytest.mark.django_db(transaction=True)
    def test_opening_again_remembers_it_without_waiting_for_the_disk(self, parent_client, parent):
        """On PostgreSQL the "last lesson opened" UPDATE commits asynchronously, for that one
        statement only: the connection's next transactions (completions, attempts) still wait."""
        if connection.vendor != "postgresql":
            pytest.skip("synchronous_commit is a PostgreSQL setting")
        parent_client.get(LESSON)
        with CaptureQueriesContext(connection) as queries:
            parent_client.get(reverse("courses:lesson", args=["first-steps", "signs"]))
        statements = [q["sql"] for q in queries]
        at = statements.index("SET LOCAL synchronous_commit TO OFF")
        assert statements[at + 1].startswith('UPDATE "courses_moduleprogress"')  # in one transaction
        assert ModuleProgress.objects.get(user=parent).last_lesson.slug == "signs"
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"

    def test_unknown_lesson_is_404(self, client):
        assert client.get(reverse("courses:lesson", args=["first-steps", "nope"])).status_code == 404
        assert client.get(reverse("courses:lesson", args=["second-steps", "nope"])).status_code == 404

    def test_quick_exit_on_every_page(self, client):
        for url in ["/", LESSON, reverse("courses:help"), reverse("account_login")]:
            assert b'id="quick-exit"' in client.get(url).content, url


class TestMarkComplete:
    def test_marks_and_continues_to_next_lesson(self, parent_client, parent):
        response = parent_client.post(COMPLETE)
        assert response.url == reverse("courses:lesson", args=["first-steps", "signs"])
        assert LessonProgress.objects.filter(user=parent, lesson__slug="intro").count() == 1

    def test_double_submit_records_once(self, parent_client, parent):
        parent_client.post(COMPLETE)
        parent_client.post(COMPLETE)
        assert LessonProgress.objects.filter(user=parent).count() == 1

    def test_last_lesson_goes_to_quiz(self, parent_client):
        parent_client.post(COMPLETE)
        response = parent_client.post(reverse("courses:lesson_complete", args=["first-steps", "signs"]))
        assert response.url == reverse("quizzes:quiz", args=["first-steps"])

    def test_anonymous_is_sent_to_log_in(self, client):
        response = client.post(COMPLETE)
        assert response.status_code == 302 and reverse("account_login") in response.url
        assert not LessonProgress.objects.exists()

    def test_get_is_not_allowed(self, parent_client):
        assert parent_client.get(COMPLETE).status_code == 405


class TestMyLearning:
    def test_anonymous_is_sent_to_log_in(self, client):
        response = client.get(reverse("courses:my_learning"))
        assert response.status_code == 302 and reverse("account_login") in response.url

    def test_lists_track_modules_with_status(self, parent_client, parent):
        parent_client.post(COMPLETE)
        response = parent_client.get(reverse("courses:my_learning"))
        assert response.status_code == 200
        assert b"First steps" in response.content and b"Second steps" in response.content
        assert b"1 of 2 lessons" in response.content and b"Not started" in response.content

    def test_educator_sees_the_educator_track(self, educator, client):
        client.force_login(educator)
        response = client.get(reverse("courses:my_learning"))
        assert b"For educators" in response.content
        assert b"First steps" not in response.content


def test_help_page_lists_every_hotline(client):
    body = client.get(reverse("courses:help")).content
    for expected in [
        b"1-800-843-5678",
        b"report.cybertip.org",
        b"takeitdown.ncmec.org",
        b"1-888-373-7888",
        b"233733",
        b"988",
        b"911",
    ]:
        assert expected in body

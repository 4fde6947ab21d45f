"""Spaced refreshers: the schedule and currency rule, the drawing, the learner's pages and the
reminder e-mails, with the clock under the test's control."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from courses.models import Module
from quizzes.drawing import BankQuestion, draw_refresher
from quizzes.models import Question, Refresher, RefresherReminder
from quizzes.refreshers import (
    CURRENT,
    DUE,
    LAPSED,
    currency,
    refresher_reminders_send,
    refreshers_due,
)
from tests.conftest import client_for, make_user
from tests.steps import Clock, complete_module

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, START)


def refresher_data(refresher, right=True, **overrides):
    """What the learner's browser posts for the refresher form they were shown."""
    data = {"token": str(refresher.token)}
    for qid in refresher.question_ids:
        choices = list(Question.objects.get(pk=qid).choices.all())
        picked = [c for c in choices if c.correct] if right else [next(c for c in choices if not c.correct)]
        order = refresher.choices_of(qid)
        data[f"q-{qid}"] = [str(order.index(c.pk)) for c in picked]
    data.update(overrides)
    return data


def open_refresher(client, slug="first-steps") -> Refresher:
    response = client.get(reverse("quizzes:refresher", args=[slug]))
    assert response.status_code == 200
    return Refresher.objects.filter(quiz__module__slug=slug).latest("created_at", "pk")


# --- The rule ---------------------------------------------------------------------------------


class TestCurrency:
    done = START

    def at(self, days, last_passed=None):
        return currency(
            completed_at=self.done, last_passed_at=last_passed, now=self.done + timedelta(days=days)
        )

    def test_current_until_the_first_round_falls_due_at_30_days(self):
        state = self.at(29)
        assert state.status == CURRENT and state.next_due_at == self.done + timedelta(days=30)
        assert self.at(30).status == DUE

    def test_due_within_30_days_of_grace_then_lapsed(self):
        assert self.at(60).status == DUE
        assert self.at(61).status == LAPSED

    def test_a_pass_after_the_due_date_restores_current_until_the_next_round(self):
        passed = self.done + timedelta(days=65)
        assert self.at(70, passed).status == CURRENT
        state = self.at(90, passed)
        assert state.status == DUE and state.round == 2

    def test_one_pass_covers_every_missed_round(self):
        state = self.at(100)
        assert state.status == DUE and state.round == 2  # round 1 lapsed, round 2 now due
        assert self.at(101, self.done + timedelta(days=100)).status == CURRENT

    def test_after_the_third_round_is_passed_it_stays_current(self):
        assert self.at(400, self.done + timedelta(days=181)).status == CURRENT
        assert self.at(400).status == LAPSED

    def test_no_completion_has_no_refresher(self):
        assert currency(completed_at=None, last_passed_at=None, now=START).status == CURRENT


class TestDrawing:
    bank = [BankQuestion(i, i % 3 + 1, (10 * i, 10 * i + 1)) for i in range(1, 8)]

    def test_three_questions_none_of_those_seen_last(self):
        for seed in range(20):
            chosen = draw_refresher(self.bank, 3, recent={1, 2, 3}, rng=random.Random(seed))
            assert len(chosen) == 3
            assert not {q.id for q in chosen} & {1, 2, 3}
            assert len({q.objective for q in chosen}) == 3

    def test_a_small_bank_falls_back_to_questions_seen(self):
        chosen = draw_refresher(self.bank[:2], 3, recent={1, 2}, rng=random.Random(0))
        assert [q.id for q in chosen] == [1, 2]


# --- The learner's pages ----------------------------------------------------------------------


@pytest.fixture
def done(course, parent, clock):
    complete_module(parent, "first-steps")
    return parent


def test_nothing_is_due_before_a_month_then_my_learning_offers_it(done, clock):
    client = client_for(done)
    page = client.get(reverse("courses:my_learning")).content.decode()
    assert "Refreshers due" not in page
    response = client.get(reverse("quizzes:refresher", args=["first-steps"]))
    assert "no refresher is due" in response.content.decode()
    assert not Refresher.objects.exists()
    clock.advance(days=31)
    client.force_login(done)  # sessions last 14 days
    page = client.get(reverse("courses:my_learning")).content.decode()
    assert "Refreshers due" in page and reverse("quizzes:refresher", args=["first-steps"]) in page


@pytest.mark.parametrize("days", [1, 31])
def test_my_learning_asks_one_query_for_refreshers_only_once_a_completion_is_a_month_old(
    done, clock, days, assert_query_count
):
    clock.advance(days=days)
    client = client_for(done)
    # My learning (4, tests/courses/test_query_budgets.py) + whether completed modules are due
    # again (certificates(1), validity of assigning organisations(1)) + a month on: each completed
    # module's last passed refresher(1), whatever the number of modules
    with assert_query_count(6 if days < 30 else 7):
        page = client.get(reverse("courses:my_learning")).content.decode()
    assert ("Refreshers due" in page) is (days >= 30)


def test_refresher_avoids_the_questions_of_the_last_quiz_form(course, parent, clock):
    # A bank of 2 with a quiz draw of 2: the learner saw both, so both come back; the rule
    # itself is tested on TestDrawing. Here: the form shows the drawn questions and their order.
    complete_module(parent, "first-steps")
    clock.advance(days=31)
    client = client_for(parent)
    refresher = open_refresher(client)
    assert len(refresher.question_ids) == 2
    again = open_refresher(client)
    assert again.pk == refresher.pk  # a reload shows the same form


def test_passing_shows_feedback_at_once_and_restores_current(done, clock):
    clock.advance(days=31)
    client = client_for(done)
    refresher = open_refresher(client)
    response = client.post(reverse("quizzes:refresher", args=["first-steps"]), refresher_data(refresher))
    assert response.status_code == 302 and response.url == refresher.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Refresher passed" in page
    assert "Secrecy is a warning sign" in page and "Best answer" in page
    assert refreshers_due(user=done) == []
    assert "Refreshers due" not in client.get(reverse("courses:my_learning")).content.decode()


def test_failing_keeps_it_due_and_shows_why(done, clock):
    clock.advance(days=31)
    client = client_for(done)
    refresher = open_refresher(client)
    response = client.post(
        reverse("quizzes:refresher", args=["first-steps"]), refresher_data(refresher, right=False)
    )
    page = client.get(response.url).content.decode()
    assert "Not passed this time" in page and "Try a new refresher" in page
    assert [d.module.slug for d in refreshers_due(user=done)] == ["first-steps"]
    assert open_refresher(client).pk != refresher.pk  # a new form, not the graded one


def test_double_submit_keeps_the_first_answers(done, clock):
    clock.advance(days=31)
    client = client_for(done)
    refresher = open_refresher(client)
    url = reverse("quizzes:refresher", args=["first-steps"])
    client.post(url, refresher_data(refresher, right=False))
    response = client.post(url, refresher_data(refresher, right=True), follow=True)
    assert "already submitted this refresher" in response.content.decode()
    refresher.refresh_from_db()
    assert refresher.passed is False
    assert Refresher.objects.filter(submitted_at__isnull=False).count() == 1


def test_someone_elses_refresher_is_404(done, clock, outsider):
    complete_module(outsider, "first-steps")
    clock.advance(days=31)
    refresher = open_refresher(client_for(done))
    other = client_for(outsider)
    url = reverse("quizzes:refresher", args=["first-steps"])
    assert other.post(url, refresher_data(refresher)).status_code == 404
    assert other.get(refresher.get_absolute_url()).status_code == 404
    assert other.post(url, {"token": "not-a-token"}).status_code == 404
    refresher.refresh_from_db()
    assert refresher.submitted_at is None


def test_a_forged_choice_is_refused(done, clock):
    clock.advance(days=31)
    client = client_for(done)
    refresher = open_refresher(client)
    qid = refresher.question_ids[0]
    data = refresher_data(refresher, **{f"q-{qid}": ["9"]})
    assert client.post(reverse("quizzes:refresher", args=["first-steps"]), data).status_code == 400


def test_unanswered_question_shows_the_form_again_with_errors(done, clock):
    clock.advance(days=31)
    client = client_for(done)
    refresher = open_refresher(client)
    data = refresher_data(refresher)
    del data[f"q-{refresher.question_ids[0]}"]
    response = client.post(reverse("quizzes:refresher", args=["first-steps"]), data)
    assert response.status_code == 200 and "Please answer every question" in response.content.decode()
    refresher.refresh_from_db()
    assert refresher.submitted_at is None


def test_no_refresher_for_a_module_not_completed(course, parent):
    client = client_for(parent)
    assert client.get(reverse("quizzes:refresher", args=["first-steps"])).status_code == 404


def test_anonymous_is_sent_to_log_in_and_put_is_refused(done):
    url = reverse("quizzes:refresher", args=["first-steps"])
    assert client_for(None).get(url).status_code == 302
    assert client_for(done).put(url).status_code == 405


def test_refresher_page_query_budget(done, clock, assert_query_count):
    clock.advance(days=31)
    client = client_for(done)
    open_refresher(client)  # the form exists; a reload finds it
    # session, user + module(1) + completion(1) + last passed refresher(1) + the open
    # refresher(1): the same for any bank or history. The quiz (scenarios, questions, choices)
    # was fetched by the first view and is kept per process at the module's content version.
    with assert_query_count(6):
        client.get(reverse("quizzes:refresher", args=["first-steps"]))


def test_refresher_result_query_budget(done, clock, assert_query_count):
    clock.advance(days=31)
    client = client_for(done)
    refresher = open_refresher(client)
    client.post(reverse("quizzes:refresher", args=["first-steps"]), refresher_data(refresher))
    # session, user + refresher with quiz and module(1) + the module's sources(1); the quiz was
    # fetched by the refresher page and is kept per process at the module's content version
    with assert_query_count(4):
        assert client.get(refresher.get_absolute_url()).status_code == 200


def test_spanish_refresher_shows_the_spanish_questions(done, clock):
    clock.advance(days=31)
    done.language = "es"
    done.save(update_fields=["language"])
    client = client_for(done)
    client.cookies["django_language"] = "es"
    page = client.get(reverse("quizzes:refresher", args=["first-steps"]), HTTP_ACCEPT_LANGUAGE="es").content
    page = page.decode()
    assert "¿Qué es lo más preocupante?" in page
    assert "Repaso: " in page and "Revisar mis respuestas" in page


# --- Reminder e-mails --------------------------------------------------------------------------


def test_one_email_when_a_round_falls_due_never_twice_a_day(done, clock, settings):
    settings.SITE_URL = "https://onguard.example"
    assert refresher_reminders_send() == 0
    clock.advance(days=31)
    assert refresher_reminders_send() == 1
    assert refresher_reminders_send() == 0  # same day
    clock.advance(days=1)
    assert refresher_reminders_send() == 0  # same round, already reminded
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [done.email]
    assert "https://onguard.example/modules/first-steps/refresher/" in message.body
    clock.advance(days=60)  # day 92: round 2
    assert refresher_reminders_send() == 1
    assert RefresherReminder.objects.filter(user=done).count() == 2


def test_a_passed_refresher_stops_the_emails(done, clock):
    clock.advance(days=31)
    client = client_for(done)
    refresher = open_refresher(client)
    client.post(reverse("quizzes:refresher", args=["first-steps"]), refresher_data(refresher))
    assert refresher_reminders_send() == 0
    assert mail.outbox == []


def test_reminder_is_in_the_learners_language(course, clock):
    learner = make_user("lucia@example.org", "parent", "Lucía")
    learner.language = "es"
    learner.save(update_fields=["language"])
    complete_module(learner, "first-steps")
    clock.advance(days=31)
    assert refresher_reminders_send() == 1
    message = mail.outbox[0]
    assert "Hola" in message.body
    assert Module.objects.get(slug="first-steps").translations["es"]["title"] in message.body


def test_the_data_export_holds_the_learners_refreshers(done, clock):
    clock.advance(days=31)
    client = client_for(done)
    refresher = open_refresher(client)
    client.post(reverse("quizzes:refresher", args=["first-steps"]), refresher_data(refresher))
    data = client.post(reverse("accounts:data_export")).json()
    assert data["refreshers"] == [
        {
            "module": "first-steps",
            "submitted_at": clock.now.isoformat(),
            "content_version": refresher.content_hash,
            "right": 2,
            "questions": 2,
            "passed": True,
        }
    ]

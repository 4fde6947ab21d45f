"""Taking a quiz through the web: grading, bad input, double submits, the result page."""

import re
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from courses.models import Module
from quizzes.models import Answer, Attempt, Question
from quizzes.services import attempt_submit, draw_for, get_quiz
from tests.steps import answers, form_data, open_form

pytestmark = pytest.mark.usefixtures("course")

QUIZ = reverse("quizzes:quiz", args=["first-steps"])


def questions(slug="first-steps"):
    return {
        q.slug: q
        for q in Question.objects.filter(scenario__quiz__module__slug=slug).prefetch_related("choices")
    }


class TestTakingTheQuiz:
    def test_anonymous_is_sent_to_log_in_and_back(self, client):
        response = client.get(QUIZ)
        assert response.status_code == 302 and f"next={QUIZ}" in response.url.replace("%2F", "/")

    def test_shows_scenarios_questions_and_choices(self, parent_client):
        response = parent_client.get(QUIZ)
        assert response.status_code == 200
        assert b"A gift" in response.content and b"What is most worrying?" in response.content
        assert b'type="radio"' in response.content and b'type="checkbox"' in response.content
        assert b'class="chat-list"' in response.content

    def test_passing_submit_grades_and_shows_result(self, parent_client, parent):
        response = parent_client.post(QUIZ, form_data(parent_client, right=True), follow=True)
        attempt = Attempt.objects.get(user=parent)
        assert attempt.passed and attempt.score == 100 and attempt.question_count == 2
        assert response.redirect_chain[-1][0] == attempt.get_absolute_url()
        assert b"You passed" in response.content

    def test_a_failed_attempt_explains_the_choices_made_but_never_reveals_the_right_ones(self, parent_client):
        response = parent_client.post(QUIZ, form_data(parent_client, right=False), follow=True)
        page = response.content.decode()
        assert "Not passed this time" in page and "Retake the quiz" in page
        # The wrong choices the learner picked, with why they are not the best response...
        assert "Gifts matter but secrecy matters more." in page and "Your answer" in page
        assert "Not quite" in page
        # ...and nothing that says which choices were right.
        for right in ["Secrecy is a warning sign.", "Calm helps the child talk.", "Evidence helps a report."]:
            assert right not in page
        assert "Best answer" not in page and "is-correct" not in page

    def test_a_pass_shows_every_choice_with_the_best_answers(self, parent_client):
        response = parent_client.post(QUIZ, form_data(parent_client, right=True), follow=True)
        page = response.content.decode()
        for feedback in [
            "Secrecy is a warning sign.",
            "Gifts matter but secrecy matters more.",
            "Shouting shuts the child down.",
        ]:
            assert feedback in page
        assert "Best answer" in page and "Your answer" in page

    def test_retake_records_a_new_attempt(self, parent_client, parent):
        parent_client.post(QUIZ, form_data(parent_client, right=False))
        parent_client.post(QUIZ, form_data(parent_client, right=True))
        assert sorted(Attempt.objects.filter(user=parent).values_list("score", flat=True)) == [0, 100]

    def test_attempt_remembers_the_content_version(self, parent_client, parent):
        parent_client.post(QUIZ, form_data(parent_client))
        assert Attempt.objects.get().content_hash == Module.objects.get(slug="first-steps").content_hash


class TestBadInput:
    def test_unanswered_question_reshows_form_with_answers_kept_and_saves_nothing(self, parent_client):
        data = form_data(parent_client)
        unanswered = next(k for k in data if k.startswith("q-"))
        kept_key, kept = [(k, v) for k, v in data.items() if k.startswith("q-") and k != unanswered][0]
        del data[unanswered]
        response = parent_client.post(QUIZ, data)
        assert response.status_code == 200
        assert b"Please answer every question" in response.content
        for value in kept:
            assert re.search(
                rf'<input[^>]*name="{kept_key}" value="{value}"[^>]*checked', response.content.decode()
            )
        assert data["token"].encode() in response.content
        assert not Attempt.objects.exists() and not Answer.objects.exists()

    def test_the_page_shows_the_learner_s_own_best_score_so_far(self, parent_client, outsider):
        assert "best score so far" not in parent_client.get(QUIZ).content.decode()
        parent_client.post(QUIZ, form_data(parent_client, right=False))
        assert "Your best score so far: 0%." in parent_client.get(QUIZ).content.decode()
        parent_client.post(QUIZ, form_data(parent_client, right=True))
        parent_client.post(QUIZ, form_data(parent_client, right=False))
        assert "Your best score so far: 100%." in parent_client.get(QUIZ).content.decode()
        # A form sent back unanswered is shown again with it too.
        page = parent_client.post(QUIZ, {"token": str(open_form(parent_client).token)}).content.decode()
        assert "Please answer every question" in page and "Your best score so far: 100%." in page
        other = Client()
        other.force_login(outsider)
        assert "best score so far" not in other.get(QUIZ).content.decode()

    def test_choice_of_another_question_is_400(self, parent_client):
        qs = questions()
        data = form_data(parent_client)
        data[f"q-{qs['worry'].pk}"] = ["2"]  # "actions" has a third choice; "worry" has two
        assert parent_client.post(QUIZ, data).status_code == 400
        assert not Attempt.objects.exists()

    def test_choice_of_another_quiz_is_400(self, parent_client):
        data = form_data(parent_client)
        foreign = questions("second-steps")["worry"].choices.first()
        data[f"q-{questions()['worry'].pk}"] = [str(foreign.pk)]
        assert parent_client.post(QUIZ, data).status_code == 400
        assert not Attempt.objects.exists()

    def test_question_of_another_quiz_is_400(self, parent_client):
        data = form_data(parent_client)
        foreign = questions("second-steps")["worry"]
        data[f"q-{foreign.pk}"] = [str(foreign.choices.first().pk)]
        assert parent_client.post(QUIZ, data).status_code == 400
        assert not Attempt.objects.exists()

    @pytest.mark.parametrize("value", ["abc", "1.5", "", "-1", "99999999999999999999"])
    def test_non_numeric_or_unknown_choice_ids_are_400(self, parent_client, value):
        data = form_data(parent_client)
        data[f"q-{questions()['worry'].pk}"] = [value]
        assert parent_client.post(QUIZ, data).status_code == 400
        assert not Attempt.objects.exists()

    def test_forged_token_is_400(self, parent_client):
        assert parent_client.post(QUIZ, form_data(parent_client, token="not-a-uuid")).status_code == 400
        assert not Attempt.objects.exists()

    def test_a_token_no_form_was_made_for_is_404(self, parent_client):
        data = form_data(parent_client, token=str(uuid.uuid4()))
        assert parent_client.post(QUIZ, data).status_code == 404
        assert not Attempt.objects.exists()

    def test_unknown_module_is_404(self, parent_client):
        assert (
            parent_client.post(reverse("quizzes:quiz", args=["nope"]), form_data(parent_client)).status_code
            == 404
        )

    def test_wrong_method_is_405(self, parent_client):
        assert parent_client.put(QUIZ).status_code == 405


class TestDoubleSubmit:
    def test_same_form_twice_records_one_attempt_and_explains(self, parent_client, parent):
        data = form_data(parent_client)
        first = parent_client.post(QUIZ, data)
        second = parent_client.post(QUIZ, data, follow=True)
        assert Attempt.objects.filter(user=parent).count() == 1
        assert Answer.objects.count() == 2
        assert second.redirect_chain[-1][0] == first.url
        assert b"You already submitted these answers" in second.content

    def test_stale_tab_with_different_answers_changes_nothing(self, parent_client, parent):
        draw = open_form(parent_client)
        parent_client.post(QUIZ, form_data(parent_client, right=True, draw=draw))
        response = parent_client.post(QUIZ, form_data(parent_client, right=False, draw=draw), follow=True)
        attempt = Attempt.objects.get(user=parent)
        assert attempt.score == 100
        assert b"nothing was changed" in response.content

    def test_someone_elses_token_is_refused(self, parent_client, outsider):
        data = form_data(parent_client)
        other = Client()
        other.force_login(outsider)
        assert other.post(QUIZ, data).status_code == 403
        parent_client.post(QUIZ, data)
        assert other.post(QUIZ, data).status_code == 403
        assert not Attempt.objects.filter(user=outsider).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_the_same_attempt_record_one(course, parent):
    """Two requests racing with one token: the database's unique constraint decides."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    quiz = get_quiz(Module.objects.get(slug="first-steps"))
    draw = draw_for(user=parent, quiz=quiz)
    selected = answers(quiz)
    token = draw.token
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=10)
            results.append(attempt_submit(user=parent, quiz=quiz, token=token, selected=selected))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(created for _, created in results) == [False, True]
    assert Attempt.objects.count() == 1 and Answer.objects.count() == 2
    assert results[0][0].pk == results[1][0].pk


class TestResultPage:
    def test_owner_sees_it(self, parent_client):
        url = parent_client.post(QUIZ, form_data(parent_client)).url
        assert parent_client.get(url).status_code == 200

    def test_other_learner_gets_404(self, parent_client, outsider):
        url = parent_client.post(QUIZ, form_data(parent_client)).url
        other = Client()
        other.force_login(outsider)
        assert other.get(url).status_code == 404

    def test_anonymous_is_sent_to_log_in(self, parent_client, client):
        url = parent_client.post(QUIZ, form_data(parent_client)).url
        assert client.get(url).status_code == 302

    @pytest.mark.parametrize("token", ["not-a-token", "ee00b4cc-0c7a-4d8b-9b96-f6aa3b2bc2c1"])
    def test_unknown_or_malformed_token_is_404(self, parent_client, token):
        assert parent_client.get(reverse("quizzes:result", args=[token])).status_code == 404

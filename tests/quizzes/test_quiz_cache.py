"""The quiz pages keep each quiz's questions per process (quizzes.services.quiz_for_page) and
render a form's questions once per draw: a content reload shows and grades the new content at
once, each learner sees only their own draw, and each language its own words."""

import html
import re
import shutil

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.content import course_load
from courses.models import Module
from quizzes.models import Attempt, Draw, Question
from quizzes.services import get_quiz, quiz_questions
from tests.conftest import FIXTURE_CONTENT, client_for
from tests.steps import form_data, open_form

pytestmark = pytest.mark.usefixtures("course")
QUIZ = reverse("quizzes:quiz", args=["first-steps"])


def _labels(page: str) -> list[str]:
    """The choices' labels in the order the page shows them."""
    return [
        html.unescape(t) for t in re.findall(r'<label class="form-check-label"[^>]*>([^<]*)</label>', page)
    ]


def test_a_content_reload_shows_and_grades_the_new_questions_at_once(parent_client, parent, tmp_path):
    page = parent_client.get(QUIZ).content.decode()
    assert "What is most worrying?" in page
    # The author rewrites a question and swaps which of its choices is right, then reloads.
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    quiz_file = root / "modules" / "01-first-steps" / "quiz.yaml"
    text = quiz_file.read_text()
    text = text.replace("What is most worrying?", "What worries you most here?")
    text = text.replace("text: The secrecy, correct: true", "text: The secrecy, correct: false")
    text = text.replace("text: The coins, correct: false", "text: The coins, correct: true")
    quiz_file.write_text(text)
    course_load(root=root)

    page = parent_client.get(QUIZ).content.decode()
    assert "What worries you most here?" in page and "What is most worrying?" not in page
    # Answering as the new content says is right passes: grading uses the new right answers.
    response = parent_client.post(QUIZ, form_data(parent_client), follow=True)
    attempt = Attempt.objects.get(user=parent)
    assert attempt.passed and attempt.score == 100
    assert attempt.content_hash == Module.objects.get(slug="first-steps").content_hash
    assert "What worries you most here?" in response.content.decode()


def test_a_content_reload_in_the_same_second_still_shows_the_new_questions(
    parent_client, tmp_path, monkeypatch
):
    """The content's version is its hash as well as its time: a reload under a stopped clock
    (as in a test, or two loads within a timestamp's resolution) still changes the page."""
    now = timezone.now()
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    course_load(root=FIXTURE_CONTENT)
    assert "What is most worrying?" in parent_client.get(QUIZ).content.decode()
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    quiz_file = root / "modules" / "01-first-steps" / "quiz.yaml"
    quiz_file.write_text(
        quiz_file.read_text().replace("What is most worrying?", "What worries you most here?")
    )
    course_load(root=root)
    assert "What worries you most here?" in parent_client.get(QUIZ).content.decode()


def _own_draw(user, reverse_order: bool) -> Draw:
    """A form made for `user` with the questions and each question's choices in a set order."""
    module = Module.objects.get(slug="first-steps")
    quiz = get_quiz(module)
    questions = quiz_questions(quiz)
    if reverse_order:
        questions = questions[::-1]
    return Draw.objects.create(
        user=user,
        quiz=quiz,
        content_hash=module.content_hash,
        created_at=timezone.now(),
        question_ids=[q.pk for q in questions],
        choice_ids={
            str(q.pk): [c.pk for c in q.choices.all()][:: -1 if reverse_order else 1] for q in questions
        },
    )


def test_two_learners_each_see_their_own_form_whoever_came_first(parent, outsider):
    forms = {
        parent: _own_draw(parent, reverse_order=False),
        outsider: _own_draw(outsider, reverse_order=True),
    }
    pages = {}
    for user in (parent, outsider, parent, outsider):
        pages[user] = client_for(user).get(QUIZ).content.decode()
    for user, draw in forms.items():
        page, other = pages[user], forms[outsider if user == parent else parent]
        assert str(draw.token) in page and str(other.token) not in page
        # The questions in the quiz's order, each one's choices in this learner's own order.
        expected = [
            Question.objects.get(pk=qid).choices.get(pk=cid).text
            for qid in sorted(draw.question_ids, key=lambda pk: Question.objects.get(pk=pk).position)
            for cid in draw.choices_of(qid)
        ]
        assert _labels(page) == expected
    assert _labels(pages[parent]) != _labels(pages[outsider])


SPANISH = ("¿Qué es lo más preocupante?", "El secreto", "Un regalo")
ENGLISH = ("What is most worrying?", "The secrecy", "A gift")
# The quiz page's head: the module's title and the quiz's content note.
SPANISH_HEAD = ("Primeros pasos", "La situación muestra un regalo secreto.")
ENGLISH_HEAD = ("First steps", "The scenario shows a secret gift.")


def _one_learner_per_language(spanish, english) -> dict:
    """A signed-in client for a learner who reads Spanish and one who reads English."""
    spanish.language, english.language = "es", "en"
    spanish.save(update_fields=["language"])
    english.save(update_fields=["language"])
    return {"es": client_for(spanish), "en": client_for(english)}


@pytest.mark.parametrize("first", ["en", "es"])
def test_each_language_sees_its_own_words_after_the_other_was_shown(parent, outsider, first):
    learners = _one_learner_per_language(parent, outsider)
    order = [first, "es" if first == "en" else "en"]
    for language in order * 2:
        page = learners[language].get(QUIZ).content.decode()
        spanish, english = SPANISH + SPANISH_HEAD, ENGLISH + ENGLISH_HEAD
        shown, hidden = (spanish, english) if language == "es" else (english, spanish)
        assert all(words in page for words in shown), language
        assert not any(words in page for words in hidden), language


@pytest.mark.parametrize("first", ["en", "es"])
def test_each_language_reads_its_own_result_after_the_other_was_shown(parent, outsider, first):
    learners = _one_learner_per_language(parent, outsider)
    results = {
        language: client.post(QUIZ, form_data(client, draw=open_form(client))).url
        for language, client in learners.items()
    }
    order = [first, "es" if first == "en" else "en"]
    for language in order * 2:
        page = learners[language].get(results[language]).content.decode()
        shown, hidden = (SPANISH, ENGLISH) if language == "es" else (ENGLISH, SPANISH)
        assert all(words in page for words in shown), language
        assert not any(words in page for words in hidden), language


def test_an_untranslated_quiz_says_so_in_spanish_only(parent, outsider):
    parent.language, outsider.language = "es", "en"
    parent.save(update_fields=["language"])
    outsider.save(update_fields=["language"])
    url = reverse("quizzes:quiz", args=["second-steps"])
    for user in (parent, outsider, parent, outsider):
        page = client_for(user).get(url).content.decode()
        notice = 'lang="en"' in page.split("<main", 1)[1]
        assert notice == (user == parent)

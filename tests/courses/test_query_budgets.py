"""Each learner page runs a fixed number of queries, whatever the size of the course or the
learner's history. On failure `assert_query_count` prints every SQL statement that ran."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from courses.content import course_load
from courses.models import Lesson, Module
from courses.services import lesson_complete
from quizzes.models import Attempt
from quizzes.services import attempt_submit, get_quiz, quiz_questions
from tests.conftest import build_course

SIZES = [
    pytest.param((3, 0), id="3-modules-0-attempts"),
    pytest.param((30, 300), id="30-modules-300-attempts"),
]

# Signed-in requests start with: session (1), user (1).
BUDGETS = {
    # tracks(1) + modules with lesson counts(1) + track modules(1)
    "home_anonymous": 3,
    # session, user + modules(1) + lesson done counts(1) + attempt aggregates(1) + module progress
    # with each last lesson's title, which also gives the recent module(1)
    # + tracks(1) + track modules(1) + assignments from organisations(1)
    "home": 9,
    # session, user + module with its quiz's pass mark, whether it has conversations, and the
    # learner's version of it: lessons done, attempts, practice, progress row (1)
    # + lessons, each marked done or not(1) + the latest attempts, for their reviews, each with
    # the totals over all of them(1) + practice conversations with the learner's practice(1:
    # only for a module with conversations) + the module's handouts(1: only while that fragment
    # is rendered). "module_again" is the same learner's next view: its body is kept under the
    # learner's version of the module, so only the first query runs.
    "module": 7,
    "module_again": 3,
    # session, user + the module's lessons, each marked done or not and when it was last opened,
    # with their module's version(1) + the module's row(1: the first time a process sees that
    # version) + last lesson opened (one UPDATE) + sources(1) and the lesson's body(1), both only
    # while the page's fragment is rendered ("lesson_again" is the same learner's next view,
    # served from it and the kept module, and within a minute of the first it writes nothing);
    # in Spanish the body comes with the lesson's translations ("lesson_es")
    "lesson": 7,
    "lesson_es": 6,
    "lesson_again": 3,
    # session, user + module(1) + quiz, scenarios, questions, choices(4) + the learner's latest
    # draw with their best score(1) + a new draw(1) + their best score, as they had no draw(1)
    # + the module's sources (1, only while the page's end is rendered). A reload reuses the
    # open draw, the quiz kept per process at the module's content version
    # (quizzes.services.quiz_for_page) and the rendered end: 1 + 1 + 4 + 1 fewer.
    "quiz": 11,
    "quiz_reload": 4,
    # session, user + attempt with quiz and module(1) + quiz, scenarios, questions, choices(4)
    # + answers(1) + answer choices(1) + the draw's choice order(1) + best attempt(1)
    # + the module's sources(1); viewed again, the quiz is the one kept: 4 fewer
    "result": 12,
    "result_again": 8,
    # session, user + every module with the learner's status, the recent module, the completions
    # that may have refreshers due among them, their track and whether they belong to an
    # organisation(1) + practice conversations with the learner's practice(1); a completion adds
    # the due-again check's two and, once a month old, refreshers' one
    # (tests/quizzes/test_refreshers.py)
    "my_learning": 4,
    # + the assignments from their organisations(1), for a member of one
    "my_learning_member": 5,
}


@pytest.fixture
def sized(request, tmp_path, parent):
    modules, attempts = request.param
    course_load(root=build_course(tmp_path / "content", modules))
    module = Module.objects.get(slug="first-steps")
    quiz = get_quiz(module)
    selected = {q.pk: {q.choices.all()[0].pk} for q in quiz_questions(quiz)}
    for _ in range(attempts):
        attempt_submit(user=parent, quiz=quiz, token=uuid.uuid4(), selected=selected)
    for lesson in Lesson.objects.filter(module__slug="first-steps"):
        lesson_complete(user=parent, lesson=lesson)
    client = Client()
    client.force_login(parent)
    attempt = (
        Attempt.objects.filter(user=parent).first()
        or attempt_submit(user=parent, quiz=quiz, token=uuid.uuid4(), selected=selected)[0]
    )
    return client, attempt


def urls(attempt):
    return {
        "home": reverse("courses:home"),
        "module": reverse("courses:module", args=["first-steps"]),
        "module_again": reverse("courses:module", args=["first-steps"]),
        "lesson": reverse("courses:lesson", args=["first-steps", "intro"]),
        "lesson_again": reverse("courses:lesson", args=["first-steps", "intro"]),
        "quiz": reverse("quizzes:quiz", args=["first-steps"]),
        "quiz_reload": reverse("quizzes:quiz", args=["first-steps"]),
        "result": attempt.get_absolute_url(),
        "result_again": attempt.get_absolute_url(),
        "my_learning": reverse("courses:my_learning"),
    }


@pytest.mark.parametrize("sized", SIZES, indirect=True)
@pytest.mark.parametrize(
    "page",
    [
        "home",
        "module",
        "module_again",
        "lesson",
        "lesson_again",
        "quiz",
        "quiz_reload",
        "result",
        "result_again",
        "my_learning",
    ],
)
def test_page_query_budget(sized, page, assert_query_count):
    client, attempt = sized
    url = urls(attempt)[page]
    if page in ("quiz_reload", "lesson_again", "module_again", "result_again"):
        client.get(url)
    with assert_query_count(BUDGETS[page]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_an_organisation_members_my_learning_budget(sized, parent, org_a, owner, assert_query_count):
    """An organisation's member also reads what it assigned them: one query more."""
    from accounts.models import Membership
    from tests.steps import assign

    client, _attempt = sized
    Membership.objects.create(user=parent, organisation=org_a)
    assign(org_a, owner, slugs=["first-steps"], due_date=None)
    with assert_query_count(BUDGETS["my_learning_member"]):
        response = client.get(reverse("courses:my_learning"))
    assert response.status_code == 200 and "Assigned to you" in response.content.decode()


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_anonymous_home_query_budget(sized, client, assert_query_count):
    with assert_query_count(BUDGETS["home_anonymous"]):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("sized", SIZES, indirect=True)
@pytest.mark.parametrize("page", ["home", "module", "lesson", "my_learning"])
def test_a_spanish_learner_s_pages_keep_the_same_budget(sized, page, parent, assert_query_count):
    """Localising titles reads the rows' translations already fetched: no query more (and a
    lesson's body comes with them, one fewer)."""
    client, attempt = sized
    parent.language = "es"
    parent.save(update_fields=["language"])
    with assert_query_count(BUDGETS.get(f"{page}_es", BUDGETS[page])):
        response = client.get(urls(attempt)[page])
    assert response.status_code == 200 and '<html lang="es">' in response.content.decode()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_practice_pages_keep_their_budget_in_either_language(
    course, parent, language, assert_query_count
):
    """session, user + conversation with its module(1) + the learner's practice(1); the debrief
    adds the module's sources(1). The same in Spanish: the twin comes with the row."""
    from tests.steps import practise

    parent.language = language
    parent.save(update_fields=["language"])
    client = Client()
    client.force_login(parent)
    with assert_query_count(4):
        assert client.get(reverse("courses:practice", args=["first-talk"])).status_code == 200
    practise(parent, "first-talk")
    with assert_query_count(5):
        assert client.get(reverse("courses:practice_play", args=["first-talk"])).status_code == 200

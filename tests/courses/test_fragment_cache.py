"""Rendered fragments are reused across requests (courses/templatetags/fragments.py), but never
show one learner another's progress, a page in the wrong language, or course text older than the
content loaded."""

import shutil

import pytest
from django.urls import reverse

from courses.content import course_load
from courses.models import Lesson
from courses.services import lesson_complete
from courses.templatetags.fragments import key_part
from quizzes.models import Attempt, Choice, Draw
from tests.conftest import FIXTURE_CONTENT, client_for
from tests.steps import form_data

SIGNS = reverse("courses:lesson", args=["first-steps", "signs"])
ES = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}


def _page(user, url=SIGNS, **headers) -> str:
    response = client_for(user).get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.usefixtures("course")
@pytest.mark.parametrize("first", ["parent", "educator"])
def test_a_learner_never_sees_another_learners_ticks(first, parent, educator):
    lesson_complete(user=parent, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    users = {"parent": parent, "educator": educator}
    second = "educator" if first == "parent" else "parent"
    pages = {name: _page(users[name]) for name in (first, second)}
    assert "1 of 2 lessons done" in pages["parent"] and "Done:" in pages["parent"]
    assert "0 of 2 lessons done" in pages["educator"] and "Done:" not in pages["educator"]


@pytest.mark.usefixtures("course")
def test_a_visitor_is_not_shown_a_learners_page(parent):
    lesson_complete(user=parent, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    _page(parent)
    page = _page(None)
    assert "lessons done" not in page and "Done:" not in page
    assert "Sign up to save your progress" in page


@pytest.mark.usefixtures("course")
def test_the_same_lesson_in_english_then_spanish_then_english(parent):
    intro = reverse("courses:lesson", args=["first-steps", "intro"])
    assert "Introducción" not in _page(parent, intro)
    spanish = _page(None, intro, **ES)
    assert "Introducción" in spanish and "Dónde obtener ayuda" in spanish
    assert "Introducción" not in _page(None, intro)


def test_reloaded_content_shows_at_once(db, tmp_path, parent):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    course_load(root=root)
    assert "Warning signs" in _page(parent)
    lesson = root / "modules" / "01-first-steps" / "lessons" / "02-signs.md"
    lesson.write_text(lesson.read_text().replace("title: Warning signs", "title: Signs to watch for"))
    module = root / "modules" / "01-first-steps" / "module.yaml"
    module.write_text(module.read_text().replace("title: First steps", "title: Starting out"))
    course_load(root=root)
    page = _page(parent)
    assert "Signs to watch for" in page and "Warning signs" not in page
    # The module's row is kept per process for the lesson pages, by its content version.
    assert "Starting out" in page and "First steps" not in page


def test_a_fragment_key_takes_values_not_objects(parent):
    assert key_part({3, 1, 2}) == key_part({2, 3, 1})
    with pytest.raises(TypeError):
        key_part(parent)


def _choice_order_shown(page: str, draw) -> list[list[int]]:
    """For each question of the draw, its choices in the order the page lists them."""
    import html

    page = html.unescape(page)
    shown = []
    for qid in draw.question_ids:
        choices = {c.pk: c.text for c in Choice.objects.filter(question_id=qid)}
        shown.append(sorted(choices, key=lambda pk: page.index(choices[pk])))
    return shown


@pytest.mark.usefixtures("course")
def test_each_learner_sees_their_own_quiz_form(parent, educator):
    for user in (parent, educator, parent):
        client = client_for(user)
        page = client.get(reverse("quizzes:quiz", args=["first-steps"])).content.decode()
        draw = Draw.objects.filter(user=user).latest("created_at", "pk")
        assert f'value="{draw.token}"' in page
        assert _choice_order_shown(page, draw) == [draw.choices_of(qid) for qid in draw.question_ids]
        # The learner's answers post back by place in their own draw's order, and are graded right.
        response = client.post(reverse("quizzes:quiz", args=["first-steps"]), form_data(client, draw=draw))
        assert response.status_code == 302
        assert Attempt.objects.get(token=draw.token).passed


@pytest.mark.usefixtures("course")
def test_the_module_page_shows_each_learner_their_own_done_lessons(parent, educator):
    lesson_complete(user=parent, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    module = reverse("courses:module", args=["first-steps"])
    for user, done in ((educator, 0), (parent, 1), (educator, 0)):
        assert _page(user, module).count('<span class="badge text-bg-success">') == done
    assert "Primeros pasos" in _page(educator, module, **ES)


@pytest.mark.usefixtures("course")
@pytest.mark.parametrize("headers", [{}, ES], ids=["en", "es"])
def test_two_learners_on_one_module_page_each_see_their_own_progress_and_attempts(parent, educator, headers):
    """The module page's fragments (its text, lesson ticks, attempts) are reused across views:
    two learners with different progress on the same module, viewing it in turn, each get theirs."""
    from tests.steps import practise, take_quiz

    for lesson in Lesson.objects.filter(module__slug="first-steps"):
        lesson_complete(user=parent, lesson=lesson)
    parents = [take_quiz(parent, "first-steps", right=False)]
    teachers = [
        take_quiz(educator, "first-steps", right=True),
        take_quiz(educator, "first-steps", right=False),
    ]
    practise(educator, "first-talk")
    module = reverse("courses:module", args=["first-steps"])
    # Progress: the parent has both lessons but no pass (2 of 3 steps); the teacher a pass only.
    seen = {parent: (2, parents, 'value="66"', False), educator: (0, teachers, 'value="33"', True)}
    for user in (educator, parent, educator, parent):
        done, attempts, progress, practised = seen[user]
        page = _page(user, module, **headers)
        assert page.count('<span class="badge text-bg-success">') == done
        assert f'<progress max="100" {progress}' in page
        assert page.count('class="attempt-link"') == len(attempts)
        for attempt in Attempt.objects.all():
            assert (attempt.get_absolute_url() in page) == (attempt in attempts)
        assert ("status-completed" in page) == practised


@pytest.mark.usefixtures("course")
def test_a_learners_module_page_follows_each_change_they_make(parent):
    """The module page's body is kept per learner version (courses.services.get_module_page):
    viewed between every kind of change the learner can make, it shows each at once."""
    from tests.steps import practise, take_quiz

    client = client_for(parent)
    module = reverse("courses:module", args=["first-steps"])

    def page(url=module) -> str:
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    first = page()
    assert 'value="0"' in first and "Start" in first and "Your attempts" not in first
    lessons = list(Lesson.objects.filter(module__slug="first-steps").order_by("position"))
    client.get(lessons[0].get_absolute_url())  # opening a lesson starts the module
    assert "Continue" in page() and 'value="0"' in page()
    lesson_complete(user=parent, lesson=lessons[0])
    assert page().count('<span class="badge text-bg-success">') == 1
    failed = take_quiz(parent, "first-steps", right=False)
    shown = page()
    assert failed.get_absolute_url() in shown and "Not passed yet" in shown
    practise(parent, "first-talk")
    assert "status-completed" in page()
    for lesson in lessons[1:]:
        lesson_complete(user=parent, lesson=lesson)
    passed = take_quiz(parent, "first-steps", right=True)
    shown = page()
    assert passed.get_absolute_url() in shown and "You completed this module" in shown
    for _ in range(10):
        take_quiz(parent, "first-steps", right=False)
    shown = page()
    assert shown.count('class="attempt-link"') == 10 and "Show all 12 attempts" in shown
    assert page(module + "?attempts=all").count('class="attempt-link"') == 12
    assert page().count('class="attempt-link"') == 10


@pytest.mark.usefixtures("course")
def test_a_forged_module_slug_is_404_and_compiles_nothing_new(parent):
    from courses import compiled as services

    client = client_for(parent)
    assert client.get(reverse("courses:module", args=["first-steps"])).status_code == 200
    compiled = len(services._COMPILED)
    for slug in ("no-such-module", "x" * 200, "first-steps-"):
        assert client.get(reverse("courses:module", args=[slug])).status_code == 404
    assert len(services._COMPILED) == compiled

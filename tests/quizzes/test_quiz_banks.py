"""Attempts drawn from the bank: the order is fixed on the server when the form is made, a reload
shows the same form, the page gives nothing away, retakes draw again, a changed quiz refuses a
stale form, attempts from before drawing still show, and an organisation's wait between attempts."""

import re
import shutil
import uuid
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from accounts.services import organisation_update
from courses.content import course_load
from courses.models import Lesson, Module, ModuleProgress
from courses.services import lesson_complete
from quizzes.models import Attempt, Choice, Draw
from quizzes.services import attempt_submit, get_quiz
from tests.conftest import FIXTURE_CONTENT, client_for
from tests.steps import Clock, answers, assign, form_data, open_form

pytestmark = pytest.mark.usefixtures("course")
QUIZ = reverse("quizzes:quiz", args=["first-steps"])


def test_a_reload_shows_the_same_form_and_a_submit_starts_a_new_one(parent_client):
    first = parent_client.get(QUIZ).content.decode()
    again = parent_client.get(QUIZ).content.decode()
    assert first == again.replace(_csrf(again), _csrf(first))
    draw = Draw.objects.get()
    assert str(draw.token) in first
    parent_client.post(QUIZ, form_data(parent_client, draw=draw))
    assert str(draw.token) not in parent_client.get(QUIZ).content.decode()
    assert Draw.objects.count() == 2


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_the_page_names_choices_by_place_never_by_id_or_correctness(parent_client):
    page = parent_client.get(QUIZ).content.decode()
    values = re.findall(r'<input type="(?:radio|checkbox)" name="q-\d+" value="([^"]*)"', page)
    assert sorted(set(values)) == ["0", "1", "2"]
    for choice in Choice.objects.all():
        assert f'value="{choice.pk}"' not in page or choice.pk <= 2
    assert "correct" not in page.lower().replace("correct answers", "")


def test_the_right_answer_moves_between_attempts(parent):
    quiz = get_quiz(Module.objects.get(slug="first-steps"))
    worry = next(q for q in quiz.scenarios.all()[0].questions.all() if q.slug == "worry")
    right = next(c.pk for c in worry.choices.all() if c.correct)
    places = set()
    for _ in range(30):
        client = client_for(parent)
        draw = open_form(client)
        places.add(draw.choices_of(worry.pk).index(right))
        client.post(QUIZ, form_data(client, draw=draw))
    assert places == {0, 1}


@pytest.fixture
def bank_of_two(tmp_path):
    """The fixture course with first-steps drawing one question of its two per attempt."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    quiz = root / "modules" / "01-first-steps" / "quiz.yaml"
    quiz.write_text(quiz.read_text().replace("draw: 2", "draw: 1"))
    course_load(root=root)


def test_a_retake_draws_the_question_not_seen_last_time(bank_of_two, parent_client, parent):
    seen = []
    for _ in range(4):
        draw = open_form(parent_client)
        assert len(draw.question_ids) == 1
        seen.append(draw.question_ids[0])
        parent_client.post(QUIZ, form_data(parent_client, draw=draw))
    assert seen[0] != seen[1] and seen[1] != seen[2]
    assert all(a.question_count == 1 for a in Attempt.objects.filter(user=parent))


def test_a_form_made_before_the_quiz_changed_is_refused_and_saves_nothing(parent_client, parent):
    draw = open_form(parent_client)
    Module.objects.filter(slug="first-steps").update(content_hash="new-version")
    response = parent_client.post(QUIZ, form_data(parent_client, draw=draw), follow=True)
    assert "updated after you opened it" in response.content.decode()
    assert not Attempt.objects.exists()


def test_an_attempt_from_before_drawing_still_shows_its_result_and_counts(parent_client, parent):
    for lesson in Lesson.objects.filter(module__slug="first-steps"):
        lesson_complete(user=parent, lesson=lesson)
    quiz = get_quiz(Module.objects.get(slug="first-steps"))
    attempt, _ = attempt_submit(user=parent, quiz=quiz, token=uuid.uuid4(), selected=answers(quiz))
    assert not Draw.objects.exists()
    page = parent_client.get(attempt.get_absolute_url()).content.decode()
    assert "You passed" in page and "What is most worrying?" in page and "What should a parent do?" in page
    assert ModuleProgress.objects.get(user=parent, module__slug="first-steps").completed_at is not None


def test_past_attempts_are_reachable_from_the_module_page_and_my_learning(parent_client, parent):
    parent_client.post(QUIZ, form_data(parent_client, right=False))
    parent_client.post(QUIZ, form_data(parent_client, right=True))
    module_page = parent_client.get(reverse("courses:module", args=["first-steps"])).content.decode()
    for attempt in Attempt.objects.filter(user=parent):
        assert attempt.get_absolute_url() in module_page
    my_learning = parent_client.get(reverse("courses:my_learning")).content.decode()
    assert reverse("courses:module", args=["first-steps"]) + "#attempts" in my_learning


def test_a_pass_sooner_than_the_organisations_wait_does_not_count_until_retaken_later(
    org_a, owner, member, monkeypatch
):
    clock = Clock(monkeypatch, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    organisation_update(organisation=org_a, actor=owner, fields={"retake_wait_hours": 24})
    assign(org_a, owner, slugs=["first-steps"])
    for lesson in Lesson.objects.filter(module__slug="first-steps"):
        lesson_complete(user=member, lesson=lesson)
    client = client_for(member)
    client.post(QUIZ, form_data(client, right=False))
    clock.advance(hours=1)
    response = client.post(QUIZ, form_data(client, right=True), follow=True)
    soon = Attempt.objects.filter(user=member).latest("submitted_at")
    assert soon.passed and not soon.counts
    assert "does not count towards its certificate" in response.content.decode()
    assert ModuleProgress.objects.get(user=member, module__slug="first-steps").completed_at is None
    clock.advance(hours=25)
    client.post(QUIZ, form_data(client, right=True))
    assert Attempt.objects.filter(user=member).latest("submitted_at").counts
    assert ModuleProgress.objects.get(user=member, module__slug="first-steps").completed_at is not None
    assert member.certificates.filter(organisation=org_a).exists()


def test_without_a_wait_retakes_count_at_once(parent_client, parent):
    for lesson in Lesson.objects.filter(module__slug="first-steps"):
        lesson_complete(user=parent, lesson=lesson)
    parent_client.post(QUIZ, form_data(parent_client, right=False))
    parent_client.post(QUIZ, form_data(parent_client, right=True))
    assert ModuleProgress.objects.get(user=parent, module__slug="first-steps").completed_at is not None


def test_the_wait_is_set_in_the_organisation_settings_and_checked(org_a, owner):
    client = client_for(owner)
    url = reverse("orgs:settings", args=[org_a.slug])
    page = client.get(url).content.decode()
    assert 'name="retake_wait_hours"' in page
    bad = client.post(url, {"name": org_a.name, "kind": org_a.kind, "retake_wait_hours": "9999"})
    assert "from 1 to 720" in bad.content.decode()
    org_a.refresh_from_db()
    assert org_a.retake_wait_hours is None

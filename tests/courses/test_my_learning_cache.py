"""My learning reuses its rendered progress (track ring, modules table, practice list) between
requests (courses.views._my_progress_key), but never shows one learner another's progress, one
organisation's assignments to another's member, a page in the wrong language, or a change a
view late."""

import re

import pytest
from django.urls import reverse

from courses.models import Lesson
from courses.services import lesson_complete
from tests.conftest import client_for, make_user
from tests.steps import assign, complete_module, practise, take_quiz

URL = reverse("courses:my_learning")
ES = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}


def _page(user, **headers) -> str:
    response = client_for(user).get(URL, **headers)
    assert response.status_code == 200
    return response.content.decode()


def _row(page: str, title: str) -> str:
    """The modules table's row for `title`."""
    match = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{title}</a>.*?</tr>", page, re.S)
    assert match, f"no row for {title}"
    return match.group(0)


@pytest.mark.usefixtures("course")
@pytest.mark.parametrize("first", ["busy", "new"])
def test_a_learner_never_sees_another_learners_progress(first):
    busy, new = make_user("busy@example.org"), make_user("new@example.org")
    lesson_complete(user=busy, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    users = {"busy": busy, "new": new}
    pages = {name: _page(users[name]) for name in (first, "new" if first == "busy" else "busy")}
    assert "1 of 2 lessons" in _row(pages["busy"], "First steps")
    assert "Not started" in _row(pages["new"], "First steps")
    assert "1 of 2 lessons" not in pages["new"] and "0 of 2 modules completed" in pages["new"]


@pytest.mark.usefixtures("course")
def test_progress_made_between_two_views_shows_at_once(parent):
    assert "Not started" in _row(_page(parent), "First steps")
    lesson_complete(user=parent, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    assert "1 of 2 lessons" in _row(_page(parent), "First steps")
    complete_module(parent, "first-steps")
    page = _page(parent)
    assert "Completed" in _row(page, "First steps") and "1 of 2 modules completed" in page
    practise(parent, "first-talk")
    assert "Not practised yet" not in _page(parent)


@pytest.mark.usefixtures("course")
def test_english_then_spanish_then_english(parent):
    english = _page(parent)
    assert "First steps" in english and "Your modules and progress" in english
    spanish = _page(parent, **ES)
    assert "Primeros pasos" in spanish and "Your modules and progress" not in spanish
    again = _page(parent)
    assert "Primeros pasos" not in again and "Your modules and progress" in again


@pytest.mark.usefixtures("course")
@pytest.mark.parametrize("first", ["member", "admin_b"])
def test_an_organisations_assignments_reach_only_its_members(first, org_a, owner, member, admin_b):
    assign(org_a, owner, slugs=["second-steps"], due_date=None)
    users = {"member": member, "admin_b": admin_b}
    pages = {name: _page(users[name]) for name in (first, "admin_b" if first == "member" else "member")}
    assert "Assigned to you" in pages["member"] and "School A" in pages["member"]
    assert "Assigned to you" not in pages["admin_b"] and "School A" not in pages["admin_b"]


@pytest.mark.usefixtures("course")
def test_an_assignment_added_then_completed_between_views_shows_at_once(org_a, owner, member):
    assert "Assigned to you" not in _page(member)
    assign(org_a, owner, slugs=["first-steps"], due_date=None)
    page = _page(member)
    assert "Assigned to you" in page and "School A" in page
    assert 'badge text-bg-success">Completed' not in page
    complete_module(member, "first-steps")
    page = _page(member)
    assert 'badge text-bg-success">Completed' in page and "Completed" in _row(page, "First steps")


def _track(page: str) -> str:
    match = re.search(r"<strong>([^<]*)</strong>", page)
    assert match, "no track"
    return match.group(1)


@pytest.mark.usefixtures("course")
@pytest.mark.parametrize("first", ["parent", "member"])
def test_learners_in_other_roles_organisations_and_languages_each_see_their_own(
    first, parent, org_a, owner, member
):
    """My learning's query is compiled once and run with each learner's id: a parent in no
    organisation who has completed a module and practised, and an educator in one who has failed a
    quiz, viewed one after the other in either order and language, each see only their own track,
    progress, results, practice and assignments."""
    complete_module(parent, "first-steps")
    practise(parent, "first-talk")
    take_quiz(member, "second-steps", right=False)
    assign(org_a, owner, slugs=["second-steps"], due_date=None)
    users = {"parent": parent, "member": member}
    order = [first, "member" if first == "parent" else "parent"]
    for headers in ({}, ES, {}):
        pages = {name: _page(users[name], **headers) for name in order}
        spanish = headers is ES
        mine, theirs = pages["parent"], pages["member"]
        assert _track(mine) == ("Para madres, padres y cuidadores" if spanish else "For parents")
        assert _track(theirs) == "For educators"  # not translated in the fixture course
        first_steps = "Primeros pasos" if spanish else "First steps"
        assert ("Completado" if spanish else "Completed") in _row(mine, first_steps)
        assert "100%" in _row(mine, first_steps) and "0%" in _row(theirs, "Second steps")
        assert first_steps not in theirs and "Second steps" in _row(mine, "Second steps")
        assert ("Practicado" if spanish else "Practised") in mine
        assert "first-talk" not in theirs  # a parent's conversation, never tried by the educator
        assert "School A" in theirs and "School A" not in mine

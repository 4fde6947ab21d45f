"""The home page (issue 14, deliverable 8): each module once, the tracks as paths through them,
one "Start here" for a newcomer, and short on a phone."""

import re

import pytest

from courses.models import Lesson
from courses.services import lesson_complete

pytestmark = pytest.mark.usefixtures("course")


def cards(content: str) -> list[str]:
    return re.findall(r'<li class="card module-card.*?<a href="([^"]+)"', content, re.S)


def test_each_module_is_shown_once_even_when_in_two_tracks(client):
    content = client.get("/").content.decode()
    assert sorted(cards(content)) == ["/modules/first-steps/", "/modules/second-steps/"]


def test_tracks_are_paths_through_the_modules(client):
    content = client.get("/").content.decode()
    paths = re.findall(r'<ol class="path[^"]*"[^>]*>(.*?)</ol>', content, re.S)
    assert len(paths) == 2
    parent_path, educator_path = paths
    assert parent_path.index("first-steps") < parent_path.index("second-steps")
    assert "first-steps" not in educator_path
    assert "For parents" in content and "For educators" in content


def test_a_newcomer_gets_one_start_here(client):
    content = client.get("/").content.decode()
    assert content.count(">Start here<") == 1
    assert 'href="/modules/first-steps/" class="btn btn-primary btn-lg"' in content


def test_a_returning_learner_gets_continue_instead_and_rings_on_paths(parent_client, parent):
    lesson_complete(user=parent, lesson=Lesson.objects.get(slug="intro", module__slug="first-steps"))
    content = parent_client.get("/").content.decode()
    assert "Start here" not in content and "Continue where you left off" in content
    assert content.count('class="progress-ring"') == 2


def test_a_module_card_says_which_paths_it_is_on(client):
    content = client.get("/").content.decode()
    second = re.search(r'<li class="card module-card.*?/modules/second-steps/.*?</li>', content, re.S).group(
        0
    )
    assert "For parents" in second and "For educators" in second


def test_module_summaries_are_left_out_on_small_phones(client):
    content = client.get("/").content.decode()
    assert 'class="card-text d-none d-sm-block"' in content

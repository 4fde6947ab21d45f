"""Learner self-service (review F7, friction 9): every past quiz attempt's review is one click
from the module page and from My learning."""

import pytest
from django.urls import reverse

from quizzes.models import Attempt
from tests.steps import take_quiz

pytestmark = pytest.mark.usefixtures("course")


def test_the_module_page_lists_each_attempt_with_a_link_to_its_review(parent_client, parent):
    take_quiz(parent, "first-steps", right=False)
    take_quiz(parent, "first-steps", right=True)
    content = parent_client.get(reverse("courses:module", args=["first-steps"])).content.decode()
    assert 'id="attempts"' in content
    for attempt in Attempt.objects.filter(user=parent):
        assert f'href="{attempt.get_absolute_url()}"' in content
    assert "Passed" in content and "Not passed" in content


def test_only_the_latest_ten_attempts_show_until_asked_for_all(parent_client, parent):
    for _ in range(12):
        take_quiz(parent, "first-steps", right=False)
    url = reverse("courses:module", args=["first-steps"])
    assert parent_client.get(url).content.decode().count('class="attempt-link"') == 10
    content = parent_client.get(url, {"attempts": "all"}).content.decode()
    assert content.count('class="attempt-link"') == 12


def test_another_learners_attempts_never_show(parent_client, parent, outsider):
    take_quiz(outsider, "first-steps")
    content = parent_client.get(reverse("courses:module", args=["first-steps"])).content.decode()
    assert Attempt.objects.get(user=outsider).get_absolute_url() not in content


def test_my_learning_links_each_module_with_attempts_to_its_results(parent_client, parent):
    take_quiz(parent, "first-steps", right=False)
    content = parent_client.get(reverse("courses:my_learning")).content.decode()
    results = reverse("courses:module", args=["first-steps"]) + "#attempts"
    assert f'href="{results}"' in content
    assert reverse("courses:module", args=["second-steps"]) + "#attempts" not in content

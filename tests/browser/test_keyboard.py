"""The whole quiz by keyboard alone: no mouse, no clicks."""

import re

import pytest
from playwright.sync_api import expect

from courses.content import course_load
from tests.conftest import FIXTURE_CONTENT, make_user

ACTIVE_LABEL = """() => {
  const el = document.activeElement;
  if (!el) return "";
  if (el.labels && el.labels.length) return el.labels[0].innerText.trim();
  return (el.innerText || el.value || "").trim();
}"""


def tab_to(page, text: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE_LABEL) == text:
            return
    raise AssertionError(f"could not reach {text!r} with Tab")


@pytest.fixture
def learner(transactional_db):
    course_load(root=FIXTURE_CONTENT)
    return make_user("keys@example.org", "parent", "Kim Keys")


def test_quiz_by_keyboard_alone(page, learner):
    page.goto(page.base_url + "/accounts/login/?next=/modules/first-steps/quiz/")
    tab_to(page, "Email*")
    page.keyboard.type("keys@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("a-long-test-password")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/modules/first-steps/quiz/$"))

    for answer in ["The secrecy", "Stay calm", "Keep evidence"]:
        tab_to(page, answer)
        page.keyboard.press("Space")
    tab_to(page, "Submit my answers")
    page.keyboard.press("Enter")

    expect(page.get_by_text("You passed")).to_be_visible()
    # Focus is visible on the next control a keyboard user reaches.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"

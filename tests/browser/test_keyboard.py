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


NAME_OF = """(text) => {
  const label = [...document.querySelectorAll("label")].find(l => l.innerText.trim() === text);
  return label ? document.getElementById(label.htmlFor).name : "";
}"""


def choose(page, text: str, limit: int = 80) -> None:
    """Tab to the answer's question and select the answer, as a keyboard user does: a radio group
    is one Tab stop, its options are reached with the arrow keys (and the order is shuffled)."""
    name = page.evaluate(NAME_OF, text)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == name:
            break
    else:
        raise AssertionError(f"could not reach the question of {text!r} with Tab")
    if page.evaluate("document.activeElement.type") == "checkbox":
        while page.evaluate(ACTIVE_LABEL) != text:
            page.keyboard.press("Tab")
        page.keyboard.press("Space")
        return
    for _ in range(10):
        if page.evaluate(ACTIVE_LABEL) == text:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not reach {text!r} with the arrow keys")


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
        choose(page, answer)
    tab_to(page, "Submit my answers")
    page.keyboard.press("Enter")

    expect(page.get_by_text("You passed")).to_be_visible()
    # Focus is visible on the next control a keyboard user reaches.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"

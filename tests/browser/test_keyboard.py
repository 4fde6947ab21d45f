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


def log_in_to_quiz(page):
    page.goto(page.base_url + "/accounts/login/?next=/modules/first-steps/quiz/")
    page.locator("#id_login").fill("keys@example.org")
    page.locator("#id_password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile("/modules/first-steps/quiz/$"))


def test_error_summary_takes_focus_even_after_the_skip_link(page, learner):
    """Review B1: the form posted to `…/quiz/#main`, and the jump to #main took focus back."""
    log_in_to_quiz(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Skip to main content"
    expect(page).to_have_url(re.compile("#main$"))
    tab_to(page, "Submit my answers")
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    assert "#" not in page.url


def test_a_link_target_is_not_hidden_under_the_sticky_exit_bar(page, learner):
    """Review B2: the question a summary link jumps to sat under the sticky bar."""
    log_in_to_quiz(page)
    page.set_viewport_size({"width": page.viewport_size["width"], "height": 320})  # the page must scroll
    page.get_by_role("button", name="Submit my answers").click()
    link = page.locator("#error-summary a").last
    target_id = link.get_attribute("href")
    link.click()
    page.wait_for_timeout(500)  # smooth scrolling
    bar = page.locator(".quick-exit-bar").bounding_box()
    target = page.locator(target_id).bounding_box()
    assert target["y"] >= bar["y"] + bar["height"], (target, bar)


def test_quiz_answers_are_large_targets_beside_their_text(page, learner):
    """Review B3: native 13 px radios, alone on a line above their text on phones."""
    log_in_to_quiz(page)
    for label in ["The secrecy", "Stay calm"]:
        control = page.get_by_label(label).bounding_box()
        text = page.locator("label", has_text=label).bounding_box()
        assert control["width"] >= 18 and control["height"] >= 18, control
        assert control["x"] + control["width"] <= text["x"], (control, text)
        assert abs(control["y"] - text["y"]) < text["height"], (control, text)

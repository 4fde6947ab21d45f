"""A parent's first visit, as a new user would make it, on a phone and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from courses.content import course_load
from quizzes.models import Attempt
from tests.conftest import FIXTURE_CONTENT


@pytest.fixture
def loaded(transactional_db):
    course_load(root=FIXTURE_CONTENT)


def answer_quiz(page, right: bool):
    """Pick the right (or a wrong) answer for every question of the fixture quiz."""
    page.get_by_label("The secrecy" if right else "The coins").check()
    page.get_by_label("Stay calm").check()
    if right:
        page.get_by_label("Keep evidence").check()
    page.get_by_role("button", name="Submit my answers").click()


def test_parent_reads_signs_up_completes_and_continues(page, loaded):
    base = page.base_url
    page.goto(base + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("online child exploitation")
    page.get_by_role("link", name="First steps").first.click()
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_role("heading", name="Introduction")).to_be_visible()
    expect(page.get_by_role("list", name="Chat between Jay and Maya")).to_be_visible()

    # Signing up from a lesson brings the learner back to it.
    page.get_by_role("link", name="Sign up to save your progress").click()
    page.get_by_label("Your name, as it should appear on certificates").fill("Zoë Ñúñez-Øberg")
    page.get_by_label("Email").fill("zoe@example.org")
    page.locator("#id_password1").fill("a long safe password 42")
    page.locator("#id_password2").fill("a long safe password 42")
    page.get_by_label("Parent or caregiver").check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Introduction")).to_be_visible()

    page.get_by_role("button", name="Mark complete and continue").click()
    expect(page.get_by_role("heading", name="Warning signs")).to_be_visible()
    expect(page.get_by_text("Content note")).to_be_visible()
    page.get_by_role("button", name="Mark complete and go to the quiz").click()

    # Submitting with a question unanswered keeps the answers and explains.
    page.get_by_label("The coins").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Please answer every question")).to_be_visible()
    expect(page.get_by_label("The coins")).to_be_checked()

    page.get_by_label("Stay calm").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Not passed this time")).to_be_visible()
    # The review explains the choices made, and keeps the right answers for after a pass.
    expect(page.get_by_text("Gifts matter but secrecy matters more.")).to_be_visible()
    expect(page.get_by_text("Secrecy is a warning sign.")).to_have_count(0)

    page.get_by_role("link", name="Retake the quiz").first.click()
    answer_quiz(page, right=True)
    expect(page.get_by_text("You passed")).to_be_visible()
    assert Attempt.objects.count() == 2

    page.goto(base + "/my-learning/")
    row = page.get_by_role("row", name=re.compile("First steps"))
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text("100%")

    # The next visit offers to continue where the learner left off.
    page.goto(base + "/modules/second-steps/lessons/intro/")
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="Continue where you left off")).to_be_visible()
    page.get_by_role("link", name="Continue", exact=True).click()
    expect(page).to_have_url(re.compile("/modules/second-steps/lessons/intro/"))

    # Nothing scrolls sideways, even on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_quick_exit_leaves_and_back_does_not_return(page, loaded):
    base = page.base_url
    page.goto(base + "/")
    page.goto(base + "/modules/first-steps/lessons/intro/")
    page.get_by_role("link", name=re.compile("Exit this page")).click()
    expect(page).to_have_url(re.compile(r"/help/\?neutral"))
    page.go_back()
    expect(page).not_to_have_url(re.compile("/lessons/intro/"))


def test_shift_three_times_exits(page, loaded):
    page.goto(page.base_url + "/modules/first-steps/")
    for _ in range(3):
        page.keyboard.press("Shift")
    expect(page).to_have_url(re.compile(r"/help/\?neutral"))

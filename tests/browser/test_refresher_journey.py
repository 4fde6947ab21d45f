"""Spaced refreshers, as a school would meet them: the lead turns on "require refreshers"; a
teacher passes the assigned module's quiz; a month later (the test moves the clock) My learning
offers a refresher and the lead's dashboard says "Refresher due"; the teacher passes the
refresher, sees the feedback at once, and the dashboard says "Current" again."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from accounts.services import membership_add, organisation_create
from courses.content import course_load
from courses.models import Module
from courses.services import lesson_complete
from tests.browser.test_accessibility import audit_page, session_cookie
from tests.conftest import FIXTURE_CONTENT, make_user
from tests.steps import Clock, assign, complete_module

PASSWORD = "a-long-test-password"


@pytest.fixture
def loaded(transactional_db, settings, live_server):
    settings.SITE_URL = live_server.url
    course_load(root=FIXTURE_CONTENT)
    return live_server.url


def log_in(page, email):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Log in")).to_have_count(0)


def answer_right(page):
    """Tick the right answers of the fixture bank's two questions, whichever are shown."""
    for label in ("The secrecy", "Stay calm", "Keep evidence"):
        option = page.get_by_label(label)
        if option.count():
            option.check()


def test_refresher_falls_due_shows_on_the_dashboard_and_a_pass_restores_current(
    page, browser, loaded, monkeypatch
):
    clock = Clock(monkeypatch, datetime(2026, 1, 31, 9, 0, tzinfo=UTC))
    lead = make_user("lead@hillside.example", "educator", "Lee Lead")
    teacher = make_user("tess@hillside.example", "educator", "Tess Teacher")
    school = organisation_create(user=lead, name="Hillside School", kind="school")
    membership_add(organisation=school, user=teacher)
    assign(school, lead, slugs=["first-steps"])
    for lesson in Module.objects.get(slug="first-steps").lessons.all():
        lesson_complete(user=teacher, lesson=lesson)

    # The lead (signed in with two-step sign-in already set up) requires refreshers.
    lead_page = browser.new_context(viewport=page.viewport_size).new_page()
    lead_page.context.add_cookies([session_cookie(lead, page.base_url)])
    lead_page.goto(f"{page.base_url}/orgs/{school.slug}/settings/")
    lead_page.get_by_label("Require refreshers to keep completions current").check()
    lead_page.get_by_role("button", name="Save settings").click()
    school.refresh_from_db()
    assert school.require_refreshers

    # The teacher passes the module's quiz.
    log_in(page, "tess@hillside.example")
    page.goto(page.base_url + "/modules/first-steps/quiz/")
    answer_right(page)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("You passed")).to_be_visible()
    page.goto(page.base_url + "/my-learning/")
    expect(page.get_by_role("heading", name="Refreshers due")).to_have_count(0)

    # A month later: sessions have expired, so both log in again.
    clock.advance(days=31)
    lead_page.context.clear_cookies()
    lead_page.context.add_cookies([session_cookie(lead, page.base_url)])
    lead_page.goto(f"{page.base_url}/orgs/{school.slug}/dashboard/")
    # The member's table row on a desktop, their card on a phone.
    expect(lead_page.locator(".refresher-due:visible").first).to_have_text("Refresher due")

    log_in(page, "tess@hillside.example")
    page.goto(page.base_url + "/my-learning/")
    due = page.locator(".refreshers-due")
    expect(due.get_by_role("heading", name="Refreshers due")).to_be_visible()
    due.get_by_role("link", name="Take the refresher").click()
    expect(page.get_by_role("heading", name="Refresher: First steps", level=1)).to_be_visible()
    answer_right(page)
    page.get_by_role("button", name="Check my answers").click()

    # Feedback at once, with the best answers.
    expect(page.get_by_text("Refresher passed")).to_be_visible()
    expect(page.get_by_text("Secrecy is a warning sign").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(page.base_url + "/my-learning/")
    expect(page.get_by_role("heading", name="Refreshers due")).to_have_count(0)

    # The lead's dashboard says "Current" again; the completion was never touched.
    lead_page.reload()
    expect(lead_page.get_by_text("Refresher due")).to_have_count(0)
    expect(lead_page.locator(".refresher-current:visible").first).to_have_text("Current")


def test_refresher_pages_pass_axe_at_phone_width(browser, loaded, monkeypatch):
    clock = Clock(monkeypatch, datetime(2026, 1, 31, 9, 0, tzinfo=UTC))
    teacher = make_user("tess@hillside.example", "educator", "Tess Teacher")
    complete_module(teacher, "first-steps")
    clock.advance(days=31)
    base = loaded
    problems, foreign = audit_page(
        browser, base, "/modules/first-steps/refresher/", label="refresher", width=320, user=teacher
    )
    more, foreign_too = audit_page(
        browser, base, "/my-learning/", label="my learning", width=320, user=teacher
    )

    def submit(page):
        answer_right(page)
        page.get_by_role("button", name="Check my answers").click()

    result, foreign_result = audit_page(
        browser,
        base,
        "/modules/first-steps/refresher/",
        label="refresher result",
        width=320,
        user=teacher,
        action=submit,
    )
    assert problems + more + result == []
    assert foreign + foreign_too + foreign_result == []

"""A learner who does not read, in a real browser, with JavaScript on and off: clicking the first
or the longest answer on every question of the sextortion quiz never passes, the choices come in a
different order each attempt, and a failed attempt's review does not show the right answers."""

import re

import pytest
from playwright.sync_api import expect

from courses.content import course_load
from tests.conftest import SHIPPED_CONTENT, make_user

QUIZ = "/modules/sextortion/quiz/"


@pytest.fixture
def learner(transactional_db):
    course_load(root=SHIPPED_CONTENT)
    return make_user("blind@example.org", "parent", "Blair Blind")


@pytest.fixture(params=[True, False], ids=["js-on", "js-off"])
def tab(request, browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=request.param)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/accounts/login/?next=" + QUIZ)
    page.get_by_label("Email").fill("blind@example.org")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(QUIZ + "$"))
    yield page
    context.close()


def answer_blindly(page, strategy: str) -> list[str]:
    """Tick one answer per question without reading; return the first label of each question."""
    firsts = []
    for fieldset in page.locator("fieldset.question").all():
        labels = fieldset.locator("label.form-check-label").all()
        texts = [label.inner_text() for label in labels]
        firsts.append(texts[0])
        index = 0 if strategy == "first" else max(range(len(texts)), key=lambda i: len(texts[i]))
        labels[index].click()
    return firsts


@pytest.mark.parametrize("strategy", ["first", "longest"])
def test_a_learner_who_does_not_read_passes_nothing_and_learns_no_answers(learner, tab, strategy):
    orders = []
    for attempt in range(3):
        if attempt:
            tab.get_by_role("link", name="Retake the quiz").click()
        orders.append(answer_blindly(tab, strategy))
        tab.get_by_role("button", name="Submit my answers").click()
        expect(tab.get_by_role("heading", name="Your result")).to_be_visible()
        expect(tab.get_by_text("Not passed this time")).to_be_visible()
        assert tab.get_by_text("Best answer", exact=True).count() == 0
    assert len({tuple(o) for o in orders}) > 1

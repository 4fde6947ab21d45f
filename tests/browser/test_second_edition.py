"""The second edition's pages in a real browser: axe (WCAG 2.2 AA) at 1280 and 320 px with no
sideways scroll and no request to another host, and a handout that the browser's own Print
command puts on one US Letter page."""

import pytest
from pypdf import PdfReader

from courses.content import course_load
from tests.conftest import FIXTURE_CONTENT

from .test_accessibility import audit_page

PAGES = [
    ("glossary", "/glossary/"),
    ("outside the US", "/help/outside-the-united-states/"),
    ("how this course was made", "/about/how-this-course-was-made/"),
    ("warning signs", "/about/warning-signs/"),
    ("handouts", "/handouts/"),
    ("handout", "/handouts/family-sheet/"),
    ("module with handouts and review dates", "/modules/first-steps/"),
]


@pytest.fixture
def loaded(transactional_db):
    course_load(root=FIXTURE_CONTENT)


@pytest.mark.parametrize("width", [1280, 320])
def test_second_edition_pages_pass_axe_and_fit_the_screen(browser, live_server, loaded, width):
    problems: list[str] = []
    foreign: list[str] = []
    for label, path in PAGES:
        found, requests = audit_page(browser, live_server.url, path, label=label, width=width)
        problems += found
        foreign += requests
    assert foreign == [], "requests to other hosts"
    assert not problems, "\n".join(problems)


def test_a_handout_prints_on_one_page_without_the_site_around_it(browser, live_server, loaded, tmp_path):
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/handouts/family-sheet/")
    page.emulate_media(media="print")
    assert not page.locator(".quick-exit-bar").is_visible()
    assert not page.get_by_role("link", name="Download as PDF").is_visible()
    assert page.get_by_role("heading", name="A family sheet").is_visible()
    path = tmp_path / "printed.pdf"
    page.pdf(path=str(path), format="Letter", prefer_css_page_size=True)
    context.close()
    assert len(PdfReader(str(path)).pages) == 1


def test_every_shipped_handout_prints_on_one_page_from_the_browser(
    browser, live_server, transactional_db, tmp_path
):
    from courses.models import Handout
    from tests.conftest import SHIPPED_CONTENT

    course_load(root=SHIPPED_CONTENT)
    context = browser.new_context()
    page = context.new_page()
    pages = {}
    for handout in Handout.objects.all():
        page.goto(live_server.url + handout.get_absolute_url())
        path = tmp_path / f"{handout.slug}.pdf"
        page.pdf(path=str(path), format="Letter", prefer_css_page_size=True)
        pages[handout.slug] = len(PdfReader(str(path)).pages)
    context.close()
    assert len(pages) == 3 and set(pages.values()) == {1}, pages

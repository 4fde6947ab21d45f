"""The report-readiness checklist in a real browser (issue 19 item 3): typing into it, ticking it
and printing it make no request at all, set no cookie and store nothing, even offline; the
printout shows what was typed without the site's chrome; leaving clears the notes; the quick exit
still works; without JavaScript the whole checklist is there and prints with lines to write on."""

import re

import pytest
from django.utils import translation

from courses import report_checklist as checklist

PATH = "/help/report-checklist/"
# Not part of the app: the test stands in for the browser's print dialog, which would block, and
# records any request the page's CSP blocked (a blocked fetch never reaches the network log).
INIT = """
window.print = function () { window.__printed = (window.__printed || 0) + 1; };
window.__blocked = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__blocked.push(e.blockedURI); });
"""
LONG_NOTE = "\n".join(
    f"line {n}: user tall_tree_{n} asked for a gift card at 9:{n:02d} pm" for n in range(40)
)


@pytest.fixture
def opened(browser, live_server, settings):
    """The checklist, fully loaded (nothing left in flight), with window.print stubbed."""
    settings.QUICK_EXIT_URL = f"{live_server.url}/help/?neutral"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(INIT)
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + PATH)
    page.wait_for_load_state("networkidle")
    page.errors = errors
    yield page
    context.close()


def storage(page) -> dict:
    return page.evaluate(
        "() => ({cookie: document.cookie, local: localStorage.length, session: sessionStorage.length})"
    )


def test_typing_ticking_and_printing_send_no_request_and_store_nothing(opened):
    page = opened
    before_cookies, before = page.context.cookies(), storage(page)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(f"{request.method} {request.url}"))
    page.context.set_offline(True)  # once loaded, it works offline

    fields = page.locator("#report-checklist textarea")
    assert fields.count() == len(checklist.NOTES) + 1
    for i in range(fields.count()):
        fields.nth(i).click()
        fields.nth(i).press_sequentially("tall_tree_7 on the game chat, 9:14 pm\nasked for a gift card")
    boxes = page.locator("#report-checklist input[type=checkbox]")
    assert boxes.count() == len(checklist.KEEP) + len(checklist.ROUTES)
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.keyboard.press("Tab")  # blur the last field: a change event, too
    buttons = page.get_by_role("button", name="Print my checklist")
    buttons.first.click()
    buttons.last.click()
    page.wait_for_timeout(500)  # anything the page might send late

    assert page.evaluate("window.__printed") == 2
    assert requests == [], "the checklist made requests while in use"
    assert page.evaluate("window.__blocked") == [], "the checklist tried a request the CSP blocked"
    assert page.context.cookies() == before_cookies
    assert storage(page) == before == {"cookie": before["cookie"], "local": 0, "session": 0}
    assert page.errors == []
    assert page.locator("#note-child").input_value().startswith("tall_tree_7")


def test_the_printout_shows_the_notes_in_full_and_hides_the_site(opened):
    page = opened
    page.locator("#note-other").fill(LONG_NOTE)
    page.locator("#keep-delete").check()
    page.emulate_media(media="print")

    copy = page.locator("#note-other-copy")
    assert copy.is_visible() and copy.inner_text().strip() == LONG_NOTE
    assert copy.bounding_box()["height"] > 40 * 10  # every line prints, none cut off
    assert not page.locator("#note-other").is_visible()
    assert page.locator("#note-when ~ .note-lines").is_visible()  # an empty field: lines to write on
    assert not page.locator("#note-other ~ .note-lines").is_visible()
    assert page.locator("#keep-delete").is_visible() and page.locator("#keep-delete").is_checked()
    assert page.locator(".checklist-print-note").is_visible()
    assert page.get_by_text("1-800-843-5678").first.is_visible()
    for chrome in [".quick-exit-bar", ".site-header", ".site-footer", "#help-box", "#checklist-privacy"]:
        assert not page.locator(chrome).is_visible(), chrome
    assert not page.get_by_role("button", name="Print my checklist").first.is_visible()

    page.emulate_media(media="screen")
    assert page.locator("#note-other").is_visible() and not copy.is_visible()


def test_leaving_the_page_clears_the_notes(opened):
    page = opened
    page.locator("#note-child").fill("a private note")
    page.locator("#keep-delete").check()
    page.locator(".site-footer").get_by_role("link", name="All help lines").click()
    page.wait_for_url("**/help/")
    page.go_back()
    page.wait_for_url(f"**{PATH}")
    assert page.locator("#note-child").input_value() == ""
    assert page.locator("#note-child-copy").inner_text() == ""
    assert not page.locator("#keep-delete").is_checked()


def test_notes_are_cleared_as_the_page_is_hidden_so_the_back_forward_cache_keeps_none(opened):
    # Playwright's Chromium runs without the back-forward cache, so the event it would see is
    # sent by hand: a page put in that cache gets `pagehide` with persisted = true.
    page = opened
    page.locator("#note-child").fill("a private note")
    page.locator("#keep-delete").check()
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}))")
    assert page.locator("#note-child").input_value() == ""
    assert page.locator("#note-child-copy").inner_text() == ""
    assert not page.locator("#keep-delete").is_checked()


@pytest.mark.parametrize("how", ["button", "shift"])
def test_the_quick_exit_still_works_from_inside_a_note(opened, how):
    page = opened
    field = page.locator("#note-what")
    field.fill("a private note")
    field.focus()
    if how == "button":
        page.get_by_role("link", name=re.compile("Exit this page")).click()
    else:
        for _ in range(3):
            page.keyboard.press("Shift")
    page.wait_for_url("**/help/?neutral")
    assert PATH not in page.url


def test_without_javascript_the_whole_checklist_is_there_and_prints(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + PATH)
    text = " ".join(page.locator("main").inner_text().split())
    with translation.override("en"):  # the page is in English, whatever an earlier test left on
        for item in checklist.IMAGES + checklist.KEEP:
            assert " ".join(str(item["text"]).split()) in text
        for note in checklist.NOTES:
            assert str(note["label"]) in text and str(note["hint"]) in text
        for route in checklist.ROUTES:
            assert str(route["name"]) in text and str(route["when"]) in text
    for number in ["911", "1-800-843-5678", "1-800-CALL-FBI", "1-888-373-7888", "233733", "988"]:
        assert number in text
    assert not page.get_by_role("button", name="Print my checklist").first.is_visible()

    # The fields are plain HTML, so they work too; on paper a filled one prints its text and an
    # empty one prints lines to write on.
    page.locator("#note-child").fill("written without scripts")
    page.locator("#keep-delete").check()
    page.emulate_media(media="print")
    assert page.locator("#note-child").is_visible()
    assert not page.locator("#note-child ~ .note-lines").is_visible()
    assert page.locator("#note-when ~ .note-lines").is_visible()
    assert not page.locator(".site-header").is_visible()
    context.close()

"""A facilitated session in real browsers: the facilitator creates a session and presents it
(keyboard to advance), three attendees join by code on phone-width windows (one with JavaScript
off), the facilitator ends the session, and the dashboard shows all three credited."""

import pytest
from playwright.sync_api import expect

from accounts.services import membership_add, membership_set_role, organisation_create
from courses.content import course_load
from tests.browser.test_accessibility import audit_page, session_cookie
from tests.conftest import FIXTURE_CONTENT, make_user
from tests.steps import assign

PASSWORD = "a-long-test-password"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def room(transactional_db, settings, live_server):
    settings.SITE_URL = live_server.url
    course_load(root=FIXTURE_CONTENT)
    lead = make_user("lead@hillside.example", "educator", "Lee Lead")
    org = organisation_create(user=lead, name="Hillside School", kind="school")
    attendees = []
    for name in ("Ana Attendee", "Ben Attendee", "Cy Attendee"):
        user = make_user(f"{name.split()[0].lower()}@hillside.example", "educator", name)
        membership_add(organisation=org, user=user)
        attendees.append(user)
    assign(org, lead, slugs=["first-steps"])
    # A member the lead made a facilitator: runs sessions, sees nothing else of the admin area.
    fay = make_user("fay@hillside.example", "educator", "Fay Facilitator")
    membership, _created = membership_add(organisation=org, user=fay)
    membership_set_role(actor=org.memberships.get(user=lead), membership=membership, role="facilitator")
    return org, lead, fay, attendees


def log_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)


def test_three_attendees_join_by_code_on_phones_and_are_credited(browser, live_server, room):
    org, lead, fay, attendees = room
    base = live_server.url
    facilitator = browser.new_context(viewport={"width": 1280, "height": 800})
    page = facilitator.new_page()
    page.set_default_timeout(15000)
    log_in(page, base, fay.email)
    page.goto(f"{base}/orgs/{org.slug}/")
    page.get_by_role("link", name="Facilitated sessions").click()
    page.get_by_role("link", name="New session").click()
    page.get_by_label("Module").select_option(label="First steps")
    page.get_by_role("button", name="Create session").click()
    code = page.get_by_test_id("join-code").inner_text()
    assert len(code) == 6

    # The presenter view: the opening screen shows the code; keys move between screens.
    page.get_by_role("link", name="Open the presenter view").click()
    expect(page.locator(".presenter-code")).to_contain_text(code)
    page.wait_for_load_state("load")  # the deferred script listens for keys
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text("Screen 2 of")).to_be_visible(timeout=15000)
    assert page.url.endswith("/present/2/")
    page.wait_for_load_state("load")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_text("Screen 1 of")).to_be_visible(timeout=15000)
    page.wait_for_load_state("load")
    page.keyboard.press(" ")
    expect(page.get_by_text("Screen 2 of")).to_be_visible(timeout=15000)

    phones = []
    for i, user in enumerate(attendees):
        context = browser.new_context(viewport=PHONE, java_script_enabled=i != 2)  # the third: no JS
        phone = context.new_page()
        phone.set_default_timeout(15000)
        log_in(phone, base, user.email)
        phone.goto(base + "/session/join/")
        phone.get_by_label("Session code").fill(code.lower() if i == 1 else code)
        phone.get_by_role("button", name="Join").click()
        expect(phone.get_by_text("You have joined")).to_be_visible(timeout=15000)
        if i != 2:  # nothing wider than the phone
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        phones.append(context)

    page.goto(f"{base}/orgs/{org.slug}/sessions/{org.facilitated_sessions.get().key}/")
    expect(page.get_by_role("heading", name="3 attendees")).to_be_visible()
    page.get_by_role("button", name="End the session and credit attendees").click()
    expect(page.get_by_text("The session has ended.")).to_be_visible(timeout=15000)

    assert page.goto(f"{base}/orgs/{org.slug}/dashboard/").status == 403  # not an admin

    # The lead's dashboard: all three credited, with who ran the session.
    lead_context = browser.new_context()
    lead_context.add_cookies([session_cookie(lead, base)])
    dashboard = lead_context.new_page()
    dashboard.goto(f"{base}/orgs/{org.slug}/dashboard/")
    for user in attendees:
        row = dashboard.get_by_role("row", name=user.name)
        expect(row).to_contain_text("Completed")
        expect(row).to_contain_text("Completed in a facilitated session, Fay Facilitator")
    lead_context.close()
    for context in phones:
        context.close()
    facilitator.close()


def test_wrong_code_is_explained_without_javascript_on_a_narrow_phone(browser, live_server, room):
    org, _lead, _fay, attendees = room
    context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=False)
    phone = context.new_page()
    log_in(phone, live_server.url, attendees[0].email)
    phone.goto(live_server.url + "/session/join/")
    phone.get_by_label("Session code").fill("ZZZZZZ")
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_text("No session is open with this code")).to_be_visible()
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_session_pages_pass_axe_and_fit_the_screen(browser, live_server, room, width):
    from datetime import timedelta

    from django.utils import timezone

    from courses.models import Module
    from facilitation.services import attendance_join, session_create

    org, lead, fay, attendees = room
    start = timezone.now() - timedelta(minutes=1)
    session = session_create(
        organisation=org,
        actor=fay,
        module=Module.objects.get(slug="first-steps"),
        facilitator=fay,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    attendance_join(user=attendees[0], code=session.code)
    base = f"/orgs/{org.slug}/sessions/"
    pages = [
        ("sessions", base, fay, None),
        ("new session with errors", base + "new/", fay, click("Create session")),
        ("session", f"{base}{session.key}/", fay, None),
        ("join with an error", "/session/join/", attendees[1], fill_wrong_code),
    ]
    pages += [(f"presenter {n}", f"{base}{session.key}/present/{n}/", fay, None) for n in range(1, 10)]
    problems: list[str] = []
    foreign: list[str] = []
    for label, path, user, action in pages:
        found, requests = audit_page(
            browser, live_server.url, path, label=label, width=width, user=user, action=action, status=None
        )
        problems += found
        foreign += requests
    assert not problems, "\n".join(problems)
    assert not foreign


def click(name):
    def action(page):
        if name == "Create session":
            page.get_by_label("Joining stays open for (minutes)").fill("")
        page.get_by_role("button", name=name).click()

    return action


def fill_wrong_code(page):
    page.get_by_label("Session code").fill("ZZZZZZ")
    page.get_by_role("button", name="Join").click()

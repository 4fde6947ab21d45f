"""Practice conversations in a real browser: every ending of every shipped conversation played
with JavaScript on and off, as a guest and signed in; the new turn takes focus; by keyboard
alone; axe-core clean at 1280 and 320 px; no CSP violation and no request to another host."""

import re
from collections import deque

import pytest
from playwright.sync_api import expect

from accounts.services import membership_add, organisation_create
from compliance.assignments import assignment_create
from courses.content import course_load
from courses.conversations import recommended_path, walk
from courses.models import Conversation, ConversationPractice
from tests.browser.test_accessibility import audit_page, session_cookie
from tests.browser.test_keyboard import tab_to
from tests.conftest import FIXTURE_CONTENT, SHIPPED_CONTENT, make_user
from tests.steps import practise


def paths_to_every_ending(conversation: Conversation) -> dict[str, str]:
    """The shortest path of choice keys to each ending (breadth first from the start)."""
    nodes, found, queue, seen = conversation.nodes, {}, deque([(conversation.start, "")]), set()
    while queue:
        node_id, keys = queue.popleft()
        if node_id in seen:
            continue
        seen.add(node_id)
        if "ending" in nodes[node_id]:
            found[node_id] = keys
            continue
        for choice in nodes[node_id]["choices"]:
            queue.append((choice["next"], keys + choice["key"]))
    return found


@pytest.fixture
def shipped(transactional_db):
    course_load(root=SHIPPED_CONTENT)
    return make_user("practice@example.org", "parent", "Pat Practice")


def open_context(browser, base: str, *, js: bool, user=None):
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=js)
    if user is not None:
        context.add_cookies([session_cookie(user, base)])
    page = context.new_page()
    page.set_default_timeout(15000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: problems.append(r.url) if not r.url.startswith((base, "data:")) else None)
    return context, page, problems


def play_to(page, conversation: Conversation, keys: str) -> None:
    """From the first turn, click the choices `keys` names, checking each reply takes focus."""
    for step, key in enumerate(keys):
        node = walk(conversation.nodes, conversation.start, keys[:step])[-1].node
        choice = next(c for c in node["choices"] if c["key"] == key)
        page.get_by_role("button", name=choice["text"], exact=True).click()
        following = walk(conversation.nodes, conversation.start, keys[: step + 1])[-1].node
        expect(page.locator("#now")).to_be_focused()
        expect(page.locator("#now")).to_contain_text(following["says"][-1])


# JavaScript on for a signed-in learner (the path in their practice row), off for a guest (the
# path in the session): between them, both ways of keeping the path and both kinds of page.
@pytest.mark.parametrize(("js", "signed_in"), [(True, True), (False, False)], ids=["js-on", "js-off"])
def test_every_ending_of_every_shipped_conversation(browser, live_server, shipped, js, signed_in):
    base = live_server.url
    context, page, problems = open_context(browser, base, js=js, user=shipped if signed_in else None)
    played = 0
    for conversation in Conversation.objects.order_by("position"):
        page.goto(f"{base}/practice/{conversation.slug}/")
        expect(page.get_by_role("heading", name="Content note")).to_be_visible()
        page.get_by_role("link", name="Start the conversation").click()
        for ending, keys in paths_to_every_ending(conversation).items():
            expect(page.get_by_role("group", name="What do you say?")).to_be_visible()
            play_to(page, conversation, keys)
            node = conversation.nodes[ending]
            expect(page.get_by_role("heading", name=node["title"], exact=True)).to_be_visible()
            expect(page.get_by_role("heading", name="Your path, next to the recommended one")).to_be_visible()
            expect(page.get_by_role("heading", name="Where to get help")).to_be_visible()
            expect(page.get_by_text("Recorded as practised" if signed_in else "not recorded")).to_be_visible()
            page.get_by_role("button", name="Practise again from the start").click()
            played += 1
    assert played == sum(len(paths_to_every_ending(c)) for c in Conversation.objects.all()) >= 4 * 4
    practised = ConversationPractice.objects.filter(user=shipped, completed_at__isnull=False).count()
    assert practised == (4 if signed_in else 0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
    assert problems == []


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "guest"])
def test_javascript_off_records_practised_for_a_learner_and_nothing_for_a_guest(
    browser, live_server, shipped, signed_in
):
    base = live_server.url
    context, page, problems = open_context(browser, base, js=False, user=shipped if signed_in else None)
    conversation = Conversation.objects.get(slug="threat-to-share")
    page.goto(f"{base}/practice/{conversation.slug}/play/")
    keys = recommended_path(conversation.nodes, conversation.start)
    play_to(page, conversation, keys)
    expect(page.get_by_text("Recorded as practised" if signed_in else "not recorded")).to_be_visible()
    page.goto(f"{base}/practice/{conversation.slug}/")
    expect(page.get_by_role("link", name="See your last debrief")).to_be_visible()
    rows = ConversationPractice.objects.filter(user=shipped, completed_at__isnull=False)
    assert list(rows.values_list("path", flat=True)) == ([keys] if signed_in else [])
    context.close()
    assert problems == []


def test_a_whole_conversation_by_keyboard_alone(browser, live_server, shipped):
    base = live_server.url
    context, page, problems = open_context(browser, base, js=True, user=shipped)
    conversation = Conversation.objects.get(slug="worried-about-a-colleague")
    page.goto(f"{base}/practice/{conversation.slug}/")
    tab_to(page, "Start the conversation")
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="What do you say?")).to_be_visible()
    keys = paths_to_every_ending(conversation)[
        next(e for e, n in conversation.nodes.items() if n.get("ending") == "good")
    ]
    for step, key in enumerate(keys):
        node = walk(conversation.nodes, conversation.start, keys[:step])[-1].node
        tab_to(page, next(c for c in node["choices"] if c["key"] == key)["text"])
        page.keyboard.press("Enter")
        expect(page.locator("#now")).to_be_focused()  # the reply is read first
    expect(page.get_by_text("Recorded as practised")).to_be_visible()
    tab_to(page, "Practise again from the start", limit=200)
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="What do you say?")).to_be_visible()
    context.close()
    assert problems == []


@pytest.fixture
def practising(transactional_db):
    course_load(root=FIXTURE_CONTENT)
    lead = make_user("lead@example.org", "educator", "Lee Lead")
    org = organisation_create(user=lead, name="Hillside School", kind="school")
    teacher = make_user("tess@example.org", "parent", "Tess Teacher")
    membership_add(organisation=org, user=teacher)
    assignment_create(
        organisation=org, actor=lead, conversations=[Conversation.objects.get()], target="everyone"
    )
    practise(teacher, "first-talk")
    practise(lead, "first-talk", "bc")
    return {"lead": lead, "teacher": teacher, "org": org}


def choose(*texts):
    def action(page):
        for text in texts:
            page.get_by_role("button", name=text, exact=True).click()

    return action


@pytest.mark.parametrize("width", [1280, 320])
def test_practice_pages_pass_axe_and_fit_the_screen(browser, live_server, practising, width):
    slug = practising["org"].slug
    teacher, lead = practising["teacher"], practising["lead"]
    pages = [
        ("practice intro", "/practice/first-talk/", None, None),
        ("practice first turn", "/practice/first-talk/play/", None, None),
        ("practice later turn", "/practice/first-talk/play/", None, choose('"Not now."')),
        ("practice in progress", "/practice/first-talk/play/", lead, None),
        ("practice debrief, good", "/practice/first-talk/play/", teacher, None),
        (
            "practice debrief, poor, guest",
            "/practice/first-talk/play/",
            None,
            choose('"Not now."', '"Okay then."'),
        ),
        ("module with practice", "/modules/first-steps/", teacher, None),
        ("my learning with practice", "/my-learning/", teacher, None),
        ("dashboard with practice", f"/orgs/{slug}/dashboard/", lead, None),
        ("module report with practice", f"/orgs/{slug}/dashboard/modules/first-steps/", lead, None),
        ("assign with practice", f"/orgs/{slug}/assignments/new/", lead, None),
    ]
    problems: list[str] = []
    foreign: list[str] = []
    for label, path, user, action in pages:
        found, requests = audit_page(
            browser, live_server.url, path, label=label, width=width, user=user, action=action
        )
        problems += found
        foreign += requests
    assert foreign == [], "requests to other hosts"
    assert not problems, "\n".join(problems)


def test_a_guest_who_signs_up_after_the_debrief_has_it_recorded(page, live_server, transactional_db):
    course_load(root=FIXTURE_CONTENT)
    page.goto(page.base_url + "/practice/first-talk/play/")
    choose('"Of course. I\'m listening."', '"Thank you for telling me. You did the right thing."',
           '"I\'ll only tell people who can help."', '"Let\'s save them and report him together."')(page)  # fmt: skip
    page.get_by_role("link", name="Sign up to keep a record").click()
    page.get_by_label("Your name, as it should appear on certificates").fill("Sam Signup")
    page.get_by_label("Email").fill("sam@example.org")
    page.locator("#id_password1").fill("a long safe password 42")
    page.locator("#id_password2").fill("a long safe password 42")
    page.get_by_label("Parent or caregiver").check()
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile("/practice/first-talk/play/$"))
    expect(page.get_by_text("Recorded as practised")).to_be_visible()
    page.goto(page.base_url + "/my-learning/")
    expect(
        page.get_by_role("listitem").filter(has_text="Your child wants to tell you something")
    ).to_contain_text("Practised")

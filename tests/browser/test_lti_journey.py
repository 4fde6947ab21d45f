"""LTI 1.3 in a real browser, between the test LMS (127.0.0.1, its own keys) and OnGuard
(localhost, another site): a teacher opens OnGuard's picker inside the LMS's course page and
adds a module; a student launches it inside the LMS's frame and opens it in OnGuard's own
window; once they pass its quiz, the LMS's gradebook receives the score. The framed pages keep
the CSP and pass axe; OnGuard's other pages refuse the frame. An admin syncs the course's roster (Names and Role
Provisioning) and a learner from it launches into the account the sync made."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Membership, User
from accounts.services import organisation_create
from courses.content import course_load
from lti.services import platform_register
from tests.browser.test_accessibility import AXE, TAGS, session_cookie
from tests.conftest import FIXTURE_CONTENT, make_user
from tests.lti.platform import INSTRUCTOR, LEARNER, MiniLMS
from tests.steps import complete_module


@pytest.fixture(scope="module")
def lms_server():
    server = MiniLMS()
    yield server
    server.stop()


@pytest.fixture
def lms(transactional_db, live_server, lms_server, settings):
    cache.clear()
    settings.LTI_ALLOW_INSECURE_URLS = True
    course_load(root=FIXTURE_CONTENT)
    lms_server.tool_login_url = f"{live_server.url}/lti/login/"
    lms_server.tool_launch_url = f"{live_server.url}/lti/launch/"
    lms_server.tool_jwks = f"{live_server.url}/lti/jwks/"
    lms_server.scores.clear()
    lms_server.deep_link_items.clear()
    lms_server.roster.clear()
    lms_server.memberships_requests.clear()
    lead = make_user("lead@district.example", "educator", "Lee Lead")
    district = organisation_create(user=lead, name="Riverside District", kind="school")
    platform_register(organisation=district, actor=lead, fields=lms_server.registration())
    return lms_server


def axe(frame) -> list[str]:
    """axe in the framed page, evaluated through the browser's debugger (not a script tag, which
    the page's CSP rightly refuses)."""
    frame.evaluate(AXE.read_text())
    result = frame.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [f"{v['id']}: {v['help']}" for v in result["violations"]]


def test_a_teacher_adds_a_module_a_student_passes_it_and_the_lms_gets_the_score(page, lms):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    # The teacher picks a module in OnGuard's picker, inside the LMS's page.
    lms.launches["teacher"] = {
        "message_type": "LtiDeepLinkingRequest", "sub": "teacher-1", "email": "teacher@district.example",
        "name": "Tess Teacher", "roles": [INSTRUCTOR],
    }  # fmt: skip
    page.goto(f"{lms.url}/course/teacher")
    frame = page.frame_locator("iframe[title=OnGuard]")
    expect(frame.get_by_role("heading", name="Add OnGuard training to your course")).to_be_visible()
    assert axe(page.frames[1]) == []
    frame.get_by_label("First steps").check()
    frame.get_by_role("button", name="Add to my course").click()
    expect(frame.get_by_role("heading", name="Added to the course")).to_be_visible()
    (item,) = lms.deep_link_items
    assert item["custom"] == {"module": "first-steps"}

    # A student launches it inside the LMS, and opens it in OnGuard's own window.
    lms.launches["student"] = {"custom": item["custom"], "sub": "student-1", "email": "stu@district.example"}
    page.goto(f"{lms.url}/course/student")
    frame = page.frame_locator("iframe[title=OnGuard]")
    expect(frame.get_by_role("heading", name="First steps")).to_be_visible()
    assert axe(page.frames[1]) == []
    with page.context.expect_page() as opened:
        frame.get_by_role("link", name="Open in OnGuard").click()
    window = opened.value
    window.get_by_role("button", name="Continue").click()
    expect(window.get_by_role("heading", name="First steps")).to_be_visible()
    assert window.url.endswith("/modules/first-steps/") or "first-steps" in window.url

    # They pass the module's quiz; the next run of the score sender posts it to the gradebook.
    complete_module(User.objects.get(email="stu@district.example"), "first-steps")
    call_command("send_lti_scores")
    (score,) = lms.scores
    assert score["userId"] == "student-1" and score["scoreGiven"] == 100
    assert violations == []


def test_onguards_other_pages_refuse_the_lms_frame(page, lms, live_server):
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "frame-ancestors" in m.text else None)
    page.set_content(f'<iframe title="x" src="{live_server.url}/"></iframe>')
    page.wait_for_timeout(1000)
    assert refused or page.frames[1].url in ("about:blank", "chrome-error://chromewebdata/")


def without_cookies(page):
    """A browser that blocks this site's cookies in the LMS's frame, even partitioned ones: the
    launch arrives without the state cookie."""

    def clear_then_continue(route):
        page.context.clear_cookies()
        route.continue_()

    return clear_then_continue


def test_without_cookies_the_lms_storage_binds_the_launch(page, lms, live_server):
    page.route(f"{live_server.url}/lti/launch/", without_cookies(page))
    lms.launches["student"] = {
        "custom": {"module": "first-steps"},
        "sub": "student-9",
        "email": "nine@district.example",
    }
    page.goto(f"{lms.url}/course/student?storage=1")
    frame = page.frame_locator("iframe[title=OnGuard]")
    expect(frame.get_by_role("link", name="Open in OnGuard")).to_be_visible()


def test_a_launch_whose_state_the_lms_storage_does_not_hold_shows_nothing_to_open(page, lms, live_server):
    page.route(f"{live_server.url}/lti/launch/", without_cookies(page))
    lms.launches["student"] = {
        "custom": {"module": "first-steps"},
        "sub": "student-9",
        "email": "nine@district.example",
    }
    page.goto(f"{lms.url}/course/student?storage=lying")
    frame = page.frame_locator("iframe[title=OnGuard]")
    expect(
        frame.get_by_text("OnGuard could not confirm that this launch started in this browser")
    ).to_be_visible()
    expect(frame.get_by_role("link", name="Open in OnGuard")).to_be_hidden()


def test_an_admin_syncs_the_course_roster_and_a_learner_from_it_launches_into_their_account(page, lms):
    lms.roster.extend(
        [
            {"user_id": "teacher-1", "name": "Tess Teacher", "email": "teacher@district.example",
             "roles": [INSTRUCTOR], "status": "Active"},
            {"user_id": "student-7", "name": "Sev Seventh", "email": "seven@district.example",
             "roles": [LEARNER], "status": "Active"},
        ]
    )  # fmt: skip
    # The teacher's launch (choosing content: nobody joins yet) records the course, and shows
    # where its roster is synced.
    lms.launches["teacher"] = {
        "message_type": "LtiDeepLinkingRequest", "sub": "teacher-1", "email": "teacher@district.example",
        "name": "Tess Teacher", "roles": [INSTRUCTOR],
    }  # fmt: skip
    page.goto(f"{lms.url}/course/teacher")
    frame = page.frame_locator("iframe[title=OnGuard]")
    expect(frame.get_by_role("link", name="Sync the roster")).to_be_visible()

    # The organisation's lead (signed in, with two-step sign-in done) syncs it from the LMS page.
    page.context.add_cookies([session_cookie(User.objects.get(email="lead@district.example"), page.base_url)])
    page.goto(page.base_url + "/orgs/riverside-district/lms/")
    page.get_by_role("button", name="Sync roster from Staff safeguarding 2026").click()
    expect(page.get_by_text("Roster synced: 2 added, 0 already here, 0 skipped.")).to_be_visible()
    expect(page.get_by_role("heading", name="Teachers in the LMS who are members here")).to_be_visible()
    assert axe(page.main_frame) == []
    sev = User.objects.get(email="seven@district.example")
    assert Membership.objects.get(user=sev).role == "member"

    # The learner launches for the first time: the account the sync made opens.
    page.context.clear_cookies()
    lms.launches["student"] = {"custom": {"module": "first-steps"}, "sub": "student-7",
                               "email": "seven@district.example", "name": "Sev Seventh"}  # fmt: skip
    page.goto(f"{lms.url}/course/student")
    frame = page.frame_locator("iframe[title=OnGuard]")
    with page.context.expect_page() as opened:
        frame.get_by_role("link", name="Open in OnGuard").click()
    window = opened.value
    window.get_by_role("button", name="Continue").click()
    expect(window.get_by_role("heading", name="First steps")).to_be_visible()
    assert User.objects.filter(email="seven@district.example").count() == 1
    assert window.context.cookies() and sev.lti_identities.get().sub == "student-7"

"""Organisation pages pass axe-core (WCAG 2.2 AA) at 1280 and 320 px, with data in them and with
form errors showing, and nothing scrolls sideways."""

import pytest

from accounts.invitations import InviteRow, invitations_create
from accounts.services import group_create, membership_add, organisation_create
from compliance.assignments import assignment_create
from courses.content import course_load
from courses.models import Lesson, Module
from courses.services import lesson_complete
from tests.browser.test_accessibility import audit_page
from tests.conftest import FIXTURE_CONTENT, make_user


@pytest.fixture
def school(transactional_db):
    course_load(root=FIXTURE_CONTENT)
    lead = make_user("lead@example.org", "educator", "Lee Lead")
    org = organisation_create(user=lead, name="Hillside School", kind="school")
    teacher = make_user("tess@example.org", "educator", "Tess Teacher")
    membership_add(organisation=org, user=teacher)
    group = group_create(organisation=org, actor=lead, name="Science")
    (assignment,) = assignment_create(
        organisation=org, actor=lead, modules=[Module.objects.get(slug="first-steps")], target="everyone"
    )
    lesson_complete(user=teacher, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    (invitation,) = invitations_create(
        organisation=org, actor=lead, rows=[InviteRow(line=1, name="Ravi", email="ravi@example.org")]
    )
    return {"lead": lead, "org": org, "group": group, "assignment": assignment, "invitation": invitation}


def click(name):
    return lambda page: page.get_by_role("button", name=name, exact=True).click()


def bulk_preview(page):
    page.get_by_label("Paste the list").fill("Kim,kim@example.org\nBad,not-an-email\n")
    page.get_by_role("button", name="Check the list").click()


@pytest.mark.parametrize("width", [1280, 320])
def test_organisation_pages_pass_axe_and_fit_the_screen(browser, live_server, school, width):
    slug = school["org"].slug
    pages = [
        ("my organisations", "/orgs/", True, None),
        ("create with errors", "/orgs/new/", True, click("Create")),
        ("dashboard", f"/orgs/{slug}/dashboard/", True, None),
        ("module report", f"/orgs/{slug}/dashboard/modules/first-steps/", True, None),
        ("printable report", f"/orgs/{slug}/report/", True, None),
        ("invitations with errors", f"/orgs/{slug}/invitations/", True, click("Send invitation")),
        ("bulk preview", f"/orgs/{slug}/invitations/bulk/", True, bulk_preview),
        ("settings", f"/orgs/{slug}/settings/", True, None),
        ("members", f"/orgs/{slug}/members/", True, None),
        ("groups", f"/orgs/{slug}/groups/", True, None),
        ("group", f"/orgs/{slug}/groups/{school['group'].key}/", True, None),
        ("assignments", f"/orgs/{slug}/assignments/", True, None),
        ("assign with errors", f"/orgs/{slug}/assignments/new/", True, click("Assign")),
        ("extend", f"/orgs/{slug}/assignments/{school['assignment'].key}/extend/", True, None),
        ("audit log", f"/orgs/{slug}/audit/", True, None),
        ("accept and sign up", f"/invitations/{school['invitation'].token}/", False, None),
    ]
    problems: list[str] = []
    foreign: list[str] = []
    for label, path, signed_in, action in pages:
        found, requests = audit_page(
            browser, live_server.url, path, label=label, width=width,
            user=school["lead"] if signed_in else None, action=action,
        )  # fmt: skip
        problems += found
        foreign += requests
    assert foreign == [], "requests to other hosts"
    assert not problems, "\n".join(problems)

"""A safeguarding lead's story, as a new user would try it: create the school, invite staff from
a CSV with a bad row in it, assign a module with a due date; a teacher accepts the e-mailed
invitation, signs up on the spot and completes the module; the dashboard and the CSV export
show it."""

import csv
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from courses.content import course_load
from tests.conftest import FIXTURE_CONTENT, make_user

STAFF_CSV = (
    "name,email,group\n"
    "Tess Teacher,tess@hillside.example,Science\n"
    "Ravi Rao,ravi@hillside.example,\n"
    "Broken Row,not-an-email,\n"
)


@pytest.fixture
def loaded(transactional_db, settings, live_server):
    settings.SITE_URL = live_server.url
    course_load(root=FIXTURE_CONTENT)


def log_in(page, email, password):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_lead_invites_by_csv_teacher_completes_and_the_report_shows_it(page, browser, loaded):
    base = page.base_url
    make_user("lead@hillside.example", "educator", "Lee Lead")
    log_in(page, "lead@hillside.example", "a-long-test-password")

    # Create the organisation.
    page.get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Create an organisation").click()
    page.get_by_label("Name of your school or organisation").fill("Hillside School")
    page.get_by_label("School", exact=True).check()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text("“Hillside School” is ready")).to_be_visible()

    # Invite staff from a CSV file with a bad row: the preview says which and why.
    page.get_by_role("link", name="Invite from a list or CSV").click()
    page.get_by_label("Or upload a file").set_input_files(
        {"name": "staff.csv", "mimeType": "text/csv", "buffer": STAFF_CSV.encode()}
    )
    page.get_by_role("button", name="Check the list").click()
    expect(page.get_by_role("heading", name="1 row will be skipped")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Broken Row"))).to_contain_text(
        "not a valid e-mail address"
    )
    page.get_by_role("button", name="Invite 2 people").click()
    expect(page.get_by_text("2 invitations are on their way. 1 row was skipped.")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox) == ["ravi@hillside.example", "tess@hillside.example"]

    # Assign the first module to everyone, due in a month.
    page.get_by_role("link", name="Assignments").click()
    page.get_by_role("link", name="Assign training").click()
    page.get_by_label("First steps", exact=True).check()
    page.get_by_label("Everyone").check()
    due = timezone.localdate() + timedelta(days=30)
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_role("heading", name="Hillside School: training dashboard")).to_be_visible()

    # The teacher follows the e-mailed link, signs up on the spot and sees the assignment.
    invitation = next(m for m in mail.outbox if m.to == ["tess@hillside.example"])
    link = re.search(r"https?://\S+/invitations/\S+/", invitation.body).group(0)
    teacher = browser.new_context(viewport=page.viewport_size).new_page()
    teacher.goto(link)
    expect(teacher.get_by_label("Your name, as it should appear on certificates")).to_have_value(
        "Tess Teacher"
    )
    teacher.get_by_label("Choose a password").fill("a long safe password 42")
    teacher.get_by_label("Type the password again").fill("a long safe password 42")
    teacher.get_by_role("button", name="Create my account and join").click()
    assigned = teacher.get_by_role("region", name="Assigned to you")
    expect(assigned).to_contain_text("First steps")
    expect(assigned).to_contain_text(f"due {due.day} {due.strftime('%b')}")

    # ... and completes it.
    assigned.get_by_role("link", name="First steps").click()
    teacher.get_by_role("button", name="Mark complete and continue").click()
    teacher.get_by_role("button", name="Mark complete and go to the quiz").click()
    teacher.get_by_label("The secrecy").check()
    teacher.get_by_label("Stay calm").check()
    teacher.get_by_label("Keep evidence").check()
    teacher.get_by_role("button", name="Submit my answers").click()
    expect(teacher.get_by_text("You passed")).to_be_visible()
    assert teacher.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    teacher.context.close()

    # The lead sees it on the dashboard and in the CSV export.
    page.reload()
    # A table on a wide screen, a card per member on a phone.
    member = page.locator(":is(.dashboard-table tr, .member-cards li):visible")
    expect(member.filter(has_text="Tess Teacher")).to_contain_text("Completed")
    expect(member.filter(has_text="Lee Lead")).to_contain_text("Not started")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    with open(download.value.path(), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    tess = next(r for r in rows if r["E-mail"] == "tess@hillside.example")
    assert (tess["Module"], tess["Status"], tess["Completed on"]) == (
        "First steps",
        "Completed",
        timezone.localdate().isoformat(),
    )
    page.goto(base + "/orgs/")
    expect(page.get_by_role("link", name="Hillside School")).to_be_visible()

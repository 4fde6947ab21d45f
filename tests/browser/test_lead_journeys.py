"""Issue 14's journeys in a real browser, at phone and desktop widths: the lead reads the
dashboard and reminds the overdue, imports staff from a Windows-1252 semicolon file and an .xlsx
workbook, and a new person joins by the join link with e-mail verification on. Then axe at
1280 and 320 px on every page these journeys added."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from accounts.invitations import InviteRow, invitations_create
from accounts.models import Invitation, User
from accounts.services import (
    group_create,
    group_update,
    join_link_change,
    membership_add,
    organisation_create,
)
from compliance.assignments import assignment_create
from courses.content import course_load
from courses.models import Module
from tests.browser.test_accessibility import audit_page, session_cookie
from tests.conftest import FIXTURE_CONTENT, SHIPPED_CONTENT, make_user
from tests.steps import complete_module

YESTERDAY = timezone.localdate() - timedelta(days=1)


def open_as(browser, page, user, path):
    page.context.add_cookies([session_cookie(user, page.base_url)])
    page.goto(page.base_url + path)


@pytest.fixture
def school(transactional_db, settings, live_server):
    settings.SITE_URL = live_server.url
    course_load(root=FIXTURE_CONTENT)
    lead = make_user("lead@hillside.example", "educator", "Lee Lead")
    org = organisation_create(user=lead, name="Hillside School", kind="school")
    done = make_user("dana@hillside.example", "educator", "Dana Done")
    idle = make_user("ivan@hillside.example", "educator", "Ivan Idle")
    for user in (done, idle):
        membership_add(organisation=org, user=user)
    group = group_create(organisation=org, actor=lead, name="Science")
    group_update(
        organisation=org, actor=lead, group=group, name="Science", members=list(org.memberships.all())
    )
    assignment_create(
        organisation=org,
        actor=lead,
        modules=list(Module.objects.order_by("position")),
        target="everyone",
        due_date=YESTERDAY,
    )
    complete_module(done, "first-steps")
    return {"lead": lead, "org": org}


def test_the_lead_reads_the_dashboard_lists_who_never_started_and_reminds_them(page, browser, school):
    org = school["org"]
    open_as(browser, page, school["lead"], f"/orgs/{org.slug}/dashboard/")
    glance = page.get_by_role("region", name="At a glance")
    expect(glance).to_contain_text("Never started")
    expect(glance).to_contain_text("2 of them never started")
    # The per-module chart says its numbers in words beside the bars.
    expect(page.get_by_role("table", name="Completion by module")).to_contain_text("1 completed · 2 overdue")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("link", name="List who never started").click()
    expect(page.locator("#members-count")).to_contain_text("Showing 1–2 of 2 members")
    expect(page.get_by_label("Status", exact=True)).to_have_value("not_started")

    page.get_by_role("link", name="Remind overdue people…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remind overdue people")
    expect(page.get_by_text("This sends a reminder to 3 people")).to_be_visible()
    assert mail.outbox == []
    page.get_by_role("button", name="Send 3 reminders").click()
    expect(page.get_by_text("Reminders are on their way to 3 people.")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "dana@hillside.example",
        "ivan@hillside.example",
        "lead@hillside.example",
    ]


def test_the_matrix_fits_1280_pixels_for_the_shipped_course(browser, transactional_db, live_server):
    course_load(root=SHIPPED_CONTENT)
    lead = make_user("lead@district.example", "educator", "Alexandra Montgomery-Featherstonehaugh")
    org = organisation_create(user=lead, name="District", kind="school")
    for i in range(3):
        membership_add(
            organisation=org, user=make_user(f"staff{i}@a-long-school-district-name.example", "educator")
        )
    modules = list(Module.objects.filter(is_active=True))
    assert len(modules) >= 10
    assignment_create(organisation=org, actor=lead, modules=modules, target="everyone", due_date=YESTERDAY)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([session_cookie(lead, live_server.url)])
    page = context.new_page()
    page.goto(f"{live_server.url}/orgs/{org.slug}/dashboard/")
    table = page.locator(".dashboard-table")
    widths = table.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1], f"the matrix scrolls sideways: {widths}"
    headers = page.locator(".dashboard-table thead th.module-col").all_inner_texts()
    assert len(headers) == len(modules) and all(len(h) <= 24 for h in headers)
    context.close()


def staff_workbook() -> bytes:
    book = Workbook()
    for row in [
        ["Email Address", "Last Name", "First Name", "Department"],
        ["ana@hillside.example", "Silva", "Ana", "Maths"],
        ["not an address", "Broken", "Row", ""],
    ]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_lead_imports_a_windows_1252_semicolon_file_and_an_xlsx(page, browser, school):
    org = school["org"]
    open_as(browser, page, school["lead"], f"/orgs/{org.slug}/invitations/bulk/")
    expect(page.get_by_role("link", name="Download a blank template (CSV)")).to_be_visible()
    excel_csv = "Nom;First Name;Last Name;E-mail;Department\r\n;Zoë;Müller;zoe@hillside.example;Science\r\n"
    page.get_by_label("Or upload a file").set_input_files(
        {"name": "staff.csv", "mimeType": "text/csv", "buffer": excel_csv.encode("cp1252")}
    )
    page.get_by_role("button", name="Check the list").click()
    read_as = page.get_by_role("region", name="How the list was read")
    expect(read_as).to_contain_text("Columns separated by a semicolon, text encoded as Windows-1252")
    expect(read_as.get_by_role("row", name=re.compile("E-mail address"))).to_contain_text("“E-mail”")
    expect(page.get_by_role("row", name=re.compile("Zoë Müller"))).to_contain_text("Science")
    page.get_by_role("button", name="Invite 1 person").click()
    expect(page.get_by_text("1 invitation is on its way.")).to_be_visible()

    page.get_by_role("link", name="Invite from a list or CSV").click()
    page.get_by_label("Or upload a file").set_input_files(
        {
            "name": "staff.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": staff_workbook(),
        }
    )
    page.get_by_role("button", name="Check the list").click()
    expect(page.get_by_text("An Excel workbook (.xlsx): its first sheet.")).to_be_visible()
    expect(page.get_by_role("heading", name="1 row will be skipped")).to_be_visible()
    page.get_by_role("button", name="Invite 1 person").click()
    expect(page.get_by_text("1 invitation is on its way. 1 row was skipped.")).to_be_visible()
    assert sorted(Invitation.objects.values_list("email", "name", "group__name")) == [
        ("ana@hillside.example", "Ana Silva", "Maths"),
        ("zoe@hillside.example", "Zoë Müller", "Science"),
    ]


def test_a_new_person_joins_by_the_join_link_after_verifying_their_email(page, browser, school, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    org = school["org"]
    join_link_change(organisation=org, actor=school["lead"], enabled=True)
    org.refresh_from_db()
    page.goto(f"{page.base_url}/join/{org.join_code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Hillside School")
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_text("You are joining Hillside School")).to_be_visible()
    page.get_by_label("Your name, as it should appear on certificates").fill("Nia New")
    page.get_by_label("Email").fill("nia@hillside.example")
    page.locator("#id_password1").fill("a long safe password 42")
    page.locator("#id_password2").fill("a long safe password 42")
    page.get_by_label("Educator or school staff").check()
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    expect(page.get_by_text("It brings you back to join Hillside School.")).to_be_visible()
    (message,) = [m for m in mail.outbox if m.to == ["nia@hillside.example"]]
    assert message.subject == "OnGuard: Confirm your e-mail address"
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)  # one click confirms, signs in and returns to the join page
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Hillside School")
    page.get_by_role("button", name="Join Hillside School").click()
    expect(page.get_by_text("Welcome to Hillside School.")).to_be_visible()
    expect(page.get_by_role("region", name="Assigned to you")).to_contain_text("First steps")
    assert org.memberships.filter(user=User.objects.get(email="nia@hillside.example")).exists()


def test_a_new_person_on_a_phone_joins_through_the_headers_sign_up(browser, live_server, school):
    """The re-check found the header's "Sign up" on the join page dropped the way back: the person
    was told "you come straight back to join" and landed on My learning, not a member (B7)."""
    org = school["org"]
    join_link_change(organisation=org, actor=school["lead"], enabled=True)
    org.refresh_from_db()
    context = browser.new_context(viewport={"width": 320, "height": 700}, base_url=live_server.url)
    page = context.new_page()
    page.goto(f"/join/{org.join_code}/")
    page.get_by_role("banner").get_by_role("link", name="Sign up").click()
    expect(page.get_by_text("You are joining Hillside School")).to_be_visible()
    page.get_by_label("Your name, as it should appear on certificates").fill("Nia New")
    page.get_by_label("Email").fill("nia@hillside.example")
    page.locator("#id_password1").fill("a long safe password 42")
    page.locator("#id_password2").fill("a long safe password 42")
    page.get_by_label("Educator or school staff").check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Hillside School")
    page.get_by_role("button", name="Join Hillside School").click()
    expect(page.get_by_text("Welcome to Hillside School.")).to_be_visible()
    assert org.memberships.filter(user=User.objects.get(email="nia@hillside.example")).exists()
    context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_pages_issue_14_added_pass_axe_and_fit_the_screen(browser, live_server, school, width):
    org, lead = school["org"], school["lead"]
    join_link_change(organisation=org, actor=lead, enabled=True)
    org.refresh_from_db()
    (invitation,) = invitations_create(
        organisation=org, actor=lead, rows=[InviteRow(line=1, name="Ravi", email="ravi@hillside.example")]
    )
    member_key = org.memberships.exclude(user=lead).first().key
    assignment_key = org.assignments.first().key
    group_key = org.groups.first().key
    dana = User.objects.get(email="dana@hillside.example")
    dana.name = "Dana Done-Corrected"
    dana.save(update_fields=["name"])

    def preview_semicolon_file(page):
        page.get_by_label("Or upload a file").set_input_files(
            {
                "name": "s.csv",
                "mimeType": "text/csv",
                "buffer": "Name;Email\nZoë;z@x.example\nBad;nope\n".encode("cp1252"),
            }
        )
        page.get_by_role("button", name="Check the list").click()

    pages = [
        ("dashboard", f"/orgs/{org.slug}/dashboard/", lead, None),
        ("dashboard, never started", f"/orgs/{org.slug}/dashboard/?status=not_started", lead, None),
        ("remind", f"/orgs/{org.slug}/remind/", lead, None),
        ("import preview", f"/orgs/{org.slug}/invitations/bulk/", lead, preview_semicolon_file),
        ("confirm member removal", f"/orgs/{org.slug}/members/{member_key}/remove/", lead, None),
        ("confirm revoke", f"/orgs/{org.slug}/invitations/{invitation.token}/revoke/", lead, None),
        ("confirm assignment removal", f"/orgs/{org.slug}/assignments/{assignment_key}/delete/", lead, None),
        ("confirm group deletion", f"/orgs/{org.slug}/groups/{group_key}/delete/", lead, None),
        ("settings with join link", f"/orgs/{org.slug}/settings/", lead, None),
        ("module report", f"/orgs/{org.slug}/dashboard/modules/first-steps/", lead, None),
        ("join, signed out", f"/join/{org.join_code}/", None, None),
        ("log in, joining", f"/accounts/login/?next=/join/{org.join_code}/", None, None),
        ("sign up, joining", f"/accounts/signup/?next=/join/{org.join_code}/", None, None),
        ("about", "/about/", None, None),
        ("contact", "/contact/", None, None),
        ("password reset", "/accounts/password/reset/", None, None),
        ("password reset done", "/accounts/password/reset/done/", None, None),
        ("expired reset link", "/accounts/password/reset/key/1-x/", None, None),
        ("expired confirmation link", "/accounts/confirm-email/nope/", None, None),
        ("e-mail addresses", "/accounts/email/", dana, None),
        ("password change", "/accounts/password/change/", dana, None),
        ("my certificates with a correction", "/certificates/", dana, None),
        ("module with attempts", "/modules/first-steps/", dana, None),
        ("my learning with results", "/my-learning/", dana, None),
    ]
    problems: list[str] = []
    foreign: list[str] = []
    for label, path, user, action in pages:
        found, requests = audit_page(
            browser, live_server.url, path, label=label, width=width, user=user, action=action, status=None
        )
        problems += found
        foreign += requests
    assert foreign == [], "requests to other hosts"
    assert not problems, "\n".join(problems)

"""Rosters from the LMS (LTI Names and Role Provisioning Services), against the test LMS: a
launch records the course and where its roster is; an organisation admin syncs it (the tool
asks the LMS's token endpoint for an access token with a signed client assertion, then reads
the memberships page after page); people are matched or created and become members; a second
sync changes nothing; a learner from the roster launches into the account the sync made. Every
way the LMS can fail is a clear message and an audit entry."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Membership, User
from lti import roster as roster_module
from lti.models import LmsCourse, PlatformUser
from lti.roster import roster_sync
from lti.tasks import sync_lti_roster
from sso.services import domain_add, domain_verify
from tests.conftest import client_for, make_user
from tests.i18n.test_spanish import _english_leaks
from tests.lti.conftest import lti_launch
from tests.lti.platform import INSTRUCTOR, LEARNER, NRPS_SCOPE
from tests.sso.servers import DNSServer

ADMINISTRATOR = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


def entry(sub, name, email=None, roles=(LEARNER,), status="Active"):
    entry = {"user_id": sub, "name": name, "roles": list(roles), "status": status}
    if email:
        entry["email"] = email
    return entry


ROSTER = [
    entry("teacher-1", "Tea Teacher", "teacher@district.example", roles=(INSTRUCTOR,)),
    entry("student-1", "Stu Student", "student@district.example"),
    entry("student-2", "Sam Second", "student2@district.example"),
    entry("student-3", "Ina Inactive", "student3@district.example", status="Inactive"),
    entry("student-4", "Nora Noaddress"),
    entry("principal-1", "Pat Principal", "principal@district.example", roles=(ADMINISTRATOR,)),
]


@pytest.fixture
def lms_course(connected, lms) -> LmsCourse:
    """The course after its teacher launched OnGuard from it (so the teacher is known)."""
    lms.roster.extend(ROSTER)
    response = lti_launch(
        Client(), lms, sub="teacher-1", email="teacher@district.example", roles=[INSTRUCTOR]
    )
    assert response.status_code == 200
    return LmsCourse.objects.get()


@pytest.fixture
def lead(district):
    return district.memberships.get(role="owner").user


def sync(lead, district, course) -> tuple:
    client = client_for(lead)
    response = client.post(reverse("lms:course_sync", args=[district.slug, course.key]))
    assert response.status_code == 302 and response.url == reverse(
        "lms:course", args=[district.slug, course.key]
    )
    return client, client.get(response.url)


def people(district) -> dict:
    return {
        m.user.email: m.role for m in Membership.objects.filter(organisation=district).select_related("user")
    }


def test_a_launch_records_the_course_and_where_its_roster_is(connected, lms, district):
    lti_launch(Client(), lms)
    course = LmsCourse.objects.get()
    assert course.platform == connected and course.context_id == "course-1"
    assert course.title == "Staff safeguarding 2026"
    assert course.memberships_url == lms.memberships_url()
    lti_launch(Client(), lms, sub="student-2", email="s2@district.example")
    assert LmsCourse.objects.count() == 1


def test_a_launch_without_the_roster_service_records_no_course(connected, lms):
    lti_launch(Client(), lms, memberships=False)
    assert not LmsCourse.objects.exists()


def test_a_teacher_launch_shows_where_to_sync_and_a_learner_launch_does_not(connected, lms, district):
    teacher = lti_launch(Client(), lms, sub="teacher-1", email="teacher@district.example", roles=[INSTRUCTOR])
    course = LmsCourse.objects.get()
    assert reverse("lms:course", args=[district.slug, course.key]) in teacher.content.decode()
    learner = lti_launch(Client(), lms)
    assert "Sync the roster" not in learner.content.decode()


def test_sync_matches_and_creates_members_then_a_second_sync_changes_nothing(lms_course, lms, district, lead):
    teacher = User.objects.get(email="teacher@district.example")
    _client, page = sync(lead, district, lms_course)
    html = page.content.decode()
    # The tool asked for the roster scope with a client assertion the LMS checked against our key set.
    assert lms.token_requests[-1]["scope"] == NRPS_SCOPE
    assert (
        lms.token_requests[-1]["client_assertion_type"]
        == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    )
    # Three pages of two, the next-page links followed as sent (capitals and all).
    path = "/CourseSection/course-1/bindings/memberships"
    assert lms.memberships_requests == [path, f"{path}?Page=2", f"{path}?Page=3"]
    assert people(district) == {
        "lead@district.example": "owner",
        "teacher@district.example": "member",  # an LMS teacher is not made an admin here
        "student@district.example": "member",
        "student2@district.example": "member",
        PlatformUser.objects.get(sub="student-4").user.email: "member",
        "principal@district.example": "member",  # nor is an LMS administrator
    }
    assert not User.objects.filter(email="student3@district.example").exists()  # inactive: not added
    assert PlatformUser.objects.get(sub="teacher-1").user == teacher
    new = User.objects.get(email="student2@district.example")
    assert not new.has_usable_password() and new.name == "Sam Second"
    assert PlatformUser.objects.get(sub="student-4").user.email.endswith("@lti.invalid")
    assert "Roster synced: 4 added, 1 already here, 1 skipped." in html
    assert "Ina Inactive (student3@district.example): Inactive in the LMS: not added." in html
    teachers = html[html.index("Teachers in the LMS") : html.index("Skipped")]
    assert "Tea Teacher" in teachers and "Pat Principal" in teachers and "Sam Second" not in teachers
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LTI_ROSTER, actor=lead).count() == 1
    joined = AuditEvent.objects.filter(action=AuditEvent.Action.MEMBER_JOIN, actor=lead).count()
    assert joined == 4

    counts = (User.objects.count(), Membership.objects.count(), PlatformUser.objects.count())
    _client, again = sync(lead, district, lms_course)
    assert (User.objects.count(), Membership.objects.count(), PlatformUser.objects.count()) == counts
    assert "Roster synced: 0 added, 5 already here, 1 skipped." in again.content.decode()
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.MEMBER_JOIN).count() == joined + 1
    )  # + teacher's launch


def test_a_learner_from_the_roster_launches_into_the_account_the_sync_made(lms_course, lms, district, lead):
    sync(lead, district, lms_course)
    account = User.objects.get(email="student2@district.example")
    users = User.objects.count()
    response = lti_launch(
        Client(), lms, sub="student-2", email="student2@district.example", name="Sam Second"
    )
    url = re.search(r'href="http://testserver(/lti/continue/[^"]+)"', response.content.decode()).group(1)
    window = Client()
    assert window.post(url).status_code == 302
    assert int(window.session["_auth_user_id"]) == account.pk
    assert User.objects.count() == users


def test_an_address_is_matched_only_inside_a_verified_domain(lms_course, lms, district, lead, settings):
    someone = make_user("student2@district.example", "educator", "Sam Own Account")
    sync(lead, district, lms_course)
    assert not PlatformUser.objects.filter(sub="student-2").exists()  # not linked to someone else's account
    assert "student2@district.example" not in people(district)
    lms_course.refresh_from_db()
    assert ["Sam Second (student2@district.example)", "address_taken"] in lms_course.sync_summary["skipped"]

    dns = DNSServer()
    settings.SSO_DNS_NAMESERVER = dns.address
    try:
        domain = domain_add(organisation=district, actor=lead, domain="district.example")
        dns.records[domain.record_name] = [domain.record_value]
        domain_verify(organisation=district, actor=lead, domain=domain)
    finally:
        dns.close()
    sync(lead, district, lms_course)
    assert PlatformUser.objects.get(sub="student-2").user == someone
    assert people(district)["student2@district.example"] == "member"


def test_an_inactive_person_already_a_member_is_listed_not_removed(lms_course, lms, district, lead):
    sync(lead, district, lms_course)
    lms.roster[1] = entry("student-1", "Stu Student", "student@district.example", status="Deleted")
    _client, page = sync(lead, district, lms_course)
    assert people(district)["student@district.example"] == "member"  # nothing removed
    assert "still a member here" in page.content.decode()


def test_unreadable_entries_are_skipped_with_a_reason(lms_course, lms, district, lead):
    lms.roster[:] = [
        "not a person",
        {"name": "No Id", "roles": [LEARNER]},
        entry("student-2", "Sam Second", "student2@district.example"),
        entry("student-2", "Sam Again", "again@district.example"),
        {"user_id": "student-5", "name": 42, "email": ["x"], "roles": "Learner", "status": "Weird"},
    ]
    _client, page = sync(lead, district, lms_course)
    html = page.content.decode()
    assert "Roster synced: 2 added, 0 already here, 3 skipped." in html
    for reason in ("not a person", "gave no user ID", "listed them twice"):
        assert reason in html
    assert not User.objects.filter(email="again@district.example").exists()


@pytest.mark.parametrize(
    ("token_mode", "memberships_mode", "message"),
    [
        ("401", "ok", "Your LMS refused OnGuard&#x27;s request for access (HTTP 401)"),
        ("malformed", "ok", "something it could not read"),
        ("no_token", "ok", "something it could not read"),
        ("ok", "401", "Names and Role Provisioning service is turned on"),
        ("ok", "down", "could not send the course roster (HTTP 503)"),
        ("ok", "malformed", "a course roster OnGuard could not read"),
        ("ok", "huge", "more than OnGuard accepts in one answer"),
        ("ok", "endless", "OnGuard stopped reading"),
        ("ok", "elsewhere", "a course roster OnGuard could not read"),
        ("ok", "other_course", "the roster of another course"),
    ],
)
def test_every_failure_is_a_clear_message_and_an_audit_entry(
    lms_course, lms, district, lead, monkeypatch, token_mode, memberships_mode, message
):
    monkeypatch.setattr(roster_module, "MAX_RESPONSE_BYTES", 50_000)
    monkeypatch.setattr(roster_module, "MAX_PAGES", 5)
    lms.token_mode, lms.memberships_mode = token_mode, memberships_mode
    users = User.objects.count()
    _client, page = sync(lead, district, lms_course)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert User.objects.count() == users and people(district).keys() == {
        "lead@district.example",
        "teacher@district.example",
    }
    event = AuditEvent.objects.get(action=AuditEvent.Action.LTI_ROSTER_FAILED)
    assert event.actor == lead and "Staff safeguarding 2026" in event.target
    lms_course.refresh_from_db()
    assert lms_course.sync_error and lms_course.synced_at is None
    if memberships_mode == "endless":
        assert len(lms.memberships_requests) == 5


def test_an_lms_that_is_down_is_a_clear_message(lms_course, lms, district, lead):
    registration = lms_course.platform.registration
    registration.token_url = "http://127.0.0.1:9/token"  # nothing listens there
    registration.save()
    _client, page = sync(lead, district, lms_course)
    assert "OnGuard could not reach your LMS" in page.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LTI_ROSTER_FAILED).exists()


def test_a_roster_address_inside_a_private_network_is_not_fetched(lms_course, lms, lead, settings):
    settings.LTI_ALLOW_INSECURE_URLS = False
    summary, error = roster_sync(course=lms_course, actor=lead)
    assert summary is None and "does not fetch rosters from this address" in error
    assert not lms.token_requests or lms.token_requests[-1].get("scope") != NRPS_SCOPE


def test_a_large_roster_syncs_in_the_background(
    lms_course, lms, district, lead, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(roster_module, "BACKGROUND_OVER", 3)
    sync(lead, district, lms_course)  # the first sync runs in the request: its size was unknown
    lms.roster.append(entry("student-9", "Nia Ninth", "student9@district.example"))
    with django_capture_on_commit_callbacks(execute=True) as queued:
        _client, page = sync(lead, district, lms_course)  # now it is known to be large: the task queue
    assert len(queued) == 1
    assert "syncs in the background" in page.content.decode()
    assert "student9@district.example" in people(district)  # tests run tasks at once
    assert sync_lti_roster.call(lms_course.pk, lead.pk) == {
        "added": 0,
        "matched": 6,
        "skipped": 1,
        "teachers": 2,
    }


def test_the_course_page_runs_the_same_queries_for_a_small_or_large_roster(
    lms_course, lms, district, lead, assert_query_count
):
    client = client_for(lead)
    url = reverse("lms:course", args=[district.slug, lms_course.key])
    sync(lead, district, lms_course)
    # session, user, membership and organisation, the course with its LMS
    with assert_query_count(4):
        assert client.get(url).status_code == 200
    lms.roster.extend(
        entry(f"extra-{n}", f"Extra Person {n}", f"extra{n}@district.example") for n in range(20)
    )
    sync(lead, district, lms_course)
    with assert_query_count(4):
        assert client.get(url).status_code == 200


def test_a_spanish_speaking_admin_reads_the_summary_and_its_reasons_in_spanish(
    lms_course, lms, district, lead
):
    sync(lead, district, lms_course)  # run in English: the reasons are stored as codes
    lead.language = "es"
    lead.save(update_fields=["language"])
    page = client_for(lead).get(reverse("lms:course", args=[district.slug, lms_course.key]))
    html = page.content.decode()
    assert "Lista de participantes de Staff safeguarding 2026" in html
    assert "Inactivo en el LMS: no se agregó." in html
    assert _english_leaks(html) == []

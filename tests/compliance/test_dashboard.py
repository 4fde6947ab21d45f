"""The compliance dashboard, the per-module report, the printable report and the CSV export:
statuses per cell, filters, sorting, pagination, formula-safe CSV, and query counts that are the
same for 10 members and for 2,000."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import group_create, group_update, membership_add
from compliance import reports
from compliance.assignments import assignment_create, assignment_extend
from compliance.reports import csv_safe
from compliance.status import assigned_to_user
from courses.models import Lesson, Module, ModuleProgress, Track
from courses.services import lesson_complete, lesson_open, module_statuses, modules_with_lesson_counts
from quizzes.services import attempt_submit, get_quiz, quiz_questions
from tests.conftest import client_for, make_user
from tests.steps import Clock, add_members

pytestmark = pytest.mark.usefixtures("course")


def complete(user, slug="first-steps"):
    module = Module.objects.get(slug=slug)
    for lesson in module.lessons.all():
        lesson_complete(user=user, lesson=lesson)
    quiz = get_quiz(module)
    selected = {q.pk: {c.pk for c in q.choices.all() if c.correct} for q in quiz_questions(quiz)}
    attempt_submit(user=user, quiz=quiz, token=uuid.uuid4(), selected=selected)
    assert ModuleProgress.objects.get(user=user, module=module).completed_at is not None


def assign(org, actor, *slugs, **kwargs):
    modules = [Module.objects.get(slug=s) for s in slugs]
    kwargs.setdefault("target", "everyone")
    return assignment_create(organisation=org, actor=actor, modules=modules, **kwargs)


def dashboard(client, org, **params):
    response = client.get(reverse("compliance:dashboard", args=[org.slug]), params)
    assert response.status_code == 200
    return response


def cells(response) -> dict[str, list[str | None]]:
    return {
        row.name: [c.status if c else None for c in columns]
        for row, columns, _cells in response.context["rows"]
    }


def test_cells_show_not_started_in_progress_completed_and_overdue(org_a, owner, member):
    late = make_user("late@school-a.org", "educator", "Lee Late")
    membership_add(organisation=org_a, user=late)
    assign(org_a, owner, "first-steps")
    assign(org_a, owner, "second-steps", due_date=timezone.localdate() - timedelta(days=1))
    complete(member)
    lesson_open(user=late, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    response = dashboard(client_for(owner), org_a)
    assert cells(response) == {
        "Lee Late": ["in_progress", "overdue"],
        "Mo Member": ["completed", "overdue"],
        "Olive Owner": ["not_started", "overdue"],
    }
    summary = response.context["summary"]
    assert (summary.members, summary.overdue, summary.percent) == (3, 3, 16)


def test_the_dashboard_follows_progress_made_after_it_was_first_shown(org_a, owner, member, course):
    assign(org_a, owner, "first-steps")
    assert cells(dashboard(client_for(owner), org_a))["Mo Member"] == ["not_started"]
    lesson_open(user=member, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    assert cells(dashboard(client_for(owner), org_a))["Mo Member"] == ["in_progress"]
    complete(member)
    assert cells(dashboard(client_for(owner), org_a))["Mo Member"] == ["completed"]


def test_a_completion_before_the_assignment_counts_unless_expired(org_a, owner, member):
    complete(member)
    assign(org_a, owner, "first-steps")
    assert cells(dashboard(client_for(owner), org_a))["Mo Member"] == ["completed"]
    ModuleProgress.objects.filter(user=member).update(completed_at=timezone.now() - timedelta(days=400))
    org_a.certificate_validity_months = 12
    org_a.save()
    assert cells(dashboard(client_for(owner), org_a))["Mo Member"] == ["in_progress"]


def test_a_track_assignment_expands_to_its_modules(org_a, owner, member):
    assignment_create(
        organisation=org_a, actor=owner, track=Track.objects.get(slug="parent"), target="everyone"
    )
    response = dashboard(client_for(owner), org_a)
    assert [m.slug for m in response.context["plan"].modules] == ["first-steps", "second-steps"]


def test_group_and_named_assignments_apply_only_to_their_people_including_later_joiners(org_a, owner, member):
    group = group_create(organisation=org_a, actor=owner, name="Science")
    assign(org_a, owner, "first-steps", target="group", group=group)
    mo = org_a.memberships.get(user=member)
    assign(org_a, owner, "second-steps", target="members", members=[mo])
    newcomer = make_user("new@school-a.org", "educator", "Nia New")
    membership, _ = membership_add(organisation=org_a, user=newcomer, group=group)
    assert cells(dashboard(client_for(owner), org_a)) == {
        "Mo Member": [None, "not_started"],
        "Nia New": ["not_started", None],
        "Olive Owner": [None, None],
    }


def test_an_extension_moves_one_members_due_date(org_a, owner, member):
    (assignment,) = assign(org_a, owner, "first-steps", due_date=timezone.localdate() - timedelta(days=2))
    membership = org_a.memberships.get(user=member)
    assignment_extend(
        organisation=org_a,
        actor=owner,
        assignment=assignment,
        membership=membership,
        due_date=timezone.localdate() + timedelta(days=5),
    )
    assert cells(dashboard(client_for(owner), org_a)) == {
        "Mo Member": ["not_started"],
        "Olive Owner": ["overdue"],
    }
    assert AuditEvent.objects.filter(action="assignment_extend").exists()


def test_filters_by_group_status_and_search_and_sorts(org_a, owner, member):
    group = group_create(organisation=org_a, actor=owner, name="Science")
    group_update(
        organisation=org_a,
        actor=owner,
        group=group,
        name="Science",
        members=[org_a.memberships.get(user=member)],
    )
    assign(org_a, owner, "first-steps")
    complete(member)
    client = client_for(owner)
    assert list(cells(dashboard(client, org_a, group=group.key))) == ["Mo Member"]
    assert list(cells(dashboard(client, org_a, status="not_started"))) == ["Olive Owner"]
    assert list(cells(dashboard(client, org_a, q="OLIVE"))) == ["Olive Owner"]
    assert list(cells(dashboard(client, org_a, q="school-a.org", sort="-name"))) == [
        "Olive Owner",
        "Mo Member",
    ]
    assert list(cells(dashboard(client, org_a, sort="-progress"))) == ["Mo Member", "Olive Owner"]


def test_an_unknown_status_or_sort_is_ignored_not_an_error(org_a, owner, member):
    response = dashboard(client_for(owner), org_a, status="everything", sort="drop table")
    assert len(cells(response)) == 2


@pytest.fixture
def sized_org(org_a, owner, request):
    """An organisation with groups, all three kinds of assignment, an extension and a track."""
    group = group_create(organisation=org_a, actor=owner, name="Science")
    add_members(org_a, request.param - 1)
    members = list(org_a.memberships.order_by("pk")[:5])
    group_update(organisation=org_a, actor=owner, group=group, name="Science", members=members)
    (first,) = assign(org_a, owner, "first-steps", due_date=timezone.localdate() - timedelta(days=1))
    assign(org_a, owner, "second-steps", target="group", group=group)
    assign(org_a, owner, "second-steps", target="members", members=members[:2])
    assignment_create(
        organisation=org_a, actor=owner, track=Track.objects.get(slug="educator"), target="everyone"
    )
    assignment_extend(
        organisation=org_a,
        actor=owner,
        assignment=first,
        membership=members[1],
        due_date=timezone.localdate(),
    )
    return org_a


SIZES = [pytest.param(10, id="10-members"), pytest.param(2000, id="2000-members")]

# session, user, organisation with membership, groups, the data version with the page's cells
# (1), then on a change of assignments or content: assignments, track modules (the plan is kept
# per process, compliance.reports.plan_of), then on any change but progress: the members' recent
# progress rows (to tell later who moved), the database's count (compliance/sqlstatus.py) of
# members' cells with their module cells (the charts count those), group links, the page's
# cells. When only members' progress moved: their recent progress rows, the moved members'
# counts, the page's cells.
DASHBOARD_QUERIES = 11
DASHBOARD_QUERIES_CACHED = 5
DASHBOARD_QUERIES_UPDATED = 8


@pytest.mark.parametrize("sized_org", SIZES, indirect=True)
def test_dashboard_query_count_is_the_same_for_10_and_2000_members(
    sized_org, owner, assert_query_count, monkeypatch
):
    clock = Clock(monkeypatch, timezone.now() + timedelta(minutes=5))  # the set-up is long past
    updated = []
    real = reports.DashboardCounts.updated
    monkeypatch.setattr(
        reports.DashboardCounts, "updated", lambda self, **kw: updated.append(real(self, **kw)) or updated[-1]
    )
    client = client_for(owner)
    with assert_query_count(DASHBOARD_QUERIES):
        response = dashboard(client, sized_org, status="", sort="name")
    with assert_query_count(DASHBOARD_QUERIES_CACHED):
        response = dashboard(client, sized_org, status="overdue", sort="-progress")
    with assert_query_count(DASHBOARD_QUERIES_CACHED):
        response = dashboard(client, sized_org, status="", sort="name")
    expected = min(50, sized_org.memberships.count())
    assert len(response.context["page"].object_list) == expected
    assert response.context["summary"].members == sized_org.memberships.count()
    # A member's progress moves: only that member is counted again, in a fixed number of queries.
    member = sized_org.memberships.order_by("pk").last().user
    clock.advance(seconds=5)
    lesson_open(user=member, lesson=Lesson.objects.filter(module__slug="first-steps").first())
    with assert_query_count(DASHBOARD_QUERIES_UPDATED):
        response = dashboard(client, sized_org, status="", sort="name")
    assert response.context["summary"].members == sized_org.memberships.count()
    assert len(updated) == 1 and updated[0] is not None  # the members were not all counted again


# session, user, organisation with membership, audit event, assignments, track modules, groups,
# then the five streamed queries
EXPORT_QUERIES = 12


@pytest.mark.parametrize("sized_org", SIZES, indirect=True)
def test_csv_export_streams_in_a_fixed_number_of_queries(sized_org, owner, assert_query_count):
    client = client_for(owner)
    with assert_query_count(EXPORT_QUERIES):
        response = client.get(reverse("compliance:export", args=[sized_org.slug]))
        body = b"".join(response.streaming_content).decode()
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body)))
    members = sized_org.memberships.count()
    # Everyone has first-steps and second-steps (the educator track); nothing else is assigned.
    assert len(rows) == 1 + 2 * members


def test_csv_export_shows_completion_and_expiry_and_is_audited(org_a, owner, member):
    org_a.certificate_validity_months = 12
    org_a.save()
    assign(org_a, owner, "first-steps", due_date=timezone.localdate() + timedelta(days=3))
    complete(member)
    response = client_for(owner).get(reverse("compliance:export", args=[org_a.slug]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    mo = next(r for r in rows if r["E-mail"] == member.email)
    today = timezone.localdate()
    assert (mo["Status"], mo["Completed on"]) == ("Completed", today.isoformat())
    assert mo["Expires on"] == today.replace(year=today.year + 1).isoformat()
    assert AuditEvent.objects.filter(organisation=org_a, action="export").exists()


@pytest.mark.parametrize(
    "value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://x")']
)
def test_csv_cells_starting_a_formula_are_neutralised(value):
    assert csv_safe(value) == "'" + value


def test_csv_keeps_ordinary_values():
    assert csv_safe("Zoë O'Brien") == "Zoë O'Brien" and csv_safe(None) == "" and csv_safe("a=b") == "a=b"


def test_a_member_named_like_a_formula_is_exported_as_text(org_a, owner):
    evil = make_user("evil@school-a.org", "educator", '=HYPERLINK("http://x","y")')
    membership_add(organisation=org_a, user=evil)
    assign(org_a, owner, "first-steps")
    response = client_for(owner).get(reverse("compliance:export", args=[org_a.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert ['\'=HYPERLINK("http://x","y")'] == [r[0] for r in rows if r[1] == "evil@school-a.org"]


def test_the_printable_report_lists_every_member_with_dates(org_a, owner, member):
    assign(org_a, owner, "first-steps")
    complete(member)
    response = client_for(owner).get(reverse("compliance:report", args=[org_a.slug]))
    content = response.content.decode()
    assert response.status_code == 200 and "Mo Member" in content and "Olive Owner" in content
    assert "print.css" in content and timezone.localdate().strftime("%-d %b %Y") in content


def test_the_module_report_shows_completions_and_most_missed_questions_only_in_aggregate(
    org_a, owner, member, outsider
):
    assign(org_a, owner, "first-steps")
    complete(member)
    module = Module.objects.get(slug="first-steps")
    quiz = get_quiz(module)
    wrong = {q.pk: {c.pk for c in q.choices.all() if not c.correct} for q in quiz_questions(quiz)}
    attempt_submit(user=member, quiz=quiz, token=uuid.uuid4(), selected=wrong)
    attempt_submit(user=outsider, quiz=quiz, token=uuid.uuid4(), selected=wrong)  # not a member: not counted
    response = client_for(owner).get(reverse("compliance:module_dashboard", args=[org_a.slug, "first-steps"]))
    report = response.context["report"]
    assert [(n, total) for _month, n, total in report.completions] == [(1, 1)]
    assert [(q["wrong"], q["answers"]) for q in report.wrong_questions] == [(1, 2), (1, 2)]
    assert b"member@school-a.org" not in response.content


def test_remind_overdue_now_mails_overdue_members_once_a_day(
    org_a, owner, member, django_capture_on_commit_callbacks
):
    from django.core import mail

    assign(org_a, owner, "first-steps", due_date=timezone.localdate() - timedelta(days=3))
    complete(owner)
    url = reverse("compliance:remind", args=[org_a.slug])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client_for(owner).post(url).status_code == 302
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "overdue since" in mail.outbox[0].body and "/modules/first-steps/continue/" in mail.outbox[0].body
    # The second press finds nobody left to remind today: nothing is queued or audited.
    assert AuditEvent.objects.filter(action="remind").count() == 1


def test_assignment_pages_create_list_and_remove(org_a, owner, member):
    client = client_for(owner)
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        reverse("compliance:assignment_new", args=[org_a.slug]),
        {
            "what": "modules",
            "modules": ["first-steps", "second-steps"],
            "target": "everyone",
            "due_date": due,
        },
    )
    assert response.status_code == 302 and org_a.assignments.count() == 2
    listing = client.get(reverse("compliance:assignments", args=[org_a.slug]))
    assert b"First steps" in listing.content
    key = org_a.assignments.first().key
    client.post(reverse("compliance:assignment_delete", args=[org_a.slug, key]))
    assert org_a.assignments.count() == 1
    assert AuditEvent.objects.filter(action="assignment_delete").exists()


def test_assignment_form_errors_save_nothing(org_a, owner):
    client = client_for(owner)
    url = reverse("compliance:assignment_new", args=[org_a.slug])
    for data in (
        {"what": "modules", "target": "everyone"},
        {"what": "track", "target": "everyone"},
        {"what": "modules", "modules": ["first-steps"], "target": "group"},
        {"what": "modules", "modules": ["first-steps"], "target": "everyone", "due_date": "30/11"},
        {"what": "modules", "modules": ["no-such-module"], "target": "everyone"},
    ):
        assert client.post(url, data).status_code == 200
    assert not org_a.assignments.exists()


class TestAssignedToYou:
    def test_members_see_assignments_with_due_dates_and_an_overdue_badge(self, org_a, owner, member):
        assign(org_a, owner, "first-steps", due_date=timezone.localdate() - timedelta(days=1))
        assign(org_a, owner, "second-steps", due_date=timezone.localdate() + timedelta(days=9))
        client = client_for(member)
        for url in ("/", reverse("courses:my_learning")):
            content = client.get(url).content.decode()
            assert "Assigned to you" in content and "Overdue" in content
            assert content.index("First steps") < content.index("Second steps")

    def test_completing_the_module_completes_the_assignment(self, org_a, owner, member):
        assign(org_a, owner, "first-steps", due_date=timezone.localdate() - timedelta(days=1))
        complete(member)
        modules = list(modules_with_lesson_counts())
        items = assigned_to_user(user=member, statuses=module_statuses(user=member, modules=modules))
        assert [(i.module.slug, i.cell.status) for i in items] == [("first-steps", "completed")]

    def test_a_learner_without_organisations_sees_no_section(self, parent_client):
        assert b"Assigned to you" not in parent_client.get("/").content

    @pytest.mark.parametrize("extra", [0, 20])
    def test_home_query_budget_holds_with_assignments(self, org_a, owner, member, extra, assert_query_count):
        assignment_create(
            organisation=org_a, actor=owner, track=Track.objects.get(slug="parent"), target="everyone"
        )
        for _ in range(extra):
            assign(org_a, owner, "first-steps", due_date=timezone.localdate())
        client = client_for(member)
        # the learner home (9, tests/courses/test_query_budgets.py) + track modules of assigned tracks(1)
        with assert_query_count(10):
            assert client.get("/").status_code == 200


def test_the_dashboard_paginates_fifty_rows(org_a, owner):
    add_members(org_a, 59)
    assign(org_a, owner, "first-steps")
    response = dashboard(client_for(owner), org_a, page=2)
    assert len(response.context["page"].object_list) == 10 and response.context["summary"].members == 60


@pytest.mark.parametrize("extra", [5, 120])
def test_members_page_query_count_is_the_same_for_few_and_many(org_a, owner, extra, assert_query_count):
    add_members(org_a, extra)
    client = client_for(owner)
    # session, user, organisation with membership, count, page of members with users
    with assert_query_count(5):
        assert client.get(reverse("orgs:members", args=[org_a.slug])).status_code == 200


def test_a_member_sees_their_organisation_and_its_assignments(org_a, owner, member):
    assign(org_a, owner, "first-steps", due_date=timezone.localdate() + timedelta(days=3))
    content = client_for(member).get(reverse("compliance:detail", args=[org_a.slug])).content.decode()
    assert "First steps" in content and "Leave School A" in content and "Dashboard" not in content

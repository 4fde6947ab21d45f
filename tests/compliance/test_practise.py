"""Assigning a practice conversation ("practise"): the form, the dashboard's column and count,
the printable report, the CSV, reminders, the learner's "Assigned to you" card and the module
drill-down. Practised means reaching any ending; nothing is graded."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.services import membership_add
from compliance.models import Assignment
from courses.models import Conversation, Module
from tests.conftest import client_for, make_user
from tests.steps import add_members, assign, practise

pytestmark = pytest.mark.usefixtures("course")


def new_assignment(client, org, **data):
    data = {"what": "modules", "target": "everyone", **data}
    return client.post(reverse("compliance:assignment_new", args=[org.slug]), data)


class TestTheForm:
    def test_an_admin_assigns_a_conversation_to_practise(self, org_a, owner):
        response = new_assignment(client_for(owner), org_a, conversations=["first-talk"])
        assert response.status_code == 302
        assignment = Assignment.objects.get()
        assert assignment.conversation.slug == "first-talk" and assignment.module is None
        audit = org_a.audit_events.get(action="assignment_create")
        assert audit.target.startswith("Practise: Your child wants to tell you something")

    def test_modules_and_conversations_together_make_one_assignment_each(self, org_a, owner):
        new_assignment(
            client_for(owner), org_a, modules=["first-steps", "second-steps"], conversations=["first-talk"]
        )
        assert Assignment.objects.filter(module__isnull=False).count() == 2
        assert Assignment.objects.filter(conversation__isnull=False).count() == 1

    def test_a_track_can_include_a_conversation(self, org_a, owner):
        new_assignment(client_for(owner), org_a, what="track", track="parent", conversations=["first-talk"])
        assert {str(a.subject) for a in Assignment.objects.all()} == {
            "For parents",
            "Your child wants to tell you something",
        }

    def test_the_form_lists_conversations_with_their_module(self, org_a, owner):
        body = client_for(owner).get(reverse("compliance:assignment_new", args=[org_a.slug])).content.decode()
        assert "Practise (optional)" in body
        assert "Your child wants to tell you something (First steps)" in body

    def test_nothing_chosen_is_refused(self, org_a, owner):
        response = new_assignment(client_for(owner), org_a)
        assert "Choose at least one module or practice conversation." in response.content.decode()
        assert not Assignment.objects.exists()

    def test_an_unknown_or_retired_conversation_is_refused(self, org_a, owner):
        assert new_assignment(client_for(owner), org_a, conversations=["no-such-talk"]).status_code == 200
        Conversation.objects.update(is_active=False)
        assert new_assignment(client_for(owner), org_a, conversations=["first-talk"]).status_code == 200
        assert not Assignment.objects.exists()

    def test_a_member_cannot_assign(self, org_a, member):
        assert new_assignment(client_for(member), org_a, conversations=["first-talk"]).status_code in (
            403,
            404,
        )
        assert not Assignment.objects.exists()

    def test_the_assignments_list_names_the_conversation(self, org_a, owner):
        assign(org_a, owner, conversations=["first-talk"])
        body = client_for(owner).get(reverse("compliance:assignments", args=[org_a.slug])).content.decode()
        assert "Practise: Your child wants to tell you something" in body


def test_an_assignment_names_exactly_one_thing(org_a, owner):
    module = Module.objects.get(slug="first-steps")
    conversation = Conversation.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(organisation=org_a, module=module, conversation=conversation)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(organisation=org_a)


def dashboard(client, org):
    response = client.get(reverse("compliance:dashboard", args=[org.slug]))
    assert response.status_code == 200
    return response


class TestDashboard:
    def test_the_dashboard_counts_practised_beside_the_modules(self, org_a, owner, member):
        assign(org_a, owner, slugs=["first-steps"], conversations=["first-talk"])
        practise(member, "first-talk")
        response = dashboard(client_for(owner), org_a)
        rows = {
            row.name: [c.label if c else None for c in cells]
            for row, cells, _modules in response.context["rows"]
        }
        assert rows == {
            "Mo Member": ["Not started", "Practised"],
            "Olive Owner": ["Not started", "Not started"],
        }
        summary = response.context["summary"]
        assert (summary.practised, summary.practice_cells) == (1, 2)
        body = response.content.decode()
        assert "Practise: <a" in body and ">Practised</span>" in body

    def test_a_poor_ending_counts_as_practised_too(self, org_a, owner, member):
        assign(org_a, owner, conversations=["first-talk"])
        practise(member, "first-talk", "abb")
        summary = dashboard(client_for(owner), org_a).context["summary"]
        assert summary.practised == 1

    def test_a_path_not_yet_ended_is_in_progress_and_overdue_after_the_due_date(self, org_a, owner, member):
        assign(org_a, owner, conversations=["first-talk"], due_date=timezone.localdate() - timedelta(days=1))
        practise(member, "first-talk", "b")
        response = dashboard(client_for(owner), org_a)
        statuses = {row.name: [c.status for c in cells] for row, cells, _modules in response.context["rows"]}
        assert statuses == {"Mo Member": ["overdue"], "Olive Owner": ["overdue"]}
        assert response.context["summary"].overdue == 2

    def test_only_a_conversation_assigned_shows_its_column(self, org_a, owner, member):
        assign(org_a, owner, conversations=["first-talk"])
        practise(member, "first-talk", "b")
        response = dashboard(client_for(owner), org_a)
        statuses = {row.name: [c.status for c in cells] for row, cells, _modules in response.context["rows"]}
        assert statuses == {"Mo Member": ["in_progress"], "Olive Owner": ["not_started"]}

    def test_the_dashboard_follows_practice_made_after_it_was_first_shown(self, org_a, owner, member):
        assign(org_a, owner, conversations=["first-talk"])
        assert dashboard(client_for(owner), org_a).context["summary"].practised == 0
        practise(member, "first-talk")
        assert dashboard(client_for(owner), org_a).context["summary"].practised == 1

    def test_another_organisations_member_is_not_counted(self, org_a, owner, org_b, admin_b):
        assign(org_a, owner, conversations=["first-talk"])
        practise(admin_b, "first-talk")
        assert dashboard(client_for(owner), org_a).context["summary"].practised == 0

    def test_a_retired_conversation_leaves_the_dashboard(self, org_a, owner, member):
        assign(org_a, owner, conversations=["first-talk"])
        Conversation.objects.update(is_active=False)
        response = dashboard(client_for(owner), org_a)
        assert response.context["plan"].conversations == []

    def test_the_printable_report_and_csv_say_practised(self, org_a, owner, member):
        assign(org_a, owner, conversations=["first-talk"])
        practise(member, "first-talk")
        client = client_for(owner)
        report = client.get(reverse("compliance:report", args=[org_a.slug])).content.decode()
        assert "Practise: Your child wants to tell you something" in report and "Practised" in report
        response = client.get(reverse("compliance:export", args=[org_a.slug]))
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        mine = next(r for r in rows if r["E-mail"] == member.email)
        assert mine["Module"] == "Practise: Your child wants to tell you something"
        assert mine["Status"] == "Practised" and mine["Completed on"] == timezone.localdate().isoformat()


class TestTheModuleDrillDown:
    def test_shows_how_many_members_practised_each_conversation(self, org_a, owner, member, org_b, admin_b):
        practise(member, "first-talk")
        practise(admin_b, "first-talk")  # another organisation's: not counted
        practise(owner, "first-talk", "b")  # not finished: not practised
        url = reverse("compliance:module_dashboard", args=[org_a.slug, "first-steps"])
        body = client_for(owner).get(url).content.decode()
        assert "Practice conversations" in body
        assert "practised by 1 of 2 members" in body

    def test_a_module_without_conversations_says_nothing_about_them(self, org_a, owner):
        url = reverse("compliance:module_dashboard", args=[org_a.slug, "second-steps"])
        assert "Practice conversations" not in client_for(owner).get(url).content.decode()


class TestTheLearner:
    def test_an_assigned_conversation_shows_on_my_learning_and_the_organisation_page(
        self, org_a, owner, member
    ):
        assign(org_a, owner, conversations=["first-talk"], due_date=timezone.localdate() + timedelta(days=3))
        client = client_for(member)
        for url in [reverse("courses:my_learning"), reverse("compliance:detail", args=[org_a.slug])]:
            body = client.get(url).content.decode()
            assert "Assigned to you" in body and "Practise:" in body
            assert reverse("courses:practice", args=["first-talk"]) in body
        practise(member, "first-talk")
        body = client.get(reverse("courses:my_learning")).content.decode()
        assert '<span class="badge text-bg-success">Practised</span>' in body


DUE = date(2026, 11, 30)


class TestReminders:
    def test_an_unpractised_conversation_is_reminded_and_links_to_it(self, org_a, owner, member):
        assign(org_a, owner, conversations=["first-talk"], due_date=DUE)
        mail.outbox.clear()
        call_command("send_reminders", "--date", (DUE - timedelta(days=1)).isoformat())
        to_member = [m for m in mail.outbox if m.to == [member.email]]
        assert len(to_member) == 1
        assert "/practice/first-talk/" in to_member[0].body
        assert "Your child wants to tell you something" in to_member[0].body

    def test_a_practised_conversation_is_not_reminded(self, org_a, owner, member):
        assign(org_a, owner, conversations=["first-talk"], due_date=DUE)
        practise(member, "first-talk")
        mail.outbox.clear()
        call_command("send_reminders", "--date", (DUE - timedelta(days=1)).isoformat())
        assert [m for m in mail.outbox if m.to == [member.email]] == []

    def test_the_digest_names_an_overdue_conversation(self, org_a, owner, member):
        late = make_user("late@school-a.org", "educator", "Lee Late")
        membership_add(organisation=org_a, user=late)
        assign(org_a, owner, conversations=["first-talk"], due_date=DUE)
        mail.outbox.clear()
        call_command("send_reminders", "--date", (DUE + timedelta(days=1)).isoformat())
        digest = next(m for m in mail.outbox if m.to == [owner.email] and "overdue" in m.subject)
        assert "Practise: Your child wants to tell you something" in digest.body

    def test_a_retired_conversation_is_not_reminded(self, org_a, owner, member):
        assign(org_a, owner, conversations=["first-talk"], due_date=DUE)
        Conversation.objects.update(is_active=False)
        mail.outbox.clear()
        call_command("send_reminders", "--date", (DUE - timedelta(days=1)).isoformat())
        assert mail.outbox == []


# --- Query budgets with a conversation assigned: one more query, whatever the size ------------


@pytest.fixture(params=[10, 400], ids=["10-members", "400-members"])
def practising_org(request, org_a, owner):
    add_members(org_a, request.param - 1)
    assign(org_a, owner, slugs=["first-steps"], conversations=["first-talk"], due_date=timezone.localdate())
    for membership in org_a.memberships.select_related("user").order_by("pk")[: request.param // 2]:
        practise(membership.user, "first-talk", "bc" if membership.pk % 2 else None)
    return org_a


# session, user, organisation with membership, groups, the data version with the page's cells
# (1), then on a change the plan (kept per process): assignments (with their conversations; no
# track, so no track modules), the members' recent progress rows, the database's count: members' counts
# with their module cells (the charts count those), group links, the page's cells
DASHBOARD_QUERIES = 10
DASHBOARD_QUERIES_CACHED = 5


def test_the_dashboard_runs_the_same_queries_for_few_and_many_members(
    practising_org, owner, assert_query_count
):
    client = client_for(owner)
    with assert_query_count(DASHBOARD_QUERIES):
        response = dashboard(client, practising_org)
    with assert_query_count(DASHBOARD_QUERIES_CACHED):
        dashboard(client, practising_org)
    assert response.context["summary"].practised > 0


def test_the_csv_export_runs_the_same_queries_for_few_and_many_members(
    practising_org, owner, assert_query_count
):
    # session, user, organisation with membership, the audit event, assignments, groups, then the
    # six streamed queries
    client = client_for(owner)
    with assert_query_count(12):
        response = client.get(reverse("compliance:export", args=[practising_org.slug]))
        lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1 + 2 * practising_org.memberships.count()


@pytest.mark.parametrize("extra", [0, 20])
def test_the_learner_home_takes_one_more_query_for_assigned_conversations(
    org_a, owner, member, extra, assert_query_count
):
    assign(org_a, owner, conversations=["first-talk"])
    for _ in range(extra):
        assign(org_a, owner, conversations=["first-talk"], due_date=timezone.localdate())
    client = client_for(member)
    # the learner home (9, tests/courses/test_query_budgets.py) + the learner's practice(1)
    with assert_query_count(10):
        assert client.get("/").status_code == 200

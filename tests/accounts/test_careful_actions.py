"""Careful admin actions (review F9-F12): removing a member, an assignment, an invitation or a
group asks first (a page that works without JavaScript) and only a POST acts; a past due date is
refused unless confirmed; the join link can be copied; the report can be printed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.invitations import InviteRow, invitations_create
from accounts.models import Invitation, Membership
from accounts.services import group_create
from compliance.models import Assignment
from tests.conftest import client_for
from tests.steps import assign

pytestmark = pytest.mark.usefixtures("course")


@pytest.fixture
def things(org_a, owner, member):
    (invitation,) = invitations_create(
        organisation=org_a, actor=owner, rows=[InviteRow(line=1, name="Ravi", email="ravi@school-a.org")]
    )
    (assignment,) = assign(org_a, owner, slugs=["first-steps"])
    return {
        "member": (
            reverse("orgs:member_remove", args=[org_a.slug, org_a.memberships.get(user=member).key]),
            "Remove Mo Member from School A?",
        ),
        "invitation": (
            reverse("orgs:invitation_revoke", args=[org_a.slug, invitation.token]),
            "Revoke the invitation to ravi@school-a.org?",
        ),
        "assignment": (
            reverse("compliance:assignment_delete", args=[org_a.slug, assignment.key]),
            "Remove the assignment of “First steps”?",
        ),
        "group": (
            reverse(
                "orgs:group_delete",
                args=[org_a.slug, group_create(organisation=org_a, actor=owner, name="Science").key],
            ),
            "Delete the group “Science”?",
        ),
    }


def counts(org):
    return (
        Membership.objects.filter(organisation=org).count(),
        Invitation.objects.filter(organisation=org, revoked_at__isnull=True).count(),
        Assignment.objects.filter(organisation=org).count(),
        org.groups.count(),
    )


@pytest.mark.parametrize("thing", ["member", "invitation", "assignment", "group"])
def test_a_destructive_action_asks_first_and_changes_nothing_until_confirmed(org_a, owner, things, thing):
    url, question = things[thing]
    before = counts(org_a)
    response = client_for(owner).get(url)
    content = response.content.decode()
    assert response.status_code == 200 and f"<h1>{question}</h1>" in content
    assert 'method="post"' in content and "Cancel" in content
    assert counts(org_a) == before
    client_for(owner).post(url)
    assert counts(org_a) != before


@pytest.mark.parametrize("thing", ["member", "invitation", "assignment", "group"])
def test_the_lists_link_to_the_question_not_to_a_one_click_post(org_a, owner, things, thing):
    url, _question = things[thing]
    page = {
        "member": reverse("orgs:members", args=[org_a.slug]),
        "invitation": reverse("orgs:invitations", args=[org_a.slug]),
        "assignment": reverse("compliance:assignments", args=[org_a.slug]),
        "group": reverse("orgs:group", args=[org_a.slug, url.split("/")[-3]]),
    }[thing]
    content = client_for(owner).get(page).content.decode()
    assert f'href="{url}"' in content and f'action="{url}"' not in content


def test_the_assignment_remove_link_names_what_it_removes(org_a, owner, things):
    content = client_for(owner).get(reverse("compliance:assignments", args=[org_a.slug])).content.decode()
    assert '<span class="visually-hidden"> “First steps”</span>' in content


class TestPastDueDates:
    def post(self, org, owner, **extra):
        data = {"what": "modules", "modules": ["first-steps"], "target": "everyone", **extra}
        return client_for(owner).post(reverse("compliance:assignment_new", args=[org.slug]), data)

    def test_a_past_due_date_is_refused_with_the_reason(self, org_a, owner):
        response = self.post(org_a, owner, due_date=(timezone.localdate() - timedelta(days=1)).isoformat())
        assert response.status_code == 200 and not org_a.assignments.exists()
        assert "overdue at once" in response.content.decode()

    def test_a_past_due_date_is_accepted_when_confirmed(self, org_a, owner):
        past = timezone.localdate() - timedelta(days=1)
        response = self.post(org_a, owner, due_date=past.isoformat(), due_date_past_ok="on")
        assert response.status_code == 302 and org_a.assignments.get().due_date == past

    def test_today_and_later_need_no_confirmation(self, org_a, owner):
        assert self.post(org_a, owner, due_date=timezone.localdate().isoformat()).status_code == 302

    def test_an_extension_to_a_past_date_is_refused(self, org_a, owner, member):
        (assignment,) = assign(org_a, owner, slugs=["first-steps"])
        key = org_a.memberships.get(user=member).key
        response = client_for(owner).post(
            reverse("compliance:assignment_extend", args=[org_a.slug, assignment.key]),
            {"member": key, "due_date": (timezone.localdate() - timedelta(days=3)).isoformat()},
        )
        assert response.status_code == 200 and not assignment.extensions.exists()


def test_the_join_link_has_a_copy_button_and_a_selectable_field(org_a, owner):
    org_a.join_enabled = True
    org_a.save()
    content = client_for(owner).get(reverse("orgs:settings", args=[org_a.slug])).content.decode()
    assert f'value="http://127.0.0.1:8000/join/{org_a.join_code}/"' in content and "readonly" in content
    assert 'data-copy="join-url"' in content


def test_the_report_has_a_print_button(org_a, owner):
    content = client_for(owner).get(reverse("compliance:report", args=[org_a.slug])).content.decode()
    assert "data-print" in content and "Print" in content


def test_the_module_report_marks_the_dashboard_and_leads_back_to_it(org_a, owner):
    """Review B13."""
    url = reverse("compliance:module_dashboard", args=[org_a.slug, "first-steps"])
    content = client_for(owner).get(url).content.decode()
    dashboard = reverse("compliance:dashboard", args=[org_a.slug])
    assert f'<a class="nav-link active" href="{dashboard}" aria-current="true">' in content
    assert f'<li class="breadcrumb-item"><a href="{dashboard}">Dashboard</a></li>' in content

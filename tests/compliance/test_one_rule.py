"""One rule decides whether a completion is current or due again (compliance.validity), and
every reader agrees: the module list (module page, My learning), where "Continue" goes, the
renewal date, the "Assigned to you" card, the dashboard and the reminders. Also the two bugs
the duplicated rules caused (the architecture review's appendices A and B)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import membership_add
from certificates.renewal import module_due_since
from certificates.services import certificate_revoke
from compliance.status import (
    COMPLETED,
    assigned_to_user,
    assignment_is_complete,
    member_rows,
    organisation_plan,
)
from courses.models import Module
from courses.services import module_statuses, modules_with_lesson_counts, next_step_url
from tests.conftest import client_for
from tests.steps import Clock, assign, complete_module

pytestmark = pytest.mark.usefixtures("course")


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, datetime(2026, 1, 31, 9, 0, tzinfo=UTC))


def readers(org, user) -> dict[str, bool]:
    """Whether each reader says `user`'s completion of first-steps is current."""
    module = Module.objects.get(slug="first-steps")
    statuses = module_statuses(user=user, modules=list(modules_with_lesson_counts()))
    cards = {a.module.pk: a.cell for a in assigned_to_user(user=user, statuses=statuses)}
    plan = organisation_plan(org)
    (row,) = [r for r in member_rows(organisation=org, plan=plan) if r.user_id == user.pk]
    (assignment,) = [a for a in plan.assignments if a.module_id == module.pk]
    return {
        "module list": statuses[module.pk].state == "completed",
        "continue": next_step_url(user=user, module=module) != reverse("quizzes:quiz", args=[module.slug]),
        "renewal": module_due_since(user=user, module=module) is None,
        "assigned card": cards[module.pk].status == COMPLETED,
        "dashboard": row.cells[module.pk].status == COMPLETED,
        "reminders": assignment_is_complete(row, plan, assignment.pk),
    }


def completed_alone_then_assigned(org, owner, member, clock, months):
    org.certificate_validity_months = months
    org.save(update_fields=["certificate_validity_months"])
    complete_module(member, "first-steps")
    assign(org, owner, slugs=["first-steps"])


def completed_after_assignment(org, owner, member, clock, months):
    org.certificate_validity_months = months
    org.save(update_fields=["certificate_validity_months"])
    assign(org, owner, slugs=["first-steps"])
    complete_module(member, "first-steps")


CASES = {
    # name: (set-up, validity months, days later, then, every reader says current)
    "completed alone, assigned without a period": (completed_alone_then_assigned, None, 400, None, True),
    "completed alone, assigned with a period, within it": (
        completed_alone_then_assigned,
        12,
        300,
        None,
        True,
    ),
    "completed alone, assigned with a period, past it": (completed_alone_then_assigned, 12, 370, None, False),
    "certificate expired": (completed_after_assignment, 12, 370, None, False),
    "renewed after expiry": (completed_after_assignment, 12, 370, "renew", True),
    "certificate revoked": (completed_after_assignment, 12, 10, "revoke", True),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_reader_agrees(case, org_a, owner, member, clock):
    set_up, months, days, then, current = CASES[case]
    set_up(org_a, owner, member, clock, months)
    clock.advance(days=days)
    if then == "renew":
        complete_module(member, "first-steps")
    elif then == "revoke":
        certificate_revoke(certificate=member.certificates.get(), by=owner, reason="Issued in error")
    says = readers(org_a, member)
    assert says == dict.fromkeys(says, current), says


def test_bug_a_an_expired_completion_is_due_on_the_module_page_and_the_card(org_a, owner, member, clock):
    """Appendix A: completed alone, then assigned with 12 months' validity; a year later the
    module page said 100 % and "Review the lessons" (which opened the quiz), and the card said
    "In progress"."""
    completed_alone_then_assigned(org_a, owner, member, clock, 12)
    clock.advance(days=370)
    client = client_for(member)
    page = client.get(reverse("courses:module", args=["first-steps"])).content.decode()
    assert "Review the lessons" not in page and "Renew" in page
    home = client.get(reverse("courses:home")).content.decode()
    assert "Due again" in home


def test_bug_b_an_organisations_page_shows_its_own_assignment(org_a, owner, org_b, admin_b, member):
    """Appendix B: A's page hid A's assignment whenever B assigned the same module with an
    earlier due date."""
    membership_add(organisation=org_b, user=member)
    today = timezone.localdate()
    assign(org_a, owner, slugs=["first-steps"], due_date=today + timedelta(days=30))
    assign(org_b, admin_b, slugs=["first-steps"], due_date=today + timedelta(days=3))
    client = client_for(member)
    page_a = client.get(reverse("compliance:detail", args=[org_a.slug]))
    assert [(a.module.slug, a.organisation, a.cell.due_date) for a in page_a.context["assigned"]] == [
        ("first-steps", org_a, today + timedelta(days=30))
    ]
    page_b = client.get(reverse("compliance:detail", args=[org_b.slug]))
    assert [a.organisation for a in page_b.context["assigned"]] == [org_b]

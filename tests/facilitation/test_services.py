"""Facilitated sessions: crediting attendees (with and without the organisation's quiz policy),
ending once, the join code's window and organisation, and who may run a session."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from accounts.models import Membership
from accounts.services import membership_add, membership_set_role
from certificates.models import Certificate
from courses.models import Module, ModuleProgress
from facilitation.models import Attendance, Session
from facilitation.presenter import session_steps
from facilitation.services import (
    attendance_join,
    attendance_set_roster,
    get_facilitator_membership,
    get_session_for_user,
    session_create,
    session_end,
)
from tests.conftest import make_user
from tests.steps import Clock, assign, complete_module, take_quiz


@pytest.fixture
def module(course):
    return Module.objects.get(slug="first-steps")


def new_session(org, by, module, *, start=None, minutes=60):
    start = start or timezone.now() - timedelta(minutes=5)
    return session_create(
        organisation=org,
        actor=by,
        module=module,
        facilitator=by,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
    )


def test_ending_credits_each_attendee_with_module_and_certificate(org_a, owner, member, module):
    session = new_session(org_a, owner, module)
    attendance_join(user=member, code=session.code)
    assert session_end(session=session) == 1
    progress = ModuleProgress.objects.get(user=member, module=module)
    assert progress.completed_at is not None
    assert progress.facilitated_by == owner
    assert progress.facilitated_on == timezone.localdate(session.starts_at)
    certificate = Certificate.objects.get(user=member, module=module)
    assert certificate.facilitator_name == owner.name
    assert certificate.facilitated_on == progress.facilitated_on


def test_ending_twice_credits_once_and_keeps_the_first_end(monkeypatch, org_a, owner, member, module):
    clock = Clock(monkeypatch, timezone.now())
    session = new_session(org_a, owner, module, start=clock.now - timedelta(minutes=5))
    attendance_join(user=member, code=session.code)
    assert session_end(session=session) == 1
    ended = session.ended_at
    clock.advance(minutes=3)
    stale = Session.objects.get(pk=session.pk)  # another tab's copy
    stale.ended_at = None
    assert session_end(session=stale) == 0
    assert Session.objects.get(pk=session.pk).ended_at == ended
    assert Certificate.objects.filter(user=member, module=module).count() == 1


def test_policy_needs_quiz_waits_for_the_attendees_own_pass(org_a, owner, member, module):
    org_a.facilitated_needs_quiz = True
    org_a.save()
    session = new_session(org_a, owner, module)
    attendance_join(user=member, code=session.code)
    assert session_end(session=session) == 0
    progress = ModuleProgress.objects.get(user=member, module=module)
    assert progress.completed_at is None and progress.facilitated_by == owner
    assert not Certificate.objects.filter(user=member).exists()
    take_quiz(member, "first-steps")  # the lessons were credited: the pass completes the module
    progress.refresh_from_db()
    assert progress.completed_at is not None
    assert Certificate.objects.get(user=member, module=module).facilitator_name == owner.name


def test_an_earlier_self_paced_completion_is_left_as_it_was(org_a, owner, member, module):
    complete_module(member, "first-steps")
    before = ModuleProgress.objects.get(user=member, module=module).completed_at
    session = new_session(org_a, owner, module)
    attendance_join(user=member, code=session.code)
    session_end(session=session)
    progress = ModuleProgress.objects.get(user=member, module=module)
    assert progress.completed_at == before and progress.facilitated_by is None


def test_code_works_only_within_the_window(monkeypatch, org_a, owner, member, module):
    clock = Clock(monkeypatch, timezone.now())
    session = new_session(org_a, owner, module, start=clock.now + timedelta(minutes=10), minutes=30)
    with pytest.raises(ValidationError, match="not started"):
        attendance_join(user=member, code=session.code)
    clock.advance(minutes=15)
    attendance_join(user=member, code=session.code.lower())  # typed in lower case
    clock.advance(minutes=30)
    other = make_user("late@school-a.org")
    membership_add(organisation=org_a, user=other)
    with pytest.raises(ValidationError, match="over"):
        attendance_join(user=other, code=session.code)
    assert list(session.attendances.values_list("user", flat=True)) == [member.pk]


def test_code_of_another_organisation_or_an_ended_session_is_refused(org_a, owner, member, admin_b, module):
    session = new_session(org_a, owner, module)
    with pytest.raises(ValidationError, match="No session"):
        attendance_join(user=admin_b, code=session.code)
    session_end(session=session)
    with pytest.raises(ValidationError, match="No session"):
        attendance_join(user=member, code=session.code)
    with pytest.raises(ValidationError, match="No session"):
        attendance_join(user=member, code="x" * 500)
    assert not Attendance.objects.exists()


def test_joining_twice_is_one_attendance(org_a, owner, member, module):
    session = new_session(org_a, owner, module)
    attendance_join(user=member, code=session.code)
    attendance_join(user=member, code=f" {session.code[:3]}-{session.code[3:]} ")
    assert session.attendances.count() == 1


def test_roster_sets_attendees_until_the_session_ends(org_a, owner, member, module):
    session = new_session(org_a, owner, module)
    attendance_set_roster(session=session, user_ids={member.pk, owner.pk})
    attendance_set_roster(session=session, user_ids={member.pk})
    assert list(session.attendances.values_list("user", "how")) == [(member.pk, "roster")]
    session_end(session=session)
    with pytest.raises(ValidationError):
        attendance_set_roster(session=session, user_ids=set())


def test_only_admins_and_facilitators_run_sessions(org_a, owner, member, admin_b, module):
    session = new_session(org_a, owner, module)
    with pytest.raises(PermissionDenied):
        get_facilitator_membership(member, org_a.slug)
    with pytest.raises(Http404):
        get_session_for_user(admin_b, org_a.slug, session.key)
    with pytest.raises(Http404):  # a real session's key, forged under another organisation
        get_session_for_user(admin_b, "school-b", session.key)
    owner_membership = org_a.memberships.get(user=owner)
    membership_set_role(
        actor=owner_membership, membership=org_a.memberships.get(user=member), role="facilitator"
    )
    assert get_session_for_user(member, org_a.slug, session.key)[1] == session
    assert not Membership.objects.get(user=member).is_admin


def test_a_later_self_paced_renewal_no_longer_says_facilitated(monkeypatch, org_a, owner, member, module):
    """A session credited the first completion; a year on, the certificate expired and the
    learner renewed alone: the dashboard must not credit the old session for the new completion."""
    clock = Clock(monkeypatch, timezone.now())
    org_a.certificate_validity_months = 12
    org_a.save(update_fields=["certificate_validity_months"])
    assign(org_a, owner, slugs=["first-steps"])
    session = new_session(org_a, owner, module, start=clock.now - timedelta(minutes=5))
    attendance_join(user=member, code=session.code)
    session_end(session=session)
    assert ModuleProgress.objects.get(user=member, module=module).facilitated_by == owner
    clock.advance(days=370)
    complete_module(member, "first-steps")
    progress = ModuleProgress.objects.get(user=member, module=module)
    assert progress.completed_at == clock.now
    assert progress.facilitated_by is None and progress.facilitated_on is None


def test_presenter_shows_a_conversation_in_spanish_where_it_is_written(org_a, owner, module):
    session = new_session(org_a, owner, module)
    with translation.override("es"):
        steps = [s for s in session_steps(session) if s.kind == "conversation"]
    english = [s for s in session_steps(session) if s.kind == "conversation"]
    assert steps and english
    assert steps[0].heading != english[0].heading

"""`manage.py send_reminders`: who gets a reminder and when, never twice a day for the same
assignment, never for a removed or completed assignment, and the admins' weekly digest."""

import uuid
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from compliance.assignments import assignment_create, assignment_delete
from compliance.models import DigestLog, ReminderLog
from courses.models import Module
from courses.services import lesson_complete
from quizzes.services import attempt_submit, get_quiz, quiz_questions

pytestmark = pytest.mark.usefixtures("course")

DUE = date(2026, 11, 30)


def run(day: date):
    mail.outbox.clear()
    call_command("send_reminders", "--date", day.isoformat())
    return list(mail.outbox)


def to(outbox, *, admins: bool = False):
    return sorted(m.to[0] for m in outbox if ("overdue" in m.subject) == admins)


def complete(user):
    module = Module.objects.get(slug="first-steps")
    for lesson in module.lessons.all():
        lesson_complete(user=user, lesson=lesson)
    quiz = get_quiz(module)
    attempt_submit(
        user=user,
        quiz=quiz,
        token=uuid.uuid4(),
        selected={q.pk: {c.pk for c in q.choices.all() if c.correct} for q in quiz_questions(quiz)},
    )


@pytest.fixture
def assignment(org_a, owner, member):
    module = Module.objects.get(slug="first-steps")
    return assignment_create(
        organisation=org_a, actor=owner, modules=[module], target="everyone", due_date=DUE
    )[0]


def test_members_are_reminded_a_week_and_a_day_before_on_the_day_after_and_weekly(assignment, owner, member):
    members = sorted([owner.email, member.email])
    assert to(run(DUE - timedelta(days=8))) == []
    assert to(run(DUE - timedelta(days=7))) == members
    assert to(run(DUE - timedelta(days=6))) == []
    assert to(run(DUE - timedelta(days=1))) == members
    assert to(run(DUE)) == []
    assert to(run(DUE + timedelta(days=1))) == members
    assert to(run(DUE + timedelta(days=2))) == []
    assert to(run(DUE + timedelta(days=8))) == members
    kinds = list(ReminderLog.objects.filter(user=member).order_by("sent_on").values_list("kind", flat=True))
    assert kinds == ["week_before", "day_before", "overdue", "overdue"]


def test_the_reminder_says_what_is_due_when_and_links_to_it(assignment, member):
    outbox = run(DUE - timedelta(days=1))
    message = next(m for m in outbox if m.to == [member.email])
    assert "First steps" in message.body and "30 November 2026" in message.body
    assert "http://127.0.0.1:8000/modules/first-steps/continue/" in message.body
    assert message.alternatives and "First steps" in message.alternatives[0][0]


def test_running_the_command_many_times_a_day_sends_one_reminder(assignment, member):
    day = DUE + timedelta(days=1)
    first = run(day)
    assert to(run(day)) == [] and to(run(day)) == []
    assert len(to(first)) == 2
    assert ReminderLog.objects.filter(user=member, sent_on=day).count() == 1


def test_no_reminder_for_a_completed_or_removed_assignment(assignment, org_a, owner, member):
    complete(member)
    assert to(run(DUE - timedelta(days=7))) == [owner.email]
    assignment_delete(organisation=org_a, actor=owner, assignment=assignment)
    assert to(run(DUE - timedelta(days=1))) == []


def test_a_member_who_left_gets_no_reminder(assignment, org_a, member):
    org_a.memberships.get(user=member).delete()
    assert member.email not in to(run(DUE - timedelta(days=7)))


def test_admins_get_a_weekly_digest_of_who_is_overdue(assignment, owner, member):
    complete(owner)
    outbox = run(DUE + timedelta(days=1))
    digests = [m for m in outbox if "overdue" in m.subject]
    assert [m.to for m in digests] == [[owner.email]]
    assert "Mo Member" in digests[0].body and "/orgs/school-a/dashboard/?status=overdue" in digests[0].body
    assert to(run(DUE + timedelta(days=2)), admins=True) == []
    assert to(run(DUE + timedelta(days=8)), admins=True) == [owner.email]
    assert DigestLog.objects.count() == 2


def test_no_digest_when_nobody_is_overdue(assignment, owner, member):
    complete(owner)
    complete(member)
    assert run(DUE + timedelta(days=1)) == []


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "30/11/2026")

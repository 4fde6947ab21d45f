"""Reminders about assigned modules, and the admins' weekly overdue digest.

Rules: a member gets a reminder for an assignment they have not completed a week before its due
date, a day before it, on the day it becomes overdue, and weekly while it stays overdue; never
for an assignment that was removed or is complete. ReminderLog's unique constraint makes it at
most one per assignment per member per day, however often `send_reminders` runs. Each run sends
a member one e-mail listing everything that needs a reminder that day."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from accounts.mail import absolute_url, mail_send
from accounts.models import Membership, Organisation
from courses.translations import translated

from .models import Assignment, DigestLog, ReminderLog
from .status import OVERDUE, Plan, assignment_is_complete, member_rows, organisation_plan

WEEK = timedelta(days=7)
DAY = timedelta(days=1)


def reminder_kind(*, due: date | None, today: date, last_sent: date | None) -> str | None:
    """Which reminder, if any, is due today for one incomplete assignment. A window (not an exact
    day) means a day the scheduler missed is caught up the next day."""
    if due is None:
        return None
    if today > due:
        if last_sent is None or last_sent <= due or today - last_sent >= WEEK:
            return ReminderLog.Kind.OVERDUE
        return None
    if today >= due - DAY:
        return ReminderLog.Kind.DAY_BEFORE if last_sent is None or last_sent < due - DAY else None
    if today >= due - WEEK:
        return ReminderLog.Kind.WEEK_BEFORE if last_sent is None or last_sent < due - WEEK else None
    return None


@dataclass
class Due:
    assignment: Assignment
    kind: str
    due_date: date | None
    url: str


def organisation_reminders(
    *, organisation: Organisation, plan: Plan, today: date, overdue_now: bool = False
) -> list[tuple[dict, list[Due]]]:
    """(member, reminders) for each member with something to be reminded of today. With
    `overdue_now` (an admin's button) every overdue assignment counts, not only scheduled ones."""
    last = {
        (a, u): sent
        for a, u, sent in ReminderLog.objects.filter(assignment__organisation=organisation)
        .values_list("assignment_id", "user_id")
        .annotate(last=Max("sent_on"))
    }
    by_id = {a.pk: a for a in plan.assignments}
    found = []
    for row in member_rows(organisation=organisation, plan=plan, today=today):
        items = []
        for assignment_id, due in row.due_by_assignment.items():
            if assignment_is_complete(row, plan, assignment_id):
                continue
            if overdue_now:
                kind = ReminderLog.Kind.MANUAL if due is not None and today > due else None
            else:
                kind = reminder_kind(due=due, today=today, last_sent=last.get((assignment_id, row.user_id)))
            if kind:
                assignment = by_id[assignment_id]
                items.append(Due(assignment, kind, due, _assignment_url(assignment)))
        if items:
            found.append(
                (
                    {"user_id": row.user_id, "name": row.name, "email": row.email, "language": row.language},
                    items,
                )
            )
    return found


def reminders_preview(*, organisation: Organisation, today: date) -> list[dict]:
    """The members "Remind overdue now" would e-mail today, for the admin to see before sending:
    those with an overdue assignment they have not been reminded about today (the same rule
    `reminders_send` keeps with ReminderLog)."""
    plan = organisation_plan(organisation)
    if not plan.assignments:
        return []
    sent_today = set(
        ReminderLog.objects.filter(assignment__organisation=organisation, sent_on=today).values_list(
            "assignment_id", "user_id"
        )
    )
    return [
        member
        for member, items in organisation_reminders(
            organisation=organisation, plan=plan, today=today, overdue_now=True
        )
        if any((item.assignment.pk, member["user_id"]) not in sent_today for item in items)
    ]


def _assignment_url(assignment: Assignment) -> str:
    if assignment.module_id:
        return absolute_url(reverse("courses:module_continue", args=[assignment.module.slug]))
    if assignment.conversation_id:
        return absolute_url(assignment.conversation.get_absolute_url())
    return absolute_url(reverse("courses:my_learning"))


def reminders_send(*, organisation: Organisation, today: date, overdue_now: bool = False) -> int:
    """Log and e-mail today's reminders for one organisation; returns how many e-mails went."""
    plan = organisation_plan(organisation)
    if not plan.assignments:
        return 0
    sent = 0
    for member, items in organisation_reminders(
        organisation=organisation, plan=plan, today=today, overdue_now=overdue_now
    ):
        logged = []
        for item in items:
            try:
                with transaction.atomic():
                    ReminderLog.objects.create(
                        assignment=item.assignment, user_id=member["user_id"], kind=item.kind, sent_on=today
                    )
            except IntegrityError:
                continue  # already reminded about this assignment today
            logged.append(item)
        if logged:
            mail_send(
                template="courses/email/reminder",
                to=member["email"],
                language=member["language"],
                context={
                    "name": member["name"],
                    "organisation": organisation,
                    "items": logged,
                    "today": today,
                    "my_learning": absolute_url(reverse("courses:my_learning")),
                },
            )
            sent += 1
    return sent


def _practise_title(row) -> str:
    return _("Practise: %(title)s") % {"title": translated(row, "title")}


def _title_when_written(row, *, practise: bool = False):
    """A module's or conversation's title, worked out when the e-mail is rendered: the digest's
    list is built once and written to each admin in their own language (mail_send)."""
    if practise:
        return lazy(_practise_title, str)(row)
    return lazy(translated, str)(row, "title")


def digests_send(*, organisation: Organisation, today: date, limit: int = 50) -> int:
    """E-mail each admin who has had no digest for a week the list of overdue members."""
    admins = list(organisation.memberships.filter(role__in=Membership.ADMIN_ROLES).select_related("user"))
    recent = set(
        DigestLog.objects.filter(organisation=organisation, sent_on__gt=today - WEEK).values_list(
            "user_id", flat=True
        )
    )
    admins = [m for m in admins if m.user_id not in recent]
    if not admins:
        return 0
    plan = organisation_plan(organisation)
    overdue, count = [], 0
    for row in member_rows(organisation=organisation, plan=plan, today=today):
        if row.status == OVERDUE:
            count += 1
            if len(overdue) < limit:
                titles = [
                    _title_when_written(m)
                    for m in plan.modules
                    if row.cells.get(m.pk) and row.cells[m.pk].status == OVERDUE
                ] + [
                    _title_when_written(c, practise=True)
                    for c in plan.conversations
                    if row.practice.get(c.pk) and row.practice[c.pk].status == OVERDUE
                ]
                overdue.append({"name": row.name, "email": row.email, "modules": titles})
    if not count:
        return 0
    dashboard = absolute_url(reverse("compliance:dashboard", args=[organisation.slug]) + "?status=overdue")
    sent = 0
    for admin in admins:
        try:
            with transaction.atomic():
                DigestLog.objects.create(organisation=organisation, user=admin.user, sent_on=today)
        except IntegrityError:
            continue
        mail_send(
            template="courses/email/digest",
            to=admin.user.email,
            language=admin.user.language,
            context={
                "name": admin.user.name,
                "organisation": organisation,
                "overdue": overdue,
                "count": count,
                "more": count - len(overdue),
                "dashboard": dashboard,
            },
        )
        sent += 1
    return sent


def reminders_send_all(*, today: date | None = None) -> int:
    """The scheduled run: every organisation that has assignments with a due date."""
    today = today or timezone.localdate()
    sent = 0
    ids = Assignment.objects.filter(due_date__isnull=False).values("organisation_id")
    for organisation in Organisation.objects.filter(pk__in=ids).iterator():
        sent += reminders_send(organisation=organisation, today=today)
        digests_send(organisation=organisation, today=today)
    return sent

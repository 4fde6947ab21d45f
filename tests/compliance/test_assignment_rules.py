"""The assignment rules as plain functions: completion (with a validity period), status of a cell,
who an assignment applies to, and when a reminder is due."""

from datetime import UTC, date, datetime

import pytest

from compliance.models import Assignment, ReminderLog
from compliance.reminders import reminder_kind
from compliance.status import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    Cell,
    cell_status,
    earliest,
    overall_status,
)
from compliance.validity import add_months, completion_is_current

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def status(**kwargs) -> Cell:
    args = {"started": False, "completed_at": None, "validity_months": None, "due_date": None}
    return cell_status(**{**args, **kwargs}, today=TODAY, now=NOW)


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2026, 11, 15, tzinfo=UTC), 14) == datetime(2028, 1, 15, tzinfo=UTC)


def test_a_completion_without_validity_never_expires():
    assert completion_is_current(completed_at=datetime(2001, 1, 1, tzinfo=UTC), validity_months=None, now=NOW)


def test_a_completion_expires_after_the_validity_period():
    done = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)
    assert not completion_is_current(completed_at=done, validity_months=12, now=NOW)
    assert completion_is_current(completed_at=done, validity_months=13, now=NOW)


def test_nothing_done_is_not_started_and_started_is_in_progress():
    assert status().status == NOT_STARTED
    assert status(started=True).status == IN_PROGRESS


def test_completed_shows_its_date_even_if_completed_before_the_assignment_and_after_the_due_date():
    done = datetime(2020, 1, 1, tzinfo=UTC)
    cell = status(started=True, completed_at=done, due_date=date(2026, 1, 1))
    assert (cell.status, cell.completed_at) == (COMPLETED, done)


def test_past_the_due_date_and_not_completed_is_overdue():
    assert status(started=True, due_date=date(2026, 11, 19)).status == OVERDUE
    assert status(due_date=TODAY).status == NOT_STARTED  # due today is not overdue yet


def test_an_expired_completion_is_due_again():
    cell = status(
        started=True,
        completed_at=datetime(2024, 1, 1, tzinfo=UTC),
        validity_months=12,
        due_date=date(2026, 11, 1),
    )
    assert cell.status == OVERDUE and cell.expired_at == datetime(2025, 1, 1, tzinfo=UTC)
    assert (
        status(started=True, completed_at=datetime(2024, 1, 1, tzinfo=UTC), validity_months=12).status
        == IN_PROGRESS
    )


def test_the_earliest_known_due_date_wins():
    assert earliest([None, date(2026, 12, 1), date(2026, 11, 30)]) == date(2026, 11, 30)
    assert earliest([None, None]) is None


def test_who_an_assignment_applies_to():
    everyone = Assignment(pk=1, target="everyone")
    group = Assignment(pk=2, target="group", group_id=7)
    named = Assignment(pk=3, target="members")
    assert everyone.applies_to(group_ids=set(), named_assignment_ids=set())
    assert group.applies_to(group_ids={7}, named_assignment_ids=set())
    assert not group.applies_to(group_ids={8}, named_assignment_ids={2})
    assert named.applies_to(group_ids=set(), named_assignment_ids={3})
    assert not named.applies_to(group_ids=set(), named_assignment_ids={1})


@pytest.mark.parametrize(
    "statuses, expected",
    [
        ([], None),
        ([COMPLETED, COMPLETED], COMPLETED),
        ([COMPLETED, OVERDUE], OVERDUE),
        ([NOT_STARTED, NOT_STARTED], NOT_STARTED),
        ([COMPLETED, NOT_STARTED], IN_PROGRESS),
    ],
)
def test_a_members_overall_status(statuses, expected):
    assert overall_status(Cell(s) for s in statuses) == expected


DUE = date(2026, 11, 30)


@pytest.mark.parametrize(
    "today, last_sent, expected",
    [
        (date(2026, 11, 22), None, None),  # more than a week ahead
        (date(2026, 11, 23), None, ReminderLog.Kind.WEEK_BEFORE),
        (date(2026, 11, 24), date(2026, 11, 23), None),  # the week-before one went yesterday
        (date(2026, 11, 25), None, ReminderLog.Kind.WEEK_BEFORE),  # the scheduler missed a day
        (date(2026, 11, 29), date(2026, 11, 23), ReminderLog.Kind.DAY_BEFORE),
        (date(2026, 11, 30), date(2026, 11, 29), None),
        (date(2026, 12, 1), date(2026, 11, 29), ReminderLog.Kind.OVERDUE),  # the day it becomes overdue
        (date(2026, 12, 2), date(2026, 12, 1), None),
        (date(2026, 12, 7), date(2026, 12, 1), None),
        (date(2026, 12, 8), date(2026, 12, 1), ReminderLog.Kind.OVERDUE),  # weekly while overdue
    ],
)
def test_when_a_reminder_is_due(today, last_sent, expected):
    assert reminder_kind(due=DUE, today=today, last_sent=last_sent) == expected


def test_no_reminder_without_a_due_date():
    assert reminder_kind(due=None, today=TODAY, last_sent=None) is None

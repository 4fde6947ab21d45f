"""The database's count of statuses (compliance/sqlstatus.py) and the Python rule
(compliance/status.py: cell_status, member_rows) must agree on every cell of a varied
organisation: every status, started apart from overdue, extensions, groups, named members, a
track, an expired validity period, a revoked certificate, practice conversations and facilitated
completions. Either rule changed alone makes these tests fail."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.services import membership_add
from certificates.services import certificate_revoke
from compliance.assignments import assignment_extend
from compliance.reports import MONTHS_SHOWN, _count_cells, _months_back
from compliance.sqlstatus import (
    BEFORE,
    CONVERSATION,
    MODULE,
    cells_sql,
    chart_counts,
    current_ranges,
    member_counts,
    page_rows,
)
from compliance.status import member_rows, organisation_plan
from compliance.validity import add_months
from courses.models import Lesson, Module
from courses.services import lesson_open, module_credit_facilitated
from tests.conftest import make_user
from tests.steps import Clock, add_members, assign, complete_module, practise

pytestmark = pytest.mark.usefixtures("course")

START = datetime(2025, 1, 31, 9, 0, tzinfo=UTC)


def person(org, name):
    user = make_user(f"{name.lower().replace(' ', '.')}@school-a.org", "educator", name)
    membership_add(organisation=org, user=user)
    return user, org.memberships.get(user=user)


@pytest.fixture
def varied(org_a, owner, monkeypatch):
    """Members in every state, a year of history, and the clock moved past a validity period."""
    clock = Clock(monkeypatch, START)
    org_a.certificate_validity_months = 12
    org_a.save(update_fields=["certificate_validity_months"])
    group = org_a.groups.create(name="Night shift")
    early, early_m = person(org_a, "Ann Early")  # completed a year ago: expired by the end
    complete_module(early, "first-steps")
    clock.advance(days=200)
    today = timezone.localdate()
    dated = assign(org_a, owner, track="parent", due_date=today + timedelta(days=30))
    dated += assign(
        org_a, owner, slugs=["first-steps"], conversations=["first-talk"], due_date=today + timedelta(days=60)
    )
    (by_group,) = assign(
        org_a, owner, slugs=["second-steps"], target="group", group=group, due_date=today + timedelta(days=10)
    )
    starter, starter_m = person(org_a, "Bo Starter")  # opened a lesson, never finished
    lesson_open(user=starter, lesson=Lesson.objects.filter(module__slug="first-steps").first())
    never, never_m = person(org_a, "Cy Never")  # never started anything
    done, done_m = person(org_a, "Di Done")  # completed, certificate revoked: still completed
    complete_module(done, "first-steps")
    certificate_revoke(certificate=done.certificates.first(), by=owner, reason="Issued in error")
    talker, talker_m = person(org_a, "Ed Talker")  # practised one, started the other
    practise(talker, "first-talk")
    facilitated, facilitated_m = person(org_a, "Fay Session")  # facilitated completion
    module_credit_facilitated(
        user=facilitated,
        module=Module.objects.get(slug="second-steps"),
        facilitator=owner,
        on=today,
        needs_quiz=False,
    )
    extended, extended_m = person(org_a, "Gus Extended")
    named, named_m = person(org_a, "Hal Named")
    (by_name,) = assign(org_a, owner, slugs=["second-steps"], target="members", members=[named_m])
    for membership in (starter_m, facilitated_m, extended_m):
        group.members.add(membership)
    # Extra time on everything dated (an extension of an assignment that does not apply to the
    # member, Cy's of the group one, gives them nothing to do).
    for membership in (starter_m, never_m, extended_m):
        for assignment in [*dated, by_group]:
            assignment_extend(
                organisation=org_a,
                actor=owner,
                assignment=assignment,
                membership=membership,
                due_date=today + timedelta(500),
            )
    add_members(org_a, 12)
    practise(named, "first-talk", "b")  # a choice made, no ending yet: in progress
    clock.advance(days=180)  # past every due date but the extensions; Ann's year has run out
    for assignment in dated:  # due today: not yet overdue
        assignment_extend(
            organisation=org_a,
            actor=owner,
            assignment=assignment,
            membership=extended_m,
            due_date=timezone.localdate(),
        )
    return org_a


def python_cells(org, plan):
    return {
        (row.membership_id, kind, item): (cell.status, cell.due_date, cell.started)
        for row in member_rows(organisation=org, plan=plan)
        for kind, cells in ((MODULE, row.cells), (CONVERSATION, row.practice))
        for item, cell in cells.items()
    }


def sql_cells(org, plan):
    from django.db import connection

    now = timezone.now()
    sql, params = cells_sql(
        organisation_id=org.pk,
        plan=plan,
        validity_months=org.certificate_validity_months,
        now=now,
        today=timezone.localdate(now),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        (membership, kind, item): (
            status,
            date.fromisoformat(due) if isinstance(due, str) else due,
            bool(started) or completed_at is not None,
        )
        for membership, _user, kind, item, due, started, completed_at, _current, status in rows
    }


def test_every_cell_has_the_same_status_due_date_and_start_in_sql_and_python(varied):
    plan = organisation_plan(varied)
    expected = python_cells(varied, plan)
    assert sql_cells(varied, plan) == expected
    statuses = {status for status, _due, _started in expected.values()}
    assert statuses == {"completed", "in_progress", "not_started", "overdue"}  # the data set is varied
    overdue_started = {started for status, _due, started in expected.values() if status == "overdue"}
    assert overdue_started == {True, False}  # overdue never-started apart from overdue started


def test_member_counts_and_charts_match_the_python_rows(varied):
    plan = organisation_plan(varied)
    rows = list(member_rows(organisation=varied, plan=plan))
    counts = member_counts(organisation=varied, plan=plan)
    assert [c.membership_id for c in counts] == [r.membership_id for r in rows]  # the same order
    for row, count in zip(rows, counts, strict=True):
        assert (count.total, count.completed, count.practice_cells, count.practised) == (
            row.total,
            row.completed,
            len(row.practice),
            row.practised,
        ), row.name
        assert (count.progress, count.overdue, count.percent) == (row.progress, row.overdue, row.percent), (
            row.name
        )
    assert [c.group_ids for c in counts] == [r.group_ids for r in rows]
    group_ids = tuple(varied.groups.values_list("pk", flat=True))
    months = _months_back(timezone.localdate(), MONTHS_SHOWN)
    seen_before = []
    for validity in (12, None):  # without a period, Ann's old completion counts, before the months shown
        varied.certificate_validity_months = validity
        varied.save(update_fields=["certificate_validity_months"])
        rows = list(member_rows(organisation=varied, plan=plan))
        by_module, by_group, by_month = _count_cells(rows, plan=plan, group_ids=group_ids)
        shown = {m: n for m, n in by_month.items() if m >= months[0]}
        before = sum(n for m, n in by_month.items() if m < months[0])
        expected_months = {**shown, **({BEFORE: before} if before else {})}
        sql_counts = chart_counts(organisation=varied, plan=plan, group_ids=group_ids, months=months)
        assert sql_counts == (by_module, by_group, expected_months)
        assert sum(by_group[group_ids[0]].values()) > 0 and shown
        seen_before.append(before)
    assert seen_before[0] == 0 and seen_before[1] > 0


def test_a_page_of_rows_is_the_python_rule_for_those_members(varied):
    plan = organisation_plan(varied)
    rows = list(member_rows(organisation=varied, plan=plan))
    counts = member_counts(organisation=varied, plan=plan)
    for start in range(0, len(rows), 7):
        page = page_rows(organisation=varied, plan=plan, members=counts[start : start + 7])
        expected = rows[start : start + 7]
        assert [(r.membership_id, r.key, r.name, r.email, r.role, r.language, r.group_ids) for r in page] == [
            (r.membership_id, r.key, r.name, r.email, r.role, r.language, r.group_ids) for r in expected
        ]
        assert [(list(r.cells.items()), list(r.practice.items())) for r in page] == [
            (list(r.cells.items()), list(r.practice.items())) for r in expected
        ]
    facilitated = [c for r in rows for c in r.cells.values() if c.facilitated]
    assert facilitated and facilitated[0].facilitated[0] == "Olive Owner"


def test_the_validity_period_is_the_same_at_a_month_end(org_a, owner, member, monkeypatch):
    """Completed on 31 January at 09:00 with a one-month period: Python's add_months makes that
    28 February 09:00. SQL agrees an hour before and an hour after."""
    clock = Clock(monkeypatch, datetime(2026, 1, 31, 9, 0, tzinfo=UTC))
    org_a.certificate_validity_months = 1
    org_a.save(update_fields=["certificate_validity_months"])
    assign(org_a, owner, slugs=["first-steps"])
    complete_module(member, "first-steps")
    plan = organisation_plan(org_a)
    seen = []
    for moment in (datetime(2026, 2, 28, 8, 0, tzinfo=UTC), datetime(2026, 2, 28, 10, 0, tzinfo=UTC)):
        clock.now = moment
        expected = python_cells(org_a, plan)
        assert sql_cells(org_a, plan) == expected
        seen.append(sorted(status for status, _d, _s in expected.values()))
    assert seen == [["completed", "not_started"], ["in_progress", "not_started"]]


def _is_current(completed_at, ranges):
    return not ranges or any(
        start <= completed_at and (end is None or completed_at < end) for start, end in ranges
    )


@pytest.mark.parametrize("months", [1, 3, 12, 13, 24])
def test_current_ranges_are_exactly_the_completions_add_months_keeps_current(months):
    nows = [
        datetime(2026, 2, 28, 10, 30, tzinfo=UTC),
        datetime(2026, 3, 31, 0, 0, tzinfo=UTC),
        datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 4, 30, 12, 0, tzinfo=UTC),
        datetime(2026, 7, 15, 6, 0, 0, 1, tzinfo=UTC),
    ]
    for now in nows:
        ranges = current_ranges(now, months)
        # every completion between 26 months before and now, every 7 hours 13 minutes, and
        # the instants around now's time of day on each day of the critical month
        moment = add_months(now, -months - 2)
        samples = []
        while moment <= now:
            samples.append(moment)
            moment += timedelta(hours=7, minutes=13)
        base = add_months(now.replace(day=1), -months)
        for day in range(31):
            at = datetime.combine(base.date() + timedelta(days=day), now.timetz())
            samples += [at - timedelta(microseconds=1), at, at + timedelta(microseconds=1)]
        for completed_at in samples:
            assert _is_current(completed_at, ranges) == (add_months(completed_at, months) > now), (
                now,
                completed_at,
            )
    assert current_ranges(nows[0], None) == []


def _shown(client, org, **params):
    from django.urls import reverse

    response = client.get(reverse("compliance:dashboard", args=[org.slug]), params)
    assert response.status_code == 200
    rows = [
        (row.name, [c.status if c else None for c in columns])
        for row, columns, _c in response.context["rows"]
    ]
    summary = response.context["summary"]
    return rows, (summary.completed, summary.in_progress, summary.not_started, summary.overdue)


def test_a_page_from_the_counts_cache_is_the_page_computed_afresh(varied, owner, member):
    """Pages guessed from the cached counts, and pages kept from an earlier view, are those a
    fresh count shows, for every filter, and a change since is shown at once."""
    from compliance import reports
    from tests.conftest import client_for

    client = client_for(owner)
    views = [
        {},
        {"status": "overdue", "sort": "-progress"},
        {"status": "not_started"},
        {"status": "in_progress", "sort": "-name"},
        {"status": "completed"},
        {"group": varied.groups.get().key},
        {"q": "an"},
        {},
    ]
    cached = [_shown(client, varied, **params) for params in views]
    fresh = []
    for params in views:
        reports._COUNTS_CACHE.clear()
        reports._LATEST.clear()
        fresh.append(_shown(client, varied, **params))
    assert cached == fresh
    assert any(rows for rows, _s in cached[1:5])
    before = _shown(client, varied, status="in_progress")
    complete_module(member, "first-steps")
    after = _shown(client, varied, status="in_progress")
    assert "Mo Member" not in dict(before[0]) and "completed" in dict(after[0])["Mo Member"]
    assert after[1][1] == before[1][1] + 1  # one more member in progress

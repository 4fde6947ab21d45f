"""The status rules of compliance.status as SQL: each member's assigned cells (module and practice
conversation) with their status computed by the database, so the dashboard's counts over every
member need not build 10,000 members' cells in Python (docs/performance.md). The Python rule
(`cell_status`, `member_rows`) stays the one that details a cell; this is its twin for counting,
and tests/compliance/test_sql_status.py compares the two on every kind of cell so they cannot
drift apart.

Portable SQL (SQLite and PostgreSQL): the plan's (assignment, module or conversation) pairs are
passed as a VALUES list (the plan is a few rows; who each assignment applies to, the due dates
and extensions are read from their tables), and the validity period is applied as ranges of
completion times computed here from `validity.add_months`, so both databases agree with Python
to the microsecond, month ends included."""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from accounts.models import Membership, OrganisationGroup, User
from courses.models import ConversationPractice, ModuleProgress

from .models import Assignment, AssignmentExtension
from .status import COMPLETED, IN_PROGRESS, NOT_STARTED, OVERDUE, Plan
from .validity import add_months

MODULE, CONVERSATION = 0, 1


def current_ranges(now: datetime, validity_months: int | None) -> list[tuple[datetime, datetime | None]]:
    """The completion times (UTC) that are still current at `now` under a validity period, as
    half-open ranges [start, end) (end None: no end; no ranges: every completion is current): exactly the `completed_at` for which
    `add_months(completed_at, months) > now`. Only completions in the month `months` before now's
    month need care: `add_months` clamps the day to a shorter month but keeps the time."""
    now = now.astimezone(UTC)
    if not validity_months:
        return []  # never runs out
    index = now.year * 12 + now.month - 1 - validity_months
    year, month = index // 12, index % 12 + 1
    days = calendar.monthrange(year, month)[1]
    next_month = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    ranges: list[tuple[datetime, datetime | None]] = [(next_month, None)]
    for day in range(1, days + 1):
        start = datetime(year, month, day, tzinfo=UTC)
        shifted = add_months(start, validity_months)  # the same day number, clamped
        if shifted.date() > now.date():
            ranges.append((start, start + timedelta(days=1)))
        elif shifted.date() == now.date():
            after = datetime.combine(start.date(), now.timetz()) + timedelta(microseconds=1)
            ranges.append((after, start + timedelta(days=1)))
    return ranges


def _ranges_sql(column: str, ranges, params: list) -> str:
    adapt = connection.ops.adapt_datetimefield_value
    if not ranges:
        return "1 = 1"
    parts = []
    for start, end in ranges:
        if end is None:
            parts.append(f"{column} >= %s")
            params.append(adapt(start))
        else:
            parts.append(f"({column} >= %s AND {column} < %s)")
            params.extend([adapt(start), adapt(end)])
    return "(" + " OR ".join(parts) + ")"


def cells_sql(
    *, organisation_id: int, plan: Plan, validity_months: int | None, now: datetime, today: date
) -> tuple[str, list]:
    """A query of every assigned cell: membership_id, user_id, kind (MODULE or CONVERSATION),
    item_id, due_date, started (0/1), completed_at (any, current or not), current (0/1) and
    status (one of compliance.status.STATUSES). Empty when nothing is assigned."""
    pairs = [(a_id, MODULE, m) for a_id, modules in plan.module_ids_of.items() for m in modules]
    pairs += [(a_id, CONVERSATION, c) for a_id, c in plan.conversation_of.items()]
    if not pairs:
        return "", []
    t = {
        "membership": Membership._meta.db_table,
        "assignment": Assignment._meta.db_table,
        "extension": AssignmentExtension._meta.db_table,
        "group_members": OrganisationGroup.members.through._meta.db_table,
        "named": Assignment.members.through._meta.db_table,
        "progress": ModuleProgress._meta.db_table,
        "practice": ConversationPractice._meta.db_table,
    }
    params: list = []
    values = ", ".join("(%s, %s, %s)" for _p in pairs)
    for pair in pairs:
        params.extend(pair)
    params.append(organisation_id)
    params.extend([Assignment.Target.EVERYONE, Assignment.Target.GROUP, Assignment.Target.MEMBERS])
    current_params: list = []
    current = _ranges_sql("x.completed_at", current_ranges(now, validity_months), current_params)
    sql = f"""
WITH items (assignment_id, kind, item_id) AS (VALUES {values}),
applied AS (
    SELECT m.id AS membership_id, m.user_id AS user_id, it.kind AS kind, it.item_id AS item_id,
           COALESCE(e.due_date, a.due_date) AS due_date
    FROM {t["membership"]} m
    CROSS JOIN items it
    JOIN {t["assignment"]} a ON a.id = it.assignment_id
    LEFT JOIN {t["extension"]} e ON e.assignment_id = a.id AND e.membership_id = m.id
    WHERE m.organisation_id = %s AND (
        a.target = %s
        OR (a.target = %s AND EXISTS (SELECT 1 FROM {t["group_members"]} g
                                      WHERE g.organisationgroup_id = a.group_id AND g.membership_id = m.id))
        OR (a.target = %s AND EXISTS (SELECT 1 FROM {t["named"]} n
                                      WHERE n.assignment_id = a.id AND n.membership_id = m.id))
    )
),
cells AS (
    SELECT membership_id, user_id, kind, item_id, MIN(due_date) AS due_date
    FROM applied GROUP BY membership_id, user_id, kind, item_id
),
joined AS (
    SELECT c.membership_id, c.user_id, c.kind, c.item_id, c.due_date,
           CASE WHEN p.id IS NOT NULL OR q.id IS NOT NULL THEN 1 ELSE 0 END AS started,
           COALESCE(p.completed_at, q.completed_at) AS completed_at
    FROM cells c
    LEFT JOIN {t["progress"]} p ON c.kind = {MODULE} AND p.user_id = c.user_id AND p.module_id = c.item_id
    LEFT JOIN {t["practice"]} q
        ON c.kind = {CONVERSATION} AND q.user_id = c.user_id AND q.conversation_id = c.item_id
),
currency AS (
    SELECT x.*,
           CASE WHEN x.completed_at IS NOT NULL AND (x.kind = {CONVERSATION} OR {current})
                THEN 1 ELSE 0 END AS current
    FROM joined x
)
SELECT membership_id, user_id, kind, item_id, due_date, started, completed_at, current,
       CASE WHEN current = 1 THEN %s
            WHEN due_date IS NOT NULL AND due_date < %s THEN %s
            WHEN started = 1 OR completed_at IS NOT NULL THEN %s
            ELSE %s END AS status
FROM currency
"""
    params.extend(current_params)
    params.extend([COMPLETED, connection.ops.adapt_datefield_value(today), OVERDUE, IN_PROGRESS, NOT_STARTED])
    return sql, params


@dataclass(frozen=True)
class MemberCounts:
    """One member's cells counted by the database: what the dashboard's summary, filters and
    sorts need of a MemberRow (the twins of its properties)."""

    membership_id: int
    user_id: int
    name: str
    email: str
    total: int
    completed: int
    started: int
    overdue_cells: int
    practice_cells: int
    practised: int

    @property
    def progress(self) -> str | None:
        if not self.total:
            return None
        if self.completed == self.total:
            return COMPLETED
        if not self.started:
            return NOT_STARTED
        return IN_PROGRESS

    @property
    def overdue(self) -> bool:
        return self.overdue_cells > 0

    @property
    def percent(self) -> int:
        return int(100 * self.completed / self.total) if self.total else 0


def member_counts(*, organisation, plan: Plan, now: datetime | None = None) -> list[MemberCounts]:
    """Every member, sorted by name (as member_rows), with their cells counted: one query."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cells, params = cells_sql(
        organisation_id=organisation.pk,
        plan=plan,
        validity_months=organisation.certificate_validity_months,
        now=now,
        today=today,
    )
    user = User._meta.db_table
    membership = Membership._meta.db_table
    if cells:
        counted = f"""
LEFT JOIN (
    SELECT membership_id, COUNT(*) AS total,
           SUM(CASE WHEN status = %s THEN 1 ELSE 0 END) AS completed,
           SUM(CASE WHEN started = 1 OR completed_at IS NOT NULL THEN 1 ELSE 0 END) AS started,
           SUM(CASE WHEN status = %s THEN 1 ELSE 0 END) AS overdue,
           SUM(CASE WHEN kind = {CONVERSATION} THEN 1 ELSE 0 END) AS practice_cells,
           SUM(CASE WHEN kind = {CONVERSATION} AND status = %s THEN 1 ELSE 0 END) AS practised
    FROM ({cells}) s GROUP BY membership_id
) k ON k.membership_id = m.id"""
        params = [COMPLETED, OVERDUE, COMPLETED, *params]
        columns = "COALESCE(k.total, 0), COALESCE(k.completed, 0), COALESCE(k.started, 0), " + (
            "COALESCE(k.overdue, 0), COALESCE(k.practice_cells, 0), COALESCE(k.practised, 0)"
        )
    else:
        counted, columns = "", "0, 0, 0, 0, 0, 0"
    sql = f"""
SELECT m.id, m.user_id, u.name, u.email, {columns}
FROM {membership} m JOIN {user} u ON u.id = m.user_id {counted}
WHERE m.organisation_id = %s
ORDER BY u.name, m.user_id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, organisation.pk])
        return [MemberCounts(*(row[:4]), *(int(n) for n in row[4:])) for row in cursor.fetchall()]


def module_status_counts(
    *, organisation, plan: Plan, group_ids: tuple[int, ...], now: datetime | None = None
) -> tuple[dict, dict]:
    """Module cells by module and status, and by group and status (a member in several groups
    counts in each): the dashboard's charts, one query."""
    now = now or timezone.now()
    by_module = {m.pk: dict.fromkeys([COMPLETED, IN_PROGRESS, NOT_STARTED, OVERDUE], 0) for m in plan.modules}
    by_group = {pk: dict.fromkeys([COMPLETED, IN_PROGRESS, NOT_STARTED, OVERDUE], 0) for pk in group_ids}
    cells, params = cells_sql(
        organisation_id=organisation.pk,
        plan=plan,
        validity_months=organisation.certificate_validity_months,
        now=now,
        today=timezone.localdate(now),
    )
    if not cells:
        return by_module, by_group
    group_members = OrganisationGroup.members.through._meta.db_table
    sql = f"""
SELECT 'm', s.item_id, s.status, COUNT(*) FROM ({cells}) s WHERE s.kind = {MODULE}
GROUP BY s.item_id, s.status
UNION ALL
SELECT 'g', g.organisationgroup_id, s.status, COUNT(*) FROM ({cells}) s
JOIN {group_members} g ON g.membership_id = s.membership_id
WHERE s.kind = {MODULE} GROUP BY g.organisationgroup_id, s.status"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params + params)
        for what, key, status, n in cursor.fetchall():
            target = by_module if what == "m" else by_group
            if key in target:
                target[key][status] += n
    return by_module, by_group

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
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from accounts.models import Membership, OrganisationGroup, User
from courses.models import ConversationPractice, ModuleProgress

from .models import Assignment, AssignmentExtension
from .status import COMPLETED, IN_PROGRESS, NOT_STARTED, OVERDUE, STATUSES, MemberRow, Plan, cell_status
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
    merged: list[tuple[datetime, datetime | None]] = []
    for start, end in sorted(ranges, key=lambda r: r[0]):
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


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


def _only(membership_ids: list[int] | None) -> tuple[str, list]:
    """The condition (on memberships `m`) that keeps only `membership_ids`, with its parameters;
    none when they are not given (every member)."""
    if membership_ids is None:
        return "", []
    return "AND m.id IN (" + (", ".join("%s" for _m in membership_ids) or "NULL") + ")", list(membership_ids)


def cells_sql(
    *,
    organisation_id: int,
    plan: Plan,
    validity_months: int | None,
    now: datetime,
    today: date,
    membership_ids: list[int] | None = None,
    detail: bool = False,
) -> tuple[str, list]:
    """A query of every assigned cell: membership_id, user_id, kind (MODULE or CONVERSATION),
    item_id, due_date, started (0/1), completed_at (any, current or not), current (0/1) and
    status (one of compliance.status.STATUSES); with `detail`, also the facilitator's name and
    the facilitated session's day. Only the members `membership_ids` if given. Empty when
    nothing is assigned."""
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
    only, only_params = _only(membership_ids)
    target = Assignment.Target
    params += [organisation_id, *only_params, organisation_id, target.EVERYONE]
    params += [organisation_id, target.GROUP, organisation_id, target.MEMBERS]
    params += [organisation_id, *only_params]
    current_params: list = []
    current = _ranges_sql("x.completed_at", current_ranges(now, validity_months), current_params)
    sql = f"""
WITH items (assignment_id, kind, item_id) AS (VALUES {values}),
applies AS (
    SELECT m.id AS membership_id, a.id AS assignment_id
    FROM {t["membership"]} m CROSS JOIN {t["assignment"]} a
    WHERE m.organisation_id = %s {only} AND a.organisation_id = %s AND a.target = %s
    UNION ALL
    SELECT g.membership_id, a.id
    FROM {t["assignment"]} a JOIN {t["group_members"]} g ON g.organisationgroup_id = a.group_id
    WHERE a.organisation_id = %s AND a.target = %s
    UNION ALL
    SELECT n.membership_id, a.id
    FROM {t["assignment"]} a JOIN {t["named"]} n ON n.assignment_id = a.id
    WHERE a.organisation_id = %s AND a.target = %s
),
applied AS (
    SELECT m.id AS membership_id, m.user_id AS user_id, it.kind AS kind, it.item_id AS item_id,
           COALESCE(e.due_date, a.due_date) AS due_date
    FROM applies ap
    JOIN {t["membership"]} m ON m.id = ap.membership_id
    JOIN items it ON it.assignment_id = ap.assignment_id
    JOIN {t["assignment"]} a ON a.id = ap.assignment_id
    LEFT JOIN {t["extension"]} e ON e.assignment_id = a.id AND e.membership_id = m.id
    WHERE m.organisation_id = %s {only}
),
cells AS (
    SELECT membership_id, user_id, kind, item_id, MIN(due_date) AS due_date
    FROM applied GROUP BY membership_id, user_id, kind, item_id
),
joined AS (
    SELECT c.membership_id, c.user_id, c.kind, c.item_id, c.due_date,
           CASE WHEN p.id IS NOT NULL OR q.id IS NOT NULL THEN 1 ELSE 0 END AS started,
           COALESCE(p.completed_at, q.completed_at) AS completed_at,
           {"f.name" if detail else "NULL"} AS facilitator, p.facilitated_on AS facilitated_on
    FROM cells c
    LEFT JOIN {t["progress"]} p ON c.kind = {MODULE} AND p.user_id = c.user_id AND p.module_id = c.item_id
    LEFT JOIN {t["practice"]} q
        ON c.kind = {CONVERSATION} AND q.user_id = c.user_id AND q.conversation_id = c.item_id
    {f"LEFT JOIN {User._meta.db_table} f ON f.id = p.facilitated_by_id" if detail else ""}
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
            ELSE %s END AS status{", facilitator, facilitated_on" if detail else ""}
FROM currency
"""  # nosec B608: only table names, constants and %s placeholders are interpolated
    params.extend(current_params)
    params.extend([COMPLETED, connection.ops.adapt_datefield_value(today), OVERDUE, IN_PROGRESS, NOT_STARTED])
    return sql, params


@dataclass
class MemberCounts:
    """One member's cells counted by the database: what the dashboard's summary, filters, sorts
    and the page's rows need of a MemberRow (the twins of its properties)."""

    membership_id: int
    key: str
    user_id: int
    name: str
    email: str
    role: str
    language: str
    total: int
    completed: int
    started: int
    overdue_cells: int
    practice_cells: int
    practised: int
    # The module cells as the charts count them: "<module id><status's first letter>" each, and
    # the moments (seconds since 1970, UTC) of the current completions among them, comma-separated.
    modules: str = ""
    completions: str = ""
    group_ids: set[int] = field(default_factory=set)

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


def _cells(organisation, plan: Plan, now: datetime, **kwargs) -> tuple[str, list]:
    return cells_sql(
        organisation_id=organisation.pk,
        plan=plan,
        validity_months=organisation.certificate_validity_months,
        now=now,
        today=timezone.localdate(now),
        **kwargs,
    )


def _joined(expression: str) -> str:
    """The database's comma-separated text aggregate of `expression` (NULLs left out)."""
    return (
        f"string_agg({expression}, ',')"
        if connection.vendor == "postgresql"
        else f"group_concat({expression}, ',')"
    )


def _epoch(column: str) -> str:
    """Whole seconds since 1970 (UTC) of a timestamp column, rounded down."""
    if connection.vendor == "postgresql":
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS bigint)"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


def member_counts(
    *,
    organisation,
    plan: Plan,
    now: datetime | None = None,
    membership_ids: list[int] | None = None,
    groups: bool = True,
) -> list[MemberCounts]:
    """Every member (or only `membership_ids`), sorted by name (as member_rows), with their cells
    counted, their module cells for the charts (chart_counts_of) and, with `groups`, their
    groups: two queries (one without groups)."""
    now = now or timezone.now()
    cells, params = _cells(organisation, plan, now, membership_ids=membership_ids)
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
           SUM(CASE WHEN kind = {CONVERSATION} AND status = %s THEN 1 ELSE 0 END) AS practised,
           {_joined(f"CASE WHEN kind = {MODULE} THEN CAST(item_id AS TEXT) || SUBSTR(status, 1, 1) END")} AS modules,
           {_joined(f"CASE WHEN kind = {MODULE} AND status = %s THEN CAST({_epoch('completed_at')} AS TEXT) END")}
               AS completions
    FROM ({cells}) s GROUP BY membership_id
) k ON k.membership_id = m.id"""  # nosec B608: only table names, constants and %s placeholders are interpolated
        params = [COMPLETED, OVERDUE, COMPLETED, COMPLETED, *params]
        columns = "COALESCE(k.total, 0), COALESCE(k.completed, 0), COALESCE(k.started, 0), " + (
            "COALESCE(k.overdue, 0), COALESCE(k.practice_cells, 0), COALESCE(k.practised, 0), "
            "COALESCE(k.modules, ''), COALESCE(k.completions, '')"
        )
    else:
        counted, columns = "", "0, 0, 0, 0, 0, 0, '', ''"
    only, only_params = _only(membership_ids)
    sql = f"""
SELECT m.id, m.key, m.user_id, u.name, u.email, m.role, u.language, {columns}
FROM {membership} m JOIN {user} u ON u.id = m.user_id {counted}
WHERE m.organisation_id = %s {only}
ORDER BY u.name, m.user_id"""  # nosec B608: only table names, constants and %s placeholders are interpolated
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, organisation.pk, *only_params])
        members = [
            MemberCounts(*row[:7], *(int(n) for n in row[7:13]), *row[13:15]) for row in cursor.fetchall()
        ]
    if groups:
        by_id = {m.membership_id: m for m in members}
        links = OrganisationGroup.members.through.objects.filter(membership__organisation=organisation)
        if membership_ids is not None:
            links = links.filter(membership_id__in=membership_ids)
        for membership_id, group_id in links.values_list("membership_id", "organisationgroup_id"):
            by_id[membership_id].group_ids.add(group_id)
    return members


def recent_writes(*, organisation, since: datetime) -> dict[int, frozenset]:
    """The module progress and practice rows of the organisation's members written at or after
    `since`, by membership: each row as (kind, id, last_activity_at, completed_at), so that two
    reads can tell exactly which members' rows changed between them. One query."""
    progress, practice = ModuleProgress._meta.db_table, ConversationPractice._meta.db_table
    membership = Membership._meta.db_table
    sql = f"""
SELECT m.id, {MODULE}, p.id, p.last_activity_at, p.completed_at
FROM {progress} p JOIN {membership} m ON m.user_id = p.user_id AND m.organisation_id = %s
WHERE p.last_activity_at >= %s OR p.completed_at >= %s
UNION ALL
SELECT m.id, {CONVERSATION}, q.id, q.last_activity_at, q.completed_at
FROM {practice} q JOIN {membership} m ON m.user_id = q.user_id AND m.organisation_id = %s
WHERE q.last_activity_at >= %s"""  # nosec B608: only table names and constants are interpolated
    moment = connection.ops.adapt_datetimefield_value(since)
    rows: dict[int, set] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk, moment, moment, organisation.pk, moment])
        for membership_id, kind, row_id, last, completed in cursor.fetchall():
            rows.setdefault(membership_id, set()).add((kind, row_id, as_moment(last), as_moment(completed)))
    return {membership_id: frozenset(written) for membership_id, written in rows.items()}


def written_since(writes: frozenset, since: datetime) -> frozenset:
    """The rows of `writes` (recent_writes) still written at or after `since`."""
    return frozenset(w for w in writes if _written_since(w, since))


def _written_since(write: tuple, since: datetime) -> bool:
    kind, _id, last, completed = write  # as recent_writes' query selects them
    return last >= since or (kind == MODULE and completed is not None and completed >= since)


BEFORE = date.min  # the month key of every completion before the months counted


def chart_counts(
    *, organisation, plan: Plan, group_ids: tuple[int, ...], months: list[date], now: datetime | None = None
) -> tuple[dict, dict, dict]:
    """Module cells by module and status, and by group and status (a member in several groups
    counts in each), and current completions by month in the current time zone for `months`
    (consecutive first days of months), those before them under BEFORE: the dashboard's charts
    (two queries). The twin of reports._count_cells for the months shown."""
    members = member_counts(organisation=organisation, plan=plan, now=now)
    return chart_counts_of(members, plan=plan, group_ids=group_ids, months=months)


STATUS_OF_LETTER = {status[0]: status for status in STATUSES}


def chart_counts_of(
    members: list[MemberCounts], *, plan: Plan, group_ids: tuple[int, ...], months: list[date], zone=None
) -> tuple[dict, dict, dict]:
    """chart_counts, from members counted by member_counts (no query)."""
    by_module = {m.pk: dict.fromkeys([COMPLETED, IN_PROGRESS, NOT_STARTED, OVERDUE], 0) for m in plan.modules}
    by_group = {pk: dict.fromkeys([COMPLETED, IN_PROGRESS, NOT_STARTED, OVERDUE], 0) for pk in group_ids}
    by_month: dict[date, int] = {}
    cells, in_groups, moments = Counter(), {pk: Counter() for pk in group_ids}, []
    for member in members:
        if member.modules:
            tokens = member.modules.split(",")
            cells.update(tokens)
            for group_id in member.group_ids:
                if group_id in in_groups:
                    in_groups[group_id].update(tokens)
            if member.completions:
                moments.extend(member.completions.split(","))
    counts = (by_module, by_group, by_month)
    _add_tokens(counts, cells, groups=(), sign=1)
    for group_id, tokens in in_groups.items():
        for token, n in tokens.items():
            by_group[group_id][STATUS_OF_LETTER[token[-1]]] += n
    _add_moments(by_month, moments, months=months, zone=zone, sign=1)
    return counts


def add_to_charts(counts, member: MemberCounts, *, months: list[date], zone, sign: int = 1) -> None:
    """Count (or, with sign -1, uncount) one member's module cells in chart_counts_of's counts."""
    if member.modules:
        groups = [counts[1][g] for g in member.group_ids if g in counts[1]]
        _add_tokens(counts, Counter(member.modules.split(",")), groups=groups, sign=sign)
    if member.completions:
        _add_moments(counts[2], member.completions.split(","), months=months, zone=zone, sign=sign)


def _add_tokens(counts, tokens: Counter, *, groups, sign: int) -> None:
    by_module = counts[0]
    for token, n in tokens.items():
        status = STATUS_OF_LETTER[token[-1]]
        module = by_module.get(int(token[:-1]))
        if module is not None:
            module[status] += sign * n
        for group in groups:
            group[status] += sign * n


def _add_moments(by_month: dict, moments: list[str], *, months: list[date], zone, sign: int) -> None:
    """Completions (seconds since 1970) by month of `months` in `zone`, earlier ones under BEFORE."""
    zone = zone or timezone.get_current_timezone()
    starts = [datetime(m.year, m.month, 1, tzinfo=zone) for m in months]
    last = months[-1]
    starts.append(datetime(last.year + last.month // 12, last.month % 12 + 1, 1, tzinfo=zone))
    bounds = [start.timestamp() for start in starts]
    for moment, n in Counter(moments).items():
        index = bisect_right(bounds, int(moment))
        if index <= len(months):
            bucket = BEFORE if index == 0 else months[index - 1]
            by_month[bucket] = by_month.get(bucket, 0) + sign * n


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def as_moment(value) -> datetime | None:
    if isinstance(value, str):  # SQLite: UTC text
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    if isinstance(value, datetime) and value.tzinfo is None:  # SQLite, a column it typed: UTC
        return value.replace(tzinfo=UTC)
    return value


def page_rows(
    *, organisation, plan: Plan, members: list[MemberCounts], now: datetime | None = None, cells=None
) -> list[MemberRow]:
    """Full rows, every cell by the Python rule (cell_status), for one page of `members`: one
    query (none if `cells`, the rows of page_cells_sql, were fetched already). Their
    due_by_assignment is left empty: the dashboard does not show it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if cells is None:
        sql, params = page_cells_sql(organisation=organisation, plan=plan, members=members, now=now)
        cells = []
        if sql:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cells = cursor.fetchall()
    found: dict[tuple[int, int, int], tuple] = {(c[0], c[2], c[3]): c for c in cells}
    validity = organisation.certificate_validity_months
    rows = []
    for member in members:
        row = MemberRow(
            membership_id=member.membership_id,
            key=member.key,
            user_id=member.user_id,
            name=member.name,
            email=member.email,
            role=member.role,
            language=member.language,
            group_ids=set(member.group_ids),
        )
        for kind, ids, target in (
            (MODULE, plan.module_ids, row.cells),
            (CONVERSATION, plan.conversation_ids, row.practice),
        ):
            for item_id in ids:
                cell = found.get((member.membership_id, kind, item_id))
                if cell is None:
                    continue
                _m, _u, _k, _i, due, started, completed_at, _current, _status, facilitator, on = cell
                on = _day(on)
                target[item_id] = cell_status(
                    started=bool(started),
                    completed_at=as_moment(completed_at),
                    validity_months=validity if kind == MODULE else None,
                    due_date=_day(due),
                    today=today,
                    now=now,
                    practice=kind == CONVERSATION,
                    facilitated=(facilitator or "", on) if kind == MODULE and on is not None else None,
                )
        rows.append(row)
    return rows


def page_cells_sql(
    *, organisation, plan: Plan, members: list[MemberCounts], now: datetime
) -> tuple[str, list]:
    """The cells of one page of members, with their facilitated sessions ("" when nothing is
    assigned or the page is empty)."""
    if not members:
        return "", []
    return _cells(organisation, plan, now, membership_ids=[m.membership_id for m in members], detail=True)

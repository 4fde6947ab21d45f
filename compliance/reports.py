"""What an organisation's admins read: the compliance dashboard (summary and the members ×
modules table), the CSV report for an inspector, and one module's completion over time with the
quiz questions most often answered wrong (aggregates only: never one member's answers).

Each runs a fixed number of queries whatever the number of members (tests pin them)."""

import csv
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Membership, Organisation, User
from accounts.services import audit_record
from courses.kept import Kept
from courses.models import Conversation, ConversationPractice, Module, ModuleProgress, TrackModule
from courses.translations import translated
from quizzes.services import most_missed_questions

from .charts import ColumnChart, Segment, column_chart, stacked_bar
from .currency import refresher_labels
from .sqlstatus import (
    MemberCounts,
    add_to_charts,
    chart_counts_of,
    member_counts,
    page_cells_sql,
    page_rows,
    recent_writes,
    written_since,
)
from .status import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    Cell,
    MemberRow,
    Plan,
    Status,
    member_rows,
    organisation_plan,
)

# --- Dashboard --------------------------------------------------------------------------------


@dataclass
class Summary:
    """Members by progress (completed + in progress + not started = members with something
    assigned), and, independently, how many are overdue: someone who never started and is past
    the due date counts in both "not started" and "overdue"."""

    members: int = 0
    assigned: int = 0
    cells: int = 0
    cells_completed: int = 0
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    not_started_overdue: int = 0
    # Practice conversations assigned (member x conversation), and how many are practised.
    practice_cells: int = 0
    practised: int = 0

    @property
    def percent(self) -> int:
        return int(100 * self.cells_completed / self.cells) if self.cells else 0

    @classmethod
    def of(cls, rows) -> "Summary":
        """The summary of every member (MemberRow or MemberCounts) in `rows`."""
        summary = cls()
        for row in rows:
            summary.add(row)
        return summary

    def add(self, row: MemberRow, sign: int = 1) -> None:
        """Count a member (MemberRow or MemberCounts) in, or with sign -1 out again."""
        self.members += sign
        if not row.total:
            return
        self.assigned += sign
        self.cells += sign * row.total
        self.cells_completed += sign * row.completed
        self.practice_cells += sign * row.practice_cells
        self.practised += sign * row.practised
        progress = row.progress
        self.completed += sign * (progress == COMPLETED)
        self.in_progress += sign * (progress == IN_PROGRESS)
        self.not_started += sign * (progress == NOT_STARTED)
        self.overdue += sign * row.overdue
        self.not_started_overdue += sign * (progress == NOT_STARTED and row.overdue)


# The dashboard's member filter: each says exactly which members it means (review B4).
MEMBER_FILTERS = {
    NOT_STARTED: lambda row: row.progress == NOT_STARTED,
    "not_started_overdue": lambda row: row.progress == NOT_STARTED and row.overdue,
    IN_PROGRESS: lambda row: row.progress == IN_PROGRESS,
    OVERDUE: lambda row: row.overdue,
    COMPLETED: lambda row: row.progress == COMPLETED,
}


SORTS = {
    "name": (lambda r: (r.name.lower(), r.user_id), False),
    "-name": (lambda r: (r.name.lower(), r.user_id), True),
    "progress": (lambda r: (r.percent, r.name.lower()), False),
    "-progress": (lambda r: (r.percent, r.name.lower()), True),
}


# Member rows by (organisation, data version), per process. Computing every member's cells costs
# about 1.3 s for 10,000 members x 8 modules (measured: bench/run, docs/performance.md), while
# the version check is one indexed query; admins refresh far more often than the data changes.
_ROWS_CACHE: dict[tuple, "DashboardData"] = {}
_ROWS_CACHE_SIZE = 16


def organisation_data_version(organisation: Organisation) -> tuple:
    """Changes whenever a dashboard cell could: any member's progress (ModuleProgress is touched
    by every lesson, attempt and completion; ConversationPractice by every practice choice), any
    admin change (each writes an audit event), the validity period, the member count (accounts
    deleted without an audit event), the course content (`_data_version_sql`) and the hour (due
    dates and validity periods pass with time). One query."""
    now = timezone.now()
    sql, params = _data_version_sql(organisation, now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return _version(organisation, row, now)


def _data_version_sql(organisation: Organisation, now) -> tuple[str, list]:
    """The organisation's last audit event, member count, its members' latest progress,
    completion and practice written since the start of the previous hour, and its validity
    period; then the course content's version (see `plan_of`: six lookups in tables of a few
    dozen rows). The version holds the hour, so an older write cannot be newer than counts made
    within it, and each latest write is one step down an index (moduleprogress_last_write,
    moduleprogress_last_done, practice_last_write) however many members there are. Written as
    SQL: read on every dashboard view, the ORM took several times longer to build it than the
    database to run it."""
    since = connection.ops.adapt_datetimefield_value(
        now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    )
    t = {
        "organisation": Organisation._meta.db_table,
        "membership": Membership._meta.db_table,
        "audit": AuditEvent._meta.db_table,
        "progress": ModuleProgress._meta.db_table,
        "practice": ConversationPractice._meta.db_table,
        "module": Module._meta.db_table,
        "conversation": Conversation._meta.db_table,
        "track_module": TrackModule._meta.db_table,
    }
    members = f"SELECT user_id FROM {t['membership']} WHERE organisation_id = %s"  # nosec B608: a table name

    def latest(table: str, column: str) -> str:
        return (
            f"(SELECT {column} FROM {table} WHERE user_id IN ({members}) AND {column} >= %s "  # nosec B608: names
            f"ORDER BY {column} DESC LIMIT 1)"
        )

    sql = f"""
SELECT (SELECT id FROM {t["audit"]} WHERE organisation_id = o.id ORDER BY id DESC LIMIT 1),
       (SELECT COUNT(*) FROM {t["membership"]} WHERE organisation_id = o.id),
       {latest(t["progress"], "last_activity_at")},
       {latest(t["progress"], "completed_at")},
       {latest(t["practice"], "last_activity_at")},
       o.certificate_validity_months,
       (SELECT MAX(updated_at) FROM {t["module"]}), (SELECT COUNT(*) FROM {t["module"]}),
       (SELECT MAX(updated_at) FROM {t["conversation"]}), (SELECT COUNT(*) FROM {t["conversation"]}),
       (SELECT MAX(id) FROM {t["track_module"]}), (SELECT COUNT(*) FROM {t["track_module"]})
FROM {t["organisation"]} o WHERE o.id = %s"""  # nosec B608: only table names and %s placeholders are interpolated
    pk = organisation.pk
    return sql, [pk, since, pk, since, pk, since, pk]


# The version's columns (_data_version_sql), then the hour. In the version tuple (`_version`),
# after the organisation: the last audit event and member count, the members' three latest
# writes (`_PROGRESS`), the validity period, the course content's six values (`_CONTENT`).
VERSION_COLUMNS = 12
_AUDIT = 1
_PROGRESS = slice(3, 6)
_CONTENT = slice(7, 13)


def _without_progress(version: tuple) -> tuple:
    return version[: _PROGRESS.start] + version[_PROGRESS.stop :]


def _version(organisation: Organisation, row, now) -> tuple:
    """The data version from a row that starts with _data_version_sql's columns."""
    return (organisation.pk, *(str(v) for v in row[:VERSION_COLUMNS]), now.strftime("%Y-%m-%d %H"))


# Each organisation's plan by (organisation, last audit event, course content version), per
# process: reading it was about 12 of a refresh's 28 ms of CPU (docs/performance.md), and it
# changes only when an admin changes assignments or groups (each writes an audit event, the
# Django admin's assignment changes too) or `load_content` runs. A load saves every module
# (updated_at; retired ones are stamped too) and conversation and recreates every track's modules
# (new ids) in one transaction, so the maxima and counts of those tables move with any change to
# titles, positions, retirements or a track's modules (tests/compliance/test_plan_cache.py);
# tracks themselves reach the plan only through their modules. A kept plan is shared by every
# request and language: its rows are only ever read (`translated`, never `localize`).
_PLANS = Kept(16)


def plan_of(organisation: Organisation, version: tuple) -> Plan:
    """The organisation's plan (status.organisation_plan) as of `version`
    (organisation_data_version): two queries the first time, none after."""
    key = (organisation.pk, version[_AUDIT], *version[_CONTENT])
    return _PLANS.get(key, lambda: organisation_plan(organisation))


@dataclass
class DashboardData:
    """Every member's row with its overall status, and the summary: what one version of an
    organisation's data looks like, computed once and then only filtered."""

    rows: list[MemberRow]
    summary: Summary
    # The charts' counts for each set of groups asked about: counting 10,000 members' cells is
    # most of a refresh's work, and the rows do not change within a version (docs/performance.md).
    _counts: dict = field(default_factory=dict)

    def counts(
        self, *, plan: Plan, group_ids: tuple[int, ...], today: date | None = None
    ) -> tuple[dict, dict, dict]:
        """Cells by module and status, by group and status, and completions by month (in the
        current time zone), counted once per data version, plan and set of groups."""
        key = (tuple(m.pk for m in plan.modules), group_ids, timezone.get_current_timezone_name())
        if key not in self._counts:
            self._counts[key] = _count_cells(self.rows, plan=plan, group_ids=group_ids)
        return self._counts[key]


def _count_cells(rows: list[MemberRow], *, plan: Plan, group_ids: tuple[int, ...]) -> tuple[dict, dict, dict]:
    by_module = {m.pk: dict.fromkeys(CELL_ORDER, 0) for m in plan.modules}
    by_group = {pk: dict.fromkeys(CELL_ORDER, 0) for pk in group_ids}
    by_month: dict[date, int] = {}
    for row in rows:
        for module_id, cell in row.cells.items():
            by_module[module_id][cell.status] += 1
            for group_id in row.group_ids:
                if group_id in by_group:
                    by_group[group_id][cell.status] += 1
            if cell.status == COMPLETED and cell.completed_at:
                month = timezone.localtime(cell.completed_at).date().replace(day=1)
                by_month[month] = by_month.get(month, 0) + 1
    return by_module, by_group, by_month


def organisation_dashboard_data(*, organisation: Organisation, plan: Plan) -> DashboardData:
    """Recomputed only when `organisation_data_version` changes."""
    key = (organisation_data_version(organisation), tuple((a.pk, a.due_date) for a in plan.assignments))
    data = _ROWS_CACHE.get(key)
    if data is None:
        rows = list(member_rows(organisation=organisation, plan=plan))
        data = DashboardData(rows=rows, summary=Summary.of(rows))
        if len(_ROWS_CACHE) >= _ROWS_CACHE_SIZE:
            _ROWS_CACHE.pop(next(iter(_ROWS_CACHE)))
        _ROWS_CACHE[key] = data
    return data


# --- The dashboard's charts, from the same cached rows (no further query) --------------------

CELL_ORDER = [COMPLETED, IN_PROGRESS, NOT_STARTED, OVERDUE]
PROGRESS_ORDER = [COMPLETED, IN_PROGRESS, NOT_STARTED]
MONTHS_SHOWN = 12


@dataclass
class Bar:
    """One chart row: how many of something are in each status, as counts and as a bar."""

    label: str
    counts: dict[str, int]
    order: list[str]
    url: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def percent(self) -> int:
        return int(100 * self.counts.get(COMPLETED, 0) / self.total) if self.total else 0

    @property
    def segments(self) -> list[Segment]:
        return stacked_bar([(key, self.counts.get(key, 0)) for key in self.order])

    @property
    def items(self) -> list[tuple[str, str, int]]:
        """(status, label, count) in chart order, for the table beside the bar."""
        labels = dict(Status.choices)
        return [(key, labels[key], self.counts.get(key, 0)) for key in self.order]

    @property
    def shown(self) -> list[tuple[str, str, int]]:
        return [item for item in self.items if item[2]]


@dataclass
class DashboardCharts:
    progress: Bar  # members by progress
    modules: list[Bar]  # each module's assigned members by status
    groups: list[Bar]  # each group's assigned modules by status
    months: list[tuple[date, int, int]]  # month, completions that month, completions so far
    timeline: ColumnChart


def charts_key(*, summary: Summary, charts: DashboardCharts, plan: Plan) -> tuple:
    """Everything the dashboard's summary and charts show, as plain values: the key of their kept
    markup (with the organisation, the day and the language)."""

    def bar(b: Bar) -> tuple:
        return (b.label, b.url, tuple(b.order), tuple(sorted(b.counts.items())))

    return (
        bool(plan.modules),
        bool(plan.conversations),
        tuple(getattr(summary, name) for name in Summary.__dataclass_fields__),
        bar(charts.progress),
        tuple(bar(b) for b in charts.modules),
        tuple(bar(b) for b in charts.groups),
        tuple(charts.months),
        timezone.get_current_timezone_name(),
    )


def _months_back(today: date, n: int) -> list[date]:
    months, year, month = [], today.year, today.month
    for _i in range(n):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def dashboard_charts(
    *, data: "DashboardData | DashboardCounts", plan: Plan, groups: list, today: date, module_url=None
) -> DashboardCharts:
    """Completion per module and per group, members by progress and completions by month, all
    counted from the dashboard's rows."""
    by_module, by_group, by_month = data.counts(plan=plan, group_ids=tuple(g.pk for g in groups), today=today)
    summary = data.summary
    progress = Bar(
        _("Members"),
        {COMPLETED: summary.completed, IN_PROGRESS: summary.in_progress, NOT_STARTED: summary.not_started},
        PROGRESS_ORDER,
    )
    modules = [
        Bar(translated(m, "short_name"), by_module[m.pk], CELL_ORDER, module_url(m) if module_url else "")
        for m in plan.modules
    ]
    group_bars = [Bar(g.name, by_group[g.pk], CELL_ORDER) for g in groups if sum(by_group[g.pk].values())]
    shown = _months_back(today, MONTHS_SHOWN)
    so_far = sum(n for month, n in by_month.items() if month < shown[0])
    months = []
    for month in shown:
        so_far += by_month.get(month, 0)
        months.append((month, by_month.get(month, 0), so_far))
    timeline = column_chart([(date_format(m, "M"), n) for m, n, _total in months])
    return DashboardCharts(progress, modules, group_bars, months, timeline)


def _filtered(members: list, *, group_id: int | None, status: str, search: str, sort: str) -> list:
    """The members (MemberRow or MemberCounts) that pass the dashboard's filters, sorted."""
    search = search.strip().lower()
    wanted = MEMBER_FILTERS.get(status)
    if group_id is not None or wanted or search:
        members = [
            row
            for row in members
            if (group_id is None or group_id in row.group_ids)
            and (wanted is None or wanted(row))
            and (not search or search in row.name.lower() or search in row.email.lower())
        ]
    key, reverse = SORTS.get(sort, SORTS["name"])
    if sort not in ("name", ""):
        members = sorted(members, key=key, reverse=reverse)
    return members


# The dashboard's counts by (organisation, data version), per process, and each organisation's
# latest key: a refresh guesses its page from the latest counts and asks for the data version and
# that page's cells in one query. A change to members' progress alone recounts only the members
# whose progress moved; any other change recounts everyone in the database (docs/performance.md).
_COUNTS_CACHE: dict[tuple, "DashboardCounts"] = {}
_LATEST: dict[int, tuple] = {}
PAGES_KEPT = 64
# A progress row is written with the time of its request and committed a moment later: an update
# takes every member whose progress moved since a minute before the last count was read, so that
# a transaction still open then (or another server's clock a little behind) is not missed.
CHANGE_MARGIN = timedelta(minutes=1)
# Beyond this share of the members, counting everyone again is as cheap as updating.
UPDATE_AT_MOST = 0.25


@dataclass
class DashboardCounts:
    """Every member's counts and the summary, counted by the database (compliance.sqlstatus):
    the dashboard's filters, sorts and summary; the charts' counts are counted once per data
    version, set of groups, time zone and months shown, from each member's module cells."""

    organisation: Organisation
    members: list[MemberCounts]
    summary: Summary
    version: tuple = ()  # organisation_data_version
    counted_at: datetime | None = None  # when the version was read
    # The members' progress rows written since a minute before (recent_writes), read before
    # their counts: a write committed in between shows as a change at the next view.
    writes: dict = field(default_factory=dict)
    plan_key: tuple = ()
    plan: Plan | None = None  # the plan counted with (plan_of)
    _counts: dict = field(default_factory=dict)
    # Pages shown in this version: (group, status, search, sort, page number) -> full rows.
    pages: dict = field(default_factory=dict)

    def keep(self, wanted: tuple, number: int, rows: list[MemberRow]) -> None:
        if len(self.pages) >= PAGES_KEPT:
            self.pages.pop(next(iter(self.pages)))
        self.pages[(*wanted, number)] = rows

    def counts(
        self, *, plan: Plan, group_ids: tuple[int, ...], today: date | None = None
    ) -> tuple[dict, dict, dict]:
        months = tuple(_months_back(today or timezone.localdate(), MONTHS_SHOWN))
        key = (tuple(m.pk for m in plan.modules), group_ids, timezone.get_current_timezone_name(), months)
        if key not in self._counts:
            self._counts[key] = chart_counts_of(
                self.members, plan=plan, group_ids=group_ids, months=list(months)
            )
        return self._counts[key]

    def progress_moved_only(self, version: tuple, plan_key: tuple) -> bool:
        """Whether `version` differs from this one's only in members' progress (not in the
        audit trail, the member count, the validity period, the content or the hour)."""
        return plan_key == self.plan_key and _without_progress(version) == _without_progress(self.version)

    def updated(self, *, plan: Plan, version: tuple, now: datetime) -> "DashboardCounts | None":
        """These counts with the members whose progress rows changed since they were read
        counted again (two queries), or None when so many moved that counting everyone is
        cheaper. Which members moved is told exactly: their rows written since a minute before
        the last read are compared with those that read saw."""
        since = self.counted_at - CHANGE_MARGIN
        writes = recent_writes(organisation=self.organisation, since=since)
        moved = {
            membership_id
            for membership_id in writes.keys() | self.writes.keys()
            if writes.get(membership_id, frozenset())
            != written_since(self.writes.get(membership_id, frozenset()), since)
        }
        if len(moved) > UPDATE_AT_MOST * len(self.members):
            return None
        counted = {
            member.membership_id: member
            for member in member_counts(
                organisation=self.organisation, plan=plan, now=now, membership_ids=sorted(moved), groups=False
            )
        }
        members, summary = [], replace(self.summary)
        counts = {key: _copied(value) for key, value in self._counts.items()}
        zones = {key: zoneinfo.ZoneInfo(key[2]) for key in counts}
        for member in self.members:
            new = counted.get(member.membership_id)
            if new is not None:
                new.group_ids = member.group_ids  # a change of groups is an audited change
                summary.add(member, sign=-1)
                summary.add(new)
                for key, value in counts.items():
                    add_to_charts(value, member, months=list(key[3]), zone=zones[key], sign=-1)
                    add_to_charts(value, new, months=list(key[3]), zone=zones[key])
                member = new
            members.append(member)
        return DashboardCounts(
            organisation=self.organisation,
            members=members,
            summary=summary,
            version=version,
            counted_at=now,
            writes=writes,
            plan_key=self.plan_key,
            plan=plan,
            _counts=counts,
            # Pages shown in the last version in which no member moved are still right.
            pages={
                wanted: rows
                for wanted, rows in self.pages.items()
                if not any(row.membership_id in moved for row in rows)
            },
        )


def _copied(counts: tuple[dict, dict, dict]) -> tuple[dict, dict, dict]:
    by_module, by_group, by_month = counts
    return (
        {k: dict(v) for k, v in by_module.items()},
        {k: dict(v) for k, v in by_group.items()},
        dict(by_month),
    )


def _version_and_cells(
    organisation: Organisation, plan: Plan | None, members: list[MemberCounts] | None, now
):
    """The data version (as organisation_data_version) and, when `members` are given, their cells
    under `plan` (sqlstatus.page_cells_sql rows), in one query."""
    version_sql, version_params = _data_version_sql(organisation, now)
    cells_sql, cells_params = (
        page_cells_sql(organisation=organisation, plan=plan, members=members, now=now)
        if plan is not None and members
        else ("", [])
    )
    if cells_sql:
        sql = f"SELECT v.*, c.* FROM ({version_sql}) v LEFT JOIN ({cells_sql}) c ON 1 = 1"  # nosec B608: two parametrised queries
        params = [*version_params, *cells_params]
    else:
        sql, params = version_sql, list(version_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    version = _version(organisation, rows[0], now)
    return version, [
        row[VERSION_COLUMNS:]
        for row in rows
        if len(row) > VERSION_COLUMNS and row[VERSION_COLUMNS] is not None
    ]


def dashboard_page(
    *,
    organisation: Organisation,
    group_id: int | None,
    status: str,
    search: str,
    sort: str,
    page_number,
    page_size: int,
) -> tuple[DashboardCounts, Page, list[MemberRow]]:
    """The dashboard's counts (with the plan they were counted with: `data.plan`), the page of
    members that pass the filters, and that page's full rows (every cell by the Python rule). A
    refresh of unchanged data is one query (with the page's cells, under the latest counts' plan,
    unless that page was shown in this version already). After members' progress moved, three
    more (who moved, their cells, the page's cells); after any other change, four (every member's
    cells, the members, their groups, the page's cells), and two for the plan if assignments or
    the course changed: each a fixed number whatever the number of members."""
    now = timezone.now()
    guess = _COUNTS_CACHE.get(_LATEST.get(organisation.pk, ()))
    page = shown = None
    wanted = (group_id, status, search, sort)
    if guess is not None:
        filtered = _filtered(guess.members, group_id=group_id, status=status, search=search, sort=sort)
        page = Paginator(filtered, page_size).get_page(page_number)
        shown = _kept(guess, wanted, page)
    # A page already shown in this data version needs no cells (its rows were kept, as the
    # whole table was before); another page's cells come with the version, in the same query.
    version, cells = _version_and_cells(
        organisation,
        guess.plan if guess else None,
        list(page.object_list) if page and not shown else None,
        now,
    )
    plan = plan_of(organisation, version)
    plan_key = tuple((a.pk, a.due_date) for a in plan.assignments)
    key = (version, plan_key)
    data = _COUNTS_CACHE.get(key)
    if data is not None and data is guess:
        # The same version: the same last audit event and content, so guess.plan (which the
        # cells were read under) is this version's plan.
        plan = data.plan
        if shown is None:
            shown = page_rows(
                organisation=organisation, plan=plan, members=list(page.object_list), now=now, cells=cells
            )
            data.keep(wanted, page.number, shown)
        return data, page, shown
    if data is None and guess is not None and guess.progress_moved_only(version, plan_key):
        data = guess.updated(plan=plan, version=version, now=now)
    if data is None:
        writes = recent_writes(organisation=organisation, since=now - CHANGE_MARGIN)
        members = member_counts(organisation=organisation, plan=plan, now=now)
        data = DashboardCounts(
            organisation=organisation,
            members=members,
            summary=Summary.of(members),
            version=version,
            counted_at=now,
            writes=writes,
            plan_key=plan_key,
            plan=plan,
        )
    if key not in _COUNTS_CACHE:
        # Only the latest version of an organisation's counts is worth keeping.
        if guess is not None and guess.organisation.pk == organisation.pk:
            _COUNTS_CACHE.pop(_LATEST[organisation.pk], None)
        if len(_COUNTS_CACHE) >= _ROWS_CACHE_SIZE:
            _COUNTS_CACHE.pop(next(iter(_COUNTS_CACHE)))
        _COUNTS_CACHE[key] = data
    _LATEST[organisation.pk] = key
    filtered = _filtered(data.members, group_id=group_id, status=status, search=search, sort=sort)
    page = Paginator(filtered, page_size).get_page(page_number)
    shown = _kept(data, wanted, page)
    if shown is None:
        shown = page_rows(organisation=organisation, plan=plan, members=list(page.object_list), now=now)
        data.keep(wanted, page.number, shown)
    return data, page, shown


def _kept(data: DashboardCounts, wanted: tuple, page: Page) -> list[MemberRow] | None:
    """The rows kept for this page, if it holds the same members: after an update, a page kept
    from the version before (none of its members moved) may have been joined or left by a member
    who did."""
    shown = data.pages.get((*wanted, page.number))
    if shown is not None and [r.membership_id for r in shown] == [m.membership_id for m in page.object_list]:
        return shown
    return None


# --- CSV report -------------------------------------------------------------------------------

# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The value as text a spreadsheet shows as text: a leading formula character is escaped
    with an apostrophe, as OWASP recommends."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


# Lines are sent in chunks of about this many characters: one write per line was 80,000 socket
# writes for 10,000 members x 8 modules; a chunk keeps memory flat all the same.
CSV_CHUNK = 64 * 1024


def _facilitated(cell: Cell) -> str:
    """ "<facilitator>, <day>" when the completion came from a facilitated group session."""
    if cell.facilitated is None:
        return ""
    name, day = cell.facilitated
    return f"{name}, {day.isoformat()}"


def report_csv_lines(*, organisation: Organisation, plan: Plan, group_names: dict[int, str]) -> Iterator[str]:
    """The compliance report, one line per member and assigned module, generated as the rows
    stream from the database (constant memory), in chunks of whole lines; the header goes alone
    and first, so the download starts at once."""
    writer = csv.writer(_Echo())
    refresher = refresher_labels(organisation=organisation, plan=plan)
    yield writer.writerow(
        [
            _("Name"),
            _("E-mail"),
            _("Role"),
            _("Groups"),
            _("Module"),
            _("Status"),
            _("Due date"),
            _("Completed on"),
            _("Expires on"),
            _("Facilitated session"),
        ]
        + ([_("Refreshers")] if refresher else [])
    )
    chunk: list[str] = []
    size = 0
    titles = {key: csv_safe(title) for key, title in plan.titles.items()}
    labels: dict[tuple[str, bool], str] = {}  # a label is the same for every cell of its kind
    zone = timezone.get_current_timezone()  # once: looking it up per date was a quarter of the time

    def day(moment) -> str:
        return moment.astimezone(zone).date().isoformat() if moment else ""

    for row in member_rows(organisation=organisation, plan=plan):
        groups = "; ".join(sorted(group_names[g] for g in row.group_ids if g in group_names))
        member = [csv_safe(row.name), csv_safe(row.email), csv_safe(row.role), csv_safe(groups)]
        for title, cell in row_items(row, plan, titles):
            kind = (cell.status, cell.practice)
            if kind not in labels:
                labels[kind] = csv_safe(cell.label)
            line = writer.writerow(
                [
                    *member,
                    title,
                    labels[kind],
                    cell.due_date.isoformat() if cell.due_date else "",
                    day(cell.completed_at),
                    day(cell.expires_at),
                    csv_safe(_facilitated(cell)),
                    *([csv_safe(refresher(row, cell))] if refresher else []),
                ]
            )
            chunk.append(line)
            size += len(line)
        if size >= CSV_CHUNK:
            yield "".join(chunk)
            chunk, size = [], 0
    if chunk:
        yield "".join(chunk)


def row_items(row: MemberRow, plan: Plan, titles: dict | None = None) -> Iterator[tuple[str, Cell]]:
    """A member's assigned modules, then practice conversations, as (title, cell). `titles`:
    plan.titles, when the caller already has them (they are built anew on each read)."""
    titles = titles if titles is not None else plan.titles
    for module_id, cell in row.cells.items():
        yield titles[("module", module_id)], cell
    for conversation_id, cell in row.practice.items():
        yield titles[("conversation", conversation_id)], cell


def report_export_record(*, organisation: Organisation, actor: User) -> None:
    """Audit that `actor` downloaded the CSV report (it holds every member's e-mail)."""
    audit_record(organisation=organisation, actor=actor, action=AuditEvent.Action.EXPORT, target="CSV")


# --- One module across the organisation -------------------------------------------------------


@dataclass
class ModuleReport:
    completions: list[tuple[date, int, int]]  # month, completed that month, completed so far
    wrong_questions: list[dict]
    # The module's practice conversations, each with `practised` (current members who reached an
    # ending) and `members` (the organisation's member count).
    conversations: list[Conversation]


def module_report(*, organisation: Organisation, module: Module, limit: int = 5) -> ModuleReport:
    """Completions by month among current members, the questions members most often get
    wrong, and how many members practised each of the module's conversations (3 queries)."""
    members = organisation.memberships.values("user_id")
    by_month = (
        ModuleProgress.objects.filter(module=module, user__in=members, completed_at__isnull=False)
        .annotate(month=TruncMonth("completed_at"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    completions, total = [], 0
    for month, n in by_month:
        total += n
        completions.append((month, n, total))
    wrong = most_missed_questions(module=module, user_ids=members, limit=limit)
    member_count = (
        organisation.memberships.order_by().values("organisation").annotate(n=Count("id")).values("n")
    )
    conversations = list(
        module.conversations.filter(is_active=True).annotate(
            practised=Count(
                "practices",
                filter=Q(practices__completed_at__isnull=False, practices__user__in=members),
            ),
            members=Subquery(member_count[:1]),
        )
    )
    return ModuleReport(completions=completions, wrong_questions=wrong, conversations=conversations)

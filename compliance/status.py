"""Where each member stands on what their organisations assigned: cells, plans, member rows and
the learner's own assigned modules. The rules, as plain functions:

- An assignment is a module or a whole track (which expands to its active modules), for
  everyone, a group or named members. Who it applies to is decided at read time, so assignments
  to everyone or a group also apply to people who join later.
- A member's due date for an assignment is their extension's date if an admin gave one, else the
  assignment's. A module assigned several times is due on the earliest of its due dates.
- An assigned module is completed iff the member's completion is current under the
  organisation's validity period (compliance.validity, the one rule). A completion from before
  the assignment counts.
- Otherwise it is overdue once its due date has passed, in progress if the member has started it
  (any ModuleProgress row: opening or completing a lesson creates one), else not started.
- An assignment may instead be a practice conversation ("practise"). It is completed once the
  member has practised it (reached any ending: nothing is graded), and that never runs out;
  otherwise overdue, in progress (a choice made) or not started by the same rules. Its cells sit
  beside the module cells (`MemberRow.practice`) and count the same in every total.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain

from django.db import models
from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationGroup
from courses.models import Conversation, ConversationPractice, Module, ModuleProgress, TrackModule
from courses.translations import translated

from .models import Assignment, AssignmentExtension
from .validity import completion_expires_at, completion_is_current


class Status(models.TextChoices):
    """A member's status in an assigned module (and overall): the one vocabulary of the
    dashboard, its filter, the reports, the CSV and the learner's assignment cards."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    OVERDUE = "overdue", _("Overdue")


NOT_STARTED, IN_PROGRESS, COMPLETED, OVERDUE = Status.values
STATUSES = Status.values


# --- Rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One member's status in one assigned module."""

    status: str
    due_date: date | None = None
    completed_at: datetime | None = None
    expires_at: datetime | None = None
    # Completed once, but the organisation's validity period has run out: due again.
    expired_at: datetime | None = None
    # A practice conversation's cell: completed reads "Practised".
    practice: bool = False
    # The member has opened or completed something of the module: an overdue cell may or may not
    # have been started, and the dashboard tells "never started" apart from "overdue".
    started: bool = False
    # Completed in a facilitated group session: (facilitator's name, session day), else None.
    facilitated: tuple[str, date] | None = None

    @property
    def label(self) -> str:
        if self.practice and self.status == COMPLETED:
            return _("Practised")
        return Status(self.status).label


def cell_status(
    *,
    started: bool,
    completed_at: datetime | None,
    validity_months: int | None,
    due_date: date | None,
    today: date,
    now: datetime,
    practice: bool = False,
    facilitated: tuple[str, date] | None = None,
) -> Cell:
    expires_at = completion_expires_at(completed_at, validity_months)
    started = started or completed_at is not None
    if completion_is_current(completed_at=completed_at, validity_months=validity_months, now=now):
        return Cell(
            COMPLETED,
            due_date,
            completed_at,
            expires_at,
            practice=practice,
            started=True,
            facilitated=facilitated,
        )
    if due_date is not None and today > due_date:
        return Cell(OVERDUE, due_date, expired_at=expires_at, practice=practice, started=started)
    return Cell(
        IN_PROGRESS if started else NOT_STARTED,
        due_date,
        expired_at=expires_at,
        practice=practice,
        started=started,
    )


def earliest(dates: Iterable[date | None]) -> date | None:
    known = [d for d in dates if d is not None]
    return min(known) if known else None


def overall_status(cells: Iterable[Cell]) -> str | None:
    """A member's status across their assigned modules (None when nothing is assigned)."""
    statuses = [c.status for c in cells]
    if not statuses:
        return None
    if OVERDUE in statuses:
        return OVERDUE
    if all(s == COMPLETED for s in statuses):
        return COMPLETED
    if all(s == NOT_STARTED for s in statuses):
        return NOT_STARTED
    return IN_PROGRESS


# --- The organisation's plan: its assignments and the modules they cover (2 queries) ----------


@dataclass
class Plan:
    assignments: list[Assignment]
    modules: list[Module]
    module_ids_of: dict[int, list[int]]
    # Practice conversations assigned, and the one each "practise" assignment names (if active).
    conversations: list[Conversation] = field(default_factory=list)
    conversation_of: dict[int, int] = field(default_factory=dict)
    retired_practice: set[int] = field(default_factory=set)

    @property
    def module_ids(self) -> list[int]:
        return [m.pk for m in self.modules]

    @property
    def conversation_ids(self) -> list[int]:
        return [c.pk for c in self.conversations]

    @property
    def titles(self) -> dict[tuple[str, int], str]:
        """("module", id) or ("conversation", id) -> the title a report prints."""
        titles = {("module", m.pk): translated(m, "title") for m in self.modules}
        for c in self.conversations:
            titles[("conversation", c.pk)] = _("Practise: %(title)s") % {"title": translated(c, "title")}
        return titles


def expand_tracks(assignments: list[Assignment]) -> dict[int, list[Module]]:
    """Active modules of each assignment's module or track (one query if any track)."""
    track_ids = {a.track_id for a in assignments if a.track_id}
    by_track: dict[int, list[Module]] = {}
    if track_ids:
        for tm in (
            TrackModule.objects.filter(track_id__in=track_ids, module__is_active=True)
            .select_related("module")
            .order_by("track_id", "position")
        ):
            by_track.setdefault(tm.track_id, []).append(tm.module)
    expanded = {}
    for a in assignments:
        if a.module_id:
            expanded[a.pk] = [a.module] if a.module.is_active else []
        elif a.track_id:
            expanded[a.pk] = by_track.get(a.track_id, [])
        else:  # a practice conversation: no module to complete
            expanded[a.pk] = []
    return expanded


def _practised(conversation: Conversation | None) -> bool:
    return conversation is not None and conversation.is_active and conversation.module.is_active


def organisation_plan(organisation: Organisation) -> Plan:
    assignments = list(
        organisation.assignments.select_related("module", "track", "group", "conversation__module").order_by(
            F("due_date").asc(nulls_last=True), "created_at", "pk"
        )
    )
    expanded = expand_tracks(assignments)
    modules: dict[int, Module] = {}
    for a in assignments:
        for m in expanded[a.pk]:
            modules.setdefault(m.pk, m)
    conversations = {a.conversation_id: a.conversation for a in assignments if _practised(a.conversation)}
    return Plan(
        assignments=assignments,
        modules=sorted(modules.values(), key=lambda m: (m.position, m.slug)),  # course order
        module_ids_of={pk: [m.pk for m in ms] for pk, ms in expanded.items()},
        conversations=sorted(conversations.values(), key=lambda c: (c.position, c.slug)),
        conversation_of={a.pk: a.conversation_id for a in assignments if a.conversation_id in conversations},
        retired_practice={
            a.pk for a in assignments if a.conversation_id and a.conversation_id not in conversations
        },
    )


# --- Members' rows: streamed, in a fixed number of queries for any number of members ---------


@dataclass
class MemberRow:
    membership_id: int
    key: str
    user_id: int
    name: str
    email: str
    role: str
    language: str
    group_ids: set[int]
    # Applicable assignment id -> this member's due date for it.
    due_by_assignment: dict[int, date | None] = field(default_factory=dict)
    cells: dict[int, Cell] = field(default_factory=dict)  # by module id
    practice: dict[int, Cell] = field(default_factory=dict)  # by conversation id

    def all_cells(self) -> Iterator[Cell]:
        return chain(self.cells.values(), self.practice.values())

    @property
    def status(self) -> str | None:
        return overall_status(self.all_cells())

    @property
    def progress(self) -> str | None:
        """Where the member is across their assigned modules, whatever the due dates: completed
        (all of them), not started (none opened) or in progress. None when nothing is assigned.
        With `overdue`, the dashboard's two independent questions. Practice conversations count
        like modules."""
        cells = list(self.all_cells())
        if not cells:
            return None
        if all(c.status == COMPLETED for c in cells):
            return COMPLETED
        if not any(c.started for c in cells):
            return NOT_STARTED
        return IN_PROGRESS

    @property
    def overdue(self) -> bool:
        """At least one assigned module (or conversation) is past its due date and not completed."""
        return any(c.status == OVERDUE for c in self.all_cells())

    @property
    def completed(self) -> int:
        return sum(1 for c in self.all_cells() if c.status == COMPLETED)

    @property
    def total(self) -> int:
        return len(self.cells) + len(self.practice)

    @property
    def practice_cells(self) -> int:
        return len(self.practice)

    @property
    def practised(self) -> int:
        return sum(1 for c in self.practice.values() if c.status == COMPLETED)

    @property
    def percent(self) -> int:
        return int(100 * self.completed / self.total) if self.total else 0


class _Follower:
    """One of several streams sorted the same way as the members' stream: `take(key)` returns
    the rows at the head of the stream that belong to that member. Every row's member is in the
    members' stream, so a row that does not match belongs to a later member."""

    def __init__(self, rows: Iterable[tuple]):
        self.rows = iter(rows)
        self.head = next(self.rows, None)

    def take(self, key) -> list[tuple]:
        taken = []
        while self.head is not None and self.head[0] == key:
            taken.append(self.head)
            self.head = next(self.rows, None)
        return taken


CHUNK = 2000


def member_rows(
    *, organisation: Organisation, plan: Plan, today: date | None = None, now: datetime | None = None
) -> Iterator[MemberRow]:
    """Every member with their assigned modules' cells, sorted by name, in five queries whatever
    the number of members: the members, then their group links, named assignments, extensions
    and module progress, each streamed in the same order and merged as they go; a sixth, their
    practice of the assigned conversations, only when a conversation is assigned."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    by_membership = ("membership__user__name", "membership__user_id")
    by_user = ("user__name", "user_id")
    members = (
        organisation.memberships.order_by("user__name", "user_id")
        .values_list("id", "key", "user_id", "user__name", "user__email", "role", "user__language")
        .iterator(chunk_size=CHUNK)
    )
    groups = _Follower(
        OrganisationGroup.members.through.objects.filter(membership__organisation=organisation)
        .order_by(*by_membership)
        .values_list("membership_id", "organisationgroup_id")
        .iterator(chunk_size=CHUNK)
    )
    named = _Follower(
        Assignment.members.through.objects.filter(
            membership__organisation=organisation, assignment__organisation=organisation
        )
        .order_by(*by_membership)
        .values_list("membership_id", "assignment_id")
        .iterator(chunk_size=CHUNK)
    )
    extensions = _Follower(
        AssignmentExtension.objects.filter(
            assignment__organisation=organisation, membership__organisation=organisation
        )
        .order_by(*by_membership)
        .values_list("membership_id", "assignment_id", "due_date")
        .iterator(chunk_size=CHUNK)
    )
    progress = _Follower(
        ModuleProgress.objects.filter(
            user__memberships__organisation=organisation, module_id__in=plan.module_ids
        )
        .order_by(*by_user)
        .values_list("user_id", "module_id", "completed_at", "facilitated_by__name", "facilitated_on")
        .iterator(chunk_size=CHUNK)
        if plan.module_ids
        else []
    )
    practices = _Follower(
        ConversationPractice.objects.filter(
            user__memberships__organisation=organisation, conversation_id__in=plan.conversation_ids
        )
        .order_by(*by_user)
        .values_list("user_id", "conversation_id", "completed_at")
        .iterator(chunk_size=CHUNK)
        if plan.conversation_ids
        else []
    )
    validity = organisation.certificate_validity_months
    for membership_id, key, user_id, name, email, role, language in members:
        row = MemberRow(
            membership_id=membership_id,
            key=key,
            user_id=user_id,
            name=name,
            email=email,
            role=role,
            language=language,
            group_ids={g for _m, g in groups.take(membership_id)},
        )
        named_ids = {a for _m, a in named.take(membership_id)}
        extended = {a: d for _m, a, d in extensions.take(membership_id)}
        progress_rows = progress.take(user_id)
        done = {m: c for _u, m, c, _f, _d in progress_rows}
        facilitated = {m: (f or "", d) for _u, m, _c, f, d in progress_rows if d is not None}
        practised = {c: at for _u, c, at in practices.take(user_id)}
        dues: dict[int, list[date | None]] = {}
        practice_dues: dict[int, list[date | None]] = {}
        for a in plan.assignments:
            if a.applies_to(group_ids=row.group_ids, named_assignment_ids=named_ids):
                due = extended.get(a.pk, a.due_date)
                row.due_by_assignment[a.pk] = due
                for module_id in plan.module_ids_of[a.pk]:
                    dues.setdefault(module_id, []).append(due)
                if a.pk in plan.conversation_of:
                    practice_dues.setdefault(plan.conversation_of[a.pk], []).append(due)
        for module_id in plan.module_ids:
            if module_id in dues:
                row.cells[module_id] = cell_status(
                    started=module_id in done,
                    completed_at=done.get(module_id),
                    validity_months=validity,
                    due_date=earliest(dues[module_id]),
                    today=today,
                    now=now,
                    facilitated=facilitated.get(module_id),
                )
        for conversation_id in plan.conversation_ids:
            if conversation_id in practice_dues:
                row.practice[conversation_id] = cell_status(
                    started=conversation_id in practised,
                    completed_at=practised.get(conversation_id),
                    validity_months=None,  # practising never runs out
                    due_date=earliest(practice_dues[conversation_id]),
                    today=today,
                    now=now,
                    practice=True,
                )
        yield row


def assignment_is_complete(row: MemberRow, plan: Plan, assignment_id: int) -> bool:
    if assignment_id in plan.conversation_of:
        cell = row.practice.get(plan.conversation_of[assignment_id])
        return cell is not None and cell.status == COMPLETED
    if assignment_id in plan.retired_practice:
        return True  # its conversation was retired: nothing is left to do
    cells = [row.cells[m] for m in plan.module_ids_of[assignment_id] if m in row.cells]
    return bool(cells) and all(c.status == COMPLETED for c in cells)


# --- A learner's own assignments, for the home page and My learning (1 or 2 queries) ---------


@dataclass
class AssignedModule:
    """A module, or a practice conversation ("practise"), an organisation assigned a learner."""

    module: Module | None
    organisation: Organisation
    cell: Cell
    conversation: Conversation | None = None

    @property
    def title(self) -> str:
        return translated(self.conversation or self.module, "title")

    @property
    def url(self) -> str:
        if self.conversation:
            return self.conversation.get_absolute_url()
        return reverse("courses:module_continue", args=[self.module.slug])


def assigned_to_user(
    *, user, statuses: dict, organisation: Organisation | None = None
) -> list[AssignedModule]:
    """The modules and practice conversations `user`'s organisations (or only `organisation`)
    assigned to them, most urgent first, one entry per module or conversation (the most urgent,
    where several organisations assign it). `statuses` are the learner's
    courses.services.ModuleStatus by module id for every active module, already fetched by the
    page. One query, plus one if a track is assigned, plus one if a conversation is."""
    if not user.is_authenticated:
        return []
    extension = AssignmentExtension.objects.filter(assignment=OuterRef("pk"), membership__user=user).values(
        "due_date"
    )[:1]
    assignments = Assignment.objects.applying_to_each_once(user)
    if organisation is not None:
        assignments = assignments.filter(organisation=organisation)
    # The modules come from `statuses` (every active module, already fetched and shown in the
    # page's language), not joined again: a smaller query to build and plan on every view.
    active = {pk: status.module for pk, status in statuses.items()}
    assignments = list(
        assignments.annotate(extended_due=Subquery(extension)).select_related("organisation", "conversation")
    )
    now = timezone.now()
    today = timezone.localdate(now)
    expanded = expand_tracks([a for a in assignments if a.track_id])
    for a in assignments:
        if a.module_id:
            expanded[a.pk] = [active[a.module_id]] if a.module_id in active else []
        elif not a.track_id:
            expanded[a.pk] = []
        if a.conversation_id and a.conversation.module_id in active:
            a.conversation.module = active[a.conversation.module_id]
    conversation_ids = {
        a.conversation_id
        for a in assignments
        if a.conversation_id and a.conversation.is_active and a.conversation.module_id in active
    }
    practised = (
        dict(
            ConversationPractice.objects.filter(user=user, conversation_id__in=conversation_ids).values_list(
                "conversation_id", "completed_at"
            )
        )
        if conversation_ids
        else {}
    )
    best: dict[tuple[str, int], AssignedModule] = {}

    def offer(key: tuple[str, int], item: AssignedModule) -> None:
        current = best.get(key)
        if current is None or _urgency(item.cell) < _urgency(current.cell):
            best[key] = item

    for a in assignments:
        due = a.extended_due or a.due_date
        if a.conversation_id in conversation_ids:
            cell = cell_status(
                started=a.conversation_id in practised,
                completed_at=practised.get(a.conversation_id),
                validity_months=None,
                due_date=due,
                today=today,
                now=now,
                practice=True,
            )
            item = AssignedModule(
                module=None, organisation=a.organisation, cell=cell, conversation=a.conversation
            )
            offer(("conversation", a.conversation_id), item)
        for module in expanded[a.pk]:
            status = statuses.get(module.pk)
            cell = cell_status(
                started=bool(status and status.started),
                completed_at=status.completed_at if status else None,
                validity_months=a.organisation.certificate_validity_months,
                due_date=due,
                today=today,
                now=now,
            )
            offer(
                ("module", module.pk), AssignedModule(module=module, organisation=a.organisation, cell=cell)
            )
    return sorted(best.values(), key=lambda item: _urgency(item.cell))


def _urgency(cell: Cell) -> tuple:
    rank = {OVERDUE: 0, IN_PROGRESS: 1, NOT_STARTED: 1, COMPLETED: 2}[cell.status]
    return (rank, cell.due_date or date.max)

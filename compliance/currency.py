"""Refresher currency on the dashboard: for an organisation that requires refreshers, each
completed cell also says current / refresher due / lapsed (the one rule: quizzes/refreshers.py).
It decorates cells already computed, for one page of members, in one query; it never changes a
cell's status: a completion stays a completion."""

from dataclasses import dataclass, fields
from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from accounts.models import Organisation
from quizzes.models import Refresher
from quizzes.refreshers import Currency, currency, currency_batch

from .status import COMPLETED, Cell, MemberRow, Plan


@dataclass(frozen=True)
class CurrencyCell(Cell):
    """A completed cell with its refresher currency."""

    currency: Currency | None = None


def _with(cell: Cell, state: Currency) -> CurrencyCell:
    return CurrencyCell(**{f.name: getattr(cell, f.name) for f in fields(Cell)}, currency=state)


def columns_with_currency(
    *,
    organisation: Organisation,
    plan: Plan,
    rows: list[MemberRow],
    columns: list[list[Cell | None]],
    now: datetime | None = None,
) -> list[list[Cell | None]]:
    """The dashboard page's columns (module cells first, in plan.modules order, then practice
    cells), each completed module cell given its currency; unchanged when the organisation does
    not require refreshers (no query then)."""
    if not organisation.require_refreshers:
        return columns
    now = now or timezone.now()
    modules = plan.modules
    completions = {
        (row.user_id, module.pk): cell.completed_at
        for row, cells in zip(rows, columns, strict=True)
        for module, cell in zip(modules, cells, strict=False)
        if cell is not None and cell.status == COMPLETED
    }
    if not completions:
        return columns
    states = currency_batch(completions, now=now)
    result = []
    for row, cells in zip(rows, columns, strict=True):
        decorated = list(cells)
        for i, module in enumerate(modules):
            state = states.get((row.user_id, module.pk))
            if state is not None:
                decorated[i] = _with(cells[i], state)
        result.append(decorated)
    return result


def refresher_labels(*, organisation: Organisation, plan: Plan, now: datetime | None = None):
    """For the CSV report of an organisation that requires refreshers: a function of (member row,
    cell) giving the cell's refresher status in words ("" unless it is a completed module cell);
    None when refreshers are not required. One query, for every member at once: the last passed
    refresher of each member and assigned module (only those rows are kept in memory)."""
    if not organisation.require_refreshers or not plan.module_ids:
        return None
    now = now or timezone.now()
    passed = {
        (u, m): at
        for u, m, at in Refresher.objects.filter(
            user__memberships__organisation=organisation, quiz__module_id__in=plan.module_ids, passed=True
        )
        .values_list("user_id", "quiz__module_id")
        .annotate(at=Max("submitted_at"))
    }

    def label(row: MemberRow, cell: Cell) -> str:
        if cell.practice or cell.status != COMPLETED:
            return ""
        module_id = next(m for m, c in row.cells.items() if c is cell)
        return currency(
            completed_at=cell.completed_at, last_passed_at=passed.get((row.user_id, module_id)), now=now
        ).label

    return label

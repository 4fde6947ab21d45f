"""Refresher currency on the dashboard: for an organisation that requires refreshers, each
completed cell also says current / refresher due / lapsed (the one rule: quizzes/refreshers.py).
It decorates cells already computed, for one page of members, in one query; it never changes a
cell's status: a completion stays a completion."""

from dataclasses import dataclass, fields
from datetime import datetime

from django.utils import timezone

from accounts.models import Organisation
from quizzes.refreshers import Currency, currency_batch, last_passed

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


def currency_lookup(*, organisation: Organisation, user_ids, module_ids) -> dict | None:
    """For the CSV report: (user id, module id) -> last passed refresher, in one query; None when
    the organisation does not require refreshers."""
    if not organisation.require_refreshers:
        return None
    return last_passed(user_ids=user_ids, module_ids=module_ids)

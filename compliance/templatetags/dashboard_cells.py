"""`{{ cell|cell_html }}`: one dashboard cell's markup (orgs/partials/cell.html), rendered once
per process for each distinct look. A dashboard page shows 50 members x every assigned module
twice (the table and the phone cards) and most cells look alike, so an include per cell was most
of a refresh's time (docs/performance.md). The key is everything the partial shows: status,
whether it is a practice cell, the local day completed, the due date, the facilitated session
(facilitator's name and day), the refresher currency and the language. Anything the partial
comes to show must join the key (tests/facilitation/test_credit_shown.py shows why)."""

import functools
import threading
from collections import OrderedDict

from django import template
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from compliance.currency import CurrencyCell
from compliance.status import Cell
from quizzes.refreshers import Currency

register = template.Library()


def cell_key(cell: Cell | None, language: str | None = None, zone=None) -> tuple:
    """Everything a cell's markup shows, as plain values (the active language included; give it
    and the current time zone when keying many cells)."""
    language = language or translation.get_language()
    if cell is None:
        return (None, False, None, None, None, None, language)
    completed_on = timezone.localdate(cell.completed_at, zone) if cell.completed_at else None
    currency = getattr(cell, "currency", None)
    return (
        cell.status,
        cell.practice,
        completed_on,
        cell.due_date,
        cell.facilitated,
        currency.status if currency is not None else None,
        language,
    )


@register.filter
def cell_html(cell: Cell | None) -> str:
    return _render(*cell_key(cell))


@functools.lru_cache(maxsize=2048)
def _render(status, practice, completed_on, due_date, facilitated, currency, _language) -> str:
    cell = (
        CurrencyCell(
            status,
            due_date,
            completed_on,
            practice=practice,
            facilitated=facilitated,
            currency=Currency(currency) if currency else None,
        )
        if status
        else None
    )
    return mark_safe(render_to_string("orgs/partials/cell.html", {"cell": cell}))  # nosec: rendered by the engine


# The members table and phone cards of a dashboard page, rendered once per process for each
# distinct look: a refresh, and a refresh after a change elsewhere in a large organisation, show
# the same fifty rows again, and rendering them was most of the page's time (docs/performance.md).
# A few pages per organisation are kept: each is up to a few hundred kilobytes.
ROWS_KEPT = 64
_rows: OrderedDict = OrderedDict()
_rows_lock = threading.Lock()


def dashboard_rows_html(*, organisation, plan, rows: list) -> str:
    """orgs/partials/dashboard_rows.html for `rows` ((row, columns, module cells) each). The key
    is everything the partial shows: the organisation (its links), the plan's modules and
    conversations in their content version, the language and time zone, and each row's name,
    e-mail, counts and cells (cell_key)."""
    language, zone = translation.get_language(), timezone.get_current_timezone()
    key = (
        organisation.slug,
        language,
        str(zone),
        tuple((m.pk, m.slug, m.updated_at) for m in plan.modules),
        tuple((c.pk, c.updated_at, c.module.slug, c.module.updated_at) for c in plan.conversations),
        tuple(
            (
                row.name,
                row.email,
                row.total,
                row.completed,
                tuple(cell_key(c, language, zone) for c in columns),
            )
            for row, columns, _module_cells in rows
        ),
    )
    with _rows_lock:
        found = _rows.get(key)
        if found is not None:
            _rows.move_to_end(key)
            return found
    context = {"organisation": organisation, "plan": plan, "rows": rows}
    html = mark_safe(render_to_string("orgs/partials/dashboard_rows.html", context))  # nosec: rendered by the engine
    with _rows_lock:
        _rows[key] = html
        if len(_rows) > ROWS_KEPT:
            _rows.popitem(last=False)
    return html


def clear() -> None:
    with _rows_lock:
        _rows.clear()
    _render.cache_clear()

"""`{{ cell|cell_html }}`: one dashboard cell's markup (orgs/partials/cell.html), rendered once
per process for each distinct look. A dashboard page shows 50 members x every assigned module
twice (the table and the phone cards) and most cells look alike, so an include per cell was most
of a refresh's time (docs/performance.md). The key is everything the partial shows: status,
whether it is a practice cell, the local day completed, the due date, the facilitated session
(facilitator's name and day), the refresher currency and the language. Anything the partial
comes to show must join the key (tests/facilitation/test_credit_shown.py shows why)."""

import functools

from django import template
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from compliance.currency import CurrencyCell
from compliance.status import Cell
from quizzes.refreshers import Currency

register = template.Library()


@register.filter
def cell_html(cell: Cell | None) -> str:
    language = translation.get_language()
    if cell is None:
        return _render(None, False, None, None, None, None, language)
    completed_on = timezone.localdate(cell.completed_at) if cell.completed_at else None
    currency = getattr(cell, "currency", None)
    return _render(
        cell.status,
        cell.practice,
        completed_on,
        cell.due_date,
        cell.facilitated,
        currency.status if currency is not None else None,
        language,
    )


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

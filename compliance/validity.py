"""When is a completed module due again? The one rule, as pure functions on data the caller has
already fetched, so every reader (the module page, My learning, the assignment card, the
dashboard, reminders, certificates, seed_demo) applies the same rule in its own fixed number of
queries.

A learner's completion of a module stops being current, and the module is due again, at the
earliest of:
- the expiry of their certificate for it, once every live certificate for it has expired (an
  organisation's validity period printed on the certificate);
- the completion date plus a validity period of an organisation that assigns it to them (a
  completion from before the assignment does not know that period).

Passing the quiz after that renews the completion. An organisation's own dashboard reads the
completion against its own validity period only (`validity_months` of that organisation, no
certificates): what another organisation requires is not its concern.
"""

import calendar
from collections.abc import Iterable
from datetime import datetime


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole calendar months, clamped to the end of a shorter month."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def completion_expires_at(completed_at: datetime | None, validity_months: int | None) -> datetime | None:
    """When a completion runs out under a validity period (None: never)."""
    if completed_at is None or not validity_months:
        return None
    return add_months(completed_at, validity_months)


def due_again_since(
    *,
    completed_at: datetime | None,
    now: datetime,
    validity_months: int | None = None,
    certificate_expiries: Iterable[datetime | None] = (),
) -> datetime | None:
    """When the completion ran out, if it has; None while it is current (or there is none).

    `validity_months` is the shortest validity period that applies (None: none);
    `certificate_expiries` the expiry of each live certificate for the module (None: never)."""
    if completed_at is None:
        return None
    ran_out = []
    expiries = list(certificate_expiries)
    if expiries and all(e is not None and e <= now for e in expiries):
        ran_out.append(max(expiries))
    expires_at = completion_expires_at(completed_at, validity_months)
    if expires_at is not None and expires_at <= now:
        ran_out.append(expires_at)
    return min(ran_out) if ran_out else None


def completion_is_current(
    *,
    completed_at: datetime | None,
    now: datetime,
    validity_months: int | None = None,
    certificate_expiries: Iterable[datetime | None] = (),
) -> bool:
    return completed_at is not None and (
        due_again_since(
            completed_at=completed_at,
            now=now,
            validity_months=validity_months,
            certificate_expiries=certificate_expiries,
        )
        is None
    )

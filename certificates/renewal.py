"""When is a learner's completed module due again? The rule itself is compliance.validity's
`due_again_since`; this module fetches what it needs for one learner (their live certificates'
expiry dates, and the validity periods of the organisations that assign them the module) in a
fixed number of queries, so the module page, My learning, "Continue", track certificates and
renewal all read the same answer."""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import Membership, Organisation
from compliance.models import Assignment
from compliance.validity import due_again_since
from courses.models import Module, ModuleProgress, TrackModule

from .models import Certificate


def _certificate_expiries(*, user, module_ids) -> dict[int, list[datetime | None]]:
    expiries: dict[int, list[datetime | None]] = {}
    for module_id, expires_at in (
        Certificate.objects.live()
        .filter(user=user, module_id__in=module_ids)
        .values_list("module_id", "expires_at")
    ):
        expiries.setdefault(module_id, []).append(expires_at)
    return expiries


def _shortest_validity(*, user, module_ids) -> dict[int, int]:
    """Per module, the shortest validity period (months) of an organisation that assigns it to
    `user`, directly or through an active track (one query, two if a track is assigned)."""
    rows = list(
        Assignment.objects.applying_to(user)
        .filter(organisation__certificate_validity_months__gt=0)
        .filter(Q(module_id__in=module_ids) | Q(track__is_active=True))
        .values_list("module_id", "track_id", "organisation__certificate_validity_months")
    )
    track_ids = {track_id for _m, track_id, _v in rows if track_id}
    modules_of: dict[int, list[int]] = {}
    if track_ids:
        for track_id, module_id in TrackModule.objects.filter(
            track_id__in=track_ids, module_id__in=module_ids
        ).values_list("track_id", "module_id"):
            modules_of.setdefault(track_id, []).append(module_id)
    shortest: dict[int, int] = {}
    for module_id, track_id, months in rows:
        for m in [module_id] if module_id else modules_of.get(track_id, []):
            shortest[m] = min(months, shortest.get(m, months))
    return shortest


def modules_due_since(*, user, completions: Mapping[int, datetime | None]) -> dict[int, datetime]:
    """For the learner's completions (module id -> completed_at), the modules now due again and
    since when. Two or three queries whatever the number of modules; none without a completion."""
    done = {m: at for m, at in completions.items() if at is not None}
    if not done:
        return {}
    now = timezone.now()
    expiries = _certificate_expiries(user=user, module_ids=list(done))
    validity = _shortest_validity(user=user, module_ids=list(done))
    due = {}
    for module_id, completed_at in done.items():
        since = due_again_since(
            completed_at=completed_at,
            now=now,
            validity_months=validity.get(module_id),
            certificate_expiries=expiries.get(module_id, ()),
        )
        if since is not None:
            due[module_id] = since
    return due


def module_due_since(*, user, module: Module) -> datetime | None:
    """When the learner's completion of `module` ran out, if it has; else None."""
    completed_at = (
        ModuleProgress.objects.filter(user=user, module=module).values_list("completed_at", flat=True).first()
    )
    return modules_due_since(user=user, completions={module.pk: completed_at}).get(module.pk)


def _asks_for_a_wait(user) -> bool:
    """Whether any organisation of the learner asks for a retake wait: one query, written as SQL
    (it runs in every quiz submit, where the ORM took longer to build it than the database to
    answer)."""
    sql = (
        f"SELECT 1 FROM {Membership._meta.db_table} m "  # nosec B608: only table names are interpolated
        f"INNER JOIN {Organisation._meta.db_table} o ON m.organisation_id = o.id "
        "WHERE m.user_id = %s AND o.retake_wait_hours > 0 LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        return cursor.fetchone() is not None


def retake_wait(*, user, module: Module) -> timedelta | None:
    """The longest minimum wait between quiz attempts that an organisation assigning `module` to
    `user` asks for, before a retake counts towards its certificates: one query, and one more
    only when an organisation of theirs asks for a wait at all (few do; most learners are in none)."""
    if not _asks_for_a_wait(user):
        return None
    hours = (
        Assignment.objects.applying_to(user)
        .filter(Q(module=module) | Q(track__is_active=True, track__track_modules__module=module))
        .aggregate(hours=Max("organisation__retake_wait_hours"))["hours"]
    )
    return timedelta(hours=hours) if hours else None

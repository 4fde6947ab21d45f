"""Background work for the LTI tool (the Django Tasks API)."""

from django.db import connection
from django_tasks import task

from accounts.models import User

from .grades import scores_send
from .models import LmsCourse, PlatformUser, ScoreLink
from .roster import roster_sync


@task()
def send_lti_scores(user_id: int | None = None) -> list[int]:
    """Post the scores the LMSs are due (one learner's, after their quiz, or everyone's)."""
    sent, failed = scores_send(user_id=user_id)
    return [sent, failed]


def scores_enqueue_for(user_id: int) -> None:
    """After a pass: queue the learner's scores for their LMS gradebooks if they ever came from
    one. Everyone else (nearly every learner) costs one indexed query, not a queued task; written
    as SQL, as it runs after every passing submit."""
    sql = (
        f"SELECT 1 FROM {ScoreLink._meta.db_table} s "  # nosec B608: only table names are interpolated
        f"INNER JOIN {PlatformUser._meta.db_table} p ON s.platform_user_id = p.id WHERE p.user_id = %s LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        found = cursor.fetchone() is not None
    if found:
        send_lti_scores.enqueue(user_id=user_id)


@task()
def sync_lti_roster(course_id: int, actor_id: int | None = None) -> dict:
    """Sync a large course's roster from its LMS (lti/roster.py); the outcome is recorded on the
    course, for its page, and in the audit log."""
    course = (
        LmsCourse.objects.select_related("platform__registration", "platform__organisation")
        .filter(pk=course_id)
        .first()
    )
    if course is None:  # the LMS was disconnected meanwhile
        return {"error": "no such course"}
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    summary, error = roster_sync(course=course, actor=actor)
    return {"error": error} if summary is None else summary.as_json()["counts"]

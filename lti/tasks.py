"""Background work for the LTI tool (the Django Tasks API)."""

from django_tasks import task

from .grades import scores_send


@task()
def send_lti_scores(user_id: int | None = None) -> list[int]:
    """Post the scores the LMSs are due (one learner's, after their quiz, or everyone's)."""
    sent, failed = scores_send(user_id=user_id)
    return [sent, failed]

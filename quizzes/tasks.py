"""Background work for quizzes (Django Tasks API): the refresher e-mails."""

from django_tasks import task

from .refreshers import refresher_reminders_send


@task()
def send_refresher_reminders() -> int:
    """Run daily by `manage.py send_reminders` (cron): learners whose refresher fell due."""
    return refresher_reminders_send()

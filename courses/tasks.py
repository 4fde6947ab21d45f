"""Background work for assignments (Django Tasks API): reminder e-mails and admins' digests."""

from datetime import date

from django.utils import timezone
from django_tasks import task

from accounts.models import Organisation

from .reminders import reminders_send, reminders_send_all


@task()
def send_scheduled_reminders(today: str | None = None) -> int:
    """Run by `manage.py send_reminders` (cron): today's reminders and digests everywhere."""
    return reminders_send_all(today=date.fromisoformat(today) if today else None)


@task()
def send_overdue_reminders(organisation_id: int) -> int:
    """An admin's "Remind overdue now": every member with an overdue assignment, once a day."""
    organisation = Organisation.objects.get(pk=organisation_id)
    return reminders_send(organisation=organisation, today=timezone.localdate(), overdue_now=True)

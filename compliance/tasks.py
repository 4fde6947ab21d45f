"""Background work for assignments (Django Tasks API): reminder e-mails and admins' digests,
and the admin's request that queues them."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import AuditEvent, Organisation, User
from accounts.services import audit_record

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


def reminders_request(*, organisation: Organisation, actor: User) -> None:
    """An admin's "Remind overdue now": audited, then queued once the request's transaction
    commits (the task sends at most one reminder a day to each member)."""
    audit_record(organisation=organisation, actor=actor, action=AuditEvent.Action.REMIND, target=_("overdue"))
    transaction.on_commit(lambda: send_overdue_reminders.enqueue(organisation.pk))

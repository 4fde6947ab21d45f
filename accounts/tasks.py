"""Background work for organisations (Django Tasks API): invitation e-mails, so a bulk invite
never sends mail inside the request."""

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .mail import absolute_url, mail_send
from .models import Invitation


@task()
def send_invitations(invitation_ids: list[int]) -> int:
    """E-mail each still-open invitation; returns how many were sent."""
    invitations = Invitation.objects.filter(
        pk__in=invitation_ids,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("organisation", "invited_by")
    sent = []
    for invitation in invitations.iterator():
        mail_send(
            template="accounts/email/invitation",
            to=invitation.email,
            context={
                "invitation": invitation,
                "organisation": invitation.organisation,
                "url": absolute_url(reverse("invitations:accept", args=[invitation.token])),
            },
        )
        sent.append(invitation.pk)
    Invitation.objects.filter(pk__in=sent).update(sent_at=timezone.now())
    return len(sent)

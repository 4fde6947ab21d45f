"""Expiry notices: which certificates need one, and e-mailing a learner about theirs (run by a
background task, certificates.tasks; queued by certificates.services)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.mail import absolute_url, mail_send

from .models import Certificate


def certificates_expiring_soon(*, now: datetime | None = None) -> QuerySet[Certificate]:
    """Live certificates that expire within the notice window, not yet notified, whose module
    or track has not already been renewed."""
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.CERTIFICATE_EXPIRY_NOTICE_DAYS)
    same_item = Q(module__isnull=False, module=OuterRef("module")) | Q(
        track__isnull=False, track=OuterRef("track")
    )
    newer = Certificate.objects.live().filter(same_item, user=OuterRef("user"), cycle__gt=OuterRef("cycle"))
    return (
        Certificate.objects.live()
        .filter(expires_at__gt=now, expires_at__lte=horizon, expiry_notice_sent_at__isnull=True)
        .exclude(Exists(newer))
    )


@transaction.atomic
def certificate_expiry_notice_send(*, user_id: int, certificate_ids: list[int]) -> int:
    """E-mail the learner about those of these certificates not yet notified, and record it.
    The rows are locked and re-checked, so two runs never send the same notice twice; if the
    mail fails the transaction rolls back and the next run tries again."""
    certificates = list(
        Certificate.objects.select_for_update(of=("self",))
        .filter(
            pk__in=certificate_ids,
            user_id=user_id,
            expiry_notice_sent_at__isnull=True,
            revoked_at__isnull=True,
        )
        .select_related("module", "track")
        .order_by("expires_at")
    )
    if not certificates:
        return 0
    user = get_user_model().objects.get(pk=user_id)
    items = [
        {
            "certificate": c,
            "renew_url": absolute_url(
                c.module.get_absolute_url() if c.module_id else reverse("courses:my_learning")
            ),
        }
        for c in certificates
    ]
    context = {"user": user, "items": items, "mine_url": absolute_url(reverse("certificates:mine"))}
    mail_send(
        template="certificates/email/expiry_notice", to=user.email, context=context, language=user.language
    )
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(
        expiry_notice_sent_at=timezone.now()
    )
    return len(certificates)

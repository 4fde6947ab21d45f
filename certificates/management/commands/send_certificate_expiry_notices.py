"""Queue the e-mails that warn learners 30 days before a certificate expires. Run it daily from
cron or a scheduler; each certificate is notified once, however often it runs."""

from django.core.management.base import BaseCommand
from django.db import transaction

from certificates.services import certificate_expiry_notices_queue


class Command(BaseCommand):
    help = "E-mail learners whose certificates expire within 30 days (once per certificate)."

    def handle(self, *args, **options):
        with transaction.atomic():
            learners = certificate_expiry_notices_queue()
        self.stdout.write(f"Queued expiry notices for {learners} learner(s).")

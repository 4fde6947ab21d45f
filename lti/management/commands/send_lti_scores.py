"""Run every few minutes from cron: post passed quiz scores to the LMS gradebooks that launched
them (lti/grades.py), retrying any that failed, and forget launch nonces and tickets past their
expiry."""

from django.core.management.base import BaseCommand

from lti.grades import scores_send
from lti.launch import nonces_forget_expired
from lti.services import tickets_forget_expired


class Command(BaseCommand):
    help = "Send passed quiz scores to LMS gradebooks (LTI Assignment and Grade Services)."

    def handle(self, *args, **options):
        sent, failed = scores_send()
        forgotten = nonces_forget_expired() + tickets_forget_expired()
        self.stdout.write(
            f"{sent} scores sent, {failed} failed, {forgotten} expired nonces and tickets forgotten."
        )

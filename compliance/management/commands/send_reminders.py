"""Queue today's assignment reminders, admins' digests and learners' refresher e-mails. Run it daily from cron or a scheduler;
running it more often is harmless (at most one reminder per assignment per member per day)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from compliance.tasks import send_scheduled_reminders
from quizzes.tasks import send_refresher_reminders


class Command(BaseCommand):
    help = "Queue today's reminders about assigned modules, and the weekly digests for admins."

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="today", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, today: str | None = None, **options):
        if today:
            try:
                date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(f"--date: {error}") from None
        result = send_scheduled_reminders.enqueue(today)
        self.stdout.write(f"Reminders queued ({result.id}).")
        # Refreshers fall due by elapsed time since a completion, not by an assignment's date.
        if not today:
            refreshers = send_refresher_reminders.enqueue()
            self.stdout.write(f"Refresher reminders queued ({refreshers.id}).")

"""Delete certificate ZIP exports older than a week and logos no organisation uses. Run it daily
from cron or a scheduler; running it more often is harmless."""

from django.core.management.base import BaseCommand

from certificates.cleanup import exports_expired_delete, logos_unused_delete


class Command(BaseCommand):
    help = "Delete old certificate ZIP exports and unused organisation logos."

    def handle(self, *args, **options):
        exports = exports_expired_delete()
        logos = logos_unused_delete()
        self.stdout.write(f"Deleted {exports} export(s) and {logos} logo file(s).")

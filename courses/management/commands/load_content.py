from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.content import ContentError, course_load


class Command(BaseCommand):
    help = "Validate the course files and load them in one transaction (see docs/authoring.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=None, help="Content folder (default: content/).")

    def handle(self, *args, path=None, **options):
        root = Path(path) if path else Path(settings.CONTENT_DIR)
        try:
            report = course_load(root=root)
        except ContentError as exc:
            raise CommandError(
                f"The course was not loaded; the site keeps its previous content.\n"
                f"{len(exc.problems)} problem(s):\n  " + "\n  ".join(exc.problems)
            ) from exc
        changed = ", ".join(report.changed) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {report.modules} modules, {report.lessons} lessons, "
                f"{report.questions} questions, {report.conversations} conversations. Changed: {changed}."
            )
        )

from django.core.management.base import BaseCommand, CommandError

from courses.demo import DEMO_DOMAIN, demo_build, demo_clear, demo_exists, real_users_exist


class Command(BaseCommand):
    help = "Build deterministic demo data at district size (see courses/demo.py). Load the course first."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--large", type=int, default=10000, help="members of the large organisation")
        parser.add_argument("--small", default="40,120,300", help="sizes of the other organisations")
        parser.add_argument("--parents", type=int, default=500, help="learners on their own")
        parser.add_argument("--reset", action="store_true", help="delete earlier demo data first")
        parser.add_argument(
            "--allow-real-users", action="store_true",
            help="add demo data even though this database holds real (non-demo) accounts",
        )  # fmt: skip

    def handle(self, *args, seed, large, small, parents, reset, allow_real_users, **options):
        if real_users_exist() and not allow_real_users:
            raise CommandError(
                f"This database holds real users (e-mails not ending in @{DEMO_DOMAIN}). "
                "Refusing to add demo data; use --allow-real-users if you really mean it."
            )
        if demo_exists():
            if not reset:
                raise CommandError(
                    "Demo data is already here. Run with --reset to delete it and build it again."
                )
            demo_clear()
        try:
            sizes = tuple(int(n) for n in small.split(",") if n.strip())
        except ValueError as exc:
            raise CommandError("--small takes sizes separated by commas, e.g. 40,120,300") from exc
        try:
            report = demo_build(seed=seed, large=large, small=sizes, parents=parents)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Demo data (seed {seed}): {report.organisations} organisations of {report.sizes} members, "
            f"{report.users} users, {report.lesson_progress} lessons completed, {report.attempts} quiz attempts "
            f"with {report.answers} answers, {report.certificates} certificates."
        ))  # fmt: skip

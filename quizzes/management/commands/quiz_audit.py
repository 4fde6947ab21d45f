"""Print the guessing audit for every active quiz (see quizzes/audit.py): bank size, questions
drawn, objectives, where and how long the correct answers are, and how often simulated learners
who never read would pass."""

from django.core.management.base import BaseCommand

from courses.models import Module
from quizzes.audit import STRATEGIES, audit, questions_of
from quizzes.services import get_quiz


class Command(BaseCommand):
    help = "Simulate learners who never read on every quiz, and print how often each would pass."

    def add_arguments(self, parser):
        parser.add_argument("--attempts", type=int, default=2000, help="simulated attempts per strategy")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, attempts: int, seed: int, **options):
        modules = Module.objects.filter(is_active=True, quiz__isnull=False).order_by("position")
        header = ["module", "bank", "draw", "obj", "longest=correct", "len ratio", "positions", "choose-all"]
        self.stdout.write(" | ".join(header + [f"{s} pass%/avg" for s in STRATEGIES]))
        worst = 0.0
        for module in modules:
            quiz = get_quiz(module)
            report = audit(
                module.slug,
                questions_of(quiz),
                draw=quiz.draw,
                objectives=len(module.objectives),
                pass_mark=quiz.pass_mark,
                attempts=attempts,
                seed=seed,
            )
            positions = " ".join(f"{p}:{n}" for p, n in report.correct_positions.items())
            choose_all = " ".join(f"{k}/{n}" for k, n in report.multiple_counts)
            cells = [
                report.module,
                str(report.bank),
                str(report.draw),
                str(report.objectives),
                f"{report.longest_is_correct}/{report.singles}",
                f"{report.length_ratio:.2f}",
                positions,
                choose_all,
            ] + [f"{r.pass_rate:.1f}/{r.mean_score:.0f}" for r in report.strategies.values()]
            self.stdout.write(" | ".join(cells))
            worst = max([worst, *(r.pass_rate for r in report.strategies.values())])
        self.stdout.write(
            f"Highest pass rate of any strategy on any quiz: {worst:.1f}% ({attempts} attempts each)"
        )

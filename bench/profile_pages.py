"""Where a page's time goes: pyinstrument on the Django test client, against the database
bench/run seeded, with production settings (DEBUG off). Prints the top of each profile.

    bench/profile [--database onguard_bench] [--repeat 200] [page ...]

Pages: lesson, module, quiz, my-learning, dashboard, dashboard-changed, export, submit, baseline.
Run bench/run once first (it seeds the database); this only reads it, except `submit`, which
records attempts for the benchmark learner, and `dashboard-changed`, which touches one member's
progress before each view so the dashboard recomputes."""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tempfile  # noqa: E402

from tests.trust.servers import collected_static, production_env  # noqa: E402

PAGES = [
    "baseline",
    "lesson",
    "module",
    "quiz",
    "my-learning",
    "dashboard",
    "dashboard-changed",
    "export",
    "submit",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=PAGES[:6])
    parser.add_argument("--database", default="onguard_bench")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--language", default="en")
    parser.add_argument("--depth", type=int, default=40, help="lines of each profile to print")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="cProfile on CPU time (functions by own time), not pyinstrument's wall clock",
    )
    args = parser.parse_args()
    os.environ.update(
        production_env(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
            CONN_MAX_AGE="60",
            STATIC_ROOT=collected_static(Path(tempfile.mkdtemp(prefix="onguard-profile-"))),
            ROOT_URLCONF="bench.baseline",
            ALLOWED_HOSTS="testserver",
            SECURE_SSL_REDIRECT="False",
            LOG_LEVEL="WARNING",
        )
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from pyinstrument import Profiler

    from accounts.models import Organisation, User
    from courses.models import Module, ModuleProgress
    from quizzes.services import get_quiz

    learner = User.objects.get(email="bench-learner@example.org")
    module = Module.objects.filter(is_active=True).order_by("position").first()
    lesson = module.lessons.filter(is_active=True).order_by("position").last()
    org = Organisation.objects.annotate(size=Count("memberships")).order_by("-size").first()
    owner = org.memberships.filter(role="owner").select_related("user").first().user
    member = org.memberships.exclude(role="owner").select_related("user").first().user
    client = Client(secure=True, HTTP_ACCEPT_LANGUAGE=args.language)
    client.cookies["django_language"] = args.language
    urls = {
        "baseline": "/bench/baseline/",
        "lesson": lesson.get_absolute_url(),
        "module": module.get_absolute_url(),
        "quiz": reverse("quizzes:quiz", args=[module.slug]),
        "my-learning": reverse("courses:my_learning"),
        "dashboard": reverse("compliance:dashboard", args=[org.slug]),
        "dashboard-changed": reverse("compliance:dashboard", args=[org.slug]),
        "export": reverse("compliance:export", args=[org.slug]),
    }
    quiz = get_quiz(module)
    for page in args.pages:
        admin_page = page.startswith(("dashboard", "export"))
        client.force_login(owner if admin_page else learner)
        repeat = 3 if page == "export" else args.repeat
        before = None
        if page == "submit":
            bodies = _submit_bodies(learner, quiz, repeat + 5)
        for i in range(repeat + 5):
            if i == 5:  # warmed up: imports, template and version caches
                profiler = cProfile.Profile(time.process_time) if args.cpu else Profiler(interval=0.0005)
                profiler.enable() if args.cpu else profiler.start()
                before = time.perf_counter()
                cpu_before = time.process_time()
            if page == "dashboard-changed":
                ModuleProgress.objects.filter(user=member).update(last_activity_at=timezone.now())
            if page == "submit":
                response = client.post(reverse("quizzes:quiz", args=[module.slug]), bodies[i])
            else:
                response = client.get(urls[page])
                if page == "export":
                    b"".join(response.streaming_content)
            assert response.status_code in (200, 302), (page, response.status_code)
        profiler.disable() if args.cpu else profiler.stop()
        elapsed = (time.perf_counter() - before) / repeat
        cpu = (time.process_time() - cpu_before) / repeat
        print(
            f"\n=== {page}: {cpu * 1000:.1f} ms CPU, {elapsed * 1000:.1f} ms wall per request ({repeat}, in-process)"
        )
        if args.cpu:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.depth)
            print("\n".join(line for line in out.getvalue().splitlines()[7:] if line.strip()))
        else:
            text = profiler.output_text(unicode=False, color=False, show_all=False, short_mode=False)
            print("\n".join(text.splitlines()[: args.depth]))


def _submit_bodies(learner, quiz, n):
    from django.utils import timezone

    from quizzes.drawing import draw_questions, shuffled
    from quizzes.models import Draw
    from quizzes.services import bank, quiz_questions

    right = {q.pk: {c.pk for c in q.choices.all() if c.correct} for q in quiz_questions(quiz)}
    questions = bank(quiz)
    bodies = []
    rng = random.Random(0)  # nosec B311: benchmark data
    for _ in range(n):
        chosen = draw_questions(questions, quiz.draw, rng=rng)
        draw = Draw.objects.create(
            user=learner, quiz=quiz, content_hash=quiz.module.content_hash, created_at=timezone.now(),
            question_ids=[q.id for q in chosen], choice_ids={str(q.id): shuffled(q.choice_ids, rng) for q in chosen},
        )  # fmt: skip
        body = {"token": str(draw.token)}
        for qid in draw.question_ids:
            order = draw.choice_ids[str(qid)]
            body[f"q-{qid}"] = [str(order.index(cid)) for cid in sorted(right[qid])]
        bodies.append(body)
    return bodies


if __name__ == "__main__":
    main()

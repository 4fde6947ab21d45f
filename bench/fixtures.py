"""What the benchmark's requests need, created through the services: a learner part-way through
a module with one attempt, their session and CSRF cookies, and a valid quiz submission."""

import random
import tempfile
import uuid

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.models import Organisation, User
from certificates.models import Certificate
from courses.models import Module, ModuleProgress
from courses.services import lesson_complete
from quizzes.drawing import draw_questions, shuffled
from quizzes.models import Attempt, Draw
from quizzes.services import attempt_submit, bank, get_quiz, quiz_questions

# Quiz forms made ready for the submit benchmark: each POST needs a form (a draw) of its own.
SUBMIT_FORMS = 20000


def session_cookie(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def bench_fixtures() -> dict:
    user, _ = User.objects.get_or_create(
        email="bench-learner@example.org", defaults={"name": "Bench Learner", "role": "parent"}
    )
    module = Module.objects.filter(is_active=True).order_by("position").first()
    lessons = list(module.lessons.filter(is_active=True).order_by("position"))
    for lesson in lessons[:-1]:
        lesson_complete(user=user, lesson=lesson)
    quiz = get_quiz(module)
    questions = quiz_questions(quiz)
    right = {q.pk: {c.pk for c in q.choices.all() if c.correct} for q in questions}
    attempt_submit(user=user, quiz=quiz, token=uuid.uuid4(), selected=right)
    csrf = get_random_string(32)
    cookie = f"sessionid={session_cookie(user)}; csrftoken={csrf}"
    extra = {}
    largest = Organisation.objects.annotate(size=Count("memberships")).order_by("-size").first()
    owner = largest.memberships.filter(role="owner").select_related("user").first() if largest else None
    if owner:
        slug = largest.slug
        extra["admin_cookie"] = f"sessionid={session_cookie(owner.user)}"
        extra["admin_pages"] = [
            ("dashboard (50 rows)", reverse("compliance:dashboard", args=[slug])),
            ("CSV export (all members)", reverse("compliance:export", args=[slug])),
        ]
        extra["organisation"] = f"{largest.name} ({largest.size} members)"
        extra["progress_ids"] = list(
            ModuleProgress.objects.filter(user__memberships__organisation=largest).values_list(
                "pk", flat=True
            )
        )
    certificate = Certificate.objects.filter(revoked_at__isnull=True).order_by("pk").first()
    if certificate:
        extra["public_pages"] = [
            ("certificate verification", reverse("certificates:verify_code", args=[certificate.code]))
        ]
    return {
        **extra,
        "cookie": cookie,
        "module_url": module.get_absolute_url(),
        "lesson_url": lessons[-1].get_absolute_url(),
        "quiz_url": reverse("quizzes:quiz", args=[module.slug]),
        "submit_bodies": submit_bodies(user=user, quiz=quiz, right=right, csrf=csrf),
        "count_attempts": lambda: Attempt.objects.filter(user=user).count(),
    }


def submit_bodies(*, user, quiz, right: dict[int, set[int]], csrf: str, count: int = SUBMIT_FORMS) -> str:
    """A file of `count` POST bodies, one a line: each answers (rightly) a quiz form of its own,
    drawn as the quiz page would draw it, so no submit is refused as a repeat or an unknown form.
    Returns the file's path."""
    rng = random.Random(0)  # nosec B311: benchmark data, nothing secret
    questions = bank(quiz)
    draws = []
    for _ in range(count):
        chosen = draw_questions(questions, quiz.draw, rng=rng)
        draws.append(
            Draw(
                user=user,
                quiz=quiz,
                content_hash=quiz.module.content_hash,
                created_at=timezone.now(),
                question_ids=[q.id for q in chosen],
                choice_ids={str(q.id): shuffled(q.choice_ids, rng) for q in chosen},
            )
        )
    Draw.objects.bulk_create(draws, batch_size=2000)
    with tempfile.NamedTemporaryFile("w", suffix=".bodies", delete=False) as out:
        for draw in draws:
            fields = [("csrfmiddlewaretoken", csrf), ("token", str(draw.token))]
            for qid in draw.question_ids:
                order = draw.choice_ids[str(qid)]
                fields += [(f"q-{qid}", str(order.index(cid))) for cid in sorted(right[qid])]
            out.write("&".join(f"{k}={v}" for k, v in fields) + "\n")
    return out.name

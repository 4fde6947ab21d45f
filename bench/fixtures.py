"""What the benchmark's requests need, created through the services: a learner part-way through
a module with one attempt, their session and CSRF cookies, and a valid quiz submission."""

import uuid

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from django.urls import reverse
from django.utils.crypto import get_random_string

from accounts.models import Organisation, User
from certificates.models import Certificate
from courses.models import Module
from courses.services import lesson_complete
from quizzes.models import Attempt
from quizzes.services import attempt_submit, get_quiz, quiz_questions


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
    fields = [("csrfmiddlewaretoken", csrf), ("token", "{{uuid}}")]
    fields += [(f"q-{qid}", str(cid)) for qid, cids in right.items() for cid in sorted(cids)]
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
        "submit_body": "&".join(f"{k}={v}" for k, v in fields),
        "count_attempts": lambda: Attempt.objects.filter(user=user).count(),
    }

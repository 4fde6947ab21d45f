"""Demo data at district size, built deterministically from a seed with bulk inserts.

Used by `manage.py seed_demo` for the benchmark and for trying the product: organisations of
several sizes (one with `large` members in groups), learners with lesson progress, quiz
attempts and answers, assignments with due dates (some overdue), and certificates (some
expired, some revoked). Every demo account's e-mail ends in DEMO_DOMAIN, which is how the
command tells demo data from real users."""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, OrganisationGroup, User
from certificates.codes import code_generate
from certificates.models import Certificate
from compliance.models import Assignment
from compliance.validity import completion_expires_at
from quizzes.models import Answer, Attempt, Choice

from .models import Lesson, LessonProgress, Module, ModuleProgress, Track

DEMO_DOMAIN = "demo.onguard.invalid"
BATCH = 5000
FIRST = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Riley", "Casey", "Jamie", "Avery", "Quinn",
         "Zoë", "Ñuria", "Дарья", "Αλέξης", "Mei", "Amara", "Kwame", "Priya", "Mateo", "Aisha"]  # fmt: skip
LAST = ["Smith", "García", "Nguyen", "Okafor", "Müller", "Kowalski", "Haddad", "Ivanova", "Papadopoulos",
        "Johnson", "Chen", "Patel", "Silva", "O'Brien", "Nakamura", "Adeyemi", "Rossi", "Novak"]  # fmt: skip
GROUPS = ["Science", "Mathematics", "English", "Humanities", "Arts", "Sport", "Pastoral", "Support staff"]


@dataclass
class DemoReport:
    users: int = 0
    organisations: int = 0
    memberships: int = 0
    lesson_progress: int = 0
    attempts: int = 0
    answers: int = 0
    certificates: int = 0
    sizes: list[int] = field(default_factory=list)


def real_users_exist() -> bool:
    return User.objects.exclude(email__endswith="@" + DEMO_DOMAIN).exists()


def demo_exists() -> bool:
    return User.objects.filter(email__endswith="@" + DEMO_DOMAIN).exists()


@transaction.atomic
def demo_clear() -> None:
    """Delete every demo organisation and account (and, by cascade, their history)."""
    # Certificates outlive a deleted account (they verify as withdrawn), so demo ones go first.
    Certificate.objects.filter(user__email__endswith="@" + DEMO_DOMAIN).delete()
    Organisation.objects.filter(slug__startswith="demo-").delete()
    User.objects.filter(email__endswith="@" + DEMO_DOMAIN).delete()


@transaction.atomic
def demo_build(*, seed: int, large: int, small: tuple[int, ...], parents: int) -> DemoReport:
    rng = random.Random(seed)  # nosec B311: demo data must repeat from its seed; nothing here is secret
    now = timezone.now().replace(microsecond=0)
    report = DemoReport()
    modules = list(Module.objects.filter(is_active=True).order_by("position"))
    if not modules:
        raise ValueError("Load the course first: python manage.py load_content")
    educator = Track.objects.filter(is_active=True, audience="educator").first()
    educator_modules = (
        [tm.module for tm in educator.track_modules.select_related("module")] if educator else modules
    )
    lessons = {
        m.pk: list(Lesson.objects.filter(module=m, is_active=True).order_by("position")) for m in modules
    }
    quizzes = {
        m.pk: m.quiz for m in Module.objects.filter(pk__in=[m.pk for m in modules]).select_related("quiz")
    }
    questions = _questions(modules)
    password = make_password(None)  # unusable: demo accounts cannot log in until given a password

    sizes = [("Lincoln County School District", "school", large, 12)]
    sizes += [
        (f"Demo {kind} {i + 1}", kind, n, 0)
        for i, (n, kind) in enumerate(zip(small, ["school", "nonprofit", "other"] * 5, strict=False))
    ]
    counter = 0
    for name, kind, size, validity in sizes:
        org = Organisation.objects.create(
            name=name, slug=f"demo-{counter}-{seed}", kind=kind,
            certificate_signatory_name="Jordan Lee", certificate_signatory_title="Safeguarding lead",
            certificate_validity_months=validity or None,
        )  # fmt: skip
        report.organisations += 1
        report.sizes.append(size)
        users = _users(rng, counter, size, role="educator", password=password, now=now)
        counter += size
        members = Membership.objects.bulk_create(
            [Membership(user=u, organisation=org, role="owner" if i == 0 else ("admin" if i < 3 else "member"),
                        joined_at=now - timedelta(days=rng.randint(30, 400)))
             for i, u in enumerate(users)], batch_size=BATCH,
        )  # fmt: skip
        report.memberships += len(members)
        groups = OrganisationGroup.objects.bulk_create(
            [
                OrganisationGroup(organisation=org, name=g)
                for g in GROUPS[: max(1, min(len(GROUPS), size // 50))]
            ]
        )
        Through = OrganisationGroup.members.through
        Through.objects.bulk_create(
            [
                Through(organisationgroup_id=groups[i % len(groups)].pk, membership_id=m.pk)
                for i, m in enumerate(members)
            ],
            batch_size=BATCH,
        )
        due = (now + timedelta(days=rng.choice([-10, -3, 5, 14, 30]))).date()
        if educator:
            Assignment.objects.create(
                organisation=org, track=educator, target="everyone", due_date=due, created_by=users[0]
            )
        Assignment.objects.create(
            organisation=org, module=modules[0], target="group", group=groups[0],
            due_date=(now - timedelta(days=7)).date(), created_by=users[0],
        )  # fmt: skip
        _history(rng, report, users, educator_modules, lessons, quizzes, questions, now, org if validity else None,
                 validity, org)  # fmt: skip
        report.users += len(users)

    learners = _users(rng, counter, parents, role="parent", password=password, now=now)
    report.users += len(learners)
    _history(rng, report, learners, modules, lessons, quizzes, questions, now, None, 0, None)
    return report


def _users(rng, start: int, count: int, *, role: str, password: str, now) -> list[User]:
    users = [
        User(
            email=f"learner{start + i:06d}@{DEMO_DOMAIN}",
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            role=role,
            password=password,
            date_joined=now - timedelta(days=rng.randint(1, 500)),
        )
        for i in range(count)
    ]
    return User.objects.bulk_create(users, batch_size=BATCH)


def _questions(modules) -> dict[int, list[tuple[int, list[int], list[int]]]]:
    """module id -> [(question id, correct choice ids, wrong choice ids)]."""

    result: dict[int, dict[int, tuple[list, list]]] = {}
    rows = Choice.objects.filter(
        is_active=True, question__is_active=True, question__scenario__quiz__module__in=modules
    ).values_list("question__scenario__quiz__module_id", "question_id", "pk", "correct")
    for module_id, question_id, choice_id, correct in rows:
        right, wrong = result.setdefault(module_id, {}).setdefault(question_id, ([], []))
        (right if correct else wrong).append(choice_id)
    return {m: [(q, r, w) for q, (r, w) in qs.items()] for m, qs in result.items()}


def _history(rng, report, users, modules, lessons, quizzes, questions, now, issuer, validity, org):
    """Lesson progress, attempts with answers, module completion and certificates."""
    progress, module_rows, attempts, pending_answers, certificates = [], [], [], [], []
    for user in users:
        engagement = rng.random()  # 15% never start, 25% part-way, 60% finish most modules
        for index, module in enumerate(modules):
            if engagement < 0.15 or (engagement < 0.4 and index > 2):
                break
            module_lessons = lessons[module.pk]
            done = len(module_lessons) if engagement >= 0.4 else rng.randint(1, len(module_lessons))
            started = now - timedelta(days=rng.randint(2, 420), minutes=rng.randint(0, 600))
            for n, lesson in enumerate(module_lessons[:done]):
                progress.append(
                    LessonProgress(user=user, lesson=lesson, completed_at=started + timedelta(minutes=6 * n))
                )
            completed_at = None
            if done == len(module_lessons) and module.pk in questions:
                for attempt_no in range(rng.choice([1, 1, 1, 2, 3])):
                    good = attempt_no > 0 or rng.random() < 0.7
                    picked = []
                    for question_id, right, wrong in questions[module.pk]:
                        correct = good and rng.random() < 0.95 or (not good and rng.random() < 0.5)
                        picked.append(
                            (question_id, right if correct or not wrong else [rng.choice(wrong)], correct)
                        )
                    right_count = sum(c for _, _, c in picked)
                    total = len(picked)
                    passed = 100 * right_count >= quizzes[module.pk].pass_mark * total
                    when = started + timedelta(minutes=40 + 10 * attempt_no)
                    attempts.append(Attempt(
                        user=user, quiz=quizzes[module.pk], content_hash=module.content_hash, submitted_at=when,
                        correct_count=right_count, question_count=total, score=100 * right_count // total, passed=passed,
                    ))  # fmt: skip
                    pending_answers.append(picked)
                    if passed:
                        completed_at = completed_at or when
                        break
            last = module_lessons[done - 1] if done else None
            module_rows.append(ModuleProgress(
                user=user, module=module, last_lesson=last, completed_at=completed_at,
                last_activity_at=completed_at or started + timedelta(minutes=6 * done),
            ))  # fmt: skip
            if completed_at:
                certificates.append((user, module, completed_at))
    LessonProgress.objects.bulk_create(progress, batch_size=BATCH)
    ModuleProgress.objects.bulk_create(module_rows, batch_size=BATCH)
    attempts = Attempt.objects.bulk_create(attempts, batch_size=BATCH)
    answers, picks = [], []
    for attempt, picked in zip(attempts, pending_answers, strict=False):
        for question_id, choices, correct in picked:
            answers.append(Answer(attempt=attempt, question_id=question_id, correct=correct))
            picks.append(choices)
    answers = Answer.objects.bulk_create(answers, batch_size=BATCH)
    Through = Answer.choices.through
    Through.objects.bulk_create(
        (Through(answer_id=a.pk, choice_id=c) for a, cs in zip(answers, picks, strict=False) for c in cs),
        batch_size=BATCH,
    )
    report.lesson_progress += len(progress)
    report.attempts += len(attempts)
    report.answers += len(answers)
    report.certificates += _certificates(rng, certificates, org, validity, now)


def _certificates(rng, completions, org, validity, now) -> int:
    """Certificates for completed modules: some expired (validity passed), some revoked."""
    rows = []
    for user, module, completed_at in completions:
        expires = completion_expires_at(completed_at, validity)
        revoked = rng.random() < 0.03
        rows.append(Certificate(
            code=code_generate(rng),
            user=user, module=module, organisation=org,
            learner_name=user.name, item_title=module.title, content_version=module.content_hash,
            issuer_name=org.name if org else "OnGuard",
            signatory_name=org.certificate_signatory_name if org else "",
            signatory_title=org.certificate_signatory_title if org else "",
            completed_at=completed_at, issued_at=completed_at, expires_at=expires,
            revoked_at=now - timedelta(days=1) if revoked else None,
            revocation_reason="Issued in error (demo data)" if revoked else "",
        ))  # fmt: skip
    Certificate.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)

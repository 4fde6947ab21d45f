"""Taking a quiz: loading it for display, and submitting an attempt exactly once."""

import uuid

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from courses.models import Module
from courses.services import module_refresh_completion

from .grading import grade
from .models import Answer, Attempt, Choice, Question, Quiz, Scenario


def get_quiz(module: Module) -> Quiz:
    """The module's quiz with its active scenarios, questions and choices (4 queries)."""
    choices = Prefetch("choices", queryset=Choice.objects.filter(is_active=True).order_by("position"))
    questions = Prefetch(
        "questions",
        queryset=Question.objects.filter(is_active=True).order_by("position").prefetch_related(choices),
    )
    scenarios = Prefetch(
        "scenarios",
        queryset=Scenario.objects.filter(is_active=True).order_by("position").prefetch_related(questions),
    )
    return get_object_or_404(Quiz.objects.prefetch_related(scenarios), module=module)


def get_attempt_for_user(user, token) -> Attempt:
    """Only the learner who made an attempt can see it; anyone else gets 404."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(Attempt.objects.select_related("quiz__module"), token=token, user=user)


def quiz_questions(quiz: Quiz) -> list[Question]:
    return [q for s in quiz.scenarios.all() for q in s.questions.all()]


def attempt_submit(
    *, user, quiz: Quiz, token: uuid.UUID, selected: dict[int, set[int]]
) -> tuple[Attempt, bool]:
    """Grade and record one attempt. Returns (attempt, created).

    `selected` must already be validated (every question answered, choices belong to their
    question). The attempt's token is unique in the database, so the same form submitted twice,
    even concurrently, records one attempt: the loser of the race gets the winner's attempt back
    with created=False."""
    questions = quiz_questions(quiz)
    correct = {q.pk: [c.pk for c in q.choices.all() if c.correct] for q in questions}
    result = grade(correct, selected, quiz.pass_mark)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                token=token,
                user=user,
                quiz=quiz,
                content_hash=quiz.module.content_hash,
                submitted_at=timezone.now(),
                correct_count=result.correct_count,
                question_count=result.question_count,
                score=result.score,
                passed=result.passed,
            )
            answers = Answer.objects.bulk_create(
                Answer(attempt=attempt, question_id=q.pk, correct=result.per_question[q.pk])
                for q in questions
            )
            Answer.choices.through.objects.bulk_create(
                Answer.choices.through(answer_id=answer.pk, choice_id=choice_id)
                for answer in answers
                for choice_id in sorted(selected[answer.question_id])
            )
            if result.passed:
                module_refresh_completion(user=user, module=quiz.module)
    except IntegrityError:
        existing = Attempt.objects.filter(token=token).first()
        if existing is None:
            raise
        if existing.user_id != user.pk:
            raise PermissionDenied("This quiz form belongs to someone else.") from None
        return existing, False
    return attempt, True


def attempt_review(attempt: Attempt, quiz: Quiz) -> list[dict]:
    """For the result page: each scenario with, for every question answered, the learner's
    choices, the correct ones and every choice's feedback (2 queries beyond the quiz's)."""
    answers = {
        a.question_id: a
        for a in attempt.answers.prefetch_related(Prefetch("choices", queryset=Choice.objects.only("id")))
    }
    sections = []
    for scenario in quiz.scenarios.all():
        items = []
        for question in scenario.questions.all():
            answer = answers.get(question.pk)
            if answer is None:
                continue
            chosen = {c.pk for c in answer.choices.all()}
            items.append(
                {
                    "question": question,
                    "correct": answer.correct,
                    "choices": [{"choice": c, "selected": c.pk in chosen} for c in question.choices.all()],
                }
            )
        if items:
            sections.append({"scenario": scenario, "questions": items})
    return sections


def best_attempt(*, user, quiz: Quiz) -> Attempt | None:
    return quiz.attempts.filter(user=user).order_by("-score", "submitted_at").first()


def attempts_export(*, user) -> list[dict]:
    """The learner's quiz attempts with the choices they ticked, for their data export."""
    attempts = Attempt.objects.filter(user=user).select_related("quiz__module")
    answers = Prefetch(
        "answers",
        queryset=Answer.objects.select_related("question").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.only("key", "text"))
        ),
    )
    return [
        {
            "module": attempt.quiz.module.slug,
            "submitted_at": attempt.submitted_at.isoformat(),
            "content_version": attempt.content_hash,
            "score": attempt.score,
            "passed": attempt.passed,
            "answers": [
                {
                    "question": answer.question.text,
                    "chosen": [c.text for c in answer.choices.all()],
                    "correct": answer.correct,
                }
                for answer in attempt.answers.all()
            ],
        }
        for attempt in attempts.prefetch_related(answers)
    ]


def most_missed_questions(*, module: Module, user_ids: QuerySet, limit: int = 5) -> list[dict]:
    """The questions of `module`'s quiz that the users `user_ids` (a values("user_id") queryset)
    most often answered wrong, as aggregates only (never one person's answers), in one query:
    dicts of question_id, question__text, answers, wrong and percent_wrong."""
    wrong = list(
        Answer.objects.filter(attempt__quiz__module=module, attempt__user__in=user_ids)
        .values("question_id", "question__text")
        .annotate(answers=Count("id"), wrong=Count("id", filter=Q(correct=False)))
        .filter(wrong__gt=0)
        .order_by("-wrong", "question_id")[:limit]
    )
    for item in wrong:
        item["percent_wrong"] = int(100 * item["wrong"] / item["answers"])
    return wrong

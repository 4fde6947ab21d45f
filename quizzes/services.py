"""Taking a quiz: drawing an attempt's questions and choice order, submitting it exactly once,
and reviewing it.

The review policy: after a failed attempt the learner sees which questions they got wrong and the
feedback on the choices they picked, but not which choices were right; after a pass, everything.
Retakes are unlimited."""

import copy
import random
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation

from courses.compiled import for_learner
from courses.kept import Kept
from courses.models import Module
from courses.services import attempt_counts, module_refresh_completion
from courses.translations import LANGUAGES, localize
from lti.tasks import scores_enqueue_for

from .drawing import BankQuestion, draw_questions, shuffled
from .grading import grade
from .models import Answer, Attempt, Choice, Draw, Question, Quiz, Refresher, Scenario

# Draws use the operating system's randomness: a learner cannot predict the next one.
_RANDOM = random.SystemRandom()


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
    quiz = get_object_or_404(Quiz.objects.prefetch_related(scenarios), module=module)
    quiz.module = module  # already fetched: no second query for quiz.module
    return quiz


# The quiz pages' quizzes, kept per process: (module id, language, the module's content version)
# -> (the quiz fetched, localized, whether it and its module are translated).
PAGE_QUIZZES = 32
_page_quizzes = Kept(PAGE_QUIZZES)


def page_quizzes_clear() -> None:
    _page_quizzes.clear()


def quiz_for_page(module: Module) -> tuple[Quiz, bool]:
    """The module's quiz as get_quiz fetches it, shown in the active language with its module (as
    localize_quiz does), and whether all of it has a translation in that language.

    The scenarios, questions and choices are kept per process for each module and language at
    the module's content version (its content_hash and updated_at: `manage.py load_content`
    changes both), so a repeat view runs no query, and a reload is seen by the next view. They
    are shared by every request that shows that quiz in that language: read them, never change
    them. Each call gets its own Quiz row, whose `module` is the one given (localized)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language not in LANGUAGES:
        language = settings.LANGUAGE_CODE  # as localize: the original

    def fetch():
        # The graph's own module row: the caller's is theirs to change (localize sets its words).
        own = copy.copy(module)
        shared = get_quiz(own)
        return shared, localize_quiz(shared, own, language=language)

    shared, translated = _page_quizzes.get(
        (module.pk, language, module.content_hash, module.updated_at), fetch
    )
    localize(module, language=language)
    quiz = copy.copy(shared)  # its own row (and module); the scenarios below it are shared
    quiz.module = module
    return quiz, translated


def get_attempt_for_user(user, token) -> Attempt:
    """Only the learner who made an attempt can see it; anyone else gets 404."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(Attempt.objects.select_related("quiz__module"), token=token, user=user)


def localize_quiz(quiz: Quiz, module: Module, language: str | None = None) -> bool:
    """Show the quiz (already fetched with get_quiz) and its module in `language` (the active one
    by default); False if it has no translation in it (no query)."""
    rows = [module, quiz]
    for scenario in quiz.scenarios.all():
        rows.append(scenario)
        for question in scenario.questions.all():
            rows.append(question)
            rows.extend(question.choices.all())
    return localize(*rows, language=language)


def quiz_questions(quiz: Quiz) -> list[Question]:
    return [q for s in quiz.scenarios.all() for q in s.questions.all()]


def bank(quiz: Quiz) -> list[BankQuestion]:
    return [
        BankQuestion(q.pk, q.objective, tuple(c.pk for c in q.choices.all())) for q in quiz_questions(quiz)
    ]


def draw_for(*, user, quiz: Quiz, rng: random.Random = _RANDOM) -> Draw:
    """The learner's open form for this quiz: the draw they were last shown and have not yet
    submitted (so a reload shows the same questions in the same order), or a new one that
    prefers the questions they did not see last time. Either has `best_score`: the learner's best
    score on the quiz so far (None before any attempt). One query to find it, two more to make
    one (three for their first)."""
    latest = for_learner(user, _latest_draw, names=(quiz.pk,))
    for draw in latest:  # raw() leaves what the query adds as the database gave it
        draw.submitted = bool(draw.submitted)
    if latest and not latest[0].submitted and latest[0].content_hash == quiz.module.content_hash:
        return latest[0]
    recent = latest[0].question_ids if latest else ()
    chosen = draw_questions(bank(quiz), quiz.draw, recent=recent, rng=rng)
    draw = Draw.objects.create(
        user=user,
        quiz=quiz,
        content_hash=quiz.module.content_hash,
        created_at=timezone.now(),
        question_ids=[q.id for q in chosen],
        choice_ids={str(q.id): shuffled(q.choice_ids, rng) for q in chosen},
    )
    # Attempts made without a form (before drawing existed) count too.
    draw.best_score = latest[0].best_score if latest else best_score(user=user, quiz=quiz)
    return draw


def _latest_draw(user_id: int, quiz_id: int) -> QuerySet[Draw]:
    """The learner's newest draw of the quiz, with whether it was submitted and their best score
    on the quiz: compiled once per process (courses.compiled), as every quiz page reads it."""
    return newest(Draw.objects.filter(user=user_id, quiz=quiz_id)).annotate(
        submitted=Exists(Attempt.objects.filter(token=OuterRef("token"))), best_score=_best_score()
    )[:1]


def _best_score() -> Subquery:
    """For a draw: its learner's best score on its quiz (as best_attempt orders them)."""
    attempts = Attempt.objects.filter(user=OuterRef("user"), quiz=OuterRef("quiz"))
    return Subquery(attempts.order_by("-score", "submitted_at").values("score")[:1])


def newest(rows: QuerySet) -> QuerySet:
    """One learner's draws (or refreshers) of one quiz, newest first (by created_at, then pk),
    narrowed to those made at the newest time: the index (user, quiz, -created_at) finds that time
    at once, where ordering all of them by (-created_at, -pk) reads every one (it has no pk to
    break ties with), and a learner may have thousands."""
    newest_at = rows.order_by("-created_at").values("created_at")[:1]
    return rows.filter(created_at=Subquery(newest_at)).order_by("-pk")


def get_draw_for_user(user, quiz: Quiz, token) -> Draw:
    """The form `token` names: 404 if there is none for this quiz; PermissionDenied if it is
    someone else's (a shared or forged token)."""
    token_field = Draw._meta.get_field("token")
    sql = f"SELECT * FROM {Draw._meta.db_table} WHERE {token_field.column} = %s AND quiz_id = %s"  # nosec B608: names
    # Written as SQL: read by every quiz submit, where building the query cost more than running it.
    found = list(Draw.objects.raw(sql, [token_field.get_db_prep_value(token, connection), quiz.pk]))
    draw = found[0] if found else None
    if draw is None:
        raise Http404
    if draw.user_id != user.pk:
        raise PermissionDenied("This quiz form belongs to someone else.")
    return draw


def draw_questions_of(draw: Draw, quiz: Quiz) -> list[Question]:
    """The draw's questions, in its order, from the quiz already fetched (no query); a question
    no longer in the quiz is left out (the content changed since the form was made)."""
    by_id = {q.pk: q for q in quiz_questions(quiz)}
    return [by_id[pk] for pk in draw.question_ids if pk in by_id]


def attempt_submit(
    *, user, quiz: Quiz, token: uuid.UUID, selected: dict[int, set[int]], draw: Draw | None = None
) -> tuple[Attempt, bool]:
    """Grade and record one attempt. Returns (attempt, created).

    The questions graded are those of the form's draw (all the bank's when no form was drawn, as
    for attempts made before drawing existed, or in tests). `selected` must already be validated
    (every graded question answered, choices belong to their question); it is graded by choice
    identity. The token is unique in the database, so the same form submitted twice, even
    concurrently, records one attempt: the loser of the race gets the winner's attempt back with
    created=False. `draw`: the form's draw when the caller has read it already (its token is
    `token`), else it is read here."""
    if draw is None or draw.token != token:
        draw = Draw.objects.filter(token=token).first()
    if draw is not None and draw.user_id != user.pk:
        raise PermissionDenied("This quiz form belongs to someone else.")
    questions = draw_questions_of(draw, quiz) if draw is not None else quiz_questions(quiz)
    correct = {q.pk: [c.pk for c in q.choices.all() if c.correct] for q in questions}
    result = grade(correct, selected, quiz.pass_mark)
    now = timezone.now()
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                token=token,
                user=user,
                quiz=quiz,
                content_hash=draw.content_hash if draw is not None else quiz.module.content_hash,
                submitted_at=now,
                correct_count=result.correct_count,
                question_count=result.question_count,
                score=result.score,
                passed=result.passed,
                counts=attempt_counts(user=user, module=quiz.module, submitted_at=now),
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
            if result.passed and attempt.counts:
                module_refresh_completion(user=user, module=quiz.module)
                # A learner who came from an LMS has the score sent to its gradebook now (cron
                # `send_lti_scores` catches up on any that fail).
                transaction.on_commit(lambda: scores_enqueue_for(user.pk))
    except IntegrityError:
        existing = Attempt.objects.filter(token=token).first()
        if existing is None:
            raise
        if existing.user_id != user.pk:
            raise PermissionDenied("This quiz form belongs to someone else.") from None
        return existing, False
    return attempt, True


def attempt_review(attempt: Attempt, quiz: Quiz) -> list[dict]:
    """For the result page, each scenario with the questions answered in this attempt, in the
    order the learner saw them (2 or 3 queries beyond the quiz's). After a pass every choice is
    listed, with which are best and why; after a failed attempt only the learner's own choices,
    with their feedback, and whether the question was right: never the right answers."""
    reveal = attempt.passed
    answers = {
        a.question_id: a
        for a in attempt.answers.prefetch_related(Prefetch("choices", queryset=Choice.objects.only("id")))
    }
    draw = Draw.objects.filter(token=attempt.token).only("choice_ids").first()
    sections = []
    for scenario in quiz.scenarios.all():
        items = []
        for question in scenario.questions.all():
            answer = answers.get(question.pk)
            if answer is None:
                continue
            chosen = {c.pk for c in answer.choices.all()}
            choices = list(question.choices.all())
            if draw is not None and str(question.pk) in draw.choice_ids:
                place = {pk: i for i, pk in enumerate(draw.choices_of(question.pk))}
                choices.sort(key=lambda c: place.get(c.pk, len(place)))
            shown = choices if reveal else [c for c in choices if c.pk in chosen]
            items.append(
                {
                    "question": question,
                    "correct": answer.correct,
                    "choices": [{"choice": c, "selected": c.pk in chosen} for c in shown],
                }
            )
        if items:
            sections.append({"scenario": scenario, "questions": items})
    return sections


def best_attempt(*, user, quiz: Quiz) -> Attempt | None:
    return quiz.attempts.filter(user=user).order_by("-score", "submitted_at").first()


def best_score(*, user, quiz: Quiz) -> int | None:
    return (
        quiz.attempts.filter(user=user)
        .order_by("-score", "submitted_at")
        .values_list("score", flat=True)
        .first()
    )


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


def refreshers_export(*, user) -> list[dict]:
    """The learner's submitted refreshers (quizzes/refreshers.py), for their data export."""
    refreshers = Refresher.objects.filter(user=user, submitted_at__isnull=False).select_related(
        "quiz__module"
    )
    return [
        {
            "module": r.quiz.module.slug,
            "submitted_at": r.submitted_at.isoformat(),
            "content_version": r.content_hash,
            "right": r.correct_count,
            "questions": len(r.question_ids),
            "passed": r.passed,
        }
        for r in refreshers.order_by("submitted_at")
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

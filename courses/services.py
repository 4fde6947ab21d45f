"""The progress rules (ARCHITECTURE.md), as plain functions.

- A lesson is complete when the learner marks it so; the module remembers the last lesson opened.
- A module is complete when all its lessons are complete and its quiz is passed (best attempt).
- A completed module is due again once its completion has run out (compliance.validity, read
  for a learner by certificates.renewal); passing its quiz after that renews the completion.
"""

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership, User
from certificates.renewal import module_due_since, modules_due_since, retake_wait
from certificates.services import certificate_issue_for_completion
from quizzes.models import Attempt, Quiz

from .compiled import converter, for_learner, named
from .kept import Kept
from .models import (
    Conversation,
    ConversationPractice,
    Handout,
    Lesson,
    LessonProgress,
    Module,
    ModuleProgress,
    Page,
    Track,
    TrackModule,
)
from .practice import conversations_with_practice, practice_export
from .translations import translated

# --- Access helpers: every module or lesson a request names is fetched through these. Modules
# and lessons are public course content, the same for everyone, so they take no user. ----------


def get_module(slug: str) -> Module:
    """An active module; a retired (inactive) or unknown one is gone (404). One query, compiled
    once per process (most pages of a module start with it)."""
    found = named(_active_module, slug)
    if not found:
        raise Http404("No such module.")
    return found[0]


def _active_module(slug: str) -> QuerySet[Module]:
    return Module.objects.filter(is_active=True, slug=slug)


def get_lesson(module: Module, slug: str) -> Lesson:
    """An active lesson of `module`, else 404."""
    return get_object_or_404(module.lessons.filter(is_active=True), slug=slug)


def get_lesson_in_its_module(module_slug: str, lesson_slug: str, *, user) -> tuple[Lesson, list[Lesson]]:
    """An active lesson of an active module, with its module, and the module's active lessons in
    order (the lesson among them), each with `done` as `active_lessons_marking_done` marks it
    (`user` only marks them: what is found is the same for everyone), and `opened_at`: when the
    learner last opened it if it is the one they opened last in its module (else None), for
    `lesson_open`. One query, compiled once per process, else 404; the module's own row comes
    from `_module_at`. The lessons' bodies are left out (deferred): a page that shows the
    lesson's own reads it then, with one query, and a page served from its cached fragment not at
    all."""
    lessons = for_learner(user, _lessons_of_module, names=(module_slug,))
    lesson = next((item for item in lessons if item.slug == lesson_slug), None)
    if lesson is None:
        raise Http404("No such lesson.")
    when = converter(ModuleProgress._meta.get_field("last_activity_at"))
    module = _module_at(lesson.module_id, lesson.module_content_hash, when(lesson.module_updated_at))
    for item in lessons:
        item.done, item.opened_at, item.module = bool(item.done), when(item.opened_at), module
    return lesson, lessons


def _lessons_of_module(user_id: int, module_slug: str) -> QuerySet[Lesson]:
    return (
        Lesson.objects.filter(is_active=True, module__slug=module_slug, module__is_active=True)
        .annotate(
            done=Exists(LessonProgress.objects.filter(user=user_id, lesson=OuterRef("pk"))),
            opened_at=Subquery(
                ModuleProgress.objects.filter(
                    user=user_id, module=OuterRef("module_id"), last_lesson=OuterRef("pk")
                ).values("last_activity_at")[:1]
            ),
            module_content_hash=F("module__content_hash"),
            module_updated_at=F("module__updated_at"),
        )
        .order_by("position")
        .defer("body_markdown", "body_html", "discussion")
    )


# Module rows by (id, content_hash, updated_at), per process: `manage.py load_content` changes
# both of the version's parts, so a kept row is the one in the database.
_MODULES = Kept(64)


def _module_at(module_id: int, content_hash: str, updated_at) -> Module:
    """The module's row at that content version: read once per process, then a copy of the kept
    row for each caller (`localize` changes its words in place)."""
    kept = _MODULES.get((module_id, content_hash, updated_at), lambda: Module.objects.get(pk=module_id))
    return copy.copy(kept)


def modules_kept_clear() -> None:
    _MODULES.clear()


def active_lessons(module: Module) -> QuerySet[Lesson]:
    return module.lessons.filter(is_active=True).order_by("position")


def active_lessons_marking_done(module: Module, *, user) -> QuerySet[Lesson]:
    """The module's active lessons, each with `done`: whether `user` has completed it (the same
    one query as the lessons alone)."""
    return _marking_done(active_lessons(module), user=user)


def _marking_done(lessons: QuerySet[Lesson], *, user) -> QuerySet[Lesson]:
    if not user.is_authenticated:
        return lessons.annotate(done=Value(False))
    return lessons.annotate(done=Exists(LessonProgress.objects.filter(user=user, lesson=OuterRef("pk"))))


def get_handout(slug: str) -> Handout:
    """An active handout, else 404."""
    return get_object_or_404(Handout.objects.filter(is_active=True), slug=slug)


def get_page(slug: str) -> Page:
    """An active page about the course, else 404 (for example before load_content has run)."""
    return get_object_or_404(Page.objects.filter(is_active=True), slug=slug)


# --- Writes -----------------------------------------------------------------------------------


# A lesson opened again within this time of its last opening is not stamped again.
LESSON_OPEN_RESTAMP = timedelta(minutes=1)


def lesson_open(*, user, lesson: Lesson, opened_at: datetime | None = None) -> None:
    """Remember the last lesson the learner opened in its module. Runs on every lesson view, so
    it is one UPDATE in the common case (an insert only the first time), and none when the page
    knows (`opened_at`, from `get_lesson_in_its_module`) that this lesson is already the module's
    last one opened, less than LESSON_OPEN_RESTAMP ago: a reload, or a return within the minute,
    changes nothing anyone is shown (module and dashboard pages show the day, and whether a
    module was started), so it writes nothing. "Continue where you left off" can then be up to a
    minute behind when two modules are opened in turn within one.

    On PostgreSQL, called outside a transaction (as views are: no ATOMIC_REQUESTS), that UPDATE
    commits asynchronously (`synchronous_commit` off for its own transaction only): the view does not wait for the write-ahead log to reach the disk, which
    measured about 3 ms a view, most of the lesson page's wall time beyond its CPU. The row is
    written and visible at once as before; only a crash of the database server itself could lose
    the last fraction of a second of these "last lesson opened" marks, never any progress (lesson
    completions, attempts, certificates stay synchronous)."""
    now = timezone.now()
    if opened_at is not None and now - LESSON_OPEN_RESTAMP < opened_at <= now:
        return
    rows = ModuleProgress.objects.filter(user=user, module_id=lesson.module_id)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Its own transaction, so that SET LOCAL covers this UPDATE and nothing else.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            updated = rows.update(last_lesson=lesson, last_activity_at=now)
    else:
        updated = rows.update(last_lesson=lesson, last_activity_at=now)
    if not updated:
        try:
            with transaction.atomic():
                ModuleProgress.objects.create(
                    user=user, module_id=lesson.module_id, last_lesson=lesson, last_activity_at=now
                )
        except IntegrityError:  # a second tab created it first
            lesson_open(user=user, lesson=lesson)


@transaction.atomic
def lesson_complete(*, user, lesson: Lesson) -> bool:
    """Mark `lesson` complete (idempotent). Returns True if this completed its module."""
    now = timezone.now()
    LessonProgress.objects.get_or_create(user=user, lesson=lesson, defaults={"completed_at": now})
    ModuleProgress.objects.update_or_create(
        user=user, module_id=lesson.module_id, defaults={"last_lesson": lesson, "last_activity_at": now}
    )
    return module_refresh_completion(user=user, module=lesson.module)


def module_is_complete(*, user, module: Module, passed_after: datetime | None = None) -> bool:
    """Every active lesson done, and the module's quiz (if it has one) passed by an attempt that
    counts, after `passed_after` when given (a renewal needs a pass after the certificate
    expired). One query, written as SQL: it runs in every passing submit and lesson completion,
    where the ORM took several times longer to build it than the database to answer."""
    t = {
        "lesson": Lesson._meta.db_table,
        "done": LessonProgress._meta.db_table,
        "quiz": Quiz._meta.db_table,
        "attempt": Attempt._meta.db_table,
    }
    sql = f"""
SELECT NOT EXISTS (SELECT 1 FROM {t["lesson"]} l WHERE l.module_id = %s AND l.is_active
                   AND NOT EXISTS (SELECT 1 FROM {t["done"]} d WHERE d.lesson_id = l.id AND d.user_id = %s))
   AND (NOT EXISTS (SELECT 1 FROM {t["quiz"]} q WHERE q.module_id = %s)
        OR EXISTS (SELECT 1 FROM {t["attempt"]} a INNER JOIN {t["quiz"]} q ON a.quiz_id = q.id
                   WHERE q.module_id = %s AND a.user_id = %s AND a.passed AND a.counts
                   AND (%s IS NULL OR a.submitted_at > %s)))"""  # nosec B608: only table names are interpolated
    after = connection.ops.adapt_datetimefield_value(passed_after)
    with connection.cursor() as cursor:
        cursor.execute(sql, [module.pk, user.pk, module.pk, module.pk, user.pk, after, after])
        return bool(cursor.fetchone()[0])


def quiz_attempts(*, user, module: Module, limit: int = 20) -> list:
    """The learner's latest attempts at the module's quiz, newest first, each linking to its
    review (one query; none for a guest)."""
    if not user.is_authenticated:
        return []
    return list(
        Attempt.objects.filter(user=user, quiz__module=module).order_by("-submitted_at", "-pk")[:limit]
    )


def attempt_counts(*, user, module: Module, submitted_at: datetime) -> bool:
    """Whether a quiz attempt submitted now counts towards completing `module`: not when an
    assigning organisation asks for a minimum wait between attempts and the learner's previous
    attempt was more recent than that. Retakes are never refused; a too-soon one just does not
    count (two queries)."""
    wait = retake_wait(user=user, module=module)
    if wait is None:
        return True
    previous = (
        Attempt.objects.filter(user=user, quiz__module=module)
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    return previous is None or submitted_at - previous >= wait


@transaction.atomic(savepoint=False)
def module_refresh_completion(*, user, module: Module) -> bool:
    """Record the module as complete the first time the rules say it is, or again once its
    certificate has expired and the learner passes the quiz after that (a renewal moves
    `completed_at`). Returns True only when this call completed it; the certificate is issued
    here, in the same transaction, so it exists exactly when the completion does. Within a
    caller's transaction it takes no savepoint of its own (two round trips on every passing
    submit): no caller goes on after an error in it, which rolls the whole transaction back."""
    progress, _ = ModuleProgress.objects.select_for_update().get_or_create(
        user=user, module=module, defaults={"last_activity_at": timezone.now()}
    )
    renew_after = None
    if progress.completed_at is not None:
        renew_after = module_due_since(user=user, module=module)
        if renew_after is None:
            return False
    if not module_is_complete(user=user, module=module, passed_after=renew_after):
        return False
    progress.completed_at = timezone.now()
    progress.last_activity_at = progress.completed_at
    fields = ["completed_at", "last_activity_at"]
    if renew_after is not None and progress.facilitated_on and progress.facilitated_on < renew_after.date():
        # A self-paced renewal: the session that credited the earlier completion is not this one.
        progress.facilitated_by, progress.facilitated_on = None, None
        fields += ["facilitated_by", "facilitated_on"]
    progress.save(update_fields=fields)
    certificate_issue_for_completion(user=user, module=module)
    return True


@transaction.atomic
def module_credit_facilitated(*, user, module: Module, facilitator, on, needs_quiz: bool) -> bool:
    """Credit `user` with `module` for attending a facilitated group session that `facilitator`
    ran on day `on`: its lessons count as read and the session is recorded on their progress.
    Unless `needs_quiz` (the organisation's policy), the module is complete now, with its
    certificate, as for a self-paced completion; with it, completion waits for the learner's own
    quiz pass (module_refresh_completion, which a pass already made completes at once). A module
    already complete (and not due again) is left as it is. Returns True if this completed it."""
    progress, _ = ModuleProgress.objects.select_for_update().get_or_create(
        user=user, module=module, defaults={"last_activity_at": timezone.now()}
    )
    if progress.completed_at is not None and module_due_since(user=user, module=module) is None:
        return False
    now = timezone.now()
    LessonProgress.objects.bulk_create(
        [LessonProgress(user=user, lesson=lesson, completed_at=now) for lesson in active_lessons(module)],
        ignore_conflicts=True,
    )
    progress.facilitated_by = facilitator
    progress.facilitated_on = on
    progress.last_activity_at = now
    progress.save(update_fields=["facilitated_by", "facilitated_on", "last_activity_at"])
    if needs_quiz:
        return module_refresh_completion(user=user, module=module)
    progress.completed_at = now
    progress.save(update_fields=["completed_at"])
    certificate_issue_for_completion(user=user, module=module)
    return True


# --- Reads for pages: a fixed number of queries, whatever the number of modules or attempts. ---


@dataclass
class ModuleStatus:
    module: Module
    lessons_total: int
    lessons_done: int = 0
    attempts: int = 0
    best_score: int | None = None
    passed: bool = False
    completed_at: datetime | None = None
    last_activity_at: datetime | None = None
    renewal_due: bool = False
    # The lesson the learner opened last, for "Continue where you left off" (recent_status).
    last_lesson_id: int | None = None
    last_lesson_title: str = ""

    @property
    def started(self) -> bool:
        return bool(self.lessons_done or self.attempts or self.last_activity_at)

    @property
    def state(self) -> str:
        if self.completed_at and self.renewal_due:
            return "due"
        if self.completed_at:
            return "completed"
        if self.started:
            return "in_progress"
        return "not_started"

    @property
    def percent(self) -> int:
        """Progress through the module's steps: each lesson, plus passing the quiz."""
        if self.completed_at:
            return 100
        steps = self.lessons_total + 1
        return int(100 * (self.lessons_done + (1 if self.passed else 0)) / steps)


def modules_with_lesson_counts() -> QuerySet[Module]:
    """Active modules in course order, each with `lesson_count`. The order is explicit: Django
    leaves a model's default ordering out of a query that groups (this one counts lessons)."""
    return (
        Module.objects.filter(is_active=True)
        .annotate(lesson_count=Count("lessons", filter=Q(lessons__is_active=True)))
        .order_by("position", "slug")
    )


def module_statuses(*, user, modules: list[Module]) -> dict[int, ModuleStatus]:
    """Status of each module for `user` (modules must carry `lesson_count`): three queries, and
    two or three more to tell whether completed modules are due again."""
    statuses = {m.pk: ModuleStatus(module=m, lessons_total=m.lesson_count) for m in modules}
    if not user.is_authenticated or not statuses:
        return statuses
    ids = list(statuses)
    lessons_done = dict(
        LessonProgress.objects.filter(user=user, lesson__module_id__in=ids, lesson__is_active=True)
        .values_list("lesson__module_id")
        .annotate(n=Count("id"))
    )
    for module_id, n in lessons_done.items():
        statuses[module_id].lessons_done = n
    attempts = {
        module_id: (n, best, passes > 0)
        for module_id, n, best, passes in Attempt.objects.filter(user=user, quiz__module_id__in=ids)
        .values_list("quiz__module_id")
        .annotate(n=Count("id"), best=Max("score"), passes=Count("id", filter=Q(passed=True)))
    }
    for module_id, (n, best, passed) in attempts.items():
        status = statuses[module_id]
        status.attempts, status.best_score, status.passed = n, best, passed
    completions = {}
    language = translation.get_language() or settings.LANGUAGE_CODE
    # The last lesson's title in the active language (as `translated` reads it), without
    # fetching its translations whole.
    translated_title = KeyTextTransform("title", KeyTransform(language, "last_lesson__translations"))
    for module_id, completed_at, last, lesson_id, title, title_here in ModuleProgress.objects.filter(
        user=user, module_id__in=ids
    ).values_list(
        "module_id",
        "completed_at",
        "last_activity_at",
        "last_lesson_id",
        "last_lesson__title",
        translated_title,
    ):
        status = statuses[module_id]
        status.completed_at, status.last_activity_at = completed_at, last
        status.last_lesson_id, status.last_lesson_title = lesson_id, title_here or title or ""
        completions[module_id] = completed_at
    for module_id in modules_due_since(user=user, completions=completions):
        statuses[module_id].renewal_due = True
    return statuses


def _count(queryset: QuerySet) -> Subquery:
    """COUNT(*) of `queryset` as a scalar subquery (no GROUP BY: one row, 0 when empty)."""
    return Subquery(queryset.order_by().annotate(n=Func(Value(1), function="COUNT")).values("n")[:1])


@dataclass
class LearnerProgress:
    """What My learning shows of the course for one learner (`learner_progress`)."""

    statuses: dict[int, ModuleStatus]  # every active module, as module_statuses gives them
    track_title: str | None  # their recommended track's title in the active language, if any
    track_order: list[int]  # its module ids in order (as learner_track)
    in_organisation: bool  # whether any organisation could have assigned them anything


def module_statuses_for_learner(*, user) -> dict[int, ModuleStatus]:
    """The same as `module_statuses` over `modules_with_lesson_counts()`, in one query instead of
    four (plus the due-again check's, as there, once the learner has a completion)."""
    return learner_progress(user=user).statuses


def _module_page_state(user_id: int, slug: str) -> QuerySet[Module]:
    """The active module `slug`, whole, with its quiz's pass mark (None without a quiz) and
    `has_conversations`, and a version of
    everything its page shows of the learner's own: how many of its active lessons they have
    done and their newest such row, how many attempts at its quiz and the newest, the same for
    their practice of its conversations (by last activity: every choice, replay and ending
    moves it), and their progress row's completion and last activity. Rows are only added (ids only
    grow) or removed (counts fall), so any change to what the page lists changes the version."""
    done = LessonProgress.objects.filter(user=user_id, lesson__module=OuterRef("pk"), lesson__is_active=True)
    attempts = Attempt.objects.filter(user=user_id, quiz__module=OuterRef("pk"))
    practice = ConversationPractice.objects.filter(
        user=user_id, conversation__module=OuterRef("pk"), conversation__is_active=True
    )
    progress = ModuleProgress.objects.filter(user=user_id, module=OuterRef("pk"))
    return Module.objects.filter(is_active=True, slug=slug).annotate(
        quiz_pass_mark=Subquery(Quiz.objects.filter(module=OuterRef("pk")).values("pass_mark")[:1]),
        has_conversations=Exists(Conversation.objects.filter(is_active=True, module=OuterRef("pk"))),
        done_count=_count(done),
        done_newest=Subquery(done.order_by("-pk").values("pk")[:1]),
        attempt_count=_count(attempts),
        attempt_newest=Subquery(attempts.order_by("-pk").values("pk")[:1]),
        practice_count=_count(practice),
        practice_newest=Subquery(practice.order_by("-last_activity_at").values("last_activity_at")[:1]),
        mine_completed_at=Subquery(progress.values("completed_at")[:1]),
        mine_last_activity_at=Subquery(progress.values("last_activity_at")[:1]),
    )


def get_module_page(slug: str, *, user) -> Module:
    """The active module `slug` for its page (else 404), with `has_quiz`, `quiz_pass_mark`,
    `has_conversations`, the learner's `completed_at`, `last_activity_at` and `renewal_due`, and
    `page_version`: a tuple that changes whenever anything the page shows could for this learner
    (the module's content version, the learner's version of it from `_module_page_state`, and
    whether the module is due again), and that names the learner, so no two learners share it.
    One query, compiled once per process; two or three more for a completed module (the
    due-again check)."""
    found = for_learner(user, _module_page_state, names=(slug,))
    if not found:
        raise Http404("No such module.")
    module = found[0]
    when = converter(ModuleProgress._meta.get_field("completed_at"))
    module.has_quiz = module.quiz_pass_mark is not None
    module.has_conversations = bool(module.has_conversations)
    module.completed_at = when(module.mine_completed_at)
    module.last_activity_at = when(module.mine_last_activity_at)
    module.renewal_due = module.completed_at is not None and bool(
        modules_due_since(user=user, completions={module.pk: module.completed_at})
    )
    module.page_version = (
        user.pk,
        module.pk,
        module.content_hash,
        module.updated_at,
        module.has_quiz,
        module.has_conversations,
        module.done_count,
        module.done_newest,
        module.attempt_count,
        module.attempt_newest,
        module.practice_count,
        str(module.practice_newest),
        module.completed_at,
        module.last_activity_at is not None,  # started: the page shows no time of it
        module.renewal_due,
    )
    return module


def module_page_status(module: Module, *, lessons_done: int, attempts: list[Attempt]) -> ModuleStatus:
    """The learner's status in a module from `get_module_page` (`lesson_count` set), with its
    lessons done and `attempts_for`'s list: no query."""
    first = attempts[0] if attempts else None  # each carries the totals over all of them
    count, best, passed = (
        (first.attempts_total, first.best_score, first.passes > 0) if first else (0, None, False)
    )
    return ModuleStatus(
        module=module,
        lessons_total=module.lesson_count,
        lessons_done=lessons_done,
        attempts=count,
        best_score=best,
        passed=passed,
        completed_at=module.completed_at,
        last_activity_at=module.last_activity_at,
        renewal_due=module.renewal_due,
    )


def _learner_modules(user_id: int, language: str, audience: str) -> QuerySet[Module]:
    """Each active module with its lesson count, the learner's done lessons and attempts
    (subqueries), their progress row with its last lesson's title in `language` (joined) and its
    place in their recommended track (the first active one for `audience`); on every row, that
    track's title and whether the learner belongs to an organisation (subqueries the database
    runs once)."""
    # By the module's quiz (joined once), so that each reads the index on (user, quiz, -score).
    attempts = Attempt.objects.filter(user=user_id, quiz=OuterRef("quiz"))
    track = Track.objects.filter(is_active=True, audience=audience).order_by("position")[:1]
    title_here = KeyTextTransform("title", KeyTransform(language, "translations"))
    return Module.objects.filter(is_active=True).annotate(
        lesson_count=_count(Lesson.objects.filter(module=OuterRef("pk"), is_active=True)),
        done_count=_count(
            LessonProgress.objects.filter(user=user_id, lesson__module=OuterRef("pk"), lesson__is_active=True)
        ),
        attempt_count=_count(attempts),
        attempt_best=Subquery(attempts.order_by("-score").values("score")[:1]),
        attempt_passed=Exists(attempts.filter(passed=True)),
        mine=FilteredRelation("progress", condition=Q(progress__user=user_id)),
        mine_completed_at=F("mine__completed_at"),
        mine_last_activity_at=F("mine__last_activity_at"),
        mine_last_lesson_id=F("mine__last_lesson_id"),
        mine_last_title=F("mine__last_lesson__title"),
        mine_last_title_here=KeyTextTransform(
            "title", KeyTransform(language, "mine__last_lesson__translations")
        ),
        track_position=Subquery(
            TrackModule.objects.filter(track=Subquery(track.values("pk")), module=OuterRef("pk"))
            .order_by()
            .values("position")[:1]
        ),
        track_title=Subquery(track.values("title")),
        track_title_here=Subquery(track.annotate(t=title_here).values("t")),
        in_organisation=Exists(Membership.objects.filter(user=user_id)),
    )


def learner_progress(*, user) -> LearnerProgress:
    """Every active module with the learner's status, their recommended track and whether they
    belong to an organisation: one query where `module_statuses`, `learner_track` and the
    modules take five (`_learner_modules`). Plus the due-again check's queries
    (certificates.renewal) once the learner has a completion; for a visitor, as module_statuses."""
    if not user.is_authenticated:
        statuses = module_statuses(user=user, modules=list(modules_with_lesson_counts()))
        return LearnerProgress(statuses, None, [], False)
    language = translation.get_language() or settings.LANGUAGE_CODE
    audience = user.recommended_audience
    modules = for_learner(user, _learner_modules, language, audience)
    when = converter(ModuleProgress._meta.get_field("completed_at"))
    for m in modules:  # raw() converts the model's own columns, not the ones added here
        m.mine_completed_at = when(m.mine_completed_at)
        m.mine_last_activity_at = when(m.mine_last_activity_at)
        m.attempt_passed, m.in_organisation = bool(m.attempt_passed), bool(m.in_organisation)
    statuses = {}
    completions = {}
    for m in modules:
        statuses[m.pk] = ModuleStatus(
            module=m,
            lessons_total=m.lesson_count,
            lessons_done=m.done_count,
            attempts=m.attempt_count,
            best_score=m.attempt_best,
            passed=m.attempt_passed,
            completed_at=m.mine_completed_at,
            last_activity_at=m.mine_last_activity_at,
            last_lesson_id=m.mine_last_lesson_id,
            last_lesson_title=m.mine_last_title_here or m.mine_last_title or "",
        )
        if m.mine_completed_at is not None:
            completions[m.pk] = m.mine_completed_at
    for module_id in modules_due_since(user=user, completions=completions):
        statuses[module_id].renewal_due = True
    if not statuses:  # no module row to carry the track: as learner_track would find it
        track_row, order = learner_track(user=user)
        title = translated(track_row, "title") if track_row else None
        return LearnerProgress(statuses, title, order, True)
    first = next(iter(modules))
    in_track = sorted((m for m in modules if m.track_position is not None), key=lambda m: m.track_position)
    return LearnerProgress(
        statuses=statuses,
        track_title=first.track_title_here or first.track_title,
        track_order=[m.pk for m in in_track],
        in_organisation=first.in_organisation,
    )


def _learner_conversations(user_id: int, language: str) -> QuerySet[Conversation]:
    """`practice.conversations_with_practice` (every active conversation of an active module,
    with the learner's `practised_at` and `practice_path`), reading only what a list shows: its
    slug, module, audiences and title (`title_here`: in `language`, where translated), not its
    graph and translations."""
    return (
        conversations_with_practice(user=User(pk=user_id))
        .annotate(title_here=KeyTextTransform("title", KeyTransform(language, "translations")))
        .only("slug", "module_id", "title", "audiences")
    )


def practice_list(*, user, statuses: dict[int, ModuleStatus]) -> list[Conversation]:
    """The learner's practice conversations for My learning, in their order, each with its
    title in the active language, `practised_at`, `practice_path`, and its module from
    `statuses` (the page's, already in that language): one query. For a signed-in learner."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    # A module retired by a content load between the page's two queries drops its conversations.
    found = [c for c in for_learner(user, _learner_conversations, language) if c.module_id in statuses]
    when = converter(ConversationPractice._meta.get_field("completed_at"))
    for c in found:
        c.practised_at = when(c.practised_at)
        # Only the title is shown: in this language already, so `translated` finds it as it is.
        c.title, c.translations = c.title_here or c.title, {}
        c.module = statuses[c.module_id].module
    return found


def lessons_done(*, user, lessons: list[Lesson]) -> set[int]:
    """Which of `lessons` the learner has marked complete (one query)."""
    return set(
        LessonProgress.objects.filter(user=user, lesson__in=lessons).values_list("lesson_id", flat=True)
    )


# The attempts a module page lists before "Show all": the rest are one click away.
ATTEMPTS_SHOWN = 10


def attempts_for(*, user, module: Module, limit: int | None = ATTEMPTS_SHOWN) -> list[Attempt]:
    """The learner's quiz attempts on `module`, newest first (one query): each links to its
    review, so that past feedback can always be read again. Each also carries the totals over
    all of them, the limit aside (`attempts_total`, `best_score`, `passes`), which
    `module_page_status` reads."""
    if not user.is_authenticated:
        return []
    attempts = (
        Attempt.objects.filter(user=user, quiz__module=module)
        .only("token", "submitted_at", "score", "passed")
        .annotate(
            attempts_total=Window(Count("id")),
            best_score=Window(Max("score")),
            passes=Window(Count("id", filter=Q(passed=True))),
        )
        .order_by("-submitted_at", "-pk")
    )
    return list(attempts[:limit] if limit else attempts)


def next_step_url(*, user, module: Module) -> str:
    """Where "Start" / "Continue" goes: the first incomplete lesson, else the quiz, else the
    module's first lesson for review."""
    lessons = list(active_lessons(module).only("slug", "position"))
    done: set[int] = set()
    if user.is_authenticated:
        done = set(
            LessonProgress.objects.filter(user=user, lesson__in=lessons).values_list("lesson_id", flat=True)
        )
    for lesson in lessons:
        if lesson.pk not in done:
            return reverse("courses:lesson", args=[module.slug, lesson.slug])
    if user.is_authenticated and not module_is_complete(user=user, module=module):
        return reverse("quizzes:quiz", args=[module.slug])
    if user.is_authenticated and module_due_since(user=user, module=module) is not None:
        return reverse("quizzes:quiz", args=[module.slug])
    if lessons:
        return reverse("courses:lesson", args=[module.slug, lessons[0].slug])
    raise Http404("This module has no lessons.")


def learner_track(*, user) -> tuple[Track | None, list[int]]:
    """The learner's recommended track (the first active one for their role) and its module ids
    in order: one query, or two when that track holds no modules."""
    first = Track.objects.filter(is_active=True, audience=user.recommended_audience).values("pk")[:1]
    rows = list(
        TrackModule.objects.filter(track=Subquery(first)).select_related("track").order_by("position")
    )
    if rows:
        return rows[0].track, [tm.module_id for tm in rows]
    return Track.objects.filter(is_active=True, audience=user.recommended_audience).first(), []


def recent_status(statuses: dict[int, ModuleStatus]) -> ModuleStatus | None:
    """The module the learner touched last and has not finished, for "Continue where you left
    off", from the statuses of every active module a page has already fetched (no query)."""
    unfinished = [s for s in statuses.values() if s.last_activity_at and not s.completed_at]
    return max(unfinished, key=lambda s: s.last_activity_at, default=None)


def progress_export(*, user) -> dict:
    """The learner's lesson, module and practice progress, for their data export."""
    lessons = LessonProgress.objects.filter(user=user).select_related("lesson__module")
    modules = ModuleProgress.objects.filter(user=user).select_related("module", "last_lesson")
    return {
        "lessons_completed": [
            {
                "module": p.lesson.module.slug,
                "lesson": p.lesson.slug,
                "completed_at": p.completed_at.isoformat(),
            }
            for p in lessons
        ],
        "modules": [
            {
                "module": p.module.slug,
                "last_lesson": p.last_lesson.slug if p.last_lesson else None,
                "last_activity_at": p.last_activity_at.isoformat(),
                "completed_at": p.completed_at.isoformat() if p.completed_at else None,
                "facilitated_on": p.facilitated_on.isoformat() if p.facilitated_on else None,
            }
            for p in modules
        ],
        "practice_conversations": practice_export(user=user),
    }

"""Spaced refreshers: after a module is completed, three questions from its bank fall due about 1,
3 and 6 months later (docs/refreshers.md says why). The rules, in one place:

- A module's refresher rounds fall due SCHEDULE_DAYS after its completion (ModuleProgress
  .completed_at). The latest round whose date has passed is the one that matters: a passed
  refresher submitted on or after that date satisfies it, and any earlier missed round with it.
- currency(): "current" while no round is unsatisfied; "due" from a round's date until GRACE
  after it; "lapsed" after that. One passed refresher restores "current". Nothing is deleted or
  revoked: an organisation that requires refreshers sees the status, nothing else changes.
- A refresher draws QUESTIONS questions, preferring ones the learner did not see last (their
  latest quiz form and latest refresher), shows each question's feedback at once, and passes with
  PASS_MARK percent (two of three). It is offered, on My learning and by e-mail, while a round is
  unsatisfied (due or lapsed).
- E-mails: a learner is e-mailed when a round falls due (one e-mail listing every module due),
  at most once a day (RefresherReminder's unique constraint) and never again for the same round.
"""

import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.mail import absolute_url, mail_send
from courses.models import Module, ModuleProgress
from courses.translations import localize

from .drawing import draw_refresher
from .grading import grade
from .models import Draw, Quiz, Refresher, RefresherReminder
from .services import bank, draw_questions_of, newest

SCHEDULE_DAYS = (30, 90, 180)
GRACE = timedelta(days=30)
QUESTIONS = 3
PASS_MARK = 66  # percent: two of three (grading compares without rounding)

CURRENT, DUE, LAPSED = "current", "due", "lapsed"
LABELS = {CURRENT: _("Current"), DUE: _("Refresher due"), LAPSED: _("Lapsed")}
_RANK = {CURRENT: 0, DUE: 1, LAPSED: 2}

_RANDOM = random.SystemRandom()


# --- The rule ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Currency:
    status: str  # CURRENT, DUE or LAPSED
    round: int | None = None  # the unsatisfied round (1-based), if any
    due_at: datetime | None = None  # when that round fell due
    next_due_at: datetime | None = None  # the next round's date, when current

    @property
    def label(self) -> str:
        return str(LABELS[self.status])

    @property
    def offered(self) -> bool:
        return self.status != CURRENT


def due_dates(completed_at: datetime) -> list[datetime]:
    return [completed_at + timedelta(days=days) for days in SCHEDULE_DAYS]


def currency(*, completed_at: datetime | None, last_passed_at: datetime | None, now: datetime) -> Currency:
    """Where one completion stands. No completion (None) has no refreshers: current."""
    if completed_at is None:
        return Currency(CURRENT)
    dates = due_dates(completed_at)
    passed = [i for i, at in enumerate(dates) if at <= now]
    upcoming = next((at for at in dates if at > now), None)
    if not passed:
        return Currency(CURRENT, next_due_at=upcoming)
    latest = passed[-1]
    due_at = dates[latest]
    if last_passed_at is not None and last_passed_at >= due_at:
        return Currency(CURRENT, next_due_at=upcoming)
    return Currency(DUE if now <= due_at + GRACE else LAPSED, latest + 1, due_at)


def worst(items: Iterable[Currency]) -> Currency:
    return max(items, key=lambda c: _RANK[c.status], default=Currency(CURRENT))


def last_passed(*, user_ids: Iterable[int], module_ids: Iterable[int]) -> dict[tuple[int, int], datetime]:
    """(user id, module id) -> when they last passed a refresher of it: one query."""
    return {
        (u, m): at
        for u, m, at in Refresher.objects.filter(
            user_id__in=list(user_ids), quiz__module_id__in=list(module_ids), passed=True
        )
        .values_list("user_id", "quiz__module_id")
        .annotate(at=Max("submitted_at"))
    }


def currency_batch(
    completions: dict[tuple[int, int], datetime | None], *, now: datetime
) -> dict[tuple[int, int], Currency]:
    """Currency for many (user id, module id) -> completed_at at once, in one query."""
    done = {key: at for key, at in completions.items() if at is not None}
    passed = last_passed(user_ids={u for u, _m in done}, module_ids={m for _u, m in done}) if done else {}
    return {
        key: currency(completed_at=at, last_passed_at=passed.get(key), now=now)
        for key, at in completions.items()
    }


def user_currency(*, user_id: int, module_ids: Iterable[int], now: datetime) -> Currency:
    """The worst currency of one learner over some modules (a module's or a track's certificate):
    two queries."""
    module_ids = list(module_ids)
    completions = {
        (user_id, m): at
        for m, at in ModuleProgress.objects.filter(
            user_id=user_id, module_id__in=module_ids, completed_at__isnull=False
        ).values_list("module_id", "completed_at")
    }
    return worst(currency_batch(completions, now=now).values())


# --- The learner's refreshers -------------------------------------------------------------------


@dataclass(frozen=True)
class DueRefresher:
    module: Module
    currency: Currency

    @property
    def url(self) -> str:
        return reverse("quizzes:refresher", args=[self.module.slug])


def refreshers_due(
    *, user, now: datetime | None = None, statuses: Iterable | None = None
) -> list[DueRefresher]:
    """The learner's modules with a refresher to take now, oldest first (two queries). A page
    that has fetched the learner's courses.services.ModuleStatus of every active module passes
    them as `statuses`: then no query unless a completion is old enough for one, else one."""
    now = now or timezone.now()
    if statuses is None:
        completions = {
            p.module: p.completed_at
            for p in ModuleProgress.objects.filter(
                user=user, completed_at__isnull=False, module__is_active=True
            ).select_related("module")
        }
    else:
        completions = {s.module: s.completed_at for s in statuses if s.completed_at}
    first_round = now - timedelta(days=SCHEDULE_DAYS[0])
    old = {module.pk: (module, at) for module, at in completions.items() if at <= first_round}
    if not old:
        return []
    # Modules without a quiz have no refreshers; the last passed refresher of each that has one.
    rows = (
        Quiz.objects.filter(module_id__in=list(old))
        .values_list("module_id")
        .annotate(
            at=Max("refreshers__submitted_at", filter=Q(refreshers__user=user, refreshers__passed=True))
        )
    )
    found = []
    for module_id, last_passed_at in rows:
        module, completed_at = old[module_id]
        state = currency(completed_at=completed_at, last_passed_at=last_passed_at, now=now)
        if state.offered:
            found.append(DueRefresher(module, state))
    return sorted(found, key=lambda d: d.currency.due_at)


def refresher_state(*, user, module: Module, now: datetime | None = None) -> Currency | None:
    """This learner's currency for `module`, or None if they have not completed it."""
    now = now or timezone.now()
    completed_at = (
        ModuleProgress.objects.filter(user=user, module=module, completed_at__isnull=False)
        .values_list("completed_at", flat=True)
        .first()
    )
    if completed_at is None:
        return None
    passed = last_passed(user_ids=[user.pk], module_ids=[module.pk])
    return currency(completed_at=completed_at, last_passed_at=passed.get((user.pk, module.pk)), now=now)


def refresher_open(*, user, quiz: Quiz, since: datetime, rng: random.Random = _RANDOM) -> Refresher:
    """The learner's open refresher form for this quiz (made since `since`, the round's date, and
    not yet submitted: a reload shows the same questions), or a new one drawn away from the
    questions they saw last (two or three queries, four to make one)."""
    latest = newest(Refresher.objects.filter(user=user, quiz=quiz)).first()
    if (
        latest is not None
        and latest.submitted_at is None
        and latest.created_at >= since
        and latest.content_hash == quiz.module.content_hash
    ):
        return latest
    recent = set(latest.question_ids) if latest else set()
    last_form = newest(Draw.objects.filter(user=user, quiz=quiz)).first()
    if last_form is not None:
        recent.update(last_form.question_ids)
    chosen = draw_refresher(bank(quiz), QUESTIONS, recent=recent, rng=rng)
    return Refresher.objects.create(
        user=user,
        quiz=quiz,
        content_hash=quiz.module.content_hash,
        created_at=timezone.now(),
        question_ids=[q.id for q in chosen],
        choice_ids={str(q.id): rng.sample(q.choice_ids, len(q.choice_ids)) for q in chosen},
    )


def get_refresher_for_user(user, token) -> Refresher:
    """Only the learner whose refresher it is may see or submit it; anyone else gets 404."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(Refresher.objects.select_related("quiz__module"), token=token, user=user)


def refresher_submit(*, refresher: Refresher, quiz: Quiz, selected: dict[int, set[int]]) -> bool:
    """Grade and record the refresher once. Returns False if it was already submitted (a double
    click, a second tab): the first answers stand. A conditional update makes that hold for two
    concurrent requests too."""
    questions = draw_questions_of(refresher, quiz)
    correct = {q.pk: [c.pk for c in q.choices.all() if c.correct] for q in questions}
    result = grade(correct, selected, PASS_MARK)
    now = timezone.now()
    with transaction.atomic():
        updated = Refresher.objects.filter(pk=refresher.pk, submitted_at__isnull=True).update(
            submitted_at=now,
            selected={str(q): sorted(c) for q, c in selected.items()},
            correct_count=result.correct_count,
            passed=result.passed,
        )
    if updated:
        refresher.refresh_from_db()
    return bool(updated)


def refresher_review(refresher: Refresher, quiz: Quiz) -> list[dict]:
    """Each question with every choice in the order shown, which the learner ticked and which are
    best, with feedback (no query beyond the quiz's): a refresher shows everything at once."""
    chosen = {int(q): set(c) for q, c in refresher.selected.items()}
    items = []
    for question in draw_questions_of(refresher, quiz):
        place = {pk: i for i, pk in enumerate(refresher.choices_of(question.pk))}
        choices = sorted(question.choices.all(), key=lambda c: place.get(c.pk, len(place)))
        picked = chosen.get(question.pk, set())
        right = {c.pk for c in choices if c.correct}
        items.append(
            {
                "question": question,
                "correct": picked == right,
                "choices": [{"choice": c, "selected": c.pk in picked} for c in choices],
            }
        )
    return items


def scenarios_of(refresher: Refresher, quiz: Quiz) -> dict[int, object]:
    """Question id -> its scenario (for the narrative), from the quiz already fetched."""
    return {
        q.pk: s for s in quiz.scenarios.all() for q in s.questions.all() if q.pk in refresher.question_ids
    }


# --- Reminder e-mails ----------------------------------------------------------------------------


def refresher_reminders_send(*, now: datetime | None = None) -> int:
    """E-mail each learner whose refresher round fell due since their last refresher e-mail (or
    ever), one e-mail listing every module due, at most once a day. Returns e-mails sent. Three
    queries, then one insert per e-mail."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Completions with a round that fell due and is still within its grace period.
    oldest = now - timedelta(days=SCHEDULE_DAYS[-1]) - GRACE
    progress = list(
        ModuleProgress.objects.filter(
            completed_at__lte=now - timedelta(days=SCHEDULE_DAYS[0]),
            completed_at__gte=oldest,
            user__is_active=True,
            module__is_active=True,
            module__quiz__isnull=False,
        )
        .select_related("module", "user")
        .order_by("user_id", "module__position")
    )
    if not progress:
        return 0
    users = {p.user_id for p in progress}
    passed = last_passed(user_ids=users, module_ids={p.module_id for p in progress})
    last_sent = dict(
        RefresherReminder.objects.filter(user_id__in=users)
        .values_list("user_id")
        .annotate(last=Max("sent_on"))
        .values_list("user_id", "last")
    )
    by_user: dict[int, list] = {}
    for p in progress:
        state = currency(
            completed_at=p.completed_at, last_passed_at=passed.get((p.user_id, p.module_id)), now=now
        )
        if state.status != DUE:
            continue
        sent: date | None = last_sent.get(p.user_id)
        if sent is not None and sent >= timezone.localdate(state.due_at):
            continue  # already reminded since this round fell due
        by_user.setdefault(p.user_id, []).append(p)
    count = 0
    for items in by_user.values():
        user = items[0].user
        localize(*(p.module for p in items), language=user.language or None)
        try:
            with transaction.atomic():
                RefresherReminder.objects.create(user=user, sent_on=today)
        except IntegrityError:
            continue  # already e-mailed today
        mail_send(
            template="quizzes/email/refresher",
            to=user.email,
            language=user.language,
            context={
                "name": user.name,
                "items": [
                    {
                        "module": p.module,
                        "url": absolute_url(reverse("quizzes:refresher", args=[p.module.slug])),
                    }
                    for p in items
                ],
                "my_learning": absolute_url(reverse("courses:my_learning")),
            },
        )
        count += 1
    return count

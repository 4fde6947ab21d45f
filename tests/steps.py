"""What tests do to build state, through the real services, written once: answer or take a quiz,
complete a module, practise a conversation, assign modules and conversations, add many members
fast, and a clock the tests move."""

import uuid
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from compliance.assignments import assignment_create
from courses.conversations import recommended_path, walk
from courses.models import Conversation, Module, ModuleProgress, Track
from courses.practice import practice_choose
from courses.services import lesson_complete
from quizzes.models import Draw, Question
from quizzes.services import attempt_submit, get_quiz, quiz_questions


def answers(quiz, right: bool = True) -> dict[int, set[int]]:
    """Every question of `quiz` answered all right (or all wrong)."""
    result = {}
    for question in quiz_questions(quiz):
        choices = list(question.choices.all())
        correct = {c.pk for c in choices if c.correct}
        result[question.pk] = correct if right else {next(c.pk for c in choices if not c.correct)}
    return result


def take_quiz(user, slug: str, right: bool = True):
    quiz = get_quiz(Module.objects.get(slug=slug))
    return attempt_submit(user=user, quiz=quiz, token=uuid.uuid4(), selected=answers(quiz, right))[0]


def open_form(client, slug="first-steps") -> Draw:
    """Open the quiz page as the client's learner: the form they are shown (its draw)."""
    assert client.get(reverse("quizzes:quiz", args=[slug])).status_code == 200
    return Draw.objects.filter(quiz__module__slug=slug).latest("created_at", "pk")


def form_data(client, right=True, slug="first-steps", draw=None, **overrides):
    """What the learner's browser posts for the form they were shown: each choice by its place
    in the draw's shuffled order."""
    draw = draw or open_form(client, slug)
    data = {"token": str(draw.token)}
    for qid in draw.question_ids:
        choices = list(Question.objects.get(pk=qid).choices.all())
        picked = [c for c in choices if c.correct] if right else [next(c for c in choices if not c.correct)]
        order = draw.choices_of(qid)
        data[f"q-{qid}"] = [str(order.index(c.pk)) for c in picked]
    data.update(overrides)
    return data


def complete_module(user, slug: str):
    """Every lesson, then a passing quiz: the way a learner completes a module."""
    for lesson in Module.objects.get(slug=slug).lessons.all():
        lesson_complete(user=user, lesson=lesson)
    return take_quiz(user, slug)


def practise(user, slug: str, keys: str | None = None) -> None:
    """Play conversation `slug` along `keys` (default: the recommended path, to a good ending),
    the way the play page does, one choice at a time."""
    conversation = Conversation.objects.get(slug=slug)
    if keys is None:
        keys = recommended_path(conversation.nodes, conversation.start)
    for step, key in enumerate(keys):
        node = walk(conversation.nodes, conversation.start, keys[:step])[-1].node_id
        practice_choose(user=user, session={}, conversation=conversation, step=step, node=node, key=key)


def assign(org, actor, *, slugs=(), track=None, conversations=(), **kwargs):
    modules = [Module.objects.get(slug=s) for s in slugs]
    kwargs.setdefault("target", "everyone")
    return assignment_create(
        organisation=org,
        actor=actor,
        modules=modules,
        track=Track.objects.get(slug=track) if track else None,
        conversations=[Conversation.objects.get(slug=s) for s in conversations],
        **kwargs,
    )


def add_members(org, n, *, done_every=3):
    """`n` more members, fast: one bulk insert each for users, memberships and progress (every
    `done_every`-th member has opened first-steps, and every other one of those completed it)."""
    password = make_password(None)
    start = User.objects.count()
    User.objects.bulk_create(
        User(email=f"m{start + i}@bulk.example", name=f"Member {start + i:05d}", password=password)
        for i in range(n)
    )
    users = list(User.objects.filter(email__endswith="@bulk.example").order_by("-pk")[:n])
    Membership.objects.bulk_create(Membership(user=u, organisation=org) for u in users)
    module = Module.objects.get(slug="first-steps")
    now = timezone.now()
    ModuleProgress.objects.bulk_create(
        ModuleProgress(user=u, module=module, last_activity_at=now, completed_at=now if i % 2 else None)
        for i, u in enumerate(users)
        if i % done_every == 0
    )


class Clock:
    """`timezone.now()` under the test's control."""

    def __init__(self, monkeypatch, start: datetime):
        self.now = start
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.now)

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now

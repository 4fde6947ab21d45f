"""The practice rules: playing a conversation, as plain functions.

- A learner's path is a string of choice keys from the conversation's start, one per decision.
  Signed-in learners keep it in their ConversationPractice row; guests in their session. Either
  way the browser only ever sends the turn number, the node it was at and the key it chose; the
  server checks all three against the path it holds.
- A choice made for a turn that is no longer the current one (a double submit, the Back button,
  a second tab) changes nothing.
- A path is tied to the version (`content_hash`) it was played on: once the conversation is
  reloaded with changes, an unfinished path starts again.
- Reaching an ending records the conversation as practised (`completed_at`, the first time).
  Nothing is graded and no score is kept. Replaying empties the path; "practised" stays.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .conversations import Step, extend, recommended_path, walk
from .models import Conversation, ConversationPractice

SESSION_KEY = "practice"  # guests: {conversation slug: [path, content hash]}

MOVED, STALE, RESTARTED = "moved", "stale", "restarted"


class InvalidChoice(Exception):
    """The request names a node or choice that is not where the path is: forged, never stale."""


# --- Access: conversations are public course content, the same for everyone ------------------


def get_conversation(slug: str) -> Conversation:
    """An active conversation with its module; a retired or unknown one is gone (404)."""
    return get_object_or_404(
        Conversation.objects.filter(is_active=True, module__is_active=True).select_related("module"),
        slug=slug,
    )


def conversations_with_practice(*, user, module_id: int | None = None) -> QuerySet[Conversation]:
    """Active conversations (of one module, if given), each annotated with the learner's
    `practised_at` and `practice_path` (both None without a practice row; no annotation for
    guests): one query."""
    conversations = Conversation.objects.filter(is_active=True, module__is_active=True)
    if module_id is not None:
        conversations = conversations.filter(module_id=module_id)
    if not user.is_authenticated:
        return conversations
    mine = ConversationPractice.objects.filter(user=user, conversation=OuterRef("pk"))
    return conversations.annotate(
        practised_at=Subquery(mine.values("completed_at")[:1]),
        practice_path=Subquery(mine.values("path")[:1]),
    )


# --- Reading a path -----------------------------------------------------------------------------


def _valid(conversation: Conversation, path: str, content_hash: str) -> str:
    """`path` if it still fits the conversation as loaded now, else the start ("")."""
    if content_hash != conversation.content_hash:
        return ""
    try:
        walk(conversation.nodes, conversation.start, path)
    except (KeyError, ValueError):
        return ""
    return path


def practice_for(*, user, conversation: Conversation) -> ConversationPractice | None:
    if not user.is_authenticated:
        return None
    return ConversationPractice.objects.filter(user=user, conversation=conversation).first()


def current_path(*, practice: ConversationPractice | None, session, conversation: Conversation) -> str:
    """Where the learner is: their row's path if signed in (pass `practice`), else the session's."""
    if practice is not None:
        return _valid(conversation, practice.path, practice.content_hash)
    paths = session.get(SESSION_KEY)
    saved = paths.get(conversation.slug) if isinstance(paths, dict) else None
    if not isinstance(saved, list) or len(saved) != 2:
        return ""
    return _valid(conversation, str(saved[0]), str(saved[1]))


# --- What a page shows --------------------------------------------------------------------------


def spoken(text: str) -> str:
    """A choice as a chat message: without the quotation marks it is written with."""
    if len(text) > 1 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


@dataclass
class Turn:
    """One decision: what the other person said, what the learner chose, what was best there."""

    number: int
    says: list[str]
    choice: dict
    best: dict

    @property
    def took_best(self) -> bool:
        return self.choice["key"] == self.best["key"]

    @property
    def said(self) -> str:
        return spoken(self.choice["text"])

    @property
    def best_said(self) -> str:
        return spoken(self.best["text"])


@dataclass
class PracticeState:
    conversation: Conversation
    path: str
    turns: list[Turn]
    now: Step
    recommended: list[Turn] = field(default_factory=list)
    recommended_end: Step | None = None

    @property
    def step(self) -> int:
        """How many decisions are behind the learner (the number the choice form sends)."""
        return len(self.path)

    @property
    def is_ending(self) -> bool:
        return "ending" in self.now.node

    @property
    def followed_recommended(self) -> bool:
        return self.path == "".join(t.best["key"] for t in self.recommended)


def _turns(steps: list[Step]) -> list[Turn]:
    return [Turn(i, s.node["says"], s.choice, s.best) for i, s in enumerate(steps[:-1], 1)]


def practice_state(*, conversation: Conversation, path: str) -> PracticeState:
    nodes, start = conversation.nodes, conversation.start
    steps = walk(nodes, start, path)
    state = PracticeState(conversation=conversation, path=path, turns=_turns(steps), now=steps[-1])
    if state.is_ending:
        best = walk(nodes, start, recommended_path(nodes, start))
        state.recommended, state.recommended_end = _turns(best), best[-1]
    return state


# --- Writes ---------------------------------------------------------------------------------------


def _next_path(conversation: Conversation, path: str, *, step: int, node: str, key: str) -> str | None:
    """The path after choosing `key` at turn `step` in `node`; None if that turn is over (a
    stale request). Raises InvalidChoice for a node or key that is not the current one's."""
    if step != len(path):
        return None
    here = walk(conversation.nodes, conversation.start, path)[-1]
    if node != here.node_id or not any(c["key"] == key for c in here.node.get("choices", [])):
        raise InvalidChoice(f"{node!r}/{key!r} is not a choice at turn {step} of {conversation.slug!r}")
    return extend(conversation.nodes, conversation.start, path, key)


def _is_ending(conversation: Conversation, path: str) -> bool:
    return "ending" in walk(conversation.nodes, conversation.start, path)[-1].node


def practice_choose(*, user, session, conversation: Conversation, step: int, node: str, key: str) -> str:
    """Take choice `key` at turn `step` (0 = the first) in `node`. Returns MOVED, or STALE if
    that turn is already over (nothing changes), or RESTARTED if the conversation changed since
    the path began (the path starts again). Raises InvalidChoice for a forged node or key."""
    if not user.is_authenticated:
        return _guest_choose(session=session, conversation=conversation, step=step, node=node, key=key)
    with transaction.atomic():
        practice = (
            ConversationPractice.objects.select_for_update()
            .filter(user=user, conversation=conversation)
            .first()
        )
        if practice is None:
            practice = _practice_create(user=user, conversation=conversation)
            if practice is None:  # a second request created it first: this one is stale
                return STALE
        if practice.content_hash != conversation.content_hash and practice.path:
            practice_save(practice=practice, conversation=conversation, path="")
            return RESTARTED
        path = _next_path(conversation, _valid(conversation, practice.path, practice.content_hash),
                          step=step, node=node, key=key)  # fmt: skip
        if path is None:
            return STALE
        practice_save(practice=practice, conversation=conversation, path=path)
    return MOVED


def _practice_create(*, user, conversation: Conversation) -> ConversationPractice | None:
    try:
        with transaction.atomic():
            return ConversationPractice.objects.create(
                user=user,
                conversation=conversation,
                path="",
                content_hash=conversation.content_hash,
                last_activity_at=timezone.now(),
            )
    except IntegrityError:
        return None


def practice_save(*, practice: ConversationPractice, conversation: Conversation, path: str) -> None:
    """Store the learner's path; the first time it reaches an ending, they have practised."""
    practice.path = path
    practice.content_hash = conversation.content_hash
    practice.last_activity_at = timezone.now()
    fields = ["path", "content_hash", "last_activity_at"]
    if practice.completed_at is None and _is_ending(conversation, path):
        practice.completed_at = practice.last_activity_at
        fields.append("completed_at")
    practice.save(update_fields=fields)


def practice_rewind(*, user, session, conversation: Conversation, step: int) -> str:
    """Go back to just before the choice of turn `step + 1` (0: the start), to try another
    answer. Returns MOVED, or STALE if the path is no longer that long."""
    if not user.is_authenticated:
        path = current_path(practice=None, session=session, conversation=conversation)
        if step > len(path):
            return STALE
        _guest_save(session=session, conversation=conversation, path=path[:step])
        return MOVED
    with transaction.atomic():
        practice = (
            ConversationPractice.objects.select_for_update()
            .filter(user=user, conversation=conversation)
            .first()
        )
        if practice is None:
            return STALE if step else MOVED
        path = _valid(conversation, practice.path, practice.content_hash)
        if step > len(path):
            return STALE
        practice_save(practice=practice, conversation=conversation, path=path[:step])
    return MOVED


# --- Guests: the path in the session ------------------------------------------------------------


def _guest_save(*, session, conversation: Conversation, path: str) -> None:
    paths = session.get(SESSION_KEY)
    if not isinstance(paths, dict):
        paths = {}
    paths[conversation.slug] = [path, conversation.content_hash]
    session[SESSION_KEY] = paths  # reassigned, so the session knows to save it


def _guest_choose(*, session, conversation: Conversation, step: int, node: str, key: str) -> str:
    path = current_path(practice=None, session=session, conversation=conversation)
    following = _next_path(conversation, path, step=step, node=node, key=key)
    if following is None:
        return STALE
    _guest_save(session=session, conversation=conversation, path=following)
    return MOVED


def practice_adopt_guest_path(*, user, session, conversation: Conversation) -> bool:
    """A guest who signs in (or up) part-way keeps their path, and a finished one counts as
    practised: the session's path replaces an empty or missing row's. Runs only when the
    session holds a path for this conversation, which it then forgets."""
    paths = session.get(SESSION_KEY)
    if not user.is_authenticated or not isinstance(paths, dict) or conversation.slug not in paths:
        return False
    path = current_path(practice=None, session=session, conversation=conversation)
    del paths[conversation.slug]
    session[SESSION_KEY] = paths
    if not path:
        return False
    with transaction.atomic():
        practice = (
            ConversationPractice.objects.select_for_update()
            .filter(user=user, conversation=conversation)
            .first()
        ) or _practice_create(user=user, conversation=conversation)
        if practice is None or _valid(conversation, practice.path, practice.content_hash):
            return False  # the learner's own unfinished path wins
        practice_save(practice=practice, conversation=conversation, path=path)
    return True


# --- For the learner's data export ----------------------------------------------------------------


def practice_export(*, user) -> list[dict]:
    return [
        {
            "conversation": p.conversation.slug,
            "path": p.path,
            "last_activity_at": p.last_activity_at.isoformat(),
            "practised_at": p.completed_at.isoformat() if p.completed_at else None,
        }
        for p in ConversationPractice.objects.filter(user=user).select_related("conversation")
    ]

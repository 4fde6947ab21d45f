"""Practice conversations as files: `content/conversations/NN-<slug>.yaml` (docs/authoring.md
is the author's guide, with a complete example).

A conversation is a graph of nodes. A *decision* node has 1 to 3 lines the other person says and
3 or 4 choices; each choice names the `next` node and carries a debrief `note`; exactly one is
`best`. An *ending* node has the last lines, `ending: good | poor`, a `title` and a `debrief`.
The loader refuses a file, naming the file and the node, unless:

- every `next` names a node, every node can be reached from `start`, and no node is a dead end
  (a node without choices must be an ending), so every path ends;
- there are no loops, except through a choice marked `loop: true` (a deliberate "go back and
  try again"), which is never the best choice;
- following the best choices from `start` (the recommended path) reaches a good ending in 4 to 8
  decisions, and no path has more than 8 decisions;
- every citation `[^N]` in a note or debrief is a source of the conversation's module.

The parsed nodes are stored as validated JSON on `courses.models.Conversation`; the functions at
the end walk a path (a string of choice keys, one per decision) through them at request time.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .validation import SLUG_RE, Problems, read_yaml, render_checked, require, require_slug

PREFIX_RE = re.compile(r"^\d+-")
KEYS = ("a", "b", "c", "d")
MIN_CHOICES, MAX_CHOICES = 3, 4
MAX_SAYS = 3
MAX_NODES = 40  # keeps a learner's path (at most one key per node) short
MIN_DECISIONS, MAX_DECISIONS = 4, 8
ENDINGS = ("good", "poor")
TOP_FIELDS = {
    "slug", "title", "summary", "module", "audiences", "setting", "other", "content_note", "start", "nodes",
}  # fmt: skip
DECISION_FIELDS = {"says", "choices"}
ENDING_FIELDS = {"says", "ending", "title", "debrief"}
CHOICE_FIELDS = {"key", "text", "next", "best", "loop", "note"}


@dataclass
class ParsedConversation:
    slug: str
    title: str
    summary: str
    module: str
    audiences: list[str]
    setting: str
    other: str
    content_note: str
    start: str
    # {node id: {"says": [...], "choices": [{"key", "text", "next", "best", "loop", "note_html"}]}}
    # or, for an ending, {node id: {"says": [...], "ending": "good", "title", "debrief_html"}}.
    nodes: dict
    content_hash: str
    path: Path | None = None
    # Language -> the words of its twin file (courses.translations.parse_conversation_translation)
    translations: dict = field(default_factory=dict)


def file_hash(path: Path) -> str:
    """A conversation's version: the hash of its bytes, stable across machines."""
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def parse_conversations(
    folder: Path, problems: Problems, sources: dict[str, set[int]], audiences: set[str]
) -> list[ParsedConversation]:
    """Every `*.yaml` in `folder` (which may be missing: a course without conversations).
    `sources` maps each module slug to its source numbers."""
    parsed: list[ParsedConversation] = []
    if not folder.is_dir():
        return parsed
    for path in sorted(p for p in folder.glob("*.yaml") if len(p.suffixes) == 1):  # not a translation
        conversation = parse_conversation(path, problems, sources, audiences)
        if conversation is None:
            continue
        if any(other.slug == conversation.slug for other in parsed):
            problems.add(path, "slug", f"{conversation.slug!r} is used by another conversation")
        parsed.append(conversation)
    return parsed


def parse_conversation(
    path: Path, problems: Problems, sources: dict[str, set[int]], audiences: set[str]
) -> ParsedConversation | None:
    data = read_yaml(path, problems)
    if data is None:
        return None
    before = len(problems.items)
    for name in sorted(set(data) - TOP_FIELDS):
        problems.add(path, str(name), "is not a field of a conversation")
    slug = require_slug(data, "slug", path, problems)
    expected = PREFIX_RE.sub("", path.stem)
    if slug is not None and slug != expected:
        problems.add(path, "slug", f"{slug!r} must match the file name ({expected!r} after the NN- prefix)")
    title = require(data, "title", str, path, problems)
    summary = require(data, "summary", str, path, problems)
    setting = require(data, "setting", str, path, problems)
    other = require(data, "other", str, path, problems)
    if other is not None and len(other) > 60:
        problems.add(path, "other", "must be a short name (at most 60 characters)")
    content_note = require(data, "content_note", str, path, problems)
    module = require_slug(data, "module", path, problems)
    if module is not None and module not in sources:
        problems.add(path, "module", f"no module has the slug {module!r}")
    numbers = sources.get(module, set())
    chosen = require(data, "audiences", list, path, problems) or []
    for audience in chosen:
        if audience not in audiences:
            problems.add(path, "audiences", f"{audience!r} is not one of {sorted(audiences)}")
    start = require_slug(data, "start", path, problems)
    raw_nodes = require(data, "nodes", dict, path, problems) or {}
    if len(raw_nodes) > MAX_NODES:
        problems.add(path, "nodes", f"has {len(raw_nodes)} nodes; at most {MAX_NODES}")

    nodes = {}
    for node_id, raw in raw_nodes.items():
        node = _parse_node(path, problems, node_id, raw, numbers)
        if node is not None:
            nodes[node_id] = node
    if start is not None and raw_nodes and start not in raw_nodes:
        problems.add(path, "start", f"no node has the id {start!r}")
    if len(problems.items) == before:  # the graph rules need well-formed nodes
        check_graph(path, problems, start, nodes)
    if len(problems.items) != before:
        return None
    return ParsedConversation(
        slug=slug, title=title.strip(), summary=summary.strip(), module=module, audiences=chosen,
        setting=setting.strip(), other=other.strip(), content_note=content_note.strip(), start=start,
        nodes=nodes, content_hash=file_hash(path), path=path,
    )  # fmt: skip


def _parse_node(path: Path, problems: Problems, node_id, raw, numbers: set[int]) -> dict | None:
    where = f"nodes.{node_id}"
    if not isinstance(node_id, str) or not SLUG_RE.match(node_id):
        problems.add(path, where, f"{node_id!r} is not a node id (a-z, 0-9, -)")
        return None
    if not isinstance(raw, dict):
        problems.add(path, where, "must be a mapping with says and choices, or says and ending")
        return None
    is_ending = "ending" in raw
    allowed = ENDING_FIELDS if is_ending else DECISION_FIELDS
    for name in sorted(set(raw) - allowed):
        kind = "an ending" if is_ending else "a node with choices"
        problems.add(path, f"{where}.{name}", f"is not a field of {kind}")
    says = require(raw, "says", list, path, problems, where) or []
    if not 1 <= len(says) <= MAX_SAYS and says:
        problems.add(path, f"{where}.says", f"needs 1 to {MAX_SAYS} lines, not {len(says)}")
    for i, line in enumerate(says):
        if not isinstance(line, str) or not line.strip():
            problems.add(path, f"{where}.says[{i}]", "must be a line of text")
    lines = [str(line).strip() for line in says]
    if is_ending:
        return _parse_ending(path, problems, where, raw, lines, numbers)
    if not raw.get("choices"):
        problems.add(path, where, "is a dead end: give it choices, or make it an ending")
        return None
    raw_choices = require(raw, "choices", list, path, problems, where) or []
    if raw_choices and not MIN_CHOICES <= len(raw_choices) <= MAX_CHOICES:
        problems.add(
            path, f"{where}.choices", f"needs {MIN_CHOICES} or {MAX_CHOICES} choices, not {len(raw_choices)}"
        )
    choices = []
    for i, item in enumerate(raw_choices):
        choice = _parse_choice(path, problems, f"{where}.choices[{i}]", item, numbers)
        if choice is not None:
            if any(c["key"] == choice["key"] for c in choices):
                problems.add(path, f"{where}.choices[{i}].key", f"{choice['key']!r} is used twice")
            choices.append(choice)
    best = sum(1 for c in choices if c["best"])
    if raw_choices and best != 1:
        problems.add(path, f"{where}.choices", f"exactly one choice must be best: true, not {best}")
    return {"says": lines, "choices": choices}


def _parse_ending(path: Path, problems: Problems, where: str, raw: dict, lines, numbers) -> dict:
    ending = raw.get("ending")
    if ending not in ENDINGS:
        problems.add(path, f"{where}.ending", f"must be one of {', '.join(ENDINGS)}")
    title = require(raw, "title", str, path, problems, where) or ""
    debrief = require(raw, "debrief", str, path, problems, where)
    html = (
        render_checked(debrief, path, f"{where}.debrief", problems, numbers, inline=True) if debrief else ""
    )
    return {"says": lines, "ending": ending, "title": title.strip(), "debrief_html": html}


def _parse_choice(path: Path, problems: Problems, where: str, item, numbers: set[int]) -> dict | None:
    if not isinstance(item, dict):
        problems.add(path, where, "must be a mapping with key, text, next and note")
        return None
    for name in sorted(set(item) - CHOICE_FIELDS):
        problems.add(path, f"{where}.{name}", "is not a field of a choice")
    key = require(item, "key", str, path, problems, where)
    if key is not None and key not in KEYS:
        problems.add(path, f"{where}.key", f"{key!r} is not one of {', '.join(KEYS)}")
    text = require(item, "text", str, path, problems, where)
    target = require(item, "next", str, path, problems, where)
    note = require(item, "note", str, path, problems, where)
    flags = {}
    for flag in ("best", "loop"):
        value = item.get(flag, False)
        if not isinstance(value, bool):
            problems.add(path, f"{where}.{flag}", "must be true or false")
        flags[flag] = value is True
    if flags["best"] and flags["loop"]:
        problems.add(path, where, "the best choice cannot be a loop: the recommended path must end")
    note_html = render_checked(note, path, f"{where}.note", problems, numbers, inline=True) if note else ""
    if None in (key, text, target, note):
        return None
    return {"key": key, "text": text.strip(), "next": target, "note_html": note_html, **flags}


def check_graph(path: Path, problems: Problems, start: str, nodes: dict) -> None:
    """The rules over the whole graph (see the module docstring), each error naming a node."""
    before = len(problems.items)
    for node_id, node in nodes.items():
        for i, choice in enumerate(node.get("choices", [])):
            if choice["next"] not in nodes:
                problems.add(
                    path, f"nodes.{node_id}.choices[{i}].next", f"no node has the id {choice['next']!r}"
                )
    if len(problems.items) != before:
        return

    reachable = _reachable(start, nodes)
    for node_id in nodes:
        if node_id not in reachable:
            problems.add(path, f"nodes.{node_id}", f"cannot be reached from start ({start!r})")

    order = _forward_order(path, problems, start, nodes)
    if order is None:
        return  # an unmarked loop: the lengths below are undefined

    # The most decisions on any path from start to each node, over forward (unmarked) choices.
    depth = {start: 0}
    for node_id in order:
        for choice in _forward(nodes[node_id]):
            depth[choice["next"]] = max(depth.get(choice["next"], 0), depth[node_id] + 1)
    for node_id in order:
        if "ending" in nodes[node_id] and depth[node_id] > MAX_DECISIONS:
            problems.add(
                path,
                f"nodes.{node_id}",
                f"a path to this ending has {depth[node_id]} decisions; at most {MAX_DECISIONS}",
            )

    keys = recommended_path(nodes, start)
    end = walk(nodes, start, keys)[-1]
    if end.node.get("ending") != "good":
        problems.add(
            path, f"nodes.{end.node_id}", "the best choices from start end here, which is not a good ending"
        )
    if not MIN_DECISIONS <= len(keys) <= MAX_DECISIONS:
        problems.add(
            path,
            "start",
            f"the recommended path (the best choices) has {len(keys)} decisions; "
            f"it needs {MIN_DECISIONS} to {MAX_DECISIONS}",
        )


def _forward(node: dict) -> list[dict]:
    return [c for c in node.get("choices", []) if not c["loop"]]


def _reachable(start: str, nodes: dict) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for choice in nodes[stack.pop()].get("choices", []):
            if choice["next"] not in seen:
                seen.add(choice["next"])
                stack.append(choice["next"])
    return seen


def _forward_order(path: Path, problems: Problems, start: str, nodes: dict) -> list[str] | None:
    """The nodes reachable by forward choices, each before every node it leads to; None (with
    the problem recorded) if an unmarked choice closes a loop."""
    state: dict[str, str] = {}  # "open" while on the current path, then "done"
    order: list[str] = []
    stack = [(start, iter(_forward(nodes[start])))]
    state[start] = "open"
    while stack:
        node_id, choices = stack[-1]
        choice = next(choices, None)
        if choice is None:
            state[node_id] = "done"
            order.append(node_id)
            stack.pop()
            continue
        target = choice["next"]
        if state.get(target) == "open":
            index = nodes[node_id]["choices"].index(choice)
            problems.add(
                path,
                f"nodes.{node_id}.choices[{index}].next",
                f"goes back to {target!r} and makes a loop; mark the choice `loop: true` if it is meant",
            )
            return None
        if target not in state:
            state[target] = "open"
            stack.append((target, iter(_forward(nodes[target]))))
    order.reverse()
    return order


# --- Walking a path at request time ----------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One node on a path, and the choice taken there (None for the node the path is at)."""

    node_id: str
    node: dict
    choice: dict | None = None

    @property
    def best(self) -> dict | None:
        return next((c for c in self.node.get("choices", []) if c["best"]), None)


def choice_for(node: dict, key: str) -> dict | None:
    return next((c for c in node.get("choices", []) if c["key"] == key), None)


def walk(nodes: dict, start: str, keys: str) -> list[Step]:
    """The nodes a path of choice keys goes through, from `start`; the last step is where the
    path is now. Raises ValueError if a key is not a choice where it is used."""
    steps: list[Step] = []
    node_id = start
    for key in keys:
        node = nodes[node_id]
        choice = choice_for(node, key)
        if choice is None:
            raise ValueError(f"{key!r} is not a choice at {node_id!r}")
        steps.append(Step(node_id, node, choice))
        node_id = choice["next"]
    steps.append(Step(node_id, nodes[node_id]))
    return steps


def recommended_path(nodes: dict, start: str) -> str:
    """The best choice's key at each node from `start` to an ending (loops are never best, and
    the loader checked there are no unmarked ones, so this ends)."""
    keys, node_id, seen = "", start, set()
    while "choices" in nodes[node_id] and node_id not in seen:
        seen.add(node_id)
        best = next(c for c in nodes[node_id]["choices"] if c["best"])
        keys += best["key"]
        node_id = best["next"]
    return keys


def extend(nodes: dict, start: str, keys: str, key: str) -> str:
    """`keys` after choosing `key` where the path is now. A choice that leads back to a node
    already on the path (a marked loop) rewinds the path to that node, so a path never holds a
    node twice and stays short."""
    steps = walk(nodes, start, keys)
    target = choice_for(steps[-1].node, key)["next"]
    for index, step in enumerate(steps):
        if step.node_id == target:
            return keys[:index]
    return keys + key

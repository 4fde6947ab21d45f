"""Translations of the course, as files beside their originals, and showing them.

`content/modules/NN-slug/module.es.yaml`, `lessons/NN-slug.es.md` and `quiz.es.yaml` (and
`course.es.yaml` for the tracks) hold another language's words for the same module; everything
that is not words (slugs, order, right answers, objectives, minutes, sources) comes from the
original. The loader checks each translation against its original's structure (the same
objectives and points to remember, lessons, scenarios, questions and choices, each citing the same
sources) and stores it in the rows' `translations`; `localize` then shows a row in the active
language, falling back to the original where there is no translation. docs/authoring.md and
docs/spanish.md explain the format and the Spanish edition's choices."""

from pathlib import Path

import yaml
from django.conf import settings
from django.utils import translation

from .validation import (
    Problems,
    read_front_matter,
    read_yaml,
    render_checked,
    render_twin,
    require,
    split_front_matter,
)

SHORT_TITLE_MAX = 40  # as for an original (courses.content): a dashboard column's heading

# The languages a translation may be in: every site language but the course's own.
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def twin(path: Path, language: str) -> Path:
    """Where the `language` translation of `path` lives: module.yaml -> module.es.yaml."""
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def is_translation(path: Path) -> bool:
    """A translation file (`01-intro.es.md`), not an original: loaders skip these."""
    return Path(path.stem).suffix.lstrip(".") in LANGUAGES


def _text(data: dict, key: str, path: Path, problems: Problems, where="", *, required: bool) -> str:
    if not required and not data.get(key):
        return ""
    value = require(data, key, str, path, problems, where)
    return " ".join((value or "").split()) if key != "narrative" else (value or "")


def _short_title(data: dict, path: Path, problems: Problems, *, required: bool) -> str:
    value = _text(data, "short_title", path, problems, required=required)
    if len(value) > SHORT_TITLE_MAX:
        problems.add(path, "short_title", f"must be text of at most {SHORT_TITLE_MAX} characters")
    return value


def _same_list(data: dict, key: str, original: list, path: Path, problems: Problems) -> list[str]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        problems.add(path, key, "must be a list of text")
        return []
    if len(items) != len(original):
        problems.add(path, key, f"has {len(items)} items but the original has {len(original)}")
    return [" ".join(i.split()) for i in items]


def parse_module_translation(parsed, language: str, problems: Problems) -> dict:
    """The translation of module.yaml and its lessons (a parsed module's twin files), as
    {"module": {...}, "lessons": {slug: {...}}}; {} when the module is not translated."""
    path = twin(parsed.folder / "module.yaml", language)
    if not path.exists():
        return {}
    with translation.override(language):  # words the renderer adds (chat labels) in that language
        return _parse_module_translation(parsed, path, language, problems)


def _parse_module_translation(parsed, path: Path, language: str, problems: Problems) -> dict:
    data = read_yaml(path, problems) or {}
    numbers = {s["number"] for s in parsed.sources if s["number"] is not None}
    module = {
        "title": _text(data, "title", path, problems, required=True),
        "short_title": _short_title(data, path, problems, required=bool(parsed.short_title)),
        "summary": _text(data, "summary", path, problems, required=True),
        "content_note": _text(data, "content_note", path, problems, required=bool(parsed.content_note)),
        "objectives": _same_list(data, "objectives", parsed.objectives, path, problems),
        "remember": _same_list(data, "remember", parsed.remember, path, problems),
    }
    lessons = {}
    files = {p.stem.split(".")[0]: p for p in (parsed.folder / "lessons").glob(f"*.{language}.md")}
    by_file = {}
    for original in sorted((parsed.folder / "lessons").glob("*.md")):
        if not is_translation(original):
            by_file[original.stem] = original
    for stem, lesson_path in files.items():
        if stem not in by_file:
            problems.add(lesson_path, "file name", f"has no original lesson {stem}.md")
    for lesson in parsed.lessons:
        stem = next((s for s, p in by_file.items() if p.stem.split("-", 1)[-1] == lesson.slug), None)
        lesson_path = files.get(stem) if stem else None
        if lesson_path is None:
            problems.add(path, "lessons", f"lesson {lesson.slug!r} has no {language} translation")
            continue
        lessons[lesson.slug] = parse_lesson_translation(lesson_path, lesson, numbers, problems)
    return {"module": module, "lessons": lessons}


def parse_lesson_translation(path: Path, original, sources: set[int], problems: Problems) -> dict:
    text = path.read_text(encoding="utf-8")
    split = split_front_matter(text)
    if split is None:
        problems.add(path, "front matter", "must start with a '---' block holding the title")
        return {}
    meta = yaml.safe_load(split[0]) or {}
    if not isinstance(meta, dict):
        problems.add(path, "front matter", "must be a mapping of fields")
        return {}
    return {
        "title": _text(meta, "title", path, problems, required=True),
        "content_note": _text(meta, "content_note", path, problems, required=bool(original.content_note)),
        "body_html": render_twin(split[1].strip(), original.body_markdown, path, "body", problems, sources),
        "discussion": _same_list(meta, "discussion", original.discussion, path, problems),
    }


def parse_tracks_translation(root: Path, tracks, language: str, problems: Problems) -> dict:
    """course.<language>.yaml: {track slug: {"title", "summary", "content_note"}}."""
    path = twin(root / "course.yaml", language)
    if not path.exists():
        return {}
    data = read_yaml(path, problems) or {}
    known = {t.slug: t for t in tracks}
    result = {}
    for i, item in enumerate(data.get("tracks") or []):
        where = f"tracks[{i}]"
        slug = item.get("slug") if isinstance(item, dict) else None
        if slug not in known:
            problems.add(path, f"{where}.slug", f"no track has the slug {slug!r}")
            continue
        result[slug] = {
            "title": _text(item, "title", path, problems, where, required=True),
            "summary": _text(item, "summary", path, problems, where, required=True),
            "content_note": _text(item, "content_note", path, problems, where, required=False),
        }
    return result


# --- Showing a translation ---------------------------------------------------------------------


def localize(*objects, language: str | None = None) -> bool:
    """Show each row (a Module, Lesson, Track, Scenario, Question, Choice...) in `language` (the
    active one by default) by replacing its words with their translation, in memory only. Returns
    False if any of them has no translation (the page then says so)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE or language not in LANGUAGES:
        return True
    complete = True
    for obj in objects:
        words = (getattr(obj, "translations", None) or {}).get(language)
        if not words:
            complete = False
            continue
        for field, value in words.items():
            if value:
                setattr(obj, field, value)
        obj.language = language
    return complete


def translated(obj, field: str, language: str | None = None) -> str:
    """`obj`'s `field` in `language` (the active one by default), read from its translations
    without changing `obj`: for rows shared between readers of different languages (a reminder
    run, a dashboard), where `localize` would leave one reader's words on the next one's row."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    words = (getattr(obj, "translations", None) or {}).get(language) or {}
    if field == "short_name":  # a module's short title, else its title
        return words.get("short_title") or words.get("title") or obj.short_name
    return words.get(field) or getattr(obj, field)


def parse_extras_translation(root: Path, course, language: str, problems: Problems) -> dict:
    """Translations of the glossary (`glossary.<language>.yaml`: intro and terms by slug, in the
    original's order), the handouts and the pages (`<name>.<language>.md`: title, summary for a
    handout, body citing the original's sources). Returns {"glossary": {...}, "terms": {slug:
    {...}}, "handouts": {slug: {...}}, "pages": {slug: {...}}}."""
    with translation.override(language):
        return _parse_extras(root, course, language, problems)


def _parse_extras(root: Path, course, language: str, problems: Problems) -> dict:
    result: dict = {"glossary": {}, "terms": {}, "handouts": {}, "pages": {}}
    path = twin(root / "glossary.yaml", language)
    if path.exists() and course.glossary:
        data = read_yaml(path, problems) or {}
        numbers = {s["number"] for s in course.glossary_sources if s["number"] is not None}
        terms = data.get("terms") or []
        if [t.get("slug") if isinstance(t, dict) else None for t in terms] != [
            t.slug for t in course.glossary
        ]:
            problems.add(path, "terms", "must have the original's terms, by slug, in the same order")
        else:
            for i, raw in enumerate(terms):
                where = f"terms[{i}]"
                result["terms"][raw["slug"]] = {
                    "term": _text(raw, "term", path, problems, where, required=True),
                    "meaning_html": render_checked(
                        str(raw.get("meaning") or ""), path, f"{where}.meaning", problems, numbers
                    ),
                    "why_html": render_checked(str(raw["why"]), path, f"{where}.why", problems, numbers)
                    if raw.get("why")
                    else "",
                }
        result["glossary"] = {
            "body_html": render_checked(str(data.get("intro") or ""), path, "intro", problems, numbers),
            "title": _text(data, "title", path, problems, required=False),
        }
    for item in course.handouts:
        original = next(iter(sorted((root / "handouts").glob(f"*{item.slug}.md"))), None)
        path = twin(original, language) if original else None
        if path is None or not path.exists():
            continue
        meta, body = read_front_matter(path, problems) or ({}, "")
        numbers = {s["number"] for s in item.sources if s["number"] is not None}
        result["handouts"][item.slug] = {
            "title": _text(meta, "title", path, problems, required=True),
            "summary": _text(meta, "summary", path, problems, required=False),
            "body_html": render_checked(body, path, "body", problems, numbers),
        }
    for item in course.pages:
        path = twin(root / "pages" / f"{item.slug}.md", language)
        if not path.exists():
            continue
        meta, body = read_front_matter(path, problems) or ({}, "")
        numbers = {s["number"] for s in item.sources if s["number"] is not None}
        result["pages"][item.slug] = {
            "title": _text(meta, "title", path, problems, required=True),
            "body_html": render_checked(body, path, "body", problems, numbers),
        }
    return result


# --- Practice conversations --------------------------------------------------------------------

CONVERSATION_WORDS = ("title", "summary", "setting", "other", "content_note")
CONVERSATION_SAME = ("slug", "module", "audiences", "start")  # may be repeated, never changed
NODE_WORDS = {"says", "choices", "title", "debrief", "ending"}
CHOICE_WORDS = {"key", "text", "note", "next", "best", "loop"}


def parse_conversation_translation(
    original_path: Path, parsed, language: str, problems: Problems, sources: set[int]
) -> dict:
    """`NN-slug.<language>.yaml` beside a conversation: its words (title, summary, setting, the
    other person's name, content note, and each node's lines, choices' texts and notes, endings'
    titles and debriefs) for the same graph. Node ids, choice keys and order, `next`, `best`,
    `loop` and `ending` come from the original (a translation may repeat them, never change
    them), each note and debrief cites the same sources as the original's. Returns the words with
    the whole translated graph under "nodes"; {} when there is no translation."""
    path = twin(original_path, language)
    if not path.exists():
        return {}
    with translation.override(language):
        return _parse_conversation_translation(original_path, path, parsed, problems, sources)


def _parse_conversation_translation(
    original_path: Path, path: Path, parsed, problems: Problems, sources: set[int]
) -> dict:
    data = read_yaml(path, problems) or {}
    raw = read_yaml(original_path, problems) or {}
    before = len(problems.items)
    for name in sorted(set(data) - set(CONVERSATION_WORDS) - set(CONVERSATION_SAME) - {"nodes"}):
        problems.add(path, str(name), "is not a field of a conversation")
    for name in CONVERSATION_SAME:
        if name in data and data[name] != raw.get(name):
            problems.add(path, name, f"must be the original's ({raw.get(name)!r}) or left out")
    words = {name: _text(data, name, path, problems, required=True) for name in CONVERSATION_WORDS}
    if len(words["other"]) > 60:
        problems.add(path, "other", "must be a short name (at most 60 characters)")
    nodes = data.get("nodes")
    if not isinstance(nodes, dict) or set(nodes) != set(parsed.nodes):
        problems.add(path, "nodes", "must have the original's nodes, by id")
        return {}
    raw_nodes = raw.get("nodes") or {}
    translated_nodes = {}
    for node_id, node in parsed.nodes.items():
        translated_nodes[node_id] = _node_twin(
            path, problems, node_id, node, raw_nodes[node_id], nodes[node_id], sources
        )
    if len(problems.items) != before:
        return {}
    return {**words, "nodes": translated_nodes}


def _node_twin(
    path: Path, problems: Problems, node_id: str, node: dict, raw: dict, data, numbers: set[int]
) -> dict:
    where = f"nodes.{node_id}"
    if not isinstance(data, dict):
        problems.add(path, where, "must be a mapping like the original's node")
        return node
    for name in sorted(set(data) - NODE_WORDS):
        problems.add(path, f"{where}.{name}", "is not a field of a node")
    says = data.get("says")
    if not isinstance(says, list) or len(says) != len(node["says"]):
        problems.add(path, f"{where}.says", f"must have {len(node['says'])} lines, as the original")
        says = node["says"]
    elif not all(isinstance(line, str) and line.strip() for line in says):
        problems.add(path, f"{where}.says", "must be lines of text")
    result = {**node, "says": [str(line).strip() for line in says]}
    if "ending" in node:
        if "choices" in data:
            problems.add(path, f"{where}.choices", "the original node is an ending, without choices")
        if data.get("ending", node["ending"]) != node["ending"]:
            problems.add(path, f"{where}.ending", f"must be the original's ({node['ending']!r})")
        result["title"] = _text(data, "title", path, problems, where, required=True)
        result["debrief_html"] = render_twin(
            str(data.get("debrief") or ""),
            raw["debrief"],
            path,
            f"{where}.debrief",
            problems,
            numbers,
            inline=True,
        )
        return result
    for name in ("ending", "title", "debrief"):
        if name in data:
            problems.add(path, f"{where}.{name}", "the original node has choices, not an ending")
    choices = data.get("choices")
    if not isinstance(choices, list) or len(choices) != len(node["choices"]):
        problems.add(path, f"{where}.choices", f"must have {len(node['choices'])} choices, as the original")
        return result
    result["choices"] = [
        _choice_twin(path, problems, f"{where}.choices[{i}]", original, raw["choices"][i], item, numbers)
        for i, (original, item) in enumerate(zip(node["choices"], choices, strict=True))
    ]
    return result


def _choice_twin(
    path: Path, problems: Problems, where: str, original: dict, raw: dict, item, numbers: set[int]
) -> dict:
    if not isinstance(item, dict):
        problems.add(path, where, "must be a mapping with key, text and note")
        return original
    for name in sorted(set(item) - CHOICE_WORDS):
        problems.add(path, f"{where}.{name}", "is not a field of a choice")
    if item.get("key") != original["key"]:
        problems.add(path, f"{where}.key", f"must be {original['key']!r}, the original's key in this place")
    for name in ("next", "best", "loop"):
        if name in item and item[name] != original[name]:
            problems.add(path, f"{where}.{name}", f"must be the original's ({original[name]!r}) or left out")
    return {
        **original,
        "text": _text(item, "text", path, problems, where, required=True),
        "note_html": render_twin(
            str(item.get("note") or ""), raw["note"], path, f"{where}.note", problems, numbers, inline=True
        ),
    }

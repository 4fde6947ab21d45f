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

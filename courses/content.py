"""Load the course from files: validate everything, then upsert in one transaction.

The format is documented for authors in docs/authoring.md. This module parses `course.yaml`,
`glossary.yaml`, each `modules/<NN-slug>/module.yaml` and its lessons, `handouts/*.md`,
`pages/*.md` and translations beside them (courses/translations.py); quizzes are parsed by
`quizzes.content` and practice conversations (`conversations/NN-<slug>.yaml`) by
`courses.conversations`.
Every problem is collected as a `ContentError` naming the file and the field, and nothing is
written unless there are none. Slugs are identity: a reload updates rows in place; items that
disappeared from the files are deactivated, never deleted, so no learner loses progress.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from quizzes.content import parse_quiz, parse_quiz_translation, quiz_upsert

from .conversations import ParsedConversation, parse_conversations
from .models import (
    Audience,
    Conversation,
    GlossaryTerm,
    Handout,
    Lesson,
    Module,
    Page,
    Source,
    Track,
    TrackModule,
)
from .translations import (
    LANGUAGES,
    is_translation,
    parse_conversation_translation,
    parse_extras_translation,
    parse_module_translation,
    parse_tracks_translation,
    twin,
)
from .validation import (
    SLUG_RE,
    ContentError,
    Problems,
    read_front_matter,
    read_yaml,
    render_checked,
    require,
    require_slug,
)

PREFIX_RE = re.compile(r"^\d+-")
AUDIENCES = {a.value for a in Audience}


@dataclass
class ParsedLesson:
    slug: str
    title: str
    minutes: int
    content_note: str
    body_markdown: str
    body_html: str
    discussion: list[str] = field(default_factory=list)


@dataclass
class ParsedModule:
    slug: str
    title: str
    short_title: str
    summary: str
    audiences: list[str]
    minutes: int
    objectives: list[str]
    remember: list[str]
    sources: list[dict]
    lessons: list[ParsedLesson]
    quiz: object  # quizzes.content.ParsedQuiz
    content_hash: str
    folder: Path
    content_note: str = ""
    last_reviewed: datetime.date | None = None
    next_review: datetime.date | None = None
    # Language -> {"module": {...}, "lessons": {slug: {...}}, "quiz": {...}} (courses/translations.py)
    translations: dict = field(default_factory=dict)


@dataclass
class ParsedTrack:
    slug: str
    title: str
    summary: str
    audience: str
    modules: list[str]
    content_note: str = ""


@dataclass
class ParsedTerm:
    slug: str
    term: str
    meaning_html: str
    why_html: str


@dataclass
class ParsedHandout:
    slug: str
    title: str
    audience: str
    summary: str
    modules: list[str]
    sources: list[dict]
    last_reviewed: datetime.date | None
    body_markdown: str
    body_html: str


@dataclass
class ParsedPage:
    slug: str
    title: str
    last_reviewed: datetime.date | None
    body_html: str
    sources: list[dict] = field(default_factory=list)


@dataclass
class ParsedCourse:
    tracks: list[ParsedTrack] = field(default_factory=list)
    modules: list[ParsedModule] = field(default_factory=list)
    glossary: list[ParsedTerm] = field(default_factory=list)
    glossary_sources: list[dict] = field(default_factory=list)
    glossary_intro: str = ""
    handouts: list[ParsedHandout] = field(default_factory=list)
    pages: list[ParsedPage] = field(default_factory=list)
    track_translations: dict = field(default_factory=dict)
    extras_translations: dict = field(default_factory=dict)
    conversations: list[ParsedConversation] = field(default_factory=list)


def content_hash(folder: Path) -> str:
    """A module's version: the hash of its files' paths and bytes, stable across machines."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
        digest.update(b"\0")
    return digest.hexdigest()


def parse_lesson(path: Path, problems: Problems, sources: set[int]) -> ParsedLesson | None:
    slug = PREFIX_RE.sub("", path.stem)
    if not SLUG_RE.match(slug):
        problems.add(path, "file name", f"{slug!r} is not a slug (a-z, 0-9, -)")
        return None
    read = read_front_matter(path, problems)
    if read is None:
        return None
    meta, body = read
    title = require(meta, "title", str, path, problems)
    minutes = require(meta, "minutes", int, path, problems)
    if minutes is not None and not 1 <= minutes <= 15:
        problems.add(path, "minutes", "must be between 1 and 15")
    note = meta.get("content_note") or ""
    if not isinstance(note, str):
        problems.add(path, "content_note", "must be text")
        note = ""
    html = render_checked(body, path, "body", problems, sources)
    discussion = parse_discussion(meta, path, problems)
    if title is None or minutes is None:
        return None
    return ParsedLesson(slug, title, minutes, note.strip(), body, html, discussion)


# A facilitated session shows each prompt on its own screen, in large type: a few short ones.
DISCUSSION_MAX_PROMPTS = 5
DISCUSSION_MAX_CHARS = 300


def parse_discussion(meta: dict, path: Path, problems: Problems) -> list[str]:
    """The optional `discussion:` list of a lesson's front matter: questions for a group to talk
    over in a facilitated session (at most five, each a line of up to 300 characters)."""
    items = meta.get("discussion")
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        problems.add(path, "discussion", "must be a list of lines of text")
        return []
    if len(items) > DISCUSSION_MAX_PROMPTS:
        problems.add(path, "discussion", f"has {len(items)} prompts; at most {DISCUSSION_MAX_PROMPTS}")
    prompts = [" ".join(i.split()) for i in items]
    for i, prompt in enumerate(prompts):
        if len(prompt) > DISCUSSION_MAX_CHARS:
            problems.add(path, f"discussion[{i}]", f"is longer than {DISCUSSION_MAX_CHARS} characters")
    return prompts


# A module's column header on the organisation dashboard: a few words, so that every module of
# the shipped course fits a 1280-pixel screen without sideways scrolling.
SHORT_TITLE_MAX = 24


def parse_module(folder: Path, problems: Problems) -> ParsedModule | None:
    path = folder / "module.yaml"
    data = read_yaml(path, problems)
    if data is None:
        return None
    slug = require_slug(data, "slug", path, problems)
    title = require(data, "title", str, path, problems)
    short_title = data.get("short_title", "")
    if not isinstance(short_title, str) or len(short_title.strip()) > SHORT_TITLE_MAX:
        problems.add(path, "short_title", f"must be text of at most {SHORT_TITLE_MAX} characters")
        short_title = ""
    summary = require(data, "summary", str, path, problems)
    minutes = require(data, "minutes", int, path, problems)
    audiences = require(data, "audiences", list, path, problems) or []
    for audience in audiences:
        if audience not in AUDIENCES:
            problems.add(path, "audiences", f"{audience!r} is not one of {sorted(AUDIENCES)}")
    objectives = _text_list(data, "objectives", path, problems)
    remember = _text_list(data, "remember", path, problems)
    sources = parse_sources(require(data, "sources", list, path, problems) or [], path, problems)
    numbers = {s["number"] for s in sources if s["number"] is not None}
    note = _optional_text(data, "content_note", path, problems)
    last_reviewed, next_review = _review_dates(data, path, problems)

    lessons = []
    lesson_files = sorted(p for p in (folder / "lessons").glob("*.md") if not is_translation(p))
    if not lesson_files:
        problems.add(folder / "lessons", "", "holds no lessons (*.md)")
    for lesson_path in lesson_files:
        lesson = parse_lesson(lesson_path, problems, numbers)
        if lesson is not None:
            if any(other.slug == lesson.slug for other in lessons):
                problems.add(lesson_path, "file name", f"lesson slug {lesson.slug!r} is used twice")
            lessons.append(lesson)
    quiz = parse_quiz(folder / "quiz.yaml", problems, numbers, objectives=len(objectives))
    if None in (slug, title, summary, minutes) or quiz is None:
        return None
    parsed = ParsedModule(
        slug=slug, title=title, short_title=short_title.strip(), summary=summary.strip(), audiences=audiences, minutes=minutes,
        objectives=objectives, remember=remember, sources=sources, lessons=lessons, quiz=quiz,
        content_hash=content_hash(folder), folder=folder, content_note=note,
        last_reviewed=last_reviewed, next_review=next_review,
    )  # fmt: skip
    for language in LANGUAGES:
        words = parse_module_translation(parsed, language, problems)
        with translation.override(language):
            quiz_words = parse_quiz_translation(
                twin(folder / "quiz.yaml", language), problems, numbers, original=quiz
            )
        if words or quiz_words:
            if not (words and quiz_words):
                problems.add(folder, "", f"translates only part of the module into {language!r}")
            parsed.translations[language] = {**words, "quiz": quiz_words}
    return parsed


def parse_sources(items: list, path: Path, problems: Problems) -> list[dict]:
    """A numbered source list (modules, handouts, the glossary): id, title, publisher, year,
    url, and `country` for sources from outside the United States."""
    sources: list[dict] = []
    for i, source in enumerate(items):
        where = f"sources[{i}]"
        if not isinstance(source, dict):
            problems.add(path, where, "must be a mapping")
            continue
        number = require(source, "id", int, path, problems, where)
        entry = {
            "number": number,
            "title": require(source, "title", str, path, problems, where),
            "publisher": require(source, "publisher", str, path, problems, where),
            "year": str(require(source, "year", (int, str), path, problems, where) or ""),
            "url": require(source, "url", str, path, problems, where),
            "country": source.get("country") or "",
        }
        if not isinstance(entry["country"], str):
            problems.add(path, f"{where}.country", "must be text, such as UK")
            entry["country"] = ""
        if entry["url"] and not entry["url"].startswith(("https://", "http://")):
            problems.add(path, f"{where}.url", "must start with https://")
        if number is not None and any(s["number"] == number for s in sources):
            problems.add(path, f"{where}.id", f"{number} is used twice")
        sources.append(entry)
    return sources


def _optional_text(data: dict, key: str, path: Path, problems: Problems) -> str:
    value = data.get(key) or ""
    if not isinstance(value, str):
        problems.add(path, key, "must be text")
        return ""
    return " ".join(value.split())


def _date(data: dict, key: str, path: Path, problems: Problems) -> datetime.date | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        problems.add(path, key, "must be a date written as YYYY-MM-DD")
        return None
    return value


def _review_dates(data: dict, path: Path, problems: Problems):
    """`last_reviewed` and `next_review`: both or neither, the next after the last. How recent
    they must be is a content standard (tests/content), not a load error, so that a course
    whose review is overdue still loads."""
    last, nxt = _date(data, "last_reviewed", path, problems), _date(data, "next_review", path, problems)
    if (last is None) != (nxt is None) and "last_reviewed" in data and "next_review" not in data:
        problems.add(path, "next_review", "is required with last_reviewed")
    elif (last is None) != (nxt is None) and "next_review" in data and "last_reviewed" not in data:
        problems.add(path, "last_reviewed", "is required with next_review")
    if last and nxt and nxt <= last:
        problems.add(path, "next_review", "must come after last_reviewed")
    return last, nxt


def parse_glossary(root: Path, problems: Problems) -> tuple[list[ParsedTerm], list[dict], str]:
    """`glossary.yaml`: an intro, sources, then terms (slug, term, meaning, why). Terms may cite
    the glossary's sources and link to each other."""
    path = root / "glossary.yaml"
    if not path.exists():
        return [], [], ""
    data = read_yaml(path, problems)
    if data is None:
        return [], [], ""
    sources = parse_sources(data.get("sources") or [], path, problems)
    numbers = {s["number"] for s in sources if s["number"] is not None}
    raw_terms = require(data, "terms", list, path, problems) or []
    slugs = [t.get("slug") for t in raw_terms if isinstance(t, dict)]
    problems.glossary = {s for s in slugs if isinstance(s, str)}
    terms: list[ParsedTerm] = []
    for i, raw in enumerate(raw_terms):
        where = f"terms[{i}]"
        if not isinstance(raw, dict):
            problems.add(path, where, "must be a mapping")
            continue
        slug = require_slug(raw, "slug", path, problems, where)
        term = require(raw, "term", str, path, problems, where)
        meaning = require(raw, "meaning", str, path, problems, where) or ""
        why = raw.get("why") or ""
        if slug and any(t.slug == slug for t in terms):
            problems.add(path, f"{where}.slug", f"{slug!r} is used twice")
        if slug and term:
            terms.append(
                ParsedTerm(
                    slug=slug,
                    term=term,
                    meaning_html=render_checked(meaning, path, f"{where}.meaning", problems, numbers),
                    why_html=render_checked(str(why), path, f"{where}.why", problems, numbers) if why else "",
                )
            )
    intro = render_checked(str(data.get("intro") or ""), path, "intro", problems, numbers)
    return terms, sources, intro


HANDOUT_AUDIENCES = {value for value, _ in Handout.For.choices}


def parse_handout(path: Path, problems: Problems, modules: set[str]) -> ParsedHandout | None:
    """`handouts/NN-slug.md`: front matter (title, audience, summary, modules, sources,
    last_reviewed) and a Markdown body that fits on one printed page."""
    split = read_front_matter(path, problems)
    if split is None:
        return None
    meta, body = split
    slug = PREFIX_RE.sub("", path.stem)
    title = require(meta, "title", str, path, problems)
    audience = require(meta, "audience", str, path, problems)
    if audience and audience not in HANDOUT_AUDIENCES:
        problems.add(path, "audience", f"{audience!r} is not one of {sorted(HANDOUT_AUDIENCES)}")
    summary = require(meta, "summary", str, path, problems)
    linked = meta.get("modules") or []
    if not isinstance(linked, list):
        problems.add(path, "modules", "must be a list of module slugs")
        linked = []
    for module_slug in linked:
        if module_slug not in modules:
            problems.add(path, "modules", f"no module has the slug {module_slug!r}")
    sources = parse_sources(meta.get("sources") or [], path, problems)
    numbers = {s["number"] for s in sources if s["number"] is not None}
    html = render_checked(body, path, "body", problems, numbers)
    if None in (title, audience, summary) or not SLUG_RE.match(slug):
        return None
    return ParsedHandout(
        slug=slug, title=title, audience=audience, summary=" ".join(summary.split()), modules=linked,
        sources=sources, last_reviewed=_date(meta, "last_reviewed", path, problems),
        body_markdown=body, body_html=html,
    )  # fmt: skip


def parse_page(path: Path, problems: Problems) -> ParsedPage | None:
    """`pages/slug.md`: a page about the course itself (title, last_reviewed, Markdown body)."""
    split = read_front_matter(path, problems)
    if split is None:
        return None
    meta, body = split
    title = require(meta, "title", str, path, problems)
    sources = parse_sources(meta.get("sources") or [], path, problems)
    html = render_checked(body, path, "body", problems, {s["number"] for s in sources})
    if title is None or not SLUG_RE.match(path.stem):
        return None
    return ParsedPage(path.stem, title, _date(meta, "last_reviewed", path, problems), html, sources)


def _text_list(data: dict, key: str, path: Path, problems: Problems) -> list[str]:
    items = require(data, key, list, path, problems) or []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            problems.add(path, f"{key}[{i}]", "must be a line of text")
    return [str(item).strip() for item in items]


def parse_course(root: Path) -> ParsedCourse:
    """Parse and validate the whole tree; raise ContentError listing every problem. The
    originals render in the course's language (the words a screen reader hears around a
    citation or a chat), each translation in its own (courses.translations)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _parse_course(root)


def _parse_course(root: Path) -> ParsedCourse:
    root = Path(root)
    problems = Problems(root)
    if not root.is_dir():
        raise ContentError([f"{root}: is not a folder"])
    course = ParsedCourse()
    course.glossary, course.glossary_sources, course.glossary_intro = parse_glossary(root, problems)
    for folder in sorted(p for p in (root / "modules").glob("*") if p.is_dir()):
        module = parse_module(folder, problems)
        if module is None:
            continue
        if any(m.slug == module.slug for m in course.modules):
            problems.add(folder / "module.yaml", "slug", f"{module.slug!r} is used by another module")
        course.modules.append(module)
    if not (root / "modules").is_dir():
        problems.add(root / "modules", "", "folder is missing")

    path = root / "course.yaml"
    data = read_yaml(path, problems) or {}
    known = {m.slug for m in course.modules}
    for i, item in enumerate(require(data, "tracks", list, path, problems) if data else []):
        where = f"tracks[{i}]"
        if not isinstance(item, dict):
            problems.add(path, where, "must be a mapping")
            continue
        track = ParsedTrack(
            slug=require_slug(item, "slug", path, problems, where),
            title=require(item, "title", str, path, problems, where),
            summary=(require(item, "summary", str, path, problems, where) or "").strip(),
            audience=require(item, "audience", str, path, problems, where),
            modules=require(item, "modules", list, path, problems, where) or [],
            content_note=_optional_text(item, "content_note", path, problems),
        )
        if track.audience and track.audience not in AUDIENCES:
            problems.add(path, f"{where}.audience", f"{track.audience!r} is not one of {sorted(AUDIENCES)}")
        for slug in track.modules:
            if slug not in known:
                problems.add(path, f"{where}.modules", f"no module has the slug {slug!r}")
        if len(set(track.modules)) != len(track.modules):
            problems.add(path, f"{where}.modules", "lists a module twice")
        course.tracks.append(track)
    for handout_path in sorted(p for p in (root / "handouts").glob("*.md") if not is_translation(p)):
        handout = parse_handout(handout_path, problems, known)
        if handout is not None:
            if any(h.slug == handout.slug for h in course.handouts):
                problems.add(handout_path, "file name", f"handout slug {handout.slug!r} is used twice")
            course.handouts.append(handout)
    for page_path in sorted(p for p in (root / "pages").glob("*.md") if not is_translation(p)):
        page = parse_page(page_path, problems)
        if page is not None:
            course.pages.append(page)
    course.extras_translations = {
        language: parse_extras_translation(root, course, language, problems) for language in LANGUAGES
    }
    course.track_translations = {
        language: parse_tracks_translation(root, course.tracks, language, problems) for language in LANGUAGES
    }
    sources = {m.slug: {s["number"] for s in m.sources} for m in course.modules}
    course.conversations = parse_conversations(root / "conversations", problems, sources, AUDIENCES)
    for conversation in course.conversations:
        for language in LANGUAGES:
            words = parse_conversation_translation(
                conversation.path, conversation, language, problems, sources[conversation.module]
            )
            if words:
                conversation.translations[language] = words
    for path in sorted((root / "conversations").glob("*.*.yaml")):
        original = path.with_name(path.name.split(".", 1)[0] + ".yaml")
        if not original.exists():
            problems.add(path, "file name", f"has no original conversation {original.name}")
    if problems.items:
        raise ContentError(problems.items)
    return course


@dataclass
class LoadReport:
    modules: int = 0
    lessons: int = 0
    questions: int = 0
    conversations: int = 0
    changed: list[str] = field(default_factory=list)


@transaction.atomic
def course_load(*, root: Path) -> LoadReport:
    """Validate the tree at `root`, then upsert it. Raises ContentError and writes nothing if
    any file is wrong."""

    course = parse_course(root)
    report = LoadReport()
    seen_modules = []
    for position, parsed in enumerate(course.modules):
        module, created = Module.objects.get_or_create(
            slug=parsed.slug,
            defaults={"position": position, "minutes": parsed.minutes, "content_hash": ""},
        )
        if created or module.content_hash != parsed.content_hash:
            report.changed.append(parsed.slug)
        module.title = parsed.title
        module.short_title = parsed.short_title
        module.summary = parsed.summary
        module.audiences = ",".join(parsed.audiences)
        module.minutes = parsed.minutes
        module.objectives = parsed.objectives
        module.remember = parsed.remember
        module.position = position
        module.content_hash = parsed.content_hash
        module.content_note = parsed.content_note
        module.last_reviewed = parsed.last_reviewed
        module.next_review = parsed.next_review
        module.translations = {lang: t["module"] for lang, t in parsed.translations.items()}
        module.is_active = True
        module.save()
        seen_modules.append(module.pk)

        module.sources.all().delete()
        Source.objects.bulk_create(Source(module=module, **s) for s in parsed.sources)

        seen_lessons = []
        for lesson_position, item in enumerate(parsed.lessons):
            lesson, _ = Lesson.objects.update_or_create(
                module=module,
                slug=item.slug,
                defaults={
                    "title": item.title,
                    "minutes": item.minutes,
                    "content_note": item.content_note,
                    "body_markdown": item.body_markdown,
                    "body_html": item.body_html,
                    "discussion": item.discussion,
                    "translations": {
                        lang: t["lessons"][item.slug]
                        for lang, t in parsed.translations.items()
                        if item.slug in t.get("lessons", {})
                    },
                    "position": lesson_position,
                    "is_active": True,
                },
            )
            seen_lessons.append(lesson.pk)
        module.lessons.exclude(pk__in=seen_lessons).update(is_active=False)
        report.questions += quiz_upsert(
            module=module,
            parsed=parsed.quiz,
            translations={lang: t["quiz"] for lang, t in parsed.translations.items()},
        )
        report.modules += 1
        report.lessons += len(parsed.lessons)
    # update() skips auto_now: a module retired now says so, as versions read from updated_at need.
    Module.objects.filter(is_active=True).exclude(pk__in=seen_modules).update(
        is_active=False, updated_at=timezone.now()
    )

    modules_by_slug = {m.slug: m for m in Module.objects.filter(pk__in=seen_modules)}
    seen_tracks = []
    for position, parsed in enumerate(course.tracks):
        track, _ = Track.objects.update_or_create(
            slug=parsed.slug,
            defaults={
                "title": parsed.title,
                "summary": parsed.summary,
                "audience": parsed.audience,
                "content_note": parsed.content_note,
                "translations": {
                    lang: words[parsed.slug]
                    for lang, words in course.track_translations.items()
                    if parsed.slug in words
                },
                "position": position,
                "is_active": True,
            },
        )
        seen_tracks.append(track.pk)
        track.track_modules.all().delete()
        TrackModule.objects.bulk_create(
            TrackModule(track=track, module=modules_by_slug[slug], position=i)
            for i, slug in enumerate(parsed.modules)
        )
    Track.objects.exclude(pk__in=seen_tracks).update(is_active=False)
    report.conversations = conversations_upsert(parsed=course.conversations, modules=modules_by_slug)
    _load_extras(course, modules_by_slug)
    return report


def _words(course: ParsedCourse, kind: str, slug: str | None) -> dict:
    """A glossary term's, handout's or page's translations, by language."""
    result = {}
    for language, words in course.extras_translations.items():
        found = words[kind] if slug is None else words[kind].get(slug)
        if found:
            result[language] = found
    return result


def _load_extras(course: ParsedCourse, modules_by_slug: dict) -> None:
    """The glossary, handouts and pages: upserted by slug; ones gone from the files are hidden."""
    seen = []
    for position, term in enumerate(course.glossary):
        row, _ = GlossaryTerm.objects.update_or_create(
            slug=term.slug,
            defaults={"term": term.term, "meaning_html": term.meaning_html, "why_html": term.why_html,
                      "translations": _words(course, "terms", term.slug),
                      "position": position, "is_active": True},
        )  # fmt: skip
        seen.append(row.pk)
    GlossaryTerm.objects.exclude(pk__in=seen).update(is_active=False)
    seen = []
    for position, item in enumerate(course.handouts):
        row, _ = Handout.objects.update_or_create(
            slug=item.slug,
            defaults={"title": item.title, "audience": item.audience, "summary": item.summary,
                      "body_markdown": item.body_markdown, "body_html": item.body_html,
                      "sources": item.sources, "last_reviewed": item.last_reviewed,
                      "translations": _words(course, "handouts", item.slug),
                      "position": position, "is_active": True},
        )  # fmt: skip
        row.modules.set([modules_by_slug[slug] for slug in item.modules if slug in modules_by_slug])
        seen.append(row.pk)
    Handout.objects.exclude(pk__in=seen).update(is_active=False)
    seen = []
    pages = list(course.pages)
    if course.glossary:
        # The glossary's introduction and sources live in a page row of their own.
        pages.append(ParsedPage("glossary", "Glossary", None, course.glossary_intro, course.glossary_sources))
    for item in pages:
        row, _ = Page.objects.update_or_create(
            slug=item.slug,
            defaults={"title": item.title, "body_html": item.body_html, "sources": item.sources,
                      "last_reviewed": item.last_reviewed, "is_active": True,
                      "translations": _words(course, "glossary", None) if item.slug == "glossary"
                      else _words(course, "pages", item.slug)},
        )  # fmt: skip
        seen.append(row.pk)
    Page.objects.exclude(pk__in=seen).update(is_active=False)


def conversations_upsert(*, parsed: list[ParsedConversation], modules: dict[str, Module]) -> int:
    """Upsert the conversations by slug; deactivate those no longer in the files (learners'
    practice records stay)."""
    seen = []
    for position, item in enumerate(parsed):
        conversation, _ = Conversation.objects.update_or_create(
            slug=item.slug,
            defaults={
                "module": modules[item.module],
                "title": item.title,
                "summary": item.summary,
                "audiences": ",".join(item.audiences),
                "setting": item.setting,
                "other": item.other,
                "content_note": item.content_note,
                "start": item.start,
                "nodes": item.nodes,
                "position": position,
                "content_hash": item.content_hash,
                "translations": item.translations,
                "is_active": True,
            },
        )
        seen.append(conversation.pk)
    Conversation.objects.filter(is_active=True).exclude(pk__in=seen).update(
        is_active=False, updated_at=timezone.now()
    )
    return len(seen)

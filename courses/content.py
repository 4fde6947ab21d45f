"""Load the course from files: validate everything, then upsert in one transaction.

The format is documented for authors in docs/authoring.md. This module parses `course.yaml`,
each `modules/<NN-slug>/module.yaml` and its lessons; quizzes are parsed by `quizzes.content`.
Every problem is collected as a `ContentError` naming the file and the field, and nothing is
written unless there are none. Slugs are identity: a reload updates rows in place; items that
disappeared from the files are deactivated, never deleted, so no learner loses progress.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from quizzes.content import parse_quiz, quiz_upsert

from .models import Audience, Lesson, Module, Source, Track, TrackModule
from .validation import SLUG_RE, ContentError, Problems, read_yaml, render_checked, require, require_slug

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


@dataclass
class ParsedTrack:
    slug: str
    title: str
    summary: str
    audience: str
    modules: list[str]


@dataclass
class ParsedCourse:
    tracks: list[ParsedTrack] = field(default_factory=list)
    modules: list[ParsedModule] = field(default_factory=list)


def content_hash(folder: Path) -> str:
    """A module's version: the hash of its files' paths and bytes, stable across machines."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
        digest.update(b"\0")
    return digest.hexdigest()


def split_front_matter(text: str) -> tuple[str, str] | None:
    if not text.startswith("---"):
        return None
    parts = re.split(r"^---\s*$", text, maxsplit=2, flags=re.M)
    if len(parts) < 3:
        return None
    return parts[1], parts[2]


def parse_lesson(path: Path, problems: Problems, sources: set[int]) -> ParsedLesson | None:
    slug = PREFIX_RE.sub("", path.stem)
    if not SLUG_RE.match(slug):
        problems.add(path, "file name", f"{slug!r} is not a slug (a-z, 0-9, -)")
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(path, "", "is not UTF-8 text")
        return None
    split = split_front_matter(text)
    if split is None:
        problems.add(path, "front matter", "must start with a '---' block holding title and minutes")
        return None
    try:
        meta = yaml.safe_load(split[0]) or {}
    except yaml.YAMLError as exc:
        problems.add(path, "front matter", f"is not valid YAML: {exc}")
        return None
    if not isinstance(meta, dict):
        problems.add(path, "front matter", "must be a mapping of fields")
        return None
    title = require(meta, "title", str, path, problems)
    minutes = require(meta, "minutes", int, path, problems)
    if minutes is not None and not 1 <= minutes <= 15:
        problems.add(path, "minutes", "must be between 1 and 15")
    note = meta.get("content_note") or ""
    if not isinstance(note, str):
        problems.add(path, "content_note", "must be text")
        note = ""
    body = split[1].strip()
    if not body:
        problems.add(path, "body", "is empty")
        return None
    html = render_checked(body, path, "body", problems, sources)
    if title is None or minutes is None:
        return None
    return ParsedLesson(slug, title, minutes, note.strip(), body, html)


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
    sources = []
    for i, source in enumerate(require(data, "sources", list, path, problems) or []):
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
        }
        if entry["url"] and not entry["url"].startswith(("https://", "http://")):
            problems.add(path, f"{where}.url", "must start with https://")
        if number is not None and any(s["number"] == number for s in sources):
            problems.add(path, f"{where}.id", f"{number} is used twice")
        sources.append(entry)
    numbers = {s["number"] for s in sources if s["number"] is not None}

    lessons = []
    lesson_files = sorted((folder / "lessons").glob("*.md"))
    if not lesson_files:
        problems.add(folder / "lessons", "", "holds no lessons (*.md)")
    for lesson_path in lesson_files:
        lesson = parse_lesson(lesson_path, problems, numbers)
        if lesson is not None:
            if any(other.slug == lesson.slug for other in lessons):
                problems.add(lesson_path, "file name", f"lesson slug {lesson.slug!r} is used twice")
            lessons.append(lesson)
    quiz = parse_quiz(folder / "quiz.yaml", problems, numbers)
    if None in (slug, title, summary, minutes) or quiz is None:
        return None
    return ParsedModule(
        slug=slug, title=title, short_title=short_title.strip(), summary=summary.strip(), audiences=audiences, minutes=minutes,
        objectives=objectives, remember=remember, sources=sources, lessons=lessons, quiz=quiz,
        content_hash=content_hash(folder), folder=folder,
    )  # fmt: skip


def _text_list(data: dict, key: str, path: Path, problems: Problems) -> list[str]:
    items = require(data, key, list, path, problems) or []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            problems.add(path, f"{key}[{i}]", "must be a line of text")
    return [str(item).strip() for item in items]


def parse_course(root: Path) -> ParsedCourse:
    """Parse and validate the whole tree; raise ContentError listing every problem."""
    root = Path(root)
    problems = Problems(root)
    if not root.is_dir():
        raise ContentError([f"{root}: is not a folder"])
    course = ParsedCourse()
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
        )
        if track.audience and track.audience not in AUDIENCES:
            problems.add(path, f"{where}.audience", f"{track.audience!r} is not one of {sorted(AUDIENCES)}")
        for slug in track.modules:
            if slug not in known:
                problems.add(path, f"{where}.modules", f"no module has the slug {slug!r}")
        if len(set(track.modules)) != len(track.modules):
            problems.add(path, f"{where}.modules", "lists a module twice")
        course.tracks.append(track)
    if problems.items:
        raise ContentError(problems.items)
    return course


@dataclass
class LoadReport:
    modules: int = 0
    lessons: int = 0
    questions: int = 0
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
                    "position": lesson_position,
                    "is_active": True,
                },
            )
            seen_lessons.append(lesson.pk)
        module.lessons.exclude(pk__in=seen_lessons).update(is_active=False)
        report.questions += quiz_upsert(module=module, parsed=parsed.quiz)
        report.modules += 1
        report.lessons += len(parsed.lessons)
    Module.objects.exclude(pk__in=seen_modules).update(is_active=False)

    modules_by_slug = {m.slug: m for m in Module.objects.filter(pk__in=seen_modules)}
    seen_tracks = []
    for position, parsed in enumerate(course.tracks):
        track, _ = Track.objects.update_or_create(
            slug=parsed.slug,
            defaults={
                "title": parsed.title,
                "summary": parsed.summary,
                "audience": parsed.audience,
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
    return report

"""The content checker's toolkit, shared by the course loader (courses.content) and the quiz
format (quizzes.content): read a YAML file, require fields of a kind, check slugs, render
Markdown and check its citations, collecting every problem as `file: field: message` instead of
stopping at the first, so an author sees them all at once."""

import re
from pathlib import Path

import yaml

from . import markdown

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ContentError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Problems:
    """Collects `file: field: message` lines while parsing."""

    def __init__(self, root: Path, glossary: set[str] | None = None):
        self.root = root
        self.items: list[str] = []
        # Glossary slugs that `[words](glossary:slug)` links may point at.
        self.glossary: set[str] = glossary or set()

    def add(self, path: Path, where: str, message: str) -> None:
        try:
            name = path.relative_to(self.root)
        except ValueError:
            name = path
        self.items.append(f"{name}: {where}: {message}" if where else f"{name}: {message}")


def read_yaml(path: Path, problems: Problems) -> dict | None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.add(path, "", "file is missing")
        return None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.add(path, "", f"is not valid YAML: {exc}")
        return None
    if not isinstance(data, dict):
        problems.add(path, "", "must be a mapping of fields")
        return None
    return data


def require(data: dict, key: str, kind: type | tuple, path: Path, problems: Problems, where=""):
    """Return data[key] if present, non-empty and of `kind`; else record a problem."""
    label = f"{where}.{key}" if where else key
    value = data.get(key)
    if value is None or value == "" or value == []:
        problems.add(path, label, "is required")
        return None
    if isinstance(value, bool) and kind is not bool:
        problems.add(path, label, f"must be {_kind_name(kind)}")
        return None
    if not isinstance(value, kind):
        problems.add(path, label, f"must be {_kind_name(kind)}")
        return None
    return value


def _kind_name(kind) -> str:
    names = {str: "text", int: "a whole number", list: "a list", dict: "a mapping", bool: "true or false"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def require_slug(data: dict, key: str, path: Path, problems: Problems, where="") -> str | None:
    value = require(data, key, str, path, problems, where)
    if value is not None and not SLUG_RE.match(value):
        problems.add(path, f"{where}.{key}" if where else key, f"{value!r} is not a slug (a-z, 0-9, -)")
        return None
    return value


def check_citations(cited: list[int], sources: set[int], path: Path, where: str, problems: Problems):
    for number in cited:
        if number not in sources:
            problems.add(path, where, f"cites [^{number}] but the module has no source {number}")


def render_checked(
    text: str, path: Path, where: str, problems: Problems, sources: set[int], inline=False
) -> str:
    try:
        html, cited, terms = markdown.render_full(text, inline=inline)
    except ValueError as exc:
        problems.add(path, where, str(exc))
        return ""
    check_citations(cited, sources, path, where, problems)
    for slug in terms:
        if slug not in problems.glossary:
            problems.add(
                path, where, f"links to glossary:{slug} but content/glossary.yaml has no term {slug!r}"
            )
    return html


def render_twin(
    text: str, original: str, path: Path, where: str, problems: Problems, sources: set[int], inline=False
) -> str:
    """Render a translation of `original`: the same checks, and it must cite the same sources
    and link the same glossary terms (a translation may reorder sentences, not facts)."""
    html = render_checked(text, path, where, problems, sources, inline=inline)
    try:
        _html, cited, terms = markdown.render_full(text, inline=inline)
        _html, cited_original, terms_original = markdown.render_full(original, inline=inline)
    except ValueError:
        return html  # already reported by render_checked
    if set(cited) != set(cited_original):
        problems.add(
            path, where, f"cites {sorted(set(cited))} but the original cites {sorted(set(cited_original))}"
        )
    if set(terms) != set(terms_original):
        problems.add(path, where, "must link the same glossary terms as the original")
    return html


def split_front_matter(text: str) -> tuple[str, str] | None:
    """A Markdown file's YAML front matter and body, or None if it has no front matter."""
    if not text.startswith("---"):
        return None
    parts = re.split(r"^---\s*$", text, maxsplit=2, flags=re.M)
    if len(parts) < 3:
        return None
    return parts[1], parts[2]


def read_front_matter(path: Path, problems: Problems) -> tuple[dict, str] | None:
    """A Markdown file's front matter (a mapping) and its non-empty body, or None with the
    problem recorded."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(path, "", "is not UTF-8 text")
        return None
    split = split_front_matter(text)
    if split is None:
        problems.add(path, "front matter", "must start with a '---' block")
        return None
    try:
        meta = yaml.safe_load(split[0]) or {}
    except yaml.YAMLError as exc:
        problems.add(path, "front matter", f"is not valid YAML: {exc}")
        return None
    if not isinstance(meta, dict):
        problems.add(path, "front matter", "must be a mapping of fields")
        return None
    body = split[1].strip()
    if not body:
        problems.add(path, "body", "is empty")
        return None
    return meta, body

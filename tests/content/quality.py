"""Editorial checks on a content tree, beyond what the loader enforces: the course's standards
(DEVELOPERS.md) as code. `course_problems(root)` lists every breach as "file: problem"."""

import re
from pathlib import Path

import textstat
import yaml

from courses.content import split_front_matter
from courses.help import HOTLINES

MAX_GRADE = 9.0
BANNED = re.compile(r"child\s+porn\w*|child\s+prostitut\w*|kiddie\s+porn\w*", re.I)
# Anything shaped like a US toll-free or short-code number must be one of our help lines.
PHONE = re.compile(r"(?<![\d-])(?:1-)?8\d\d-\d{3}-\d{4}(?![\d-])")
TEXT_CODE = re.compile(r"\btext(?:ing)?\s+(?:the\s+(?:word\s+)?\S+\s+to\s+)?(\d{3,6})\b", re.I)
ALLOWED_NUMBERS = {h["phone"] for h in HOTLINES if h["phone"]}
ALLOWED_TEXT = {h["text"] for h in HOTLINES if h["text"]}


def prose(markdown: str) -> str:
    """The lesson as a reader meets it, for readability: no chat blocks, markers or markup."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"\[\^\d+\]", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^#+\s*(.*)$", r"\1.", text, flags=re.M)
    text = re.sub(r"^\s*([-*]|\d+\.)\s+", "", text, flags=re.M)
    return re.sub(r"[*_`>]", "", text)


def grade(markdown: str) -> float:
    return textstat.flesch_kincaid_grade(prose(markdown))


def _texts(value):
    """Every string inside a YAML structure."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _check_text(name: str, text: str, problems: list[str]) -> None:
    for match in BANNED.finditer(text):
        problems.append(f"{name}: uses the term {match.group(0)!r}")
    for number in PHONE.findall(text):
        normalised = number if number.startswith("1-") else f"1-{number}"
        if normalised not in ALLOWED_NUMBERS:
            problems.append(
                f"{name}: phone number {number} is not one of the help lines {sorted(ALLOWED_NUMBERS)}"
            )
    for code in TEXT_CODE.findall(text):
        if code not in ALLOWED_TEXT:
            problems.append(f"{name}: text number {code} is not one of {sorted(ALLOWED_TEXT)}")


def course_problems(root: Path) -> list[str]:
    problems: list[str] = []
    for folder in sorted(p for p in (root / "modules").iterdir() if p.is_dir()):
        module = yaml.safe_load((folder / "module.yaml").read_text())
        for field in ("objectives", "sources", "remember"):
            if not module.get(field):
                problems.append(f"{folder.name}/module.yaml: has no {field}")
        if not (folder / "quiz.yaml").exists():
            problems.append(f"{folder.name}: has no quiz.yaml")
            continue
        quiz = yaml.safe_load((folder / "quiz.yaml").read_text())
        for scenario in quiz.get("scenarios", []):
            for question in scenario.get("questions", []):
                for choice in question.get("choices", []):
                    if not str(choice.get("feedback") or "").strip():
                        problems.append(
                            f"{folder.name}/quiz.yaml: {question.get('slug')}/{choice.get('key')} has no feedback"
                        )
        for name, data in (("module.yaml", module), ("quiz.yaml", quiz)):
            for text in _texts(data):
                _check_text(f"{folder.name}/{name}", text, problems)
        for lesson in sorted((folder / "lessons").glob("*.md")):
            text = lesson.read_text()
            name = f"{folder.name}/lessons/{lesson.name}"
            _check_text(name, text, problems)
            split = split_front_matter(text)
            if split and (value := grade(split[1])) > MAX_GRADE:
                problems.append(f"{name}: Flesch-Kincaid grade {value:.1f} is above {MAX_GRADE:g}")
    for path in sorted((root / "conversations").glob("*.yaml")):
        conversation_problems(path, problems)
    return problems


def conversation_problems(path: Path, problems: list[str]) -> None:
    """A practice conversation: the words rules, plain reading, and at least two good and two
    poor endings, so a learner meets more than one way for it to go well and to go wrong."""
    name = f"conversations/{path.name}"
    data = yaml.safe_load(path.read_text())
    for text in _texts(data):
        _check_text(name, text, problems)
    prose_lines, endings = [], []
    for node in (data.get("nodes") or {}).values():
        prose_lines += node.get("says", [])
        for choice in node.get("choices", []):
            prose_lines += [choice.get("text", ""), choice.get("note", "")]
        if "ending" in node:
            endings.append(node["ending"])
            prose_lines += [node.get("title", "") + ".", node.get("debrief", "")]
    if (value := grade("\n\n".join(str(line) for line in prose_lines))) > MAX_GRADE:
        problems.append(f"{name}: Flesch-Kincaid grade {value:.1f} is above {MAX_GRADE:g}")
    for kind in ("good", "poor"):
        if endings.count(kind) < 2:
            problems.append(f"{name}: has {endings.count(kind)} {kind} endings; write at least 2")

"""Editorial checks on a content tree, beyond what the loader enforces: the course's standards
(docs/authoring.md, "Words we use") as code. `course_problems(root)` lists every breach as
"file: problem". Modules, quizzes, lessons, the glossary, handouts and pages are all checked for
banned terms, stray phone numbers and reading grade; the teen handout for a lower grade."""

import re
from pathlib import Path

import textstat
import yaml

from courses.help import HOTLINES
from courses.translations import is_translation
from courses.validation import split_front_matter

MAX_GRADE = 9.0
# Handouts for young people (audience: teen) are read by 12- to 17-year-olds.
MAX_TEEN_GRADE = 6.0
BANNED = re.compile(r"child\s+porn\w*|child\s+prostitut\w*|kiddie\s+porn\w*", re.I)
# The Spanish edition's equivalents ("pornografía infantil", "prostitución infantil", a child
# called "prostituta/o"), and its readability floor: Fernández-Huerta 70 is "fairly easy", about
# the reading level of the English limit (grade 8-9); docs/spanish.md explains the choice.
BANNED_ES = re.compile(r"pornograf\w+\s+infantil|prostituci\w+\s+infantil|\bprostitut[oa]s?\b", re.I)
MIN_EASE_ES = 70.0
# Wording that casts a child as taking part in "commercial sex", rather than as a victim.
CHILD_IN_COMMERCIAL_SEX = re.compile(
    r"(child|children|minor|minors|under 18|teen)[^.]{0,60}\b(take part in|engage in|in|for|to)\s+(a\s+)?commercial sex",
    re.I,
)
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
    for match in CHILD_IN_COMMERCIAL_SEX.finditer(" ".join(text.split())):
        if '"' in match.group(0):  # quoting the wording in order to reject it is fine
            continue
        problems.append(
            f"{name}: puts a child in 'commercial sex' ({match.group(0)!r}); say the child is sexually exploited"
        )
    for number in PHONE.findall(text):
        normalised = number if number.startswith("1-") else f"1-{number}"
        if normalised not in ALLOWED_NUMBERS:
            problems.append(
                f"{name}: phone number {number} is not one of the help lines {sorted(ALLOWED_NUMBERS)}"
            )
    for code in TEXT_CODE.findall(text):
        if code not in ALLOWED_TEXT:
            problems.append(f"{name}: text number {code} is not one of {sorted(ALLOWED_TEXT)}")


def bank_problems(name: str, module: dict, quiz: dict) -> list[str]:
    """The course's standard for a question bank (issue: quizzes that measure learning): at least
    1.5 times the questions drawn, two questions per objective so a retake can vary, and no cue:
    the correct choice is the longest in at most a third of single-answer questions, and "choose
    all" questions vary in how many are right (one, and all but one, among them)."""
    problems = []
    questions = [q for s in quiz.get("scenarios", []) for q in s.get("questions", [])]
    draw = quiz.get("draw") or len(questions)
    if len(questions) < 1.5 * draw:
        problems.append(f"{name}/quiz.yaml: bank of {len(questions)} is less than 1.5 x draw {draw}")
    for number in range(1, len(module.get("objectives", [])) + 1):
        if sum(q.get("objective") == number for q in questions) < 2:
            problems.append(f"{name}/quiz.yaml: objective {number} has fewer than two questions")
    singles = [q for q in questions if q.get("kind", "single") == "single"]
    longest = sum(1 for q in singles if max(q["choices"], key=lambda c: len(c["text"]))["correct"])
    if singles and longest > len(singles) / 3:
        problems.append(f"{name}/quiz.yaml: the correct choice is the longest in {longest} of {len(singles)}")
    counts = [
        (sum(c["correct"] for c in q["choices"]), len(q["choices"])) for q in questions if q not in singles
    ]
    if counts and not (any(k == 1 for k, _n in counts) and any(k == n - 1 for k, n in counts)):
        problems.append(
            f'{name}/quiz.yaml: "choose all" questions need one with a single right choice and one with all but one'
        )
    return problems


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
        for lesson in sorted(p for p in (folder / "lessons").glob("*.md") if not is_translation(p)):
            text = lesson.read_text()
            name = f"{folder.name}/lessons/{lesson.name}"
            _check_text(name, text, problems)
            split = split_front_matter(text)
            if split and (value := grade(split[1])) > MAX_GRADE:
                problems.append(f"{name}: Flesch-Kincaid grade {value:.1f} is above {MAX_GRADE:g}")
    for path in sorted(p for p in (root / "conversations").glob("*.yaml") if not is_translation(p)):
        conversation_problems(path, problems)
    _check_extras(root, problems)
    return problems


def course_bank_problems(root: Path) -> list[str]:
    """bank_problems for every module of a content tree."""
    problems = []
    for folder in sorted(p for p in (root / "modules").iterdir() if p.is_dir()):
        module = yaml.safe_load((folder / "module.yaml").read_text())
        quiz = yaml.safe_load((folder / "quiz.yaml").read_text())
        problems.extend(bank_problems(folder.name, module, quiz))
    return problems


def _check_extras(root: Path, problems: list[str]) -> None:
    """The glossary, the handouts and the pages meet the same standards as the lessons."""
    glossary = root / "glossary.yaml"
    if glossary.exists():
        data = yaml.safe_load(glossary.read_text())
        for text in _texts(data):
            _check_text("glossary.yaml", text, problems)
        prose_parts = [data.get("intro") or ""] + [
            f"{t.get('meaning', '')} {t.get('why', '')}" for t in data.get("terms", [])
        ]
        if (value := grade("\n\n".join(prose_parts))) > MAX_GRADE:
            problems.append(f"glossary.yaml: Flesch-Kincaid grade {value:.1f} is above {MAX_GRADE:g}")
    for folder in ("handouts", "pages"):
        for path in sorted(p for p in (root / folder).glob("*.md") if not is_translation(p)):
            name = f"{folder}/{path.name}"
            text = path.read_text()
            _check_text(name, text, problems)
            split = split_front_matter(text)
            if not split:
                continue
            meta = yaml.safe_load(split[0]) or {}
            limit = MAX_TEEN_GRADE if meta.get("audience") == "teen" else MAX_GRADE
            if (value := grade(split[1])) > limit:
                problems.append(f"{name}: Flesch-Kincaid grade {value:.1f} is above {limit:g}")


def ease_es(markdown: str) -> float:
    textstat.set_lang("es")
    try:
        return textstat.fernandez_huerta(prose(markdown))
    finally:
        textstat.set_lang("en_US")


def spanish_problems(root: Path) -> list[str]:
    """The Spanish edition's standards: no banned term, only our help lines, and readable
    (Fernández-Huerta at least MIN_EASE_ES) for every .es lesson, handout and page."""
    problems: list[str] = []
    for path in sorted(root.rglob("*.es.*")):
        name = str(path.relative_to(root))
        text = path.read_text()
        _check_text(name, text, problems)
        for match in BANNED_ES.finditer(text):
            problems.append(f"{name}: uses the term {match.group(0)!r}")
        if path.suffix == ".md" and (split := split_front_matter(text)):
            if (value := ease_es(split[1])) < MIN_EASE_ES:
                problems.append(f"{name}: Fernández-Huerta {value:.0f} is below {MIN_EASE_ES:g}")
        if path.parent.name == "conversations":
            words = "\n\n".join(str(line) for line in conversation_prose(yaml.safe_load(text))[0])
            if (value := ease_es(words)) < MIN_EASE_ES:
                problems.append(f"{name}: Fernández-Huerta {value:.0f} is below {MIN_EASE_ES:g}")
    return problems


def conversation_prose(data: dict) -> tuple[list[str], list[str]]:
    """A conversation's lines, choices, notes, ending titles and debriefs; and its endings."""
    prose_lines, endings = [], []
    for node in (data.get("nodes") or {}).values():
        prose_lines += node.get("says", [])
        for choice in node.get("choices", []):
            prose_lines += [choice.get("text", ""), choice.get("note", "")]
        if "ending" in node:
            endings.append(node["ending"])
        if "debrief" in node:
            prose_lines += [node.get("title", "") + ".", node.get("debrief", "")]
    return prose_lines, endings


def conversation_problems(path: Path, problems: list[str]) -> None:
    """A practice conversation: the words rules, plain reading, and at least two good and two
    poor endings, so a learner meets more than one way for it to go well and to go wrong."""
    name = f"conversations/{path.name}"
    data = yaml.safe_load(path.read_text())
    for text in _texts(data):
        _check_text(name, text, problems)
    prose_lines, endings = conversation_prose(data)
    if (value := grade("\n\n".join(str(line) for line in prose_lines))) > MAX_GRADE:
        problems.append(f"{name}: Flesch-Kincaid grade {value:.1f} is above {MAX_GRADE:g}")
    for kind in ("good", "poor"):
        if endings.count(kind) < 2:
            problems.append(f"{name}: has {endings.count(kind)} {kind} endings; write at least 2")

"""The quiz file format (`quiz.yaml`), parsed and validated for `courses.content`.

```yaml
pass_mark: 80
draw: 8                     # questions per attempt, drawn from the bank below
content_note: The scenarios include a teen being blackmailed and talk of suicide.   # optional
scenarios:
  - slug: game-chat-gift
    title: A gift from a gaming friend
    narrative: |            # Markdown; may hold a ```chat block and [^N] citations
      ...
    questions:
      - slug: first-sign
        objective: 1        # the module's first learning objective
        text: What is the most worrying part?
        kind: single        # single | multiple
        choices:
          - {key: a, text: ..., correct: true, feedback: ...}
```
Every question tests one of the module's objectives; the bank must give every objective a
question and hold at least `draw` questions (the course's standard, checked on the shipped course:
1.5 times `draw`, two per objective). See docs/authoring.md for the whole guide.
"""

from dataclasses import dataclass
from pathlib import Path

from courses.validation import Problems, read_yaml, render_checked, render_twin, require, require_slug

from .models import Choice, Question, Quiz, Scenario


@dataclass
class ParsedChoice:
    key: str
    text: str
    correct: bool
    feedback_html: str
    feedback: str = ""


@dataclass
class ParsedQuestion:
    slug: str
    text: str
    kind: str
    objective: int | None
    choices: list[ParsedChoice]


@dataclass
class ParsedScenario:
    slug: str
    title: str
    narrative_html: str
    questions: list[ParsedQuestion]
    narrative: str = ""


@dataclass
class ParsedQuiz:
    pass_mark: int
    draw: int
    scenarios: list[ParsedScenario]
    content_note: str = ""


def parse_quiz(path: Path, problems: Problems, sources: set[int], *, objectives: int) -> ParsedQuiz | None:
    """`objectives`: how many learning objectives the module has (questions name one by number)."""
    data = read_yaml(path, problems)
    if data is None:
        return None
    pass_mark = require(data, "pass_mark", int, path, problems)
    if pass_mark is not None and not 1 <= pass_mark <= 100:
        problems.add(path, "pass_mark", "must be a percentage from 1 to 100")
    draw = require(data, "draw", int, path, problems)
    if draw is not None and draw < 1:
        problems.add(path, "draw", "must be at least 1")
    scenarios: list[ParsedScenario] = []
    for i, raw in enumerate(require(data, "scenarios", list, path, problems) or []):
        where = f"scenarios[{i}]"
        if not isinstance(raw, dict):
            problems.add(path, where, "must be a mapping")
            continue
        slug = require_slug(raw, "slug", path, problems, where)
        if slug and any(s.slug == slug for s in scenarios):
            problems.add(path, f"{where}.slug", f"{slug!r} is used twice")
        narrative = require(raw, "narrative", str, path, problems, where) or ""
        scenario = ParsedScenario(
            slug=slug,
            title=require(raw, "title", str, path, problems, where),
            narrative_html=render_checked(narrative, path, f"{where}.narrative", problems, sources),
            narrative=narrative,
            questions=[],
        )
        for j, raw_q in enumerate(require(raw, "questions", list, path, problems, where) or []):
            question = _parse_question(
                raw_q, path, f"{where}.questions[{j}]", problems, sources, objectives=objectives
            )
            if question is None:
                continue
            if any(q.slug == question.slug for q in scenario.questions):
                problems.add(path, f"{where}.questions[{j}].slug", f"{question.slug!r} is used twice")
            scenario.questions.append(question)
        scenarios.append(scenario)
    note = data.get("content_note") or ""
    if not isinstance(note, str):
        problems.add(path, "content_note", "must be text")
        note = ""
    if pass_mark is None or draw is None or not scenarios:
        return None
    _check_bank(path, problems, scenarios, draw=draw, objectives=objectives)
    return ParsedQuiz(
        pass_mark=pass_mark, draw=draw, scenarios=scenarios, content_note=" ".join(note.split())
    )


def _check_bank(path: Path, problems: Problems, scenarios, *, draw: int, objectives: int) -> None:
    """Every attempt must be able to cover every objective: each has a question, the bank holds
    at least `draw` questions, and `draw` leaves room for one question per objective."""
    questions = [q for s in scenarios for q in s.questions]
    if len(questions) < draw:
        problems.add(path, "draw", f"is {draw}, but the bank has only {len(questions)} questions")
    if draw < objectives:
        problems.add(path, "draw", f"is {draw}, fewer than the module's {objectives} objectives")
    tested = {q.objective for q in questions}
    for number in range(1, objectives + 1):
        if number not in tested:
            problems.add(path, "questions", f"no question tests objective {number}")


def _parse_question(raw, path: Path, where: str, problems: Problems, sources: set[int], *, objectives: int):
    if not isinstance(raw, dict):
        problems.add(path, where, "must be a mapping")
        return None
    slug = require_slug(raw, "slug", path, problems, where)
    text = require(raw, "text", str, path, problems, where)
    objective = require(raw, "objective", int, path, problems, where)
    if objective is not None and not 1 <= objective <= objectives:
        problems.add(
            path, f"{where}.objective", f"is {objective}, but the module has objectives 1 to {objectives}"
        )
        objective = None
    kind = raw.get("kind", "single")
    if kind not in Question.Kind.values:
        problems.add(path, f"{where}.kind", f"must be one of {Question.Kind.values}")
    choices: list[ParsedChoice] = []
    for k, raw_c in enumerate(require(raw, "choices", list, path, problems, where) or []):
        cw = f"{where}.choices[{k}]"
        if not isinstance(raw_c, dict):
            problems.add(path, cw, "must be a mapping")
            continue
        key = require_slug(raw_c, "key", path, problems, cw)
        if key and any(c.key == key for c in choices):
            problems.add(path, f"{cw}.key", f"{key!r} is used twice")
        correct = raw_c.get("correct")
        if not isinstance(correct, bool):
            problems.add(path, f"{cw}.correct", "must be true or false")
        feedback = require(raw_c, "feedback", str, path, problems, cw) or ""
        choices.append(
            ParsedChoice(
                key=key,
                text=require(raw_c, "text", str, path, problems, cw),
                correct=bool(correct),
                feedback_html=render_checked(
                    feedback, path, f"{cw}.feedback", problems, sources, inline=True
                ),
                feedback=feedback,
            )
        )
    right = sum(c.correct for c in choices)
    if len(choices) < 2:
        problems.add(path, f"{where}.choices", "needs at least two choices")
    elif kind == "single" and right != 1:
        problems.add(
            path,
            f"{where}.choices",
            f"a single-choice question needs exactly one correct choice, not {right}",
        )
    elif right == 0:
        problems.add(path, f"{where}.choices", "needs at least one correct choice")
    if slug is None or text is None:
        return None
    return ParsedQuestion(slug=slug, text=text.strip(), kind=kind, objective=objective, choices=choices)


def parse_quiz_translation(
    path: Path, problems: Problems, sources: set[int], *, original: ParsedQuiz | None
) -> dict:
    """A translation of the quiz (quiz.<language>.yaml beside quiz.yaml): the same scenarios,
    questions and choices, in the same order, each citing the same sources as its original; only
    the words (titles, narratives, question texts, choice texts and feedback). Returns
    {"quiz": {...}, "scenarios": {slug: {...}}, "questions": {"scenario/question": {...}},
    "choices": {"scenario/question/key": {...}}}, or {} when there is no translation."""
    if original is None or not path.exists():
        return {}
    data = read_yaml(path, problems) or {}
    result = {
        "quiz": {"content_note": " ".join((data.get("content_note") or "").split())},
        "scenarios": {},
        "questions": {},
        "choices": {},
    }
    if original.content_note and not data.get("content_note"):
        problems.add(path, "content_note", "is required (the original has one)")
    items = data.get("scenarios") or []
    if [s.get("slug") if isinstance(s, dict) else None for s in items] != [
        s.slug for s in original.scenarios
    ]:
        problems.add(path, "scenarios", "must have the original's scenarios, by slug, in the same order")
        return result
    for i, (raw, scenario) in enumerate(zip(items, original.scenarios, strict=True)):
        where = f"scenarios[{i}]"
        result["scenarios"][scenario.slug] = {
            "title": require(raw, "title", str, path, problems, where) or "",
            "narrative_html": render_twin(
                raw.get("narrative") or "", scenario.narrative, path, f"{where}.narrative", problems, sources
            ),
        }
        questions = raw.get("questions") or []
        if [q.get("slug") if isinstance(q, dict) else None for q in questions] != [
            q.slug for q in scenario.questions
        ]:
            problems.add(path, f"{where}.questions", "must have the original's questions, by slug, in order")
            continue
        for j, (raw_q, question) in enumerate(zip(questions, scenario.questions, strict=True)):
            qw = f"{where}.questions[{j}]"
            key = f"{scenario.slug}/{question.slug}"
            result["questions"][key] = {
                "text": " ".join((require(raw_q, "text", str, path, problems, qw) or "").split())
            }
            choices = raw_q.get("choices") or []
            if [c.get("key") if isinstance(c, dict) else None for c in choices] != [
                c.key for c in question.choices
            ]:
                problems.add(path, f"{qw}.choices", "must have the original's choices, by key, in order")
                continue
            for k, (raw_c, choice) in enumerate(zip(choices, question.choices, strict=True)):
                cw = f"{qw}.choices[{k}]"
                for name in ("correct", "kind", "objective"):
                    if name in raw_c:
                        problems.add(
                            path, f"{cw}.{name}", "comes from the original: leave it out of a translation"
                        )
                result["choices"][f"{key}/{choice.key}"] = {
                    "text": require(raw_c, "text", str, path, problems, cw) or "",
                    "feedback_html": render_twin(
                        raw_c.get("feedback") or "",
                        choice.feedback,
                        path,
                        f"{cw}.feedback",
                        problems,
                        sources,
                        inline=True,
                    ),
                }
    return result


def quiz_upsert(*, module, parsed: ParsedQuiz, translations: dict | None = None) -> int:
    """Write a parsed quiz for `module` in place (by slug and key), with its translations
    (language -> parse_quiz_translation's result); return its question count. Scenarios,
    questions and choices gone from the file are deactivated, keeping old answers."""
    translations = {lang: t for lang, t in (translations or {}).items() if t}

    def words(kind: str, key: str) -> dict:
        return {lang: t[kind][key] for lang, t in translations.items() if key in t[kind]}

    quiz, _ = Quiz.objects.update_or_create(
        module=module,
        defaults={
            "pass_mark": parsed.pass_mark,
            "draw": parsed.draw,
            "content_note": parsed.content_note,
            "translations": {lang: t["quiz"] for lang, t in translations.items()},
        },
    )
    seen_scenarios, seen_questions, seen_choices = [], [], []
    for s_pos, item in enumerate(parsed.scenarios):
        scenario, _ = Scenario.objects.update_or_create(
            quiz=quiz,
            slug=item.slug,
            defaults={
                "title": item.title,
                "narrative_html": item.narrative_html,
                "translations": words("scenarios", item.slug),
                "position": s_pos,
                "is_active": True,
            },
        )
        seen_scenarios.append(scenario.pk)
        for q_pos, q in enumerate(item.questions):
            question, _ = Question.objects.update_or_create(
                scenario=scenario,
                slug=q.slug,
                defaults={
                    "text": q.text,
                    "kind": q.kind,
                    "objective": q.objective,
                    "translations": words("questions", f"{item.slug}/{q.slug}"),
                    "position": q_pos,
                    "is_active": True,
                },
            )
            seen_questions.append(question.pk)
            for c_pos, c in enumerate(q.choices):
                choice, _ = Choice.objects.update_or_create(
                    question=question,
                    key=c.key,
                    defaults={
                        "text": c.text,
                        "correct": c.correct,
                        "feedback_html": c.feedback_html,
                        "translations": words("choices", f"{item.slug}/{q.slug}/{c.key}"),
                        "position": c_pos,
                        "is_active": True,
                    },
                )
                seen_choices.append(choice.pk)
    quiz.scenarios.exclude(pk__in=seen_scenarios).update(is_active=False)
    Question.objects.filter(scenario__quiz=quiz).exclude(pk__in=seen_questions).update(is_active=False)
    Choice.objects.filter(question__scenario__quiz=quiz).exclude(pk__in=seen_choices).update(is_active=False)
    return len(seen_questions)

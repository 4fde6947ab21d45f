"""The guessing audit: how well a learner who never reads could do on each quiz.

Blind learners are simulated over the real drawing (quizzes.drawing) and grading
(quizzes.grading), each attempt a fresh draw with shuffled choices:
- longest: the longest choice (on "choose all", only the longest);
- first: the first choice shown (on "choose all", only the first);
- random: one choice at random (on "choose all", a random non-empty set);
- longest+first-two: the longest on single-answer questions, the first two shown on "choose all";
- copy-review: a random attempt first, then a second attempt that copies what the first one's
  review revealed (keep the answers to questions it said were right; avoid the choices it said
  were wrong).
`quiz_audit` prints these for every quiz; tests/quizzes/test_audit.py holds the shipped course to
them: no strategy may pass any quiz more than 1% of the time or average within 15 points of the
pass mark.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from statistics import mean

from .drawing import BankQuestion, draw_questions, shuffled
from .grading import grade


@dataclass(frozen=True)
class AuditChoice:
    id: int
    text: str
    correct: bool


@dataclass(frozen=True)
class AuditQuestion:
    id: int
    objective: int | None
    multiple: bool
    choices: tuple[AuditChoice, ...]


@dataclass
class StrategyResult:
    pass_rate: float  # percent of simulated attempts that passed
    mean_score: float


@dataclass
class QuizAudit:
    module: str
    bank: int
    draw: int
    objectives: int
    pass_mark: int
    singles: int
    longest_is_correct: int  # single-answer questions whose longest choice is the correct one
    length_ratio: float  # mean length of the correct choice / mean length of the others
    correct_positions: dict[int, int]  # authored position of the correct choice -> how often
    multiple_counts: list[tuple[int, int]]  # "choose all": (correct choices, choices)
    strategies: dict[str, StrategyResult] = field(default_factory=dict)


Picker = Callable[[AuditQuestion, list[AuditChoice], random.Random], set[int]]


def _longest(question, shown, rng):
    return {max(shown, key=lambda c: len(c.text)).id}


def _first(question, shown, rng):
    return {shown[0].id}


def _random(question, shown, rng):
    if not question.multiple:
        return {rng.choice(shown).id}
    picked = {c.id for c in shown if rng.random() < 0.5}
    return picked or {rng.choice(shown).id}


def _longest_first_two(question, shown, rng):
    return {c.id for c in shown[:2]} if question.multiple else _longest(question, shown, rng)


PICKERS: dict[str, Picker] = {
    "longest": _longest,
    "first": _first,
    "random": _random,
    "longest+first-two": _longest_first_two,
}
STRATEGIES = [*PICKERS, "copy-review"]


def _attempt(questions: Sequence[AuditQuestion], size: int, pass_mark: int, rng, pick, recent=()):
    bank = [BankQuestion(q.id, q.objective, tuple(c.id for c in q.choices)) for q in questions]
    by_id = {q.id: q for q in questions}
    drawn = draw_questions(bank, size, recent=recent, rng=rng)
    selected, correct = {}, {}
    for item in drawn:
        question = by_id[item.id]
        choices = {c.id: c for c in question.choices}
        shown = [choices[i] for i in shuffled(item.choice_ids, rng)]
        selected[item.id] = pick(question, shown, rng)
        correct[item.id] = [c.id for c in question.choices if c.correct]
    return grade(correct, selected, pass_mark), selected, [q.id for q in drawn]


def _copy_review_attempt(questions, size, pass_mark, rng):
    """A random attempt, then one that copies what its review showed: a failed attempt's review
    says which questions were right and which picked choices were not the best response (a pass
    needs no second attempt)."""
    first, picked, seen = _attempt(questions, size, pass_mark, rng, _random)
    if first.passed:
        return first
    right = {qid: picked[qid] for qid, ok in first.per_question.items() if ok}
    wrong = {qid: picked[qid] for qid, ok in first.per_question.items() if not ok}

    def copy(question, shown, rng):
        if question.id in right:
            return right[question.id]
        avoid = wrong.get(question.id, set())
        if not question.multiple:
            options = [c for c in shown if c.id not in avoid] or shown
            return {rng.choice(options).id}
        while True:
            guess = _random(question, shown, rng)
            if guess != avoid:
                return guess

    second, _picked, _seen = _attempt(questions, size, pass_mark, rng, copy, recent=seen)
    return second


def simulate(
    questions, *, size: int, pass_mark: int, strategy: str, attempts: int, seed: int
) -> StrategyResult:
    rng = random.Random(seed)  # nosec B311: a seeded simulation, nothing secret
    scores, passes = [], 0
    for _ in range(attempts):
        if strategy == "copy-review":
            result = _copy_review_attempt(questions, size, pass_mark, rng)
        else:
            result, _picked, _seen = _attempt(questions, size, pass_mark, rng, PICKERS[strategy])
        scores.append(100 * result.correct_count / result.question_count)
        passes += result.passed
    return StrategyResult(pass_rate=100 * passes / attempts, mean_score=mean(scores))


def audit(
    module: str,
    questions: Sequence[AuditQuestion],
    *,
    draw: int | None,
    objectives: int,
    pass_mark: int,
    attempts: int = 2000,
    seed: int = 0,
) -> QuizAudit:
    size = draw or len(questions)
    singles = [q for q in questions if not q.multiple]
    longest = sum(1 for q in singles if max(q.choices, key=lambda c: len(c.text)).correct)
    ratios, positions = [], {}
    for q in singles:
        right = [c for c in q.choices if c.correct]
        others = [len(c.text) for c in q.choices if not c.correct]
        if right and others:
            ratios.append(len(right[0].text) / mean(others))
            position = [c.correct for c in q.choices].index(True) + 1
            positions[position] = positions.get(position, 0) + 1
    report = QuizAudit(
        module=module,
        bank=len(questions),
        draw=size,
        objectives=objectives,
        pass_mark=pass_mark,
        singles=len(singles),
        longest_is_correct=longest,
        length_ratio=mean(ratios) if ratios else 0.0,
        correct_positions=dict(sorted(positions.items())),
        multiple_counts=[
            (sum(c.correct for c in q.choices), len(q.choices)) for q in questions if q.multiple
        ],
    )
    for i, strategy in enumerate(STRATEGIES):
        report.strategies[strategy] = simulate(
            questions, size=size, pass_mark=pass_mark, strategy=strategy, attempts=attempts, seed=seed + i
        )
    return report


def questions_of(quiz) -> list[AuditQuestion]:
    """A loaded quiz (fetched with quizzes.services.get_quiz) as audit questions."""
    return [
        AuditQuestion(
            id=q.pk,
            objective=q.objective,
            multiple=q.kind == "multiple",
            choices=tuple(AuditChoice(c.pk, c.text, c.correct) for c in q.choices.all()),
        )
        for s in quiz.scenarios.all()
        for q in s.questions.all()
    ]

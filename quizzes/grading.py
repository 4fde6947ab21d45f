"""Grading, as a pure function: a question is right only when the learner ticked exactly its
correct choices (for a single-choice question, the one correct choice)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Grade:
    correct_count: int
    question_count: int
    score: int  # percent, rounded down
    passed: bool
    per_question: dict[int, bool]


def grade(
    correct_choices: Mapping[int, Iterable[int]],
    selected: Mapping[int, Iterable[int]],
    pass_mark: int,
) -> Grade:
    """`correct_choices` and `selected` map question id -> choice ids."""
    per_question = {qid: set(selected.get(qid, ())) == set(right) for qid, right in correct_choices.items()}
    total = len(per_question)
    right = sum(per_question.values())
    score = (100 * right) // total if total else 0
    # Compare without rounding: 4 of 5 right passes an 80% mark.
    passed = total > 0 and 100 * right >= pass_mark * total
    return Grade(right, total, score, passed, per_question)

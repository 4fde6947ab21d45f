"""Drawing an attempt from a quiz's bank, as pure functions (the audit simulates with them too).

- Every objective of the module is covered: one question per objective first, then the rest at
  random up to the quiz's draw size.
- A retake prefers questions the learner did not see last time, where the bank allows.
- The drawn questions keep the bank's order (so a scenario's questions stay together), and each
  question's choices are shuffled.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BankQuestion:
    id: int
    objective: int | None
    choice_ids: tuple[int, ...]


def draw_questions(
    bank: Sequence[BankQuestion], size: int | None, *, recent: Iterable[int] = (), rng: random.Random
) -> list[BankQuestion]:
    """`size` questions of `bank` (all of it when `size` is None or not smaller), in bank order."""
    if size is None or size >= len(bank):
        return list(bank)
    seen = set(recent)
    # Unseen questions first, each group in random order.
    order = sorted(bank, key=lambda q: (q.id in seen, rng.random()))
    chosen: list[BankQuestion] = []
    covered: set[int | None] = set()
    for question in order:
        if question.objective not in covered:
            covered.add(question.objective)
            chosen.append(question)
    for question in order:
        if len(chosen) >= size:
            break
        if question not in chosen:
            chosen.append(question)
    picked = {q.id for q in chosen[: max(size, len(covered))]}
    return [q for q in bank if q.id in picked]


def shuffled(choice_ids: Sequence[int], rng: random.Random) -> list[int]:
    order = list(choice_ids)
    rng.shuffle(order)
    return order


def draw_refresher(
    bank: Sequence[BankQuestion], size: int, *, recent: Iterable[int] = (), rng: random.Random
) -> list[BankQuestion]:
    """`size` questions for a refresher, in bank order: questions not in `recent` (what the
    learner saw last) first, spread over as many objectives as the size allows, the rest at
    random. Unlike a quiz draw it never grows past `size` to cover every objective."""
    seen = set(recent)
    order = sorted(bank, key=lambda q: (q.id in seen, rng.random()))
    chosen: list[BankQuestion] = []
    covered: set[int | None] = set()
    for question in order:
        if len(chosen) < size and question.id not in seen and question.objective not in covered:
            covered.add(question.objective)
            chosen.append(question)
    for question in order:
        if len(chosen) >= size:
            break
        if question not in chosen:
            chosen.append(question)
    picked = {q.id for q in chosen}
    return [q for q in bank if q.id in picked]

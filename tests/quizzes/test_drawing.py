"""Drawing an attempt from the bank: every objective covered, retakes vary, order kept, choices
shuffled."""

import random

from hypothesis import given
from hypothesis import strategies as st

from quizzes.drawing import BankQuestion, draw_questions, shuffled

BANK = [BankQuestion(i, objective=1 + i % 4, choice_ids=(10 * i, 10 * i + 1, 10 * i + 2)) for i in range(12)]


def test_every_attempt_covers_every_objective_in_bank_order():
    for seed in range(200):
        drawn = draw_questions(BANK, 8, rng=random.Random(seed))
        assert len(drawn) == 8
        assert {q.objective for q in drawn} == {1, 2, 3, 4}
        assert drawn == sorted(drawn, key=BANK.index)


def test_a_retake_prefers_the_questions_not_seen_last_time():
    rng = random.Random(1)
    first = draw_questions(BANK, 6, rng=rng)
    second = draw_questions(BANK, 6, recent=[q.id for q in first], rng=rng)
    assert not {q.id for q in first} & {q.id for q in second}


def test_a_bank_no_bigger_than_the_draw_is_drawn_whole():
    assert draw_questions(BANK, 12, rng=random.Random(0)) == BANK
    assert draw_questions(BANK, None, rng=random.Random(0)) == BANK


def test_choice_order_varies_between_draws():
    orders = {tuple(shuffled((1, 2, 3, 4), random.Random(seed))) for seed in range(50)}
    assert len(orders) > 10


@given(
    objectives=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=30),
    size=st.integers(min_value=1, max_value=30),
    seed=st.integers(),
)
def test_any_bank_gives_a_draw_of_its_size_covering_its_objectives(objectives, size, seed):
    bank = [BankQuestion(i, o, (i,)) for i, o in enumerate(objectives)]
    drawn = draw_questions(bank, size, rng=random.Random(seed))
    assert len(drawn) == max(min(size, len(bank)), min(len(set(objectives)), len(bank)))
    assert {q.objective for q in drawn} == set(objectives) or len(drawn) == len(bank)
    assert len({q.id for q in drawn}) == len(drawn)

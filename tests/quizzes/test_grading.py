from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import grade


def test_exact_choices_are_right_and_partial_is_wrong():
    result = grade({1: [10], 2: [20, 21]}, {1: {10}, 2: {20}}, pass_mark=80)
    assert result.per_question == {1: True, 2: False}
    assert (result.correct_count, result.score, result.passed) == (1, 50, False)


def test_extra_ticks_make_a_multiple_choice_wrong():
    assert grade({1: [10, 11]}, {1: {10, 11, 12}}, 50).per_question == {1: False}


def test_pass_mark_is_compared_without_rounding():
    questions = {i: [i] for i in range(5)}
    four_right = {i: {i} for i in range(4)} | {4: {99}}
    assert grade(questions, four_right, 80).passed
    assert not grade(questions, four_right, 81).passed


def test_score_rounds_down():
    questions = {i: [i] for i in range(3)}
    assert grade(questions, {0: {0}, 1: {1}, 2: {9}}, 50).score == 66


@given(
    st.dictionaries(st.integers(1, 50), st.sets(st.integers(1, 5), min_size=1), min_size=1),
    st.dictionaries(st.integers(1, 60), st.sets(st.integers(1, 5))),
    st.integers(1, 100),
)
def test_grading_is_consistent_for_any_input(correct, selected, pass_mark):
    result = grade(correct, selected, pass_mark)
    assert 0 <= result.correct_count <= result.question_count == len(correct)
    assert 0 <= result.score <= 100
    assert result.passed == (100 * result.correct_count >= pass_mark * result.question_count)
    assert set(result.per_question) == set(correct)

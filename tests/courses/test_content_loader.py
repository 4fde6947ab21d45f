"""load_content: validate everything, then load in one transaction, by slug, safely rendered."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from courses.content import ContentError, course_load
from courses.markdown import render
from courses.models import Lesson, LessonProgress, Module, Track
from courses.services import lesson_complete
from quizzes.models import Choice, Question
from tests.conftest import FIXTURE_CONTENT


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def test_loads_tracks_modules_lessons_and_quizzes(db, tree):
    report = course_load(root=tree)
    assert report.modules == 2 and report.lessons == 4 and report.questions == 4
    assert list(Track.objects.values_list("slug", flat=True)) == ["parent", "educator"]
    parent = Track.objects.get(slug="parent")
    assert [tm.module.slug for tm in parent.track_modules.all()] == ["first-steps", "second-steps"]
    assert Module.objects.get(slug="first-steps").quiz.pass_mark == 80


def test_reload_without_changes_keeps_the_content_hash(db, tree):
    course_load(root=tree)
    before = Module.objects.get(slug="first-steps").content_hash
    report = course_load(root=tree)
    assert report.changed == []
    assert Module.objects.get(slug="first-steps").content_hash == before


def test_editing_a_lesson_changes_only_that_modules_hash(db, tree):
    course_load(root=tree)
    hashes = dict(Module.objects.values_list("slug", "content_hash"))
    lesson = tree / "modules" / "01-first-steps" / "lessons" / "01-intro.md"
    lesson.write_text(lesson.read_text().replace("pretend to be young", "pretend to be a teen"))
    report = course_load(root=tree)
    assert report.changed == ["first-steps"]
    after = dict(Module.objects.values_list("slug", "content_hash"))
    assert after["first-steps"] != hashes["first-steps"]
    assert after["second-steps"] == hashes["second-steps"]
    assert "pretend to be a teen" in Lesson.objects.get(module__slug="first-steps", slug="intro").body_html


def test_reload_keeps_learner_progress(db, tree, parent):
    course_load(root=tree)
    lesson = Lesson.objects.get(module__slug="first-steps", slug="intro")
    lesson_complete(user=parent, lesson=lesson)
    (tree / "modules" / "01-first-steps" / "lessons" / "01-intro.md").write_text(
        "---\ntitle: Renamed title\nminutes: 5\n---\nNew words.[^1]\n"
    )
    course_load(root=tree)
    lesson.refresh_from_db()
    assert lesson.title == "Renamed title"
    assert LessonProgress.objects.filter(user=parent, lesson=lesson).exists()


def test_removed_lessons_and_choices_are_deactivated_not_deleted(db, tree):
    course_load(root=tree)
    (tree / "modules" / "01-first-steps" / "lessons" / "02-signs.md").unlink()
    (tree / "modules" / "01-first-steps" / "lessons" / "02-signs.es.md").unlink()
    for name, line in [
        (
            "quiz.yaml",
            "          - {key: c, text: Shout, correct: false, feedback: Shouting shuts the child down.}\n",
        ),
        (
            "quiz.es.yaml",
            "          - {key: c, text: Gritar, feedback: Gritar hace que el niño se cierre.}\n",
        ),
    ]:
        quiz = tree / "modules" / "01-first-steps" / name
        assert line in quiz.read_text()
        quiz.write_text(quiz.read_text().replace(line, ""))
    course_load(root=tree)
    signs = Lesson.objects.get(module__slug="first-steps", slug="signs")
    assert signs.is_active is False
    assert (
        Choice.objects.get(question__scenario__quiz__module__slug="first-steps", key="c").is_active is False
    )


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        ("modules/01-first-steps/module.yaml", "title: First steps\n", "", "module.yaml: title: is required"),
        (
            "modules/01-first-steps/module.yaml",
            "slug: first-steps",
            "slug: First Steps",
            "slug: 'First Steps' is not a slug",
        ),
        (
            "modules/01-first-steps/lessons/01-intro.md",
            "minutes: 3",
            "minutes: three",
            "01-intro.md: minutes: must be a whole number",
        ),
        (
            "modules/01-first-steps/lessons/01-intro.md",
            "young.[^1]",
            "young.[^7]",
            "01-intro.md: body: cites [^7] but the module has no source 7",
        ),
        (
            "modules/01-first-steps/lessons/01-intro.md",
            "> Maya: ok",
            "Maya says ok",
            "chat line must start with",
        ),
        (
            "modules/01-first-steps/quiz.yaml",
            'feedback: "Secrecy is a warning sign.[^1]"',
            "feedback: ''",
            "choices[0].feedback: is required",
        ),
        (
            "modules/01-first-steps/quiz.yaml",
            "text: The coins, correct: false",
            "text: The coins, correct: true",
            "exactly one correct choice, not 2",
        ),
        (
            "modules/01-first-steps/quiz.yaml",
            "pass_mark: 80",
            "pass_mark: [80",
            "quiz.yaml: is not valid YAML",
        ),
        (
            "modules/01-first-steps/quiz.yaml",
            "      - slug: worry\n        objective: 1\n",
            "      - slug: worry\n",
            "questions[0].objective: is required",
        ),
        (
            "modules/01-first-steps/quiz.yaml",
            "      - slug: worry\n        objective: 1\n",
            "      - slug: worry\n        objective: 2\n",
            "questions[0].objective: is 2, but the module has objectives 1 to 1",
        ),
        (
            "modules/01-first-steps/quiz.yaml",
            "draw: 2",
            "draw: 3",
            "quiz.yaml: draw: is 3, but the bank has only 2 questions",
        ),
        (
            "modules/01-first-steps/quiz.yaml",
            "draw: 2\n",
            "",
            "quiz.yaml: draw: is required",
        ),
        (
            "modules/01-first-steps/module.yaml",
            "objectives: [Know the first thing.]",
            "objectives: [Know the first thing., Know the second thing., Know the third.]",
            "quiz.yaml: questions: no question tests objective 2",
        ),
        (
            "modules/01-first-steps/module.yaml",
            "objectives: [Know the first thing.]",
            "objectives: [Know the first thing., Know the second thing., Know the third.]",
            "quiz.yaml: draw: is 2, fewer than the module's 3 objectives",
        ),
        (
            "course.yaml",
            "[first-steps, second-steps]",
            "[first-steps, nowhere]",
            "course.yaml: tracks[0].modules: no module has the slug 'nowhere'",
        ),
    ],
)
def test_bad_file_names_file_and_field_and_keeps_previous_content(db, tree, path, old, new, expected):
    course_load(root=tree)
    before = Module.objects.get(slug="first-steps").content_hash
    target = tree / path
    assert old in target.read_text(), "the test's edit must apply"
    target.write_text(target.read_text().replace(old, new))
    with pytest.raises(ContentError) as caught:
        course_load(root=tree)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems
    module = Module.objects.get(slug="first-steps")
    assert module.content_hash == before and module.title == "First steps"


def test_a_bad_second_module_loads_nothing(db, tree):
    (tree / "modules" / "02-second-steps" / "quiz.yaml").unlink()
    with pytest.raises(ContentError) as caught:
        course_load(root=tree)
    assert "modules/02-second-steps/quiz.yaml: file is missing" in caught.value.problems
    assert not Module.objects.exists() and not Question.objects.exists()


def test_command_reports_problems_as_an_error(db, tree):
    (tree / "modules" / "01-first-steps" / "module.yaml").write_text("slug: x\n")
    with pytest.raises(CommandError, match="keeps its previous content"):
        call_command("load_content", str(tree))


def test_command_loads_and_summarises(db, tree, capsys):
    call_command("load_content", str(tree))
    assert "Loaded 2 modules, 4 lessons, 4 questions" in capsys.readouterr().out


class TestMarkdownIsInert:
    def test_script_tags_render_as_text(self):
        html, _ = render("Hello <script>alert('x')</script>")
        assert "<script" not in html and "&lt;script&gt;" in html

    def test_event_handler_attributes_are_removed(self):
        html, _ = render('<img src="x" onerror="alert(1)">\n\n![pic](x.png)')
        assert "<img" not in html

    def test_javascript_links_are_not_links(self):
        html, _ = render("[click](javascript:alert(1)) and [ok](https://example.org)")
        assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")
        assert 'href="javascript' not in html
        assert 'href="https://example.org"' in html

    def test_chat_block_is_a_list_of_who_said_what(self):
        html, _ = render("```chat\n< Jay: hi <b>there</b>\n> Maya: hello\n-- two days later\n```")
        assert '<ol class="chat-list" aria-label="Chat between Jay and Maya">' in html
        assert '<li class="chat-msg chat-them"><span class="chat-sender">Jay' in html
        assert "hi &lt;b&gt;there&lt;/b&gt;" in html
        assert '<li class="chat-msg chat-me">' in html and '<li class="chat-note">two days later</li>' in html

    def test_citations_link_to_the_source_list(self):
        html, cited = render("A fact.[^2] Another.[^1][^2]")
        assert cited == [2, 1]
        assert '<a href="#source-2" class="cite-link"' in html

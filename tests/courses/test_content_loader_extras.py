"""load_content for the glossary, handouts, pages, content notes and review dates: loaded by
slug, and every mistake named by file and field before anything is written."""

import shutil

import pytest

from courses.content import ContentError, course_load
from courses.models import GlossaryTerm, Handout, Module, Page, Track
from quizzes.models import Quiz
from tests.conftest import FIXTURE_CONTENT

MODULE = "modules/01-first-steps/module.yaml"
LESSON = "modules/01-first-steps/lessons/02-signs.md"
HANDOUT = "handouts/01-family-sheet.md"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def edit(tree, path, old, new):
    target = tree / path
    assert old in target.read_text(), old
    target.write_text(target.read_text().replace(old, new))


def test_loads_glossary_handouts_pages_notes_and_review_dates(db, tree):
    course_load(root=tree)
    assert list(GlossaryTerm.objects.values_list("slug", flat=True)) == ["grooming", "csam"]
    handout = Handout.objects.get(slug="family-sheet")
    assert [m.slug for m in handout.modules.all()] == ["first-steps"]
    assert handout.sources[0]["url"] == "https://example.org/handout"
    assert set(Page.objects.values_list("slug", flat=True)) == {
        "glossary",
        "how-this-course-was-made",
        "warning-signs",
    }
    module = Module.objects.get(slug="first-steps")
    assert (
        module.content_note
        and str(module.last_reviewed) == "2026-11-01"
        and str(module.next_review) == "2027-11-01"
    )
    assert Quiz.objects.get(module=module).content_note == "The scenario shows a secret gift."
    assert Track.objects.get(slug="parent").content_note


def test_reload_hides_a_removed_handout_and_term(db, tree):
    course_load(root=tree)
    (tree / HANDOUT).unlink()
    edit(
        tree,
        "glossary.yaml",
        "  - slug: csam\n    term: Child sexual abuse material\n    meaning: Sexual images of children. See [grooming](glossary:grooming).\n",
        "",
    )
    course_load(root=tree)
    assert not Handout.objects.get(slug="family-sheet").is_active
    assert not GlossaryTerm.objects.get(slug="csam").is_active


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        (
            LESSON,
            "(glossary:grooming)",
            "(glossary:no-such-term)",
            "02-signs.md: body: links to glossary:no-such-term",
        ),
        (
            MODULE,
            "next_review: 2027-11-01",
            "next_review: 2026-10-01",
            "module.yaml: next_review: must come after last_reviewed",
        ),
        (MODULE, "next_review: 2027-11-01\n", "", "module.yaml: next_review: is required with last_reviewed"),
        (
            MODULE,
            "last_reviewed: 2026-11-01",
            "last_reviewed: last week",
            "module.yaml: last_reviewed: must be a date",
        ),
        (
            HANDOUT,
            "modules: [first-steps]",
            "modules: [no-such-module]",
            "01-family-sheet.md: modules: no module has the slug",
        ),
        (
            HANDOUT,
            "audience: family",
            "audience: everyone",
            "01-family-sheet.md: audience: 'everyone' is not one of",
        ),
        (HANDOUT, "[^1]", "[^7]", "01-family-sheet.md: body: cites [^7]"),
        (
            "glossary.yaml",
            "  - slug: csam",
            "  - slug: grooming",
            "glossary.yaml: terms[1].slug: 'grooming' is used twice",
        ),
        ("pages/warning-signs.md", "title: Warning signs\n", "", "warning-signs.md: title: is required"),
    ],
)
def test_a_mistake_is_named_and_nothing_is_written(db, tree, path, old, new, expected):
    edit(tree, path, old, new)
    with pytest.raises(ContentError) as error:
        course_load(root=tree)
    assert any(expected in problem for problem in error.value.problems), error.value.problems
    assert not Module.objects.exists() and not Handout.objects.exists()

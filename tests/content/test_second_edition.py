"""The second edition's standards on the shipped course: review dates, content notes at every
level, glossary links, sources from other countries marked, and handouts that print on one page."""

import datetime
import re

import pytest
import yaml

from courses.content import parse_course
from courses.handouts import handout_pdf
from courses.models import Handout
from courses.translations import is_translation
from courses.validation import split_front_matter
from tests.conftest import SHIPPED_CONTENT

CORE_TRACKS = ("parent", "educator")
TERMS_THE_COURSE_MUST_DEFINE = {
    "csam", "child-sex-trafficking", "sexually-exploited-child", "sextortion", "grooming",
    "online-enticement", "trauma-bond", "victim-and-survivor", "deepfake", "mandated-reporter",
}  # fmt: skip
PDF_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
GLOSSARY_LINK = re.compile(r"\]\(glossary:([a-z0-9-]+)\)")
# Domains of official or expert bodies outside the United States, and the country to name.
FOREIGN_DOMAINS = {".uk": "UK", ".au": "Australia", ".ca": "Canada", ".ie": "Ireland", "childnet.com": "UK"}
HEAVY_THEMES = {
    "suicide or self-harm": (re.compile(r"suicid|self-harm", re.I), re.compile(r"suicide|self-harm", re.I)),
}


@pytest.fixture(scope="module")
def course():
    return parse_course(SHIPPED_CONTENT)


def module_files():
    for folder in sorted((SHIPPED_CONTENT / "modules").iterdir()):
        yield folder, yaml.safe_load((folder / "module.yaml").read_text())


def test_every_module_was_reviewed_in_the_last_twelve_months_and_none_in_the_future(course):
    today = datetime.date.today()
    for module in course.modules:
        assert module.last_reviewed and module.next_review, f"{module.slug}: review dates missing"
        assert module.last_reviewed <= today, f"{module.slug}: last_reviewed is in the future"
        assert (today - module.last_reviewed).days <= 366, f"{module.slug}: last reviewed over 12 months ago"
        assert module.last_reviewed < module.next_review, module.slug
        assert (module.next_review - module.last_reviewed).days <= 366, (
            f"{module.slug}: next review over 12 months out"
        )


def test_handouts_and_pages_were_reviewed_in_the_last_twelve_months(course):
    today = datetime.date.today()
    for item in [*course.handouts, *course.pages]:
        assert item.last_reviewed, item.slug
        assert 0 <= (today - item.last_reviewed).days <= 366, item.slug


def test_every_track_module_and_quiz_has_a_content_note(course):
    for track in course.tracks:
        assert track.content_note, track.slug
    for module in course.modules:
        assert module.content_note, module.slug
        assert module.quiz.content_note, f"{module.slug}/quiz.yaml"


def test_heavy_themes_are_named_in_the_content_note_of_the_lesson_and_module_holding_them(course):
    for module in course.modules:
        for theme, (in_body, in_note) in HEAVY_THEMES.items():
            lessons = [lesson for lesson in module.lessons if in_body.search(lesson.body_markdown)]
            for lesson in lessons:
                assert in_note.search(lesson.content_note), (
                    f"{module.slug}/{lesson.slug}: note must name {theme}"
                )
            if lessons:
                assert in_note.search(module.content_note), f"{module.slug}: note must name {theme}"


def test_the_glossary_defines_the_terms_the_course_teaches(course):
    slugs = {term.slug for term in course.glossary}
    assert TERMS_THE_COURSE_MUST_DEFINE <= slugs
    for term in course.glossary:
        assert term.meaning_html, term.slug


def test_every_glossary_link_in_the_course_resolves():
    slugs = {t["slug"] for t in yaml.safe_load((SHIPPED_CONTENT / "glossary.yaml").read_text())["terms"]}
    linked = set()
    for path in SHIPPED_CONTENT.rglob("*"):
        if path.suffix in {".md", ".yaml"}:
            text = "\n".join(
                line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")
            )
            for slug in GLOSSARY_LINK.findall(text):
                assert slug in slugs, f"{path.relative_to(SHIPPED_CONTENT)}: glossary:{slug} is not defined"
                linked.add(slug)
    assert {"csam", "child-sex-trafficking", "grooming", "sextortion"} <= linked


def test_every_module_in_the_core_tracks_links_its_lessons_to_the_glossary(course):
    modules = {m.slug: m for m in course.modules}
    for track in course.tracks:
        if track.slug not in CORE_TRACKS:
            continue
        for slug in track.modules:
            text = "".join(lesson.body_markdown for lesson in modules[slug].lessons)
            assert GLOSSARY_LINK.search(text), f"{slug}: no lesson links to the glossary"


def test_the_core_tracks_teach_the_terminology_not_only_the_law_module(course):
    modules = {m.slug: m for m in course.modules}
    first = modules[course.tracks[0].modules[0]]
    text = " ".join(lesson.body_markdown for lesson in first.lessons)
    assert "glossary:csam" in text and "glossary:child-sex-trafficking" in text


def test_sources_from_other_countries_say_so(course):
    everything = [(m.slug, s) for m in course.modules for s in m.sources]
    everything += [(h.slug, s) for h in course.handouts for s in h.sources]
    everything += [("glossary", s) for s in course.glossary_sources]
    for owner, source in everything:
        host = re.sub(r"^https?://([^/]+).*$", r"\1", source["url"])
        for ending, country in FOREIGN_DOMAINS.items():
            if host.endswith(ending) or ending in host:
                assert source["country"] == country, f"{owner}: {source['url']} needs country: {country}"


def test_every_module_that_teaches_reporting_sextortion_gives_the_fbi_line():
    for folder, _ in module_files():
        for lesson in (folder / "lessons").glob("*.md"):
            text = lesson.read_text()
            if "tips.fbi.gov" in text:
                assert "1-800-CALL-FBI" in text, (
                    f"{folder.name}/{lesson.name}: give 1-800-CALL-FBI with tips.fbi.gov"
                )


def test_there_is_a_teen_a_family_and_a_staff_handout_each_linked_from_a_module(course):
    audiences = {h.audience for h in course.handouts}
    assert audiences == {"teen", "family", "staff"}
    for handout in course.handouts:
        assert handout.modules, handout.slug


def test_each_shipped_handout_prints_on_one_page(course):
    for parsed in course.handouts:
        handout = Handout(
            slug=parsed.slug, title=parsed.title, audience=parsed.audience, summary=parsed.summary,
            body_markdown=parsed.body_markdown, body_html=parsed.body_html, sources=parsed.sources,
            last_reviewed=parsed.last_reviewed,
        )  # fmt: skip
        pdf = handout_pdf(handout)
        assert pdf.startswith(b"%PDF"), parsed.slug
        assert len(PDF_PAGE.findall(pdf)) == 1, f"{parsed.slug}: more than one page"


def test_lesson_minutes_match_their_length_roughly(course):
    """A lesson's stated minutes are honest: between 100 and 260 words a minute."""
    for module in course.modules:
        for lesson in module.lessons:
            words = len(lesson.body_markdown.split())
            assert 100 <= words / lesson.minutes <= 260, (module.slug, lesson.slug, words, lesson.minutes)


def test_front_matter_of_every_handout_names_modules_that_exist(course):
    slugs = {m.slug for m in course.modules}
    for path in (SHIPPED_CONTENT / "handouts").glob("*.md"):
        if is_translation(path):
            continue  # its modules are the original's
        meta = yaml.safe_load(split_front_matter(path.read_text())[0])
        assert set(meta["modules"]) <= slugs, path.name


def test_quality_checks_cover_handouts_pages_and_the_glossary(tmp_path):
    import shutil

    from tests.conftest import FIXTURE_CONTENT

    from .quality import course_problems

    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    assert course_problems(root) == []
    handout = root / "handouts" / "01-family-sheet.md"
    handout.write_text(
        handout.read_text().replace("We stay calm.", "We never share child pornography. Call 1-800-555-0100.")
    )
    page = root / "pages" / "warning-signs.md"
    page.write_text(page.read_text().replace("Secrecy", "A child prostitute shows secrecy"))
    glossary = root / "glossary.yaml"
    glossary.write_text(
        glossary.read_text().replace("Words we use.", "A minor who takes part in commercial sex.")
    )
    problems = "\n".join(course_problems(root))
    assert "handouts/01-family-sheet.md: uses the term 'child pornography'" in problems
    assert "handouts/01-family-sheet.md: phone number 1-800-555-0100" in problems
    assert "pages/warning-signs.md: uses the term 'child prostitute'" in problems
    assert "glossary.yaml: puts a child in 'commercial sex'" in problems


def test_the_teen_handout_is_held_to_a_lower_reading_grade(tmp_path):
    import shutil

    from tests.conftest import FIXTURE_CONTENT

    from .quality import MAX_TEEN_GRADE, course_problems

    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    handout = root / "handouts" / "01-family-sheet.md"
    hard = (
        "Comprehensive documentation of communications, including usernames, timestamps and "
        "platform identifiers, substantially facilitates subsequent investigative procedures."
    )
    handout.write_text(
        handout.read_text().replace("audience: family", "audience: teen").replace("We stay calm.", hard)
    )
    assert any(f"above {MAX_TEEN_GRADE:g}" in p for p in course_problems(root))


def test_paths_used_in_lessons_exist():
    """Lessons link to course pages by path; those paths must be real routes."""
    from django.urls import resolve

    for path in SHIPPED_CONTENT.rglob("*.md"):
        for link in re.findall(r"\]\((/[^)\s#]*)", path.read_text()):
            resolve(link)  # raises Resolver404 for a broken link

"""A facilitated completion is shown as such where an organisation or a checker looks: the
dashboard, the CSV report, the certificate's public verification page; a self-paced completion
is not. And the `discussion:` prompts of the content format load in both languages, or name the
file and field when they are wrong."""

import csv
import io
import json
import shutil
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.services import membership_add
from certificates.models import Certificate
from courses.content import ContentError, course_load
from courses.models import Lesson, Module
from courses.translations import localize
from facilitation.services import attendance_join, session_create, session_end
from tests.conftest import FIXTURE_CONTENT, client_for, make_user
from tests.steps import assign, complete_module


@pytest.fixture
def credited(course, org_a, owner, member):
    assign(org_a, owner, slugs=["first-steps"])
    start = timezone.now() - timedelta(minutes=5)
    session = session_create(
        organisation=org_a,
        actor=owner,
        module=Module.objects.get(slug="first-steps"),
        facilitator=owner,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    attendance_join(user=member, code=session.code)
    session_end(session=session)
    self_paced = make_user("self@school-a.org", "educator", "Sam Self")
    membership_add(organisation=org_a, user=self_paced)
    complete_module(self_paced, "first-steps")
    return session


def test_dashboard_shows_who_ran_the_session_and_when(credited, org_a, owner):
    content = client_for(owner).get(reverse("compliance:dashboard", args=[org_a.slug])).content.decode()
    day = timezone.localdate(credited.starts_at)
    expected = f"Completed in a facilitated session, Olive Owner, {day.day} {day:%b %Y}"
    assert expected in content  # the member's cell (the self-paced one has no such line: the CSV test)


def test_csv_report_has_the_facilitated_session_column(credited, org_a, owner, member):
    response = client_for(owner).get(reverse("compliance:export", args=[org_a.slug]))
    rows = {
        r["E-mail"]: r for r in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }
    day = timezone.localdate(credited.starts_at).isoformat()
    assert rows[member.email]["Facilitated session"] == f"Olive Owner, {day}"
    assert rows["self@school-a.org"]["Facilitated session"] == ""


def test_certificate_verification_page_says_facilitated(credited, member):
    code = Certificate.objects.get(user=member).code
    content = client_for(None).get(reverse("certificates:verify_code", args=[code])).content.decode()
    assert "Completed in a facilitated session, Olive Owner" in content
    other = Certificate.objects.get(user__email="self@school-a.org").code
    assert (
        "facilitated"
        not in client_for(None).get(reverse("certificates:verify_code", args=[other])).content.decode()
    )


def test_discussion_prompts_load_in_both_languages(course):
    lesson = Lesson.objects.get(module__slug="first-steps", slug="signs")
    assert lesson.discussion[0].startswith("What would make a child")
    with translation.override("es"):
        localize(lesson)
    assert lesson.discussion[0].startswith("¿Qué haría que un niño")


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


@pytest.mark.parametrize(
    "file, new, expected",
    [
        (
            "02-signs.md",
            "discussion: just one line",
            "02-signs.md: discussion: must be a list of lines of text",
        ),
        (
            "02-signs.md",
            "discussion: [a, b, c, d, e, f]",
            "02-signs.md: discussion: has 6 prompts; at most 5",
        ),
        ("02-signs.md", f"discussion: [{'x' * 301}]", "discussion[0]: is longer than 300 characters"),
        (
            "02-signs.es.md",
            "discussion: [una]",
            "02-signs.es.md: discussion: has 1 items but the original has 2",
        ),
    ],
)
def test_bad_discussion_prompts_name_file_and_field(db, tree, file, new, expected):
    path = tree / "modules" / "01-first-steps" / "lessons" / file
    text = path.read_text()
    head, rest = text[4:].split("\n---\n", 1)
    head = head.split("discussion:")[0].rstrip("\n")
    path.write_text(f"---\n{head}\n{new}\n---\n{rest}")
    with pytest.raises(ContentError) as caught:
        course_load(root=tree)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_the_attendees_data_export_lists_the_session(credited, member):
    data = json.loads(client_for(member).post(reverse("accounts:data_export")).content)
    assert data["facilitated_sessions_attended"] == [
        {
            "module": "first-steps",
            "organisation": "School A",
            "how": "code",
            "at": credited.attendances.get().at.isoformat(),
        }
    ]
    assert data["modules"][0]["facilitated_on"] == timezone.localdate(credited.starts_at).isoformat()


def test_a_reused_dashboard_cell_never_credits_a_session_to_a_self_paced_member(credited, org_a, owner):
    """Both completed today: their cells look alike but for the session line, and the dashboard
    renders each distinct cell once and reuses it (compliance/templatetags/dashboard_cells.py)."""
    for _ in range(2):  # the second view reuses what the first rendered
        content = client_for(owner).get(reverse("compliance:dashboard", args=[org_a.slug])).content.decode()
        # one member, shown twice: the table and the phone card
        assert content.count("Completed in a facilitated session") == 2

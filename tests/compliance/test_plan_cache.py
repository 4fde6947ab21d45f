"""The dashboard keeps each organisation's plan (its assignments and the modules they cover) per
process, keyed by the organisation, its last audit event and the course content's version: a
refresh of unchanged data reads no plan, and every change that could alter the plan (an
assignment added, edited or removed; a track's modules, a module retired or retitled by
`load_content`) is seen at the next view. Plans are never shared between organisations, and the
kept rows are never changed for one reader's language."""

import shutil
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from compliance import reports
from compliance.admin import AssignmentAdmin
from compliance.assignments import assignment_delete
from compliance.models import Assignment
from courses.content import course_load
from courses.models import Lesson, Module
from courses.services import lesson_open
from tests.conftest import FIXTURE_CONTENT, build_course, client_for
from tests.steps import Clock, assign

pytestmark = pytest.mark.usefixtures("course")
ES = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}


def shown(client, org, **headers):
    response = client.get(reverse("compliance:dashboard", args=[org.slug]), **headers)
    assert response.status_code == 200
    return response


def modules_of(response) -> list[str]:
    return [m.slug for m in response.context["plan"].modules]


@pytest.fixture
def plans_read(monkeypatch):
    """How many times the dashboard read an organisation's plan from the database."""
    calls = []
    real = reports.organisation_plan
    monkeypatch.setattr(reports, "organisation_plan", lambda org: calls.append(org.pk) or real(org))
    return calls


def reload(tmp_path, edit=None, *, modules: int | None = None):
    """Load a changed copy of the fixture course, as `manage.py load_content` would."""
    root = tmp_path / "content"
    if root.exists():
        shutil.rmtree(root)
    if modules is not None:
        build_course(root, modules)
    else:
        shutil.copytree(FIXTURE_CONTENT, root)
    if edit:
        edit(root)
    course_load(root=root)


def replace_in(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_an_unchanged_refresh_reads_no_plan(org_a, owner, member, plans_read):
    assign(org_a, owner, slugs=["first-steps"])
    client = client_for(owner)
    shown(client, org_a)
    shown(client, org_a)
    shown(client, org_a, QUERY_STRING="status=overdue&sort=-progress")
    assert plans_read == [org_a.pk]


def test_progress_alone_does_not_read_the_plan_again(org_a, owner, member, plans_read, monkeypatch):
    assign(org_a, owner, slugs=["first-steps"])
    clock = Clock(monkeypatch, timezone.now() + timedelta(minutes=5))
    client = client_for(owner)
    shown(client, org_a)
    clock.advance(seconds=5)
    lesson_open(user=member, lesson=Lesson.objects.filter(module__slug="first-steps").first())
    response = shown(client, org_a)
    assert plans_read == [org_a.pk]
    assert response.context["summary"].in_progress == 1


def test_a_new_assignment_is_seen_at_the_next_view(org_a, owner, member):
    assign(org_a, owner, slugs=["first-steps"])
    client = client_for(owner)
    assert modules_of(shown(client, org_a)) == ["first-steps"]
    assign(org_a, owner, slugs=["second-steps"])
    assert modules_of(shown(client, org_a)) == ["first-steps", "second-steps"]


def test_a_removed_assignment_is_seen_at_the_next_view(org_a, owner, member):
    assign(org_a, owner, slugs=["first-steps"])
    (second,) = assign(org_a, owner, slugs=["second-steps"])
    client = client_for(owner)
    assert modules_of(shown(client, org_a)) == ["first-steps", "second-steps"]
    assignment_delete(organisation=org_a, actor=owner, assignment=second)
    assert modules_of(shown(client, org_a)) == ["first-steps"]


def test_a_due_date_changed_in_the_django_admin_is_audited_and_seen(org_a, owner, member):
    (assignment,) = assign(
        org_a, owner, slugs=["first-steps"], due_date=timezone.localdate() + timedelta(days=9)
    )
    client = client_for(owner)
    assert shown(client, org_a).context["plan"].assignments[0].due_date == assignment.due_date
    staff = User.objects.create_superuser(email="staff@example.org", password="pw", name="Staff")
    late = timezone.localdate() - timedelta(days=2)
    data = {
        "key": assignment.key,
        "organisation": org_a.pk,
        "module": assignment.module_id,
        "track": "",
        "conversation": "",
        "target": "everyone",
        "group": "",
        "due_date": late.isoformat(),
        "created_by": owner.pk,
        "created_at_0": assignment.created_at.date().isoformat(),
        "created_at_1": "10:00:00",
    }
    response = client_for(staff).post(
        reverse("admin:compliance_assignment_change", args=[assignment.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Assignment.objects.get(pk=assignment.pk).due_date == late
    assert AuditEvent.objects.filter(
        organisation=org_a, actor=staff, action=AuditEvent.Action.ASSIGNMENT_UPDATE
    ).exists()
    response = shown(client, org_a)
    assert response.context["plan"].assignments[0].due_date == late
    assert response.context["summary"].overdue == 2  # the owner and the member


def test_assignments_added_and_deleted_in_the_django_admin_are_audited(org_a, owner):
    staff = User.objects.create_superuser(email="staff@example.org", password="pw", name="Staff")
    request = RequestFactory().post("/")
    request.user = staff
    admin = AssignmentAdmin(Assignment, None)
    assignment = Assignment(organisation=org_a, module=Module.objects.get(slug="first-steps"))
    admin.save_model(request, assignment, form=None, change=False)
    admin.delete_model(request, assignment)
    (other,) = assign(org_a, owner, slugs=["second-steps"])
    admin.delete_queryset(request, Assignment.objects.filter(pk=other.pk))
    actions = list(
        AuditEvent.objects.filter(organisation=org_a, actor=staff)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["assignment_create", "assignment_delete", "assignment_delete"]


def test_a_module_added_to_an_assigned_track_is_seen(org_a, owner, member, tmp_path):
    assign(org_a, owner, track="educator")
    client = client_for(owner)
    assert modules_of(shown(client, org_a)) == ["second-steps"]
    reload(
        tmp_path,
        lambda root: replace_in(
            root / "course.yaml", "modules: [second-steps]", "modules: [first-steps, second-steps]"
        ),
    )
    assert modules_of(shown(client, org_a)) == ["first-steps", "second-steps"]


def test_a_module_taken_out_of_an_assigned_track_is_seen(org_a, owner, member, tmp_path):
    assign(org_a, owner, track="parent")
    client = client_for(owner)
    assert modules_of(shown(client, org_a)) == ["first-steps", "second-steps"]
    reload(
        tmp_path,
        lambda root: replace_in(
            root / "course.yaml", "modules: [first-steps, second-steps]", "modules: [second-steps]"
        ),
    )
    assert modules_of(shown(client, org_a)) == ["second-steps"]


def test_a_retired_module_leaves_the_plan(org_a, owner, member, tmp_path):
    assign(org_a, owner, slugs=["first-steps", "second-steps"])
    client = client_for(owner)
    assert modules_of(shown(client, org_a)) == ["first-steps", "second-steps"]
    reload(tmp_path, modules=1)  # second-steps is gone from the files: retired
    assert modules_of(shown(client, org_a)) == ["first-steps"]


def test_a_retitled_module_shows_its_new_title(org_a, owner, member, tmp_path):
    assign(org_a, owner, slugs=["first-steps"])
    client = client_for(owner)
    assert "First steps" in shown(client, org_a).content.decode()
    reload(
        tmp_path,
        lambda root: replace_in(
            root / "modules" / "01-first-steps" / "module.yaml", "title: First steps", "title: Opening steps"
        ),
    )
    html = shown(client, org_a).content.decode()
    assert "Opening steps" in html and "First steps" not in html


def test_a_load_that_changes_only_a_track_title_changes_the_version(org_a, tmp_path):
    """Tracks carry no time of change: the content version relies on every load saving every
    module (and recreating the tracks' modules). This fails if a load ever skips those."""
    before = reports.organisation_data_version(org_a)
    reload(
        tmp_path, lambda root: replace_in(root / "course.yaml", "title: For parents", "title: For families")
    )
    assert reports.organisation_data_version(org_a) != before


def test_two_organisations_never_share_a_plan(org_a, owner, org_b, admin_b):
    assign(org_a, owner, slugs=["first-steps"])
    assign(org_b, admin_b, slugs=["second-steps"])
    a, b = client_for(owner), client_for(admin_b)
    for _round in range(2):
        assert modules_of(shown(a, org_a)) == ["first-steps"]
        assert modules_of(shown(b, org_b)) == ["second-steps"]


def test_a_plan_is_kept_per_organisation_even_for_the_same_audit_and_content(org_a, owner, org_b, admin_b):
    assign(org_a, owner, slugs=["first-steps"])
    version = reports.organisation_data_version(org_a)
    forged = (org_b.pk, *version[1:])  # the same last audit event and content, another organisation
    assert [m.slug for m in reports.plan_of(org_a, version).modules] == ["first-steps"]
    assert reports.plan_of(org_b, forged).modules == []


def test_spanish_and_english_viewers_each_see_their_own_titles(org_a, owner, member):
    assign(org_a, owner, slugs=["first-steps"])
    client = client_for(owner)
    english = shown(client, org_a).content.decode()
    spanish = shown(client, org_a, **ES).content.decode()
    again = shown(client, org_a).content.decode()
    assert 'title="First steps"' in english and "Primeros pasos" not in english
    assert 'title="Primeros pasos"' in spanish and 'title="First steps"' not in spanish
    assert 'title="First steps"' in again and "Primeros pasos" not in again
    plan = reports.plan_of(org_a, reports.organisation_data_version(org_a))
    assert plan.modules[0].title == "First steps"  # the kept row itself was never localised

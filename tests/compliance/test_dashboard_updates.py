"""After members' progress moves, the dashboard recounts only the members who moved and adjusts
its summary and charts (compliance.reports.DashboardCounts.updated). What it shows must be
exactly what counting everyone afresh shows, for every filter and every chart, including a
change written with a time a little before the last one seen (a transaction committed late); any
other kind of change (here: a new group) still counts everyone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import group_update
from compliance import reports
from compliance.templatetags import dashboard_cells
from courses.models import Lesson, ModuleProgress
from courses.services import lesson_complete, lesson_open
from courses.templatetags import fragments
from tests.compliance.test_sql_status import varied  # noqa: F401 (a fixture)
from tests.conftest import client_for
from tests.steps import Clock, complete_module, practise

pytestmark = pytest.mark.usefixtures("course")

VIEWS = [
    {},
    {"status": "overdue", "sort": "-progress"},
    {"status": "not_started"},
    {"status": "in_progress", "sort": "-name"},
    {"status": "completed"},
    {"q": "member 0"},
]


def shown(client, org, **params):
    response = client.get(reverse("compliance:dashboard", args=[org.slug]), params)
    assert response.status_code == 200
    charts = response.context["charts"]
    summary = response.context["summary"]
    html = response.content.decode()
    start = html.find('<div class="table-responsive dashboard-table')
    table = (
        html[start : html.find('<ul class="list-unstyled d-md-none member-cards">', start)]
        if start >= 0
        else ""
    )
    cards = html[html.find('<ul class="list-unstyled d-md-none member-cards">') :].split("</ul>")[0]
    summary_and_charts = html[
        html.find('<section aria-labelledby="summary-title"') : html.find('"members-title"')
    ]
    assert "<svg" in summary_and_charts
    return (
        table,  # the members table and phone cards as shown (their markup is kept per process)
        cards,
        summary_and_charts,  # as shown (kept per process too)
        [
            (row.name, [c.status if c else None for c in columns])
            for row, columns, _c in response.context["rows"]
        ],
        (summary.members, summary.completed, summary.in_progress, summary.not_started, summary.overdue),
        (summary.cells, summary.cells_completed, summary.practice_cells, summary.practised),
        [(bar.label, bar.counts) for bar in [charts.progress, *charts.modules, *charts.groups]],
        charts.months,
    )


def every_view(client, org):
    views = [dict(v) for v in VIEWS] + [{"group": org.groups.get(name="Night shift").key}]
    return [shown(client, org, **params) for params in views]


def afresh(client, org):
    reports._COUNTS_CACHE.clear()
    reports._LATEST.clear()
    dashboard_cells.clear()
    fragments.clear()
    return every_view(client, org)


@pytest.fixture
def updates(monkeypatch):
    """Each time the dashboard updated its counts instead of counting everyone: True, and False
    when it found too many members had moved and counted everyone."""
    seen = []
    real = reports.DashboardCounts.updated

    def spy(self, **kwargs):
        result = real(self, **kwargs)
        seen.append(result is not None)
        return result

    monkeypatch.setattr(reports.DashboardCounts, "updated", spy)
    return seen


def named(name):
    return User.objects.get(name=name)


def test_counts_updated_after_progress_moved_are_those_counted_afresh(varied, owner, monkeypatch, updates):  # noqa: F811
    clock = Clock(monkeypatch, timezone.now())
    client = client_for(owner)
    clock.advance(minutes=5)  # the fixture's own changes are long past
    before = every_view(client, varied)  # counted once, then only updated
    first = Lesson.objects.filter(module__slug="first-steps").first()
    second = Lesson.objects.filter(module__slug="second-steps").first()
    changes = [
        lambda: lesson_open(user=named("Cy Never"), lesson=first),  # not started -> in progress
        lambda: complete_module(named("Bo Starter"), "first-steps"),  # in progress -> completed
        lambda: lesson_complete(user=named("Gus Extended"), lesson=second),  # not started -> in progress
        lambda: practise(named("Hal Named"), "first-talk"),  # practice finished
        lambda: complete_module(named("Member 00012"), "second-steps"),  # a bulk member
    ]
    for change in changes:
        clock.advance(seconds=5)
        change()
        updated = every_view(client, varied)
        assert updated == afresh(client, varied)
        assert updated != before  # something visible moved each time
        before = updated
    assert updates and all(updates)  # every change took the update path


def test_a_change_committed_late_is_counted_when_the_next_change_shows(varied, owner, monkeypatch, updates):  # noqa: F811
    """Cy's lesson is written with a time before the latest change the dashboard saw (its
    transaction took a while to commit): the version does not move, but the next change that
    moves it brings Cy's progress too."""
    clock = Clock(monkeypatch, timezone.now())
    client = client_for(owner)
    clock.advance(minutes=3)
    lesson_complete(user=named("Bo Starter"), lesson=Lesson.objects.filter(module__slug="first-steps").last())
    every_view(client, varied)
    late = clock.now - timedelta(seconds=20)
    clock.now = late
    lesson_open(user=named("Cy Never"), lesson=Lesson.objects.filter(module__slug="first-steps").first())
    clock.now = late + timedelta(seconds=40)
    complete_module(named("Di Done"), "second-steps")
    assert every_view(client, varied) == afresh(client, varied)
    assert ModuleProgress.objects.filter(user=named("Cy Never")).exists()
    assert updates == [True]


def test_a_change_to_a_group_counts_everyone(varied, owner, monkeypatch, updates):  # noqa: F811
    clock = Clock(monkeypatch, timezone.now())
    client = client_for(owner)
    every_view(client, varied)
    clock.advance(seconds=5)
    night = varied.groups.get(name="Night shift")
    cy = varied.memberships.get(user=named("Cy Never"))
    group_update(
        organisation=varied, actor=owner, group=night, name=night.name, members=[*night.members.all(), cy]
    )
    assert every_view(client, varied) == afresh(client, varied)
    assert updates == []


def test_when_many_members_moved_everyone_is_counted_again(varied, owner, monkeypatch, updates):  # noqa: F811
    clock = Clock(monkeypatch, timezone.now())
    client = client_for(owner)
    every_view(client, varied)
    clock.advance(seconds=5)
    ModuleProgress.objects.filter(user__memberships__organisation=varied).update(last_activity_at=clock.now)
    assert every_view(client, varied) == afresh(client, varied)
    assert updates == [False]


def test_the_data_version_moves_with_members_writes_and_not_with_others(
    org_a, owner, member, parent, monkeypatch
):
    clock = Clock(monkeypatch, timezone.now().replace(minute=30))
    first = Lesson.objects.filter(module__slug="first-steps").first()
    versions = [reports.organisation_data_version(org_a)]
    for who, write in [
        (parent, lambda u: lesson_open(user=u, lesson=first)),  # not a member: no change
        (member, lambda u: lesson_open(user=u, lesson=first)),
        (member, lambda u: complete_module(u, "first-steps")),
        (member, lambda u: practise(u, "first-talk")),
    ]:
        clock.advance(seconds=5)
        write(who)
        versions.append(reports.organisation_data_version(org_a))
    assert versions[1] == versions[0]
    assert len(set(versions[1:])) == 4  # each of the member's writes moved it
    clock.advance(hours=1)
    assert reports.organisation_data_version(org_a) != versions[-1]  # and so does the hour


def test_only_the_members_whose_rows_changed_are_counted_again(varied, owner, monkeypatch, updates):  # noqa: F811
    """Writes a moment ago are read again at each view (in case one committed late), but a
    member whose rows are as the last view saw them is not counted again."""
    clock = Clock(monkeypatch, timezone.now())
    client = client_for(owner)
    recounted = []
    real = reports.member_counts
    monkeypatch.setattr(
        reports,
        "member_counts",
        lambda **kw: recounted.append(kw.get("membership_ids")) or real(**kw),
    )
    clock.advance(minutes=5)
    every_view(client, varied)
    first = Lesson.objects.filter(module__slug="first-steps").first()
    ids = {}
    for name in ("Cy Never", "Bo Starter", "Gus Extended"):
        clock.advance(seconds=5)
        lesson_open(user=named(name), lesson=first)
        ids[name] = varied.memberships.get(user=named(name)).pk
        every_view(client, varied)
    assert recounted == [None, [ids["Cy Never"]], [ids["Bo Starter"]], [ids["Gus Extended"]]]
    assert updates == [True, True, True]


def test_a_late_write_that_makes_a_row_older_is_seen(varied, owner, monkeypatch, updates):  # noqa: F811
    """Bo opens a lesson (seen), then a slower request of Bo's, begun earlier, commits a
    completed lesson that writes the same progress row with its earlier time."""
    clock = Clock(monkeypatch, timezone.now())
    client = client_for(owner)
    clock.advance(minutes=5)
    every_view(client, varied)
    lessons = list(Lesson.objects.filter(module__slug="first-steps"))
    begun = clock.now + timedelta(seconds=2)
    clock.advance(seconds=5)
    lesson_open(user=named("Bo Starter"), lesson=lessons[0])
    every_view(client, varied)
    clock.now = begun
    lesson_complete(user=named("Bo Starter"), lesson=lessons[-1])
    clock.now = begun + timedelta(seconds=10)
    lesson_open(user=named("Cy Never"), lesson=lessons[0])
    assert every_view(client, varied) == afresh(client, varied)
    assert updates == [True, True]

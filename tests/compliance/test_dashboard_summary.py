"""The dashboard answers the lead's questions: statuses that add up, "never started" not hidden
by "overdue" (review B4), honest row counts (B6), charts per module, group and month with their
numbers in text, and a reminder that says how many people it will e-mail before it sends."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.services import group_create, group_update, membership_add
from compliance.charts import column_chart, stacked_bar
from courses.models import Lesson, Module
from courses.services import lesson_open
from tests.conftest import client_for, make_user
from tests.steps import add_members, assign, complete_module

pytestmark = pytest.mark.usefixtures("course")

YESTERDAY = timezone.localdate() - timedelta(days=1)


def dashboard(client, org, **params):
    response = client.get(reverse("compliance:dashboard", args=[org.slug]), params)
    assert response.status_code == 200
    return response


def names(response) -> list[str]:
    return [row.name for row, _columns, _cells in response.context["rows"]]


@pytest.fixture
def overdue_school(org_a, owner, member):
    """Everything overdue: Mo completed it, Lee opened a lesson, Olive never started."""
    late = make_user("late@school-a.org", "educator", "Lee Late")
    membership_add(organisation=org_a, user=late)
    assign(org_a, owner, slugs=["first-steps"], due_date=YESTERDAY)
    assign(org_a, owner, slugs=["second-steps"], due_date=YESTERDAY)
    complete_module(member, "first-steps")
    lesson_open(user=late, lesson=Lesson.objects.get(module__slug="first-steps", slug="intro"))
    return org_a


def test_never_started_is_counted_even_when_everything_is_overdue(overdue_school, owner):
    summary = dashboard(client_for(owner), overdue_school).context["summary"]
    assert (summary.assigned, summary.completed, summary.in_progress, summary.not_started) == (3, 0, 2, 1)
    assert summary.completed + summary.in_progress + summary.not_started == summary.assigned
    assert (summary.overdue, summary.not_started_overdue) == (3, 1)


def test_the_filters_say_which_members_they_mean(overdue_school, owner):
    client = client_for(owner)
    assert names(dashboard(client, overdue_school, status="not_started")) == ["Olive Owner"]
    assert names(dashboard(client, overdue_school, status="not_started_overdue")) == ["Olive Owner"]
    assert names(dashboard(client, overdue_school, status="in_progress")) == ["Lee Late", "Mo Member"]
    assert len(names(dashboard(client, overdue_school, status="overdue"))) == 3
    content = dashboard(client, overdue_school).content.decode()
    assert "Not started: nothing opened yet, overdue or not" in content
    assert "Never started" in content and "1 of them never started" in content


def test_the_page_says_which_rows_it_shows_not_the_total_as_shown(org_a, owner):
    add_members(org_a, 79)
    assign(org_a, owner, slugs=["first-steps"])
    content = dashboard(client_for(owner), org_a).content.decode()
    assert "Showing 1–50 of 80 members" in content and "80 members shown" not in content
    assert "Showing 51–80 of 80 members" in dashboard(client_for(owner), org_a, page=2).content.decode()


def test_module_and_group_charts_count_each_members_cells(overdue_school, owner, member):
    group = group_create(organisation=overdue_school, actor=owner, name="Science")
    group_update(
        organisation=overdue_school,
        actor=owner,
        group=group,
        name="Science",
        members=[overdue_school.memberships.get(user=member)],
    )
    response = dashboard(client_for(owner), overdue_school)
    charts = response.context["charts"]
    first, second = charts.modules
    assert (first.label, first.counts) == (
        "First steps",
        {"completed": 1, "in_progress": 0, "not_started": 0, "overdue": 2},
    )
    assert (first.percent, second.percent) == (33, 0)
    (science,) = charts.groups
    assert (science.label, science.counts["completed"], science.total) == ("Science", 1, 2)
    content = response.content.decode()
    assert "1 completed · 2 overdue" in content  # the numbers, in words, beside the bar


def test_completions_are_charted_by_month_with_a_table(overdue_school, owner):
    charts = dashboard(client_for(owner), overdue_school).context["charts"]
    assert len(charts.months) == 12
    month, n, so_far = charts.months[-1]
    assert (month, n, so_far) == (timezone.localdate().replace(day=1), 1, 1)
    assert [c.value for c in charts.timeline.columns][-1] == 1


def test_charts_are_svg_with_no_style_attribute_or_script(overdue_school, owner):
    content = dashboard(client_for(owner), overdue_school).content.decode()
    assert content.count("<svg") >= 3 and 'class="chart-completed"' in content
    assert "style=" not in content and "<script>" not in content and "<style" not in content


def test_module_columns_use_the_short_title(overdue_school, owner):
    Module.objects.filter(slug="first-steps").update(short_title="First")
    content = dashboard(client_for(owner), overdue_school).content.decode()
    assert 'title="First steps">First</a>' in content


def test_stacked_bar_segments_fill_the_bar_and_skip_empty_ones():
    segments = stacked_bar([("completed", 1), ("in_progress", 0), ("overdue", 2)])
    assert [(s.key, s.x, s.width) for s in segments] == [
        ("completed", "0", "33.33"),
        ("overdue", "33.33", "66.67"),
    ]
    assert stacked_bar([("completed", 0)]) == []


def test_column_chart_scales_to_the_highest_value():
    chart = column_chart([("Jan", 0), ("Feb", 4), ("Mar", 2)], width=300, height=124)
    heights = [float(c.height) for c in chart.columns]
    assert heights == [0, 82, 41] and chart.columns[1].y == "18"


class TestRemind:
    def test_the_button_first_says_how_many_people_it_will_email(self, overdue_school, owner):
        response = client_for(owner).get(reverse("compliance:remind", args=[overdue_school.slug]))
        content = response.content.decode()
        assert response.status_code == 200 and not mail.outbox
        assert "This sends a reminder to 3 people" in content and "Send 3 reminders" in content
        assert all(name in content for name in ["Lee Late", "Olive Owner", "Mo Member"])

    def test_sending_says_how_many_and_a_second_press_sends_nothing(
        self, overdue_school, owner, django_capture_on_commit_callbacks
    ):
        client = client_for(owner)
        url = reverse("compliance:remind", args=[overdue_school.slug])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, follow=True)
        assert "Reminders are on their way to 3 people." in response.content.decode()
        assert len(mail.outbox) == 3
        assert "This sends a reminder to 0 people" in client.get(url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, follow=True)
        assert len(mail.outbox) == 3 and "Nobody needs a reminder now" in response.content.decode()

    def test_a_member_or_outsider_cannot_see_or_send(self, overdue_school, member, outsider):
        url = reverse("compliance:remind", args=[overdue_school.slug])
        assert client_for(member).get(url).status_code == 403
        assert client_for(outsider).post(url).status_code == 404
        assert client_for(None).get(url).status_code == 302


def test_the_printable_report_opens_with_a_summary_and_completion_by_module(overdue_school, owner):
    content = client_for(owner).get(reverse("compliance:report", args=[overdue_school.slug])).content.decode()
    assert "Never started: 1. Overdue: 3." in content
    assert content.index("Completion by module") < content.index("Every member")
    assert "1 completed · 2 overdue" in content

"""An organisation that requires refreshers sees each completion as current / refresher due /
lapsed, on its dashboard and on the public verification page; nothing is deleted or revoked,
and one passed refresher restores "current". Organisations that do not require them see nothing
new (and pay no query for it)."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Certificate
from compliance import reports
from courses.models import ModuleProgress
from quizzes.models import Refresher
from tests.conftest import client_for
from tests.quizzes.test_refreshers import open_refresher, refresher_data
from tests.steps import Clock, add_members, assign, complete_module

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, START)


@pytest.fixture
def setup(course, org_a, owner, member, clock):
    org_a.require_refreshers = True
    org_a.save(update_fields=["require_refreshers"])
    assign(org_a, owner, slugs=["first-steps"])
    complete_module(member, "first-steps")
    return org_a


def dashboard_currency(org, owner) -> dict[str, str | None]:
    response = client_for(owner).get(reverse("compliance:dashboard", args=[org.slug]))
    assert response.status_code == 200
    found = {}
    for row, columns, _cells in response.context["rows"]:
        cell = columns[0]
        found[row.name] = (
            cell.currency.status if cell is not None and getattr(cell, "currency", None) else None
        )
    return found, response.content.decode()


def pass_refresher(user):
    client = client_for(user)
    refresher = open_refresher(client)
    client.post(reverse("quizzes:refresher", args=["first-steps"]), refresher_data(refresher))
    assert Refresher.objects.get(pk=refresher.pk).passed


def test_dashboard_shows_current_then_due_then_lapsed_then_current(setup, owner, member, clock):
    states, page = dashboard_currency(setup, owner)
    assert states["Mo Member"] == "current" and "Current" in page
    clock.advance(days=31)
    states, page = dashboard_currency(setup, owner)
    assert states["Mo Member"] == "due" and "Refresher due" in page
    clock.advance(days=30)
    states, page = dashboard_currency(setup, owner)
    assert states["Mo Member"] == "lapsed" and "Lapsed" in page
    # The completion is never touched: still completed, on the same date.
    progress = ModuleProgress.objects.get(user=member, module__slug="first-steps")
    assert progress.completed_at == START
    pass_refresher(member)
    states, _page = dashboard_currency(setup, owner)
    assert states["Mo Member"] == "current"


def test_an_organisation_that_does_not_require_refreshers_sees_no_currency(setup, owner, clock):
    setup.require_refreshers = False
    setup.save(update_fields=["require_refreshers"])
    clock.advance(days=31)
    states, page = dashboard_currency(setup, owner)
    assert states["Mo Member"] is None and "Refresher due" not in page


def test_dashboard_query_count_does_not_grow_with_members(setup, owner, clock, assert_query_count):
    clock.advance(days=31)
    client = client_for(owner)
    url = reverse("compliance:dashboard", args=[setup.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_members(setup, 30, done_every=1)  # half of them completed first-steps: 15 more currencies
    reports._PLANS.clear()  # the plan read again too, as the first time: the same path
    # The same statements, plus one for the page's last passed refreshers, whatever the members.
    with assert_query_count(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_verification_page_shows_the_three_states_and_the_certificate_stays_valid(setup, member, clock):
    certificate = Certificate.objects.get(user=member, module__slug="first-steps")
    assert certificate.organisation_id == setup.pk
    url = reverse("certificates:verify_code", args=[certificate.code])
    anonymous = client_for(None)
    page = anonymous.get(url).content.decode()
    assert "Refreshers:" in page and "up to date" in page
    clock.advance(days=31)
    page = anonymous.get(url).content.decode()
    assert "Refresher due since" in page and "Valid" in page
    clock.advance(days=30)
    page = anonymous.get(url).content.decode()
    assert "Lapsed" in page and "stays valid" in page
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    pass_refresher(member)
    page = anonymous.get(url).content.decode()
    assert "up to date" in page


def test_verification_page_says_nothing_when_refreshers_are_not_required(setup, member, clock):
    setup.require_refreshers = False
    setup.save(update_fields=["require_refreshers"])
    clock.advance(days=31)
    certificate = Certificate.objects.get(user=member, module__slug="first-steps")
    page = client_for(None).get(reverse("certificates:verify_code", args=[certificate.code])).content.decode()
    assert "Refreshers:" not in page


def test_the_setting_is_in_the_organisation_settings_form(setup, owner):
    client = client_for(owner)
    page = client.get(reverse("orgs:settings", args=[setup.slug])).content.decode()
    assert 'name="require_refreshers"' in page


def test_csv_report_has_a_refreshers_column_only_when_required(setup, owner, member, clock):
    clock.advance(days=31)
    client = client_for(owner)
    url = reverse("compliance:export", args=[setup.slug])
    rows = list(csv.reader(io.StringIO(b"".join(client.get(url).streaming_content).decode())))
    assert rows[0][-1] == "Refreshers"
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Mo Member"][-1] == "Refresher due"
    assert by_name["Olive Owner"][-1] == ""  # not completed: no refresher status
    pass_refresher(member)
    rows = list(csv.reader(io.StringIO(b"".join(client.get(url).streaming_content).decode())))
    assert {r[0]: r for r in rows[1:]}["Mo Member"][-1] == "Current"
    setup.require_refreshers = False
    setup.save(update_fields=["require_refreshers"])
    rows = list(csv.reader(io.StringIO(b"".join(client.get(url).streaming_content).decode())))
    assert "Refreshers" not in rows[0]

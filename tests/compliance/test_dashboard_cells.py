"""The dashboard's cells are rendered once per distinct look and reused (compliance/templatetags/
dashboard_cells.py): a reused cell must still be in the viewer's language, carry its own dates,
and an organisation's dashboard must show only its own members, whatever was viewed before."""

import pytest
from django.urls import reverse

from accounts.services import membership_add
from tests.compliance.test_dashboard import assign, complete
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.usefixtures("course")
ES = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}


def _page(user, org, **headers) -> str:
    response = client_for(user).get(reverse("compliance:dashboard", args=[org.slug]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_cells_follow_the_viewers_language(org_a, owner, member):
    assign(org_a, owner, "first-steps")
    complete(member)
    english = _page(owner, org_a)
    spanish = _page(owner, org_a, **ES)
    assert 'status-completed">Completed<' in english
    assert 'status-completed">Completado<' in spanish and 'status-completed">Completed<' not in spanish
    assert 'status-completed">Completed<' in _page(owner, org_a)


def test_each_organisation_sees_only_its_own_members(org_a, owner, member, org_b, admin_b):
    outsider = make_user("someone@school-b.org", "educator", "Sam Bside")
    membership_add(organisation=org_b, user=outsider)
    assign(org_a, owner, "first-steps")
    assign(org_b, admin_b, "first-steps")
    complete(outsider)
    page_a, page_b = _page(owner, org_a), _page(admin_b, org_b)
    assert "Mo Member" in page_a and "Sam Bside" not in page_a
    assert "Sam Bside" in page_b and "Mo Member" not in page_b
    assert "status-completed" in page_b and "status-completed" not in page_a


def test_the_csv_streams_the_header_first_then_chunks_of_whole_lines(org_a, owner, monkeypatch):
    from compliance import reports
    from tests.steps import add_members

    monkeypatch.setattr(reports, "CSV_CHUNK", 500)
    add_members(org_a, 40)
    assign(org_a, owner, "first-steps", "second-steps")
    response = client_for(owner).get(reverse("compliance:export", args=[org_a.slug]))
    chunks = [c.decode() for c in response.streaming_content]
    lines = "".join(chunks).splitlines()
    assert len(lines) == 1 + 41 * 2  # the header, then every member (and the owner) x 2 modules
    assert chunks[0] == lines[0] + "\r\n"
    assert 2 < len(chunks) < len(lines) / 2  # chunks, not a write per line, nor all at once
    assert all(chunk.endswith("\r\n") for chunk in chunks)
    assert sum("Member 0" in line for line in lines) == 80

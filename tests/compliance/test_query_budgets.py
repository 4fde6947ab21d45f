"""Every organisation listing page runs a fixed number of queries, whatever the number of members,
groups, assignments or audit events. (The dashboard and CSV export are pinned, at 10 and 2,000
members, in test_dashboard.py.) On failure `assert_query_count` prints every SQL statement."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import group_create
from compliance.assignments import assignment_create
from courses.models import Module, Track
from tests.conftest import client_for
from tests.steps import add_members

pytestmark = pytest.mark.usefixtures("course")

# Signed-in requests start with: session (1), user (1); organisation pages add the organisation
# with the viewer's membership (1).
BUDGETS = {
    # + memberships with organisations(1)
    "list": 3,
    # + groups with member counts(1)
    "groups": 4,
    # + count(1) + page of assignments with module, track, group(1)
    "assignments": 5,
    # + count(1) + page of events with actors(1)
    "audit": 5,
    # + assignments(1) + track modules(1) + the data version(1) + members, group links, named,
    # extensions, progress(5) (the dashboard's cached rows: a refresh costs 6)
    "report": 11,
    # + module(1) + completions by month(1) + most missed questions(1)
    # + the module's practice conversations with practised counts(1)
    "module_dashboard": 7,
}


@pytest.fixture(params=[2, 40], ids=["small", "large"])
def sized(request, org_a, owner):
    n = request.param
    add_members(org_a, n)
    modules = list(Module.objects.all())
    for i in range(n):
        group = group_create(organisation=org_a, actor=owner, name=f"Group {i}")
        assignment_create(
            organisation=org_a,
            actor=owner,
            modules=[modules[i % len(modules)]],
            target="group",
            group=group,
            due_date=timezone.localdate(),
        )
    assignment_create(
        organisation=org_a, actor=owner, track=Track.objects.get(slug="parent"), target="everyone"
    )
    return org_a


@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_organisation_page_query_budget(sized, owner, page, assert_query_count):
    if page == "list":
        url = reverse("orgs:list")
    elif page == "module_dashboard":
        url = reverse("compliance:module_dashboard", args=[sized.slug, "first-steps"])
    else:
        namespace = "orgs" if page in ("groups", "audit", "members") else "compliance"
        url = reverse(f"{namespace}:{page}", args=[sized.slug])
    client = client_for(owner)
    with assert_query_count(BUDGETS[page]):
        assert client.get(url).status_code == 200

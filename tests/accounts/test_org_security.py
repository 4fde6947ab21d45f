"""Every organisation URL, for every role, in one table: anonymous visitors are sent to log in,
outsiders and admins of another organisation get 404, members get 403 on admin pages, and ids
of another organisation's objects, forged into URLs, forms or query strings, get 404 or are
refused with nothing saved. A new URL in the `orgs`, `compliance`, `sso` or `lms` namespace that is
not in TABLE fails here."""

from datetime import date

import pytest
from django.urls import get_resolver, reverse

from accounts.invitations import InviteRow, invitations_create
from accounts.models import Membership
from accounts.services import group_create
from compliance.assignments import assignment_create
from compliance.models import Assignment
from courses.models import Module
from lti.models import LmsCourse
from lti.services import platform_register
from sso.services import domain_add
from tests.conftest import client_for

# name: (method, who may use it, kwargs beyond the slug)
TABLE = {
    "orgs:list": ("get", "anyone", []),
    "orgs:new": ("get", "anyone", []),
    "compliance:detail": ("get", "member", []),
    "orgs:leave": ("post", "member", []),
    "orgs:settings": ("get", "admin", []),
    "orgs:join_link": ("post", "admin", []),
    "orgs:members": ("get", "admin", []),
    "orgs:member_role": ("post", "admin", ["key"]),
    "orgs:member_remove": ("post", "admin", ["key"]),
    "orgs:groups": ("get", "admin", []),
    "orgs:group": ("get", "admin", ["group"]),
    "orgs:group_delete": ("post", "admin", ["group"]),
    "orgs:audit": ("get", "admin", []),
    "orgs:invitations": ("get", "admin", []),
    "orgs:invite_bulk": ("get", "admin", []),
    "orgs:invitation_resend": ("post", "admin", ["token"]),
    "orgs:invitation_revoke": ("post", "admin", ["token"]),
    "compliance:assignments": ("get", "admin", []),
    "compliance:assignment_new": ("get", "admin", []),
    "compliance:assignment_delete": ("post", "admin", ["assignment"]),
    "compliance:assignment_extend": ("get", "admin", ["assignment"]),
    "compliance:dashboard": ("get", "admin", []),
    "compliance:module_dashboard": ("get", "admin", ["module"]),
    "compliance:report": ("get", "admin", []),
    "compliance:export": ("get", "admin", []),
    "compliance:remind": ("post", "admin", []),
    "sso:settings": ("get", "admin", []),
    "sso:domain_check": ("post", "admin", ["domain"]),
    "sso:domain_require": ("post", "admin", ["domain"]),
    "sso:domain_remove": ("post", "admin", ["domain"]),
    "lms:platforms": ("get", "admin", []),
    "lms:platform_remove": ("post", "admin", ["platform"]),
    "lms:registration_link": ("post", "admin", []),
    "lms:course": ("get", "admin", ["course"]),
    "lms:course_sync": ("post", "admin", ["course"]),
}


def org_url_names() -> set[str]:
    names = set()
    for namespace in ("orgs", "compliance", "sso", "lms"):
        resolver = get_resolver().namespace_dict[namespace][1]
        names |= {f"{namespace}:{p.name}" for p in resolver.url_patterns}
    return names


def test_every_organisation_url_is_in_the_table():
    assert org_url_names() == set(TABLE)


def objects_of(org, actor, course_loaded=True):
    """One of each object kind of `org`, named the way its URLs name them."""
    target = Membership.objects.filter(organisation=org).exclude(user=actor).select_related("user").first()
    group = group_create(organisation=org, actor=actor, name=f"Group of {org.slug}")
    invitation = invitations_create(
        organisation=org, actor=actor, rows=[InviteRow(line=1, name="New", email=f"new@{org.slug}.org")]
    )[0]
    module = Module.objects.get(slug="first-steps")
    (assignment,) = assignment_create(organisation=org, actor=actor, modules=[module], target="everyone")
    domain = domain_add(organisation=org, actor=actor, domain=f"{org.slug}.example")
    platform = platform_register(
        organisation=org,
        actor=actor,
        fields={
            "name": "LMS", "issuer": f"https://{org.slug}.lms.example", "client_id": "c", "deployment_id": "d",
            "auth_url": "https://lms.example/auth", "token_url": "https://lms.example/token",
            "keyset_url": "https://lms.example/jwks", "frame_origin": "https://lms.example",
        },
    )  # fmt: skip
    # A course a launch from the LMS recorded (its LMS is not reachable from the tests: a sync
    # there ends in a clear message, which is all this table needs).
    lms_course = LmsCourse.objects.create(
        platform=platform, context_id="course-1", memberships_url="https://lms.example/memberships"
    )
    return {
        "domain": domain.key,
        "platform": platform.key,
        "course": lms_course.key,
        "key": target.key if target else "no-such-key",
        "group": group.key,
        "token": invitation.token,
        "assignment": assignment.key,
        "module": module.slug,
    }


def url_for(name, slug, objects):
    _method, _who, kwargs = TABLE[name]
    if name in ("orgs:list", "orgs:new"):
        return reverse(name)
    args = [slug] + [objects[k] for k in kwargs]
    return reverse(name, args=args)


@pytest.fixture
def world(course, org_a, owner, member, org_b, admin_b):
    from accounts.services import membership_add
    from tests.conftest import make_user

    membership_add(organisation=org_b, user=make_user("member@school-b.org", "educator", "Bea Member-B"))
    return {
        "a": objects_of(org_a, owner),
        "b": objects_of(org_b, admin_b),
    }


def request(client, name, url):
    method = TABLE[name][0]
    return client.post(url) if method == "post" else client.get(url)


ORG_NAMES = sorted(n for n in TABLE if TABLE[n][1] != "anyone")


@pytest.mark.parametrize("name", sorted(TABLE))
def test_anonymous_visitor_is_sent_to_log_in(world, org_a, client, name):
    response = request(client, name, url_for(name, org_a.slug, world["a"]))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ORG_NAMES)
def test_outsider_gets_404(world, org_a, outsider, name):
    assert request(client_for(outsider), name, url_for(name, org_a.slug, world["a"])).status_code == 404


@pytest.mark.parametrize("name", ORG_NAMES)
def test_admin_of_another_organisation_gets_404(world, org_a, admin_b, name):
    assert request(client_for(admin_b), name, url_for(name, org_a.slug, world["a"])).status_code == 404


@pytest.mark.parametrize("name", ORG_NAMES)
def test_member_gets_403_on_admin_pages_and_in_on_member_pages(world, org_a, member, name):
    status = request(client_for(member), name, url_for(name, org_a.slug, world["a"])).status_code
    if TABLE[name][1] == "admin":
        assert status == 403
    else:
        assert status in (200, 302)


@pytest.mark.parametrize("name", ORG_NAMES)
def test_owner_can_use_every_page(world, org_a, owner, name):
    status = request(client_for(owner), name, url_for(name, org_a.slug, world["a"])).status_code
    assert status in (200, 302)


FORGEABLE = sorted(
    n
    for n in ORG_NAMES
    if set(TABLE[n][2]) & {"key", "group", "token", "assignment", "domain", "platform", "course"}
)


@pytest.mark.parametrize("name", FORGEABLE)
def test_ids_of_another_organisation_in_the_url_get_404(world, org_a, owner, name):
    forged = {**world["a"], **{k: v for k, v in world["b"].items() if k != "module"}}
    assert request(client_for(owner), name, url_for(name, org_a.slug, forged)).status_code == 404


def test_a_group_of_another_organisation_in_the_dashboard_query_gets_404(world, org_a, owner):
    url = reverse("compliance:dashboard", args=[org_a.slug])
    assert client_for(owner).get(url, {"group": world["b"]["group"]}).status_code == 404
    assert client_for(owner).get(url, {"group": world["a"]["group"]}).status_code == 200


def test_forged_group_and_members_in_the_assignment_form_save_nothing(world, org_a, org_b, owner):
    url = reverse("compliance:assignment_new", args=[org_a.slug])
    before = Assignment.objects.count()
    b_member = org_b.memberships.exclude(role="owner").get()
    for data in (
        {"what": "modules", "modules": ["first-steps"], "target": "group", "group": world["b"]["group"]},
        {"what": "modules", "modules": ["first-steps"], "target": "members", "members": [b_member.key]},
    ):
        response = client_for(owner).post(url, data)
        assert response.status_code == 200 and response.context["form"].errors
    assert Assignment.objects.count() == before


def test_forged_members_in_group_and_extension_forms_save_nothing(world, org_a, org_b, owner):
    b_member = org_b.memberships.exclude(role="owner").get()
    response = client_for(owner).post(
        reverse("orgs:group", args=[org_a.slug, world["a"]["group"]]),
        {"name": "G", "members": [b_member.key]},
    )
    assert response.status_code == 200 and "members" in response.context["form"].errors
    response = client_for(owner).post(
        reverse("compliance:assignment_extend", args=[org_a.slug, world["a"]["assignment"]]),
        {"member": b_member.key, "due_date": date(2030, 1, 1).isoformat()},
    )
    assert response.status_code == 200 and "member" in response.context["form"].errors
    assert not b_member.groups.exists()


@pytest.mark.parametrize(
    "name",
    [
        "compliance:detail",
        "orgs:settings",
        "compliance:dashboard",
        "compliance:export",
        "sso:settings",
        "compliance:remind",
        # Destructive actions ask first on GET (tests/accounts/test_careful_actions.py), act on POST.
        "orgs:member_remove",
        "orgs:invitation_revoke",
        "orgs:group_delete",
        "compliance:assignment_delete",
    ],
)
def test_wrong_method_is_refused(world, org_a, owner, name):
    assert client_for(owner).delete(url_for(name, org_a.slug, world["a"])).status_code == 405


@pytest.mark.parametrize(
    "name",
    [
        "orgs:leave",
        "orgs:invitation_resend",
        "orgs:join_link",
        "orgs:member_role",
        "sso:domain_check",
        "sso:domain_require",
        "sso:domain_remove",
        "lms:platform_remove",
        "lms:registration_link",
        "lms:course_sync",
    ],
)
def test_actions_refuse_get(world, org_a, owner, name):
    assert client_for(owner).get(url_for(name, org_a.slug, world["a"])).status_code == 405

"""Every <time datetime> is a valid HTML date or date-time: the Nu checker refused `|date:'c'`,
whose six-digit fractions of a second HTML does not allow (review B9)."""

import re

import pytest
from django.urls import reverse

from accounts.services import group_create
from tests.conftest import client_for
from tests.steps import assign, complete_module

pytestmark = pytest.mark.usefixtures("course")

VALID = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d))?$")


def datetimes(content: str) -> list[str]:
    return re.findall(r'<time datetime="([^"]*)"', content)


def test_every_time_element_on_the_learner_admin_and_public_pages_is_valid(org_a, owner, member):
    group_create(organisation=org_a, actor=owner, name="Science")
    assign(org_a, owner, slugs=["first-steps"])  # so that the school issues the certificate
    complete_module(member, "first-steps")
    certificate = member.certificates.get()
    found = []
    for client, url in [
        (client_for(member), reverse("courses:my_learning")),
        (client_for(None), certificate.get_absolute_url()),
        (client_for(owner), reverse("orgs:audit", args=[org_a.slug])),
        (client_for(owner), reverse("certificates:org_manage", args=[org_a.slug])),
        (client_for(owner), reverse("certificates:org_manage_detail", args=[org_a.slug, certificate.code])),
    ]:
        values = datetimes(client.get(url).content.decode())
        assert values, url
        found += values
    assert [v for v in found if not VALID.match(v)] == []

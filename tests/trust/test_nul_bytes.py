"""A NUL byte in a key, token, search or cookie is a clean 400 (review L2: PostgreSQL refuses NUL
in a string literal, so each of these was a 500 there; SQLite hid it)."""

import pytest
from django.urls import reverse

from tests.conftest import client_for


@pytest.fixture
def admin_client(org_a, owner):
    return client_for(owner)


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/orgs/{org}/members/?q=a%00b"),
        ("post", "/orgs/{org}/members/a%00b/role/"),
        ("post", "/orgs/{org}/groups/a%00b/"),
        ("post", "/orgs/{org}/invitations/a%00b/revoke/"),
        ("post", "/orgs/{org}/assignments/a%00b/delete/"),
        ("get", "/orgs/{org}/dashboard/?q=a%00b&group=a%00b"),
        ("get", "/join/a%00b/"),
        ("get", "/certificates/manage/a%00b/"),
    ],
)
def test_an_admin_s_nul_byte_is_a_400(admin_client, org_a, method, url):
    response = getattr(admin_client, method)(
        url.format(org=org_a.slug), {"role": "admin"} if method == "post" else None
    )
    assert response.status_code == 400
    assert "That request didn’t work" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/invitations/a%00b/", "/verify/a%00b/", "/verify/?code=a%00b", "/accounts/login/?next=/a%00b"]
)
def test_an_anonymous_nul_byte_is_a_400(client, db, url):
    assert client.get(url).status_code == 400


def test_a_nul_byte_in_a_form_field_is_a_400(client, db):
    response = client.post(reverse("account_login"), {"login": "a\x00b@example.org", "password": "x\x00"})
    assert response.status_code == 400


def test_a_nul_byte_in_the_session_cookie_is_ignored_or_refused(client, db):
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get(reverse("courses:home")).status_code in (200, 400)

"""Hostile input renders as text and never sends anyone off the site."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import make_user

SCRIPT_NAME = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(db):
    return make_user("hostile@example.org", "parent", SCRIPT_NAME)


def test_markup_in_a_name_renders_as_text(client, hostile):
    client.force_login(hostile)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert" in body


def test_markup_in_a_name_is_stored_exactly_as_typed(client, db):
    client.post(
        reverse("account_signup"),
        {"name": SCRIPT_NAME, "email": "h@example.org", "password1": "a long safe password 42",
         "password2": "a long safe password 42", "role": "parent"},
    )  # fmt: skip
    assert User.objects.get(email="h@example.org").name == SCRIPT_NAME


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http:evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_never_leaves_the_site(client, parent, target):
    response = client.post(
        f"{reverse('account_login')}?next={target}",
        {"login": "parent@example.org", "password": "a-long-test-password", "next": target},
    )
    assert response.status_code == 302
    assert response.url == reverse("courses:my_learning")


def test_next_on_the_site_is_honoured(client, parent, course):
    lesson = reverse("courses:lesson", args=["first-steps", "intro"])
    response = client.post(
        f"{reverse('account_login')}?next={lesson}",
        {"login": "parent@example.org", "password": "a-long-test-password", "next": lesson},
    )
    assert response.url == lesson


def test_over_long_profile_name_is_refused_not_truncated(parent_client, parent):
    response = parent_client.post(reverse("accounts:profile"), {"name": "y" * 151, "role": "parent"})
    assert response.status_code == 200 and "at most 150 characters" in response.content.decode()
    parent.refresh_from_db()
    assert parent.name == "Pat Parent"


def test_repeated_failed_log_ins_are_rate_limited(client, parent):
    """allauth's limits (ACCOUNT_RATE_LIMITS): after 5 failures for one address, it stops trying."""
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "parent@example.org", "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": "parent@example.org", "password": "a-long-test-password"}
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session

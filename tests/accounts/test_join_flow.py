"""A join link works for someone without an account (review B7): the page names the
organisation, sign-up and log-in both keep the way back (the header links too), and the person
ends up a member after creating the account, also when e-mail verification is mandatory."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.invitations import InviteRow, invitations_create
from accounts.models import User
from tests.conftest import client_for

PASSWORD = "a long safe password 42"


@pytest.fixture
def join_url(org_a):
    org_a.join_enabled = True
    org_a.save()
    return reverse("invitations:join", args=[org_a.join_code])


def sign_up(client, next_url, email="nia@example.org"):
    data = {
        "name": "Nia New",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "role": "educator",
        "next": next_url,
    }
    return client.post(reverse("account_signup"), data)


def test_a_visitor_sees_which_organisation_and_both_ways_in_with_the_way_back(client, org_a, join_url):
    response = client.get(join_url)
    content = response.content.decode()
    assert response.status_code == 200 and "Join School A" in content
    assert f'href="/accounts/signup/?next={join_url}"' in content
    assert f'href="/accounts/login/?next={join_url}"' in content


@pytest.mark.parametrize("page", ["account_login", "account_signup"])
def test_log_in_and_sign_up_pages_name_the_organisation_and_keep_next_in_the_header(
    client, org_a, join_url, page
):
    content = client.get(reverse(page), {"next": join_url}).content.decode()
    assert "You are joining <strong>School A</strong>" in content
    assert f'href="/accounts/signup/?next={join_url}"' in content  # the header's "Sign up"
    assert f'href="/accounts/login/?next={join_url}"' in content  # and its "Log in"


def test_an_invitation_link_as_next_names_its_organisation(client, org_a, owner):
    (invitation,) = invitations_create(
        organisation=org_a, actor=owner, rows=[InviteRow(line=1, name="", email="x@example.org")]
    )
    next_url = reverse("invitations:accept", args=[invitation.token])
    assert (
        "You are joining <strong>School A</strong>"
        in client.get(reverse("account_login"), {"next": next_url}).content.decode()
    )


def test_a_next_that_is_not_a_join_link_names_nothing(client, org_a, join_url):
    for next_url in ["/join/nope/", "/", "https://evil.example/join/x/", join_url + "x/"]:
        assert (
            "You are joining" not in client.get(reverse("account_login"), {"next": next_url}).content.decode()
        )


def test_a_disabled_join_link_is_404_for_everyone(client, org_a, join_url, outsider):
    org_a.join_enabled = False
    org_a.save()
    assert client.get(join_url).status_code == 404
    assert client_for(outsider).get(join_url).status_code == 404


def test_sign_up_from_the_join_page_comes_back_and_one_press_joins(client, org_a, join_url):
    response = sign_up(client, join_url)
    assert response.status_code == 302 and response.url == join_url
    response = client.post(join_url, follow=True)
    user = User.objects.get(email="nia@example.org")
    assert org_a.memberships.filter(user=user, role="member").exists()
    assert "Welcome to School A" in response.content.decode()


def test_with_mandatory_verification_the_emailed_link_returns_to_the_join_page(
    client, org_a, join_url, settings
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = sign_up(client, join_url)
    assert response.status_code == 302 and response.url == reverse("account_email_verification_sent")
    page = client.get(response.url).content.decode()
    assert "School A" in page  # the page says where the link will take them
    (message,) = mail.outbox
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/", message.body).group(0)
    response = client.get(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))  # path only
    assert response.status_code == 302 and response.url == join_url  # confirmed on one click
    assert client.post(join_url).status_code == 302
    assert org_a.memberships.filter(user__email="nia@example.org").exists()


def test_joining_twice_is_harmless(org_a, join_url, outsider):
    client = client_for(outsider)
    client.post(join_url)
    response = client.post(join_url, follow=True)
    assert org_a.memberships.filter(user=outsider).count() == 1
    assert "already a member" in response.content.decode()


def test_the_join_pages_header_links_keep_the_way_back_too(client, org_a, join_url):
    """A visitor who opens the join link and uses the header's "Sign up" or "Log in" (not the
    buttons in the page) still comes back to join (B7, re-checked in a browser at 320 px)."""
    content = client.get(join_url).content.decode()
    header = content.split("<header", 1)[1].split("</header>", 1)[0]
    assert f'href="/accounts/signup/?next={join_url}"' in header
    assert f'href="/accounts/login/?next={join_url}"' in header


def test_sign_up_that_says_you_are_joining_comes_back_to_join_even_without_next(client, org_a, join_url):
    """The sign-up page promises "you come straight back to join" whenever the person came from
    a join link in this session; the promise holds when the form carried no `next`."""
    client.get(join_url)
    assert (
        "You are joining <strong>School A</strong>" in client.get(reverse("account_signup")).content.decode()
    )
    response = sign_up(client, "")
    assert response.status_code == 302 and response.url == join_url
    assert "joining_next" not in client.session  # used once, not on every later log-in


def test_a_stale_join_link_in_the_session_is_not_followed(client, org_a, join_url):
    client.get(join_url)
    org_a.join_enabled = False
    org_a.save()
    response = sign_up(client, "")
    assert response.status_code == 302 and response.url != join_url

"""The account experience is the site's own (review B12): allauth's pages in plain, sentence-case
words with the site's layout and a way to reach us, and its e-mails with the site's name (never
the host), a text and an HTML part, and names unescaped in the text part."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import client_for, make_user

PASSWORD = "a long safe password 42"


def sign_up(client, name="Siobhán O'Neil & Co", email="siobhan@example.org"):
    data = {"name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD, "role": "parent"}
    return client.post(reverse("account_signup"), data)


def test_the_verification_email_names_the_site_not_the_host(client, db, settings):
    settings.SITE_URL = "https://onguard.example"
    sign_up(client)
    (message,) = mail.outbox
    assert message.subject == "OnGuard: Confirm your e-mail address"
    assert "testserver" not in message.body and "Hello from" not in message.body
    assert "OnGuard" in message.body and "https://onguard.example" in message.body
    html = message.alternatives[0][0]
    assert "<a href=" in html and "/accounts/confirm-email/" in html


def test_plain_text_is_not_html_escaped(client, db):
    sign_up(client)
    client.post(reverse("account_logout"))
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": "siobhan@example.org"})
    (message,) = mail.outbox
    assert message.subject == "OnGuard: Reset your password"
    assert (
        "Siobhán O'Neil & Co" in message.body and "&#x27;" not in message.body and "&amp;" not in message.body
    )
    assert "Siobhán O&#x27;Neil &amp; Co" in message.alternatives[0][0]


def test_the_emailed_link_confirms_in_one_click(client, db):
    sign_up(client)
    link = re.search(r"/accounts/confirm-email/[^\s/]+/", mail.outbox[0].body).group(0)
    response = client.get(link)
    assert response.status_code == 302
    from allauth.account.models import EmailAddress

    assert EmailAddress.objects.get(email="siobhan@example.org").verified


def test_an_old_confirmation_link_explains_and_offers_a_new_one(client, db):
    content = client.get("/accounts/confirm-email/not-a-key/").content.decode()
    assert "This link has expired or was already used" in content
    assert "Confirm E-mail Address" not in content and "Confirm Email Address" not in content


@pytest.mark.parametrize(
    "url, heading",
    [
        ("/accounts/password/reset/", "Reset your password"),
        ("/accounts/password/reset/done/", "Check your e-mail"),
        ("/accounts/password/reset/key/1-x/", "This link has expired or was already used"),
    ],
)
def test_the_reset_pages_speak_plainly_and_link_to_contact(client, db, url, heading):
    content = client.get(url).content.decode()
    assert f"<h1>{heading}</h1>" in content
    assert "Password Reset" not in content
    if url.endswith("/reset/"):
        assert f'href="{reverse("site:contact")}">contact us</a>' in content


@pytest.mark.parametrize(
    "url, heading",
    [
        ("/accounts/email/", "Your e-mail addresses"),
        ("/accounts/password/change/", "Change your password"),
    ],
)
def test_the_signed_in_account_pages_speak_plainly(db, url, heading):
    user = make_user("pat@example.org")
    content = client_for(user).get(url).content.decode()
    assert f"<h1>{heading}</h1>" in content
    assert "Email Addresses" not in content and "Change Password" not in content

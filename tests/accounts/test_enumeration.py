"""Sign-up and password reset never tell a stranger whether an address has an account (review
L7). Production confirms e-mail addresses before an account is used, so a sign-up with a
registered address looks exactly like a new one, and the address's owner gets a calm note
instead; a reset for an unknown address mails nobody. What a guest did before confirming
(a practice conversation) is kept across the confirmation, in this browser or another."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.checks import verification_is_mandatory
from accounts.models import User
from courses.models import ConversationPractice
from tests.courses.test_practice import PLAY, play
from tests.trust.servers import manage, production_env

PASSWORD = "a long safe password 42"
SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.ACCOUNT_EMAIL_VERIFICATION, s.ACCOUNT_PREVENT_ENUMERATION, s.ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS)"
)


def sign_up(client, email, next_url=""):
    data = {"name": "Nia New", "email": email, "password1": PASSWORD, "password2": PASSWORD, "role": "parent"}
    return client.post(reverse("account_signup"), {**data, "next": next_url} if next_url else data)


def confirmation_path(message) -> str:
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def mandatory(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


# --- The settings production gets -------------------------------------------------------------


def test_production_confirms_addresses_and_hides_accounts_by_default(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = manage("shell", "-v0", "-c", SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["mandatory", "True", "False"]


def test_development_keeps_the_quick_sign_up_unless_told_otherwise(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DEBUG="True")
    assert manage("shell", "-v0", "-c", SETTINGS, env=env).stdout.split() == ["optional", "True", "False"]
    env["ACCOUNT_EMAIL_VERIFICATION"] = "mandatory"
    assert manage("shell", "-v0", "-c", SETTINGS, env=env).stdout.split()[0] == "mandatory"


def test_deploy_check_warns_when_sign_up_would_reveal_accounts(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    assert [w.id for w in verification_is_mandatory(None)] == ["accounts.W003"]
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    assert verification_is_mandatory(None) == []


# --- Sign-up with a registered address ----------------------------------------------------------


@pytest.mark.usefixtures("mandatory")
def test_signing_up_with_a_registered_address_looks_like_a_new_sign_up(client, parent):
    new = sign_up(client, "someone-new@example.org")
    taken = sign_up(client, "Parent@Example.org")
    assert new.status_code == taken.status_code == 302
    assert new.url == taken.url == reverse("account_email_verification_sent")
    assert "already" not in client.get(taken.url).content.decode()
    assert User.objects.filter(email__iexact="parent@example.org").count() == 1
    parent.refresh_from_db()
    assert parent.check_password("a-long-test-password") and parent.name == "Pat Parent"
    assert sorted(m.to[0] for m in mail.outbox) == ["parent@example.org", "someone-new@example.org"]


@pytest.mark.usefixtures("mandatory")
def test_the_owner_of_the_address_gets_a_calm_note_with_the_ways_back_in(client, parent, settings):
    settings.SITE_URL = "https://onguard.example.org"
    sign_up(client, "parent@example.org")
    (message,) = mail.outbox
    assert message.to == ["parent@example.org"]
    assert message.subject == "OnGuard: Someone tried to sign up with your address"
    assert (
        "Someone, perhaps you, tried to create an OnGuard account with this e-mail address." in message.body
    )
    assert "You already have an account, so nothing was created" in message.body
    assert "https://onguard.example.org/accounts/login/" in message.body
    assert "https://onguard.example.org/accounts/password/reset/" in message.body
    assert "If it was not you, you can ignore this e-mail" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    html = message.alternatives[0][0]
    assert 'href="https://onguard.example.org/accounts/password/reset/"' in html


def test_in_development_a_registered_address_is_still_named_on_the_form(client, parent):
    # The quick, optional verification of a local run: the form says so rather than mailing.
    response = sign_up(client, "parent@example.org")
    assert response.status_code == 200 and mail.outbox == []
    assert "already registered" in response.content.decode()


# --- Password reset ------------------------------------------------------------------------------


def test_password_reset_mails_a_registered_address_and_nobody_else(client, parent):
    unknown = client.post(reverse("account_reset_password"), {"email": "stranger@example.org"})
    known = client.post(reverse("account_reset_password"), {"email": "parent@example.org"})
    assert unknown.status_code == known.status_code == 302 and unknown.url == known.url
    assert [m.to for m in mail.outbox] == [["parent@example.org"]]


# --- Nothing a guest did is lost across the confirmation -------------------------------------


@pytest.mark.usefixtures("course", "mandatory")
def test_a_guests_practice_is_kept_when_they_confirm_in_the_same_browser(client):
    play(client, "bcad")
    response = sign_up(client, "nia@example.org", next_url=PLAY)
    assert response.url == reverse("account_email_verification_sent")
    assert not ConversationPractice.objects.exists()
    (message,) = mail.outbox
    response = client.get(confirmation_path(message))
    assert response.status_code == 302 and response.url == PLAY  # signed in, back where they were
    assert "Recorded as practised" in client.get(PLAY).content.decode()
    practice = ConversationPractice.objects.get(user__email="nia@example.org")
    assert practice.path == "bcad" and practice.completed_at is not None


@pytest.mark.usefixtures("course", "mandatory")
def test_a_guests_practice_is_kept_when_they_confirm_on_another_device(client):
    play(client, "bcad")
    sign_up(client, "nia@example.org", next_url=PLAY)
    (message,) = mail.outbox
    phone = Client()
    assert phone.get(confirmation_path(message)).status_code == 302
    # Back in the first browser, log-in finds the path the guest played.
    response = client.post(
        reverse("account_login") + f"?next={PLAY}", {"login": "nia@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == PLAY
    assert "Recorded as practised" in client.get(PLAY).content.decode()
    assert ConversationPractice.objects.get(user__email="nia@example.org").path == "bcad"


@pytest.mark.usefixtures("mandatory")
def test_the_note_is_in_the_owners_language_not_the_strangers(client, parent):
    parent.language = "es"
    parent.save(update_fields=["language"])
    sign_up(client, "parent@example.org")  # the form filled in in English
    (message,) = mail.outbox
    assert message.subject == "OnGuard: Alguien intentó registrarse con su dirección"
    assert "Usted ya tiene una cuenta" in message.body and "Si no fue usted" in message.body


@pytest.mark.usefixtures("mandatory")
def test_an_account_never_confirmed_is_asked_to_confirm_at_log_in_and_then_goes_on(client, parent):
    # `parent` was made the way accounts were while verification was optional: unconfirmed.
    data = {"login": "parent@example.org", "password": "a-long-test-password"}
    response = client.post(reverse("account_login"), data)
    assert response.status_code == 302 and response.url == reverse("account_email_verification_sent")
    (message,) = mail.outbox
    response = client.get(confirmation_path(message))
    assert response.status_code == 302 and response.url == reverse("courses:my_learning")
    assert client.get(reverse("courses:my_learning")).status_code == 200


@pytest.mark.usefixtures("mandatory")
def test_repeated_sign_ups_cannot_flood_the_owner_with_notes(client, parent):
    responses = [sign_up(client, "parent@example.org") for _ in range(3)]
    assert {r.url for r in responses} == {reverse("account_email_verification_sent")}
    assert len(mail.outbox) == 1  # one note per address per 3 minutes (ACCOUNT_RATE_LIMITS confirm_email)

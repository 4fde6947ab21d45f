"""Signing in through an identity provider (a real OpenID Connect provider on 127.0.0.1): new
accounts, existing accounts linked only by an address the provider vouches for, forged state,
a token from the wrong issuer, two-step sign-in, and connecting and disconnecting providers."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.sso.conftest import idp_sign_in


def test_a_new_learner_signs_in_through_the_provider_and_has_an_account(db, sso):
    client = Client()
    response = idp_sign_in(client, sso, "pat")
    assert response.status_code == 302 and response.url == reverse("courses:my_learning")
    user = User.objects.get(email="parent@example.org")
    assert user.name == "Pat Parent" and user.role == "parent"
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).provider == "testidp"
    assert client.get(reverse("courses:my_learning")).status_code == 200


def test_an_existing_account_is_signed_in_when_the_provider_vouches_for_its_address(sso, member):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    client = Client()
    response = idp_sign_in(client, sso, "mo")
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).context["user"] == member
    assert SocialAccount.objects.get(provider="testidp").user == member
    member.refresh_from_db()
    assert member.has_usable_password()  # a proven address keeps its password


def test_an_address_the_provider_does_not_vouch_for_signs_into_no_existing_account(sso, member):
    client = Client()
    response = idp_sign_in(client, sso, "una")  # same address, email_verified false
    assert not SocialAccount.objects.filter(user=member).exists()
    assert "_auth_user_id" not in client.session or client.session["_auth_user_id"] != str(member.pk)
    # allauth asks for the sign-up form instead, whose address is already taken.
    assert response.status_code in (200, 302)


def test_an_unproven_account_at_the_address_loses_its_password_when_the_owner_arrives(sso, member):
    # Someone signed up with the owner's address and never proved it; the provider proves it now.
    EmailAddress.objects.create(user=member, email=member.email, verified=False, primary=True)
    idp_sign_in(Client(), sso, "mo")
    member.refresh_from_db()
    assert not member.has_usable_password()  # allauth's wipe_password


def test_a_name_unfit_for_certificates_asks_for_the_sign_up_form(sso):
    client = Client()
    response = idp_sign_in(client, sso, "bidi")
    assert response.status_code == 302 and response.url == reverse("socialaccount_signup")
    page = client.get(response.url)
    assert page.status_code == 200 and "name" in page.context["form"].fields
    assert not User.objects.filter(email="bidi@example.org").exists()


def test_a_forged_state_is_refused_with_a_clear_page(sso, caplog):
    client = Client()
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "testidp"}))
    assert start.status_code == 302
    response = client.get(
        reverse("openid_connect_callback", kwargs={"provider_id": "testidp"}),
        {"code": "forged", "state": "not-the-state-we-sent"},
    )
    assert response.status_code == 401
    assert "Sign-in did not work" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert any("Sign-in through testidp failed" in r.getMessage() for r in caplog.records)


def test_a_token_from_another_issuer_is_refused(sso, settings):
    apps = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]
    apps[0]["settings"] = {
        **apps[0]["settings"],
        "openid_configuration_overrides": {"issuer": "https://evil.example"},
    }
    client = Client()
    response = idp_sign_in(client, sso, "pat")
    assert response.status_code == 401 and "Sign-in did not work" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="parent@example.org").exists()


def test_the_provider_is_offered_on_the_log_in_and_sign_up_pages_as_a_form(sso, client):
    for name in ("account_login", "account_signup"):
        page = client.get(reverse(name)).content.decode()
        assert "Sign in with District sign-in" in page
        assert 'method="post" action="/accounts/oidc/testidp/login/?process=login"' in page


def test_no_provider_configured_shows_no_buttons(db, client):
    assert "Or use your school or work account" not in client.get(reverse("account_login")).content.decode()


def test_an_admin_who_signs_in_through_the_provider_is_sent_to_set_up_two_step_sign_in(sso, owner):
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    client = Client()
    idp_sign_in(client, sso, "olive")
    response = client.get(reverse("courses:my_learning"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_an_account_with_two_step_sign_in_is_asked_for_its_code_after_the_provider(sso, member):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    TOTP.activate(member, generate_totp_secret())
    client = Client()
    response = idp_sign_in(client, sso, "mo")
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_a_learner_connects_and_disconnects_a_provider_from_their_profile(sso, member):
    client = Client()
    client.force_login(member)
    assert reverse("socialaccount_connections") in client.get(reverse("accounts:profile")).content.decode()
    idp_sign_in(client, sso, "mo", process="connect")
    account = SocialAccount.objects.get(user=member)
    page = client.get(reverse("socialaccount_connections")).content.decode()
    assert "District sign-in" in page
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 302
    assert not SocialAccount.objects.filter(user=member).exists()


def test_the_connections_page_needs_a_signed_in_user(db, client):
    response = client.get(reverse("socialaccount_connections"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "path", ["/accounts/google/login/", "/accounts/microsoft/login/callback/", "/accounts/oidc/nope/login/"]
)
def test_a_provider_that_is_not_configured_is_a_404(db, client, path):
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


def test_only_pages_with_a_sign_in_form_let_forms_go_to_the_provider(sso, client):
    login = client.get(reverse("account_login"))
    assert f"form-action 'self' {sso.url}" in login.headers["Content-Security-Policy"]
    home = client.get(reverse("courses:home"))
    assert "form-action 'self';" in home.headers["Content-Security-Policy"] + ";"
    assert sso.url not in home.headers["Content-Security-Policy"]

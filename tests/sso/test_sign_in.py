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

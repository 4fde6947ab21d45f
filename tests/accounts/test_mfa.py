"""Two-step sign-in: offered to everyone from the profile, required of staff, owners and admins
(who are sent to set it up at their next sign-in, with the reason), recovery codes, and an audit
entry when it is turned on or off."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.services import membership_set_role
from tests.conftest import make_user

PASSWORD = "a-long-test-password"
ACTIVATE = reverse("mfa_activate_totp")


@pytest.fixture(autouse=True)
def _commit_hooks_run(monkeypatch):
    # allauth sends its authenticator signals from transaction.on_commit, which never fires inside
    # a test's rolled-back transaction: run each hook when it is registered instead.
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())


def reauthenticate(client: Client) -> None:
    """allauth asks for the password again before changing how the account signs in."""
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def signed_in(user) -> Client:
    """Signed in through the real log-in, so set-up needs no second password prompt."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def activate(client: Client) -> str:
    """Scan-and-type, as a person would: read the secret off the page, send the app's code."""
    page = client.get(ACTIVATE)
    if page.status_code == 302 and page.url.startswith(reverse("account_reauthenticate")):
        reauthenticate(client)
        page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(ACTIVATE, {"code": code_for(secret)})
    assert response.status_code == 302, response.content
    return secret


def recovery_codes(user) -> list[str]:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    return RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes")).get_unused_codes()


def log_in_with_password(client: Client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_the_profile_page_offers_two_step_sign_in(parent_client):
    body = parent_client.get(reverse("accounts:profile")).content.decode()
    assert reverse("mfa_index") in body and "Two-step sign-in" in body


def test_the_set_up_page_shows_a_qr_code_and_obeys_the_strict_csp(parent):
    client = signed_in(parent)
    reauthenticate(client)
    response = client.get(ACTIVATE)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in body and 'id="quick-exit"' in body
    assert "<script>" not in body and " style=" not in body and "<style" not in body
    assert 'class="btn btn-primary' in body  # the site's buttons, not allauth's bare ones


def test_a_learner_turns_it_on_and_then_signs_in_with_a_code(parent):
    secret = activate(signed_in(parent))
    assert Authenticator.objects.filter(user=parent, type="totp").exists()
    assert len(recovery_codes(parent)) == 10
    cache.clear()  # the activation code counts as used for this 30-second window
    client = Client()
    response = log_in_with_password(client, parent)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert "Incorrect code" in client.post(reverse("mfa_authenticate"), {"code": "000000"}).content.decode()
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert "_auth_user_id" in client.session


def test_a_recovery_code_signs_in_once(parent):
    activate(signed_in(parent))
    code = recovery_codes(parent)[0]
    first = Client()
    log_in_with_password(first, parent)
    first.post(reverse("mfa_authenticate"), {"code": code})
    assert "_auth_user_id" in first.session
    again = Client()
    log_in_with_password(again, parent)
    again.post(reverse("mfa_authenticate"), {"code": code})
    assert "_auth_user_id" not in again.session


def test_a_learner_is_never_forced_to_set_it_up(parent):
    client = signed_in(parent)
    assert client.get(reverse("courses:my_learning")).status_code == 200


@pytest.mark.parametrize("who", ["owner", "admin", "staff"])
def test_staff_owners_and_admins_are_sent_to_set_it_up_with_the_reason(who, org_a, owner):
    if who == "owner":
        user = owner
    elif who == "admin":
        user = make_user("admin@school-a.org")
        from accounts.services import membership_add

        membership, _ = membership_add(organisation=org_a, user=user)
        membership_set_role(actor=org_a.memberships.get(user=owner), membership=membership, role="admin")
    else:
        user = make_user("platform@example.org")
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    client = Client()
    response = log_in_with_password(client, user)
    assert "_auth_user_id" in client.session  # signed in: a grace period, not a lock-out
    response = client.get(reverse("courses:my_learning"), follow=True)
    assert response.redirect_chain[0][0] == ACTIVATE  # then the password prompt set-up needs
    assert "can see other people's training records" in response.content.decode()
    assert client.get(reverse("orgs:list")).url == ACTIVATE
    activate(client)
    assert client.get(reverse("courses:my_learning")).status_code == 200


def test_turning_it_on_and_off_is_in_the_organisation_s_audit_log(org_a, owner):
    client = signed_in(owner)
    activate(client)
    actions = list(
        AuditEvent.objects.filter(organisation=org_a, actor=owner).values_list("action", flat=True)
    )
    assert "mfa_enable" in actions
    reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(organisation=org_a, action="mfa_disable").exists()
    audit = client.get(reverse("mfa_index"))  # still allowed: the set-up pages
    assert audit.status_code == 200
    # Without it, an owner is sent straight back to set it up again.
    assert client.get(reverse("courses:my_learning")).url == ACTIVATE


def test_a_lost_device_is_replaced_after_signing_in_with_a_recovery_code(org_a, owner):
    activate(signed_in(owner))
    code = recovery_codes(owner)[3]
    client = Client()
    log_in_with_password(client, owner)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert "_auth_user_id" in client.session
    reauthenticate(client)
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=owner, type="totp").exists()
    assert client.get(reverse("courses:my_learning")).url == ACTIVATE
    activate(client)
    assert Authenticator.objects.filter(user=owner, type="totp").count() == 1
    assert re.fullmatch(r"\d{8}", recovery_codes(owner)[0])

"""Organisation-enforced sign-in: an admin proves a domain with a DNS TXT record (a real DNS
server on 127.0.0.1) and requires a provider; then passwords, other providers, invitations and
join links for that domain all go through the provider, with clear pages and audit entries."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.invitations import InviteRow, invitations_create
from accounts.models import AuditEvent, Membership, User
from accounts.services import join_link_change, organisation_create
from sso.models import OrganisationDomain
from sso.services import domain_add, domain_require_provider, domain_verify
from tests.conftest import client_for, make_user
from tests.sso.conftest import idp_sign_in
from tests.steps import assign


def form_action(page, button: str) -> str:
    """The action of the form whose button reads `button`."""
    html = page.content.decode()
    form = html[: html.index(button)].rsplit("<form", 1)[1]
    return re.search(r'action="([^"]+)"', form).group(1).replace("&amp;", "&")


def verified(org, actor, dns_server, domain: str, provider: str = "testidp") -> OrganisationDomain:
    added = domain_add(organisation=org, actor=actor, domain=domain)
    dns_server.records[added.record_name] = [added.record_value]
    domain_verify(organisation=org, actor=actor, domain=added)
    if provider:
        domain_require_provider(
            organisation=org, actor=actor, domain=added, provider_id=provider, provider_label=provider
        )
    added.refresh_from_db()
    return added


# --- Verifying a domain -------------------------------------------------------------------------


def test_an_admin_adds_a_domain_and_verifies_it_with_a_txt_record(sso, dns_server, org_a, owner):
    client = client_for(owner)
    url = reverse("sso:settings", args=[org_a.slug])
    assert client.post(url, {"domain": "School-A.org"}).status_code == 302
    domain = OrganisationDomain.objects.get(organisation=org_a)
    assert domain.domain == "school-a.org" and not domain.is_verified
    page = client.get(url).content.decode()
    assert domain.record_name in page and domain.record_value in page

    dns_server.records[domain.record_name] = ["something else", domain.record_value]
    response = client.post(reverse("sso:domain_check", args=[org_a.slug, domain.key]), follow=True)
    assert "school-a.org is verified." in response.content.decode()
    domain.refresh_from_db()
    assert domain.is_verified
    assert "_onguard-verify.school-a.org" in dns_server.queries
    actions = list(org_a.audit_events.values_list("action", "target"))
    assert (AuditEvent.Action.SSO_DOMAIN, "verified school-a.org") in actions


def test_a_missing_or_wrong_record_leaves_the_domain_unverified(sso, dns_server, org_a, owner):
    domain = domain_add(organisation=org_a, actor=owner, domain="school-a.org")
    with pytest.raises(ValidationError, match="not found"):
        domain_verify(organisation=org_a, actor=owner, domain=domain)
    dns_server.records[domain.record_name] = ["onguard-verify=a-guess"]
    response = client_for(owner).post(reverse("sso:domain_check", args=[org_a.slug, domain.key]), follow=True)
    assert "The TXT record was not found yet" in response.content.decode()
    domain.refresh_from_db()
    assert not domain.is_verified and domain.checked_at is not None


def test_an_unreachable_dns_server_is_a_clear_message_not_a_500(sso, dns_server, org_a, owner, monkeypatch):
    monkeypatch.setattr("sso.dns.TIMEOUT_SECONDS", 0.5)
    domain = domain_add(organisation=org_a, actor=owner, domain="school-a.org")
    dns_server.down = True
    response = client_for(owner).post(reverse("sso:domain_check", args=[org_a.slug, domain.key]), follow=True)
    assert response.status_code == 200
    assert "We could not reach the DNS" in response.content.decode()


@pytest.mark.parametrize(
    "value, message",
    [
        ("gmail.com", "public e-mail service"),
        ("not a domain", "Enter a domain such as school.org"),
        ("localhost", "Enter a domain such as school.org"),
        ("x" * 300 + ".org", "at most 253 characters"),
    ],
)
def test_public_malformed_and_oversized_domains_are_refused(sso, org_a, owner, value, message):
    response = client_for(owner).post(reverse("sso:settings", args=[org_a.slug]), {"domain": value})
    assert response.status_code == 200 and message in response.content.decode()
    assert not OrganisationDomain.objects.exists()


def test_a_domain_another_organisation_verified_cannot_be_claimed(
    sso, dns_server, org_a, owner, org_b, admin_b
):
    verified(org_b, admin_b, dns_server, "school-a.org", provider="")
    response = client_for(owner).post(reverse("sso:settings", args=[org_a.slug]), {"domain": "school-a.org"})
    assert "Another organisation has already verified this domain" in response.content.decode()
    # Added before the other verified it: checking it now is refused, not a 500.
    mine = OrganisationDomain.objects.create(organisation=org_a, domain="school-a.org")
    dns_server.records[mine.record_name] = [mine.record_value]
    with pytest.raises(ValidationError, match="already verified"):
        domain_verify(organisation=org_a, actor=owner, domain=mine)


def test_adding_the_same_domain_twice_is_refused(sso, org_a, owner):
    url = reverse("sso:settings", args=[org_a.slug])
    client_for(owner).post(url, {"domain": "school-a.org"})
    response = client_for(owner).post(url, {"domain": "school-a.org"})
    assert "already on the list" in response.content.decode()
    assert OrganisationDomain.objects.count() == 1


def test_only_a_verified_domain_can_require_a_provider(sso, org_a, owner):
    domain = domain_add(organisation=org_a, actor=owner, domain="school-a.org")
    response = client_for(owner).post(
        reverse("sso:domain_require", args=[org_a.slug, domain.key]),
        {"required_provider": "testidp"},
        follow=True,
    )
    assert "Verify the domain first" in response.content.decode()
    domain.refresh_from_db()
    assert domain.required_provider == ""


def test_an_unknown_provider_cannot_be_required(sso, dns_server, org_a, owner):
    domain = verified(org_a, owner, dns_server, "school-a.org", provider="")
    response = client_for(owner).post(
        reverse("sso:domain_require", args=[org_a.slug, domain.key]),
        {"required_provider": "evil"},
        follow=True,
    )
    assert "Choose how people with this domain sign in" in response.content.decode()
    domain.refresh_from_db()
    assert domain.required_provider == ""


def test_the_admin_requires_a_provider_and_removes_the_domain(sso, dns_server, org_a, owner):
    domain = verified(org_a, owner, dns_server, "school-a.org", provider="")
    client = client_for(owner)
    client.post(
        reverse("sso:domain_require", args=[org_a.slug, domain.key]), {"required_provider": "testidp"}
    )
    domain.refresh_from_db()
    assert domain.required_provider == "testidp"
    assert org_a.audit_events.filter(
        action=AuditEvent.Action.SSO_REQUIRE, target__contains="District sign-in"
    ).exists()
    client.post(reverse("sso:domain_remove", args=[org_a.slug, domain.key]))
    assert not OrganisationDomain.objects.exists()
    assert org_a.audit_events.filter(
        action=AuditEvent.Action.SSO_DOMAIN, target="removed school-a.org"
    ).exists()


# --- What a required provider changes -----------------------------------------------------------


def test_password_log_in_is_refused_with_a_clear_message(sso, dns_server, org_a, owner, member):
    verified(org_a, owner, dns_server, "school-a.org")
    response = Client().post(
        reverse("account_login"), {"login": member.email, "password": "a-long-test-password"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "School A signs in everyone with an @school-a.org address through District sign-in" in page
    assert "_auth_user_id" not in response.client.session
    # Other addresses still log in with their password.
    other = make_user("someone@elsewhere.org")
    response = Client().post(
        reverse("account_login"), {"login": other.email, "password": "a-long-test-password"}
    )
    assert response.status_code == 302


def test_the_refusal_is_the_same_whether_or_not_an_account_exists(sso, dns_server, org_a, owner):
    verified(org_a, owner, dns_server, "school-a.org")
    pages = [
        Client()
        .post(reverse("account_login"), {"login": email, "password": "whatever-it-is"})
        .context["form"]
        .errors
        for email in ("owner@school-a.org", "nobody@school-a.org")
    ]
    assert pages[0] == pages[1]


def test_password_sign_up_and_reset_are_refused_for_the_domain(sso, dns_server, org_a, owner):
    verified(org_a, owner, dns_server, "school-a.org")
    response = Client().post(
        reverse("account_signup"),
        {"email": "new@school-a.org", "password1": "a-long-test-password", "password2": "a-long-test-password",
         "name": "New Person", "role": "educator"},
    )  # fmt: skip
    assert response.status_code == 200 and "through District sign-in" in response.content.decode()
    assert not User.objects.filter(email="new@school-a.org").exists()
    response = Client().post(reverse("account_reset_password"), {"email": owner.email})
    assert response.status_code == 200 and "through District sign-in" in response.content.decode()


def test_a_staff_member_signs_in_through_the_provider_and_lands_in_their_assignments(sso, dns_server, course):
    district_admin = make_user("lead@district.example", "educator", "Lee Lead")
    district = organisation_create(user=district_admin, name="District", kind="school")
    verified(district, district_admin, dns_server, "district.example")
    invitation = invitations_create(
        organisation=district,
        actor=district_admin,
        rows=[InviteRow(line=1, name="Sam", email="sam.staff@district.example")],
    )[0]
    assign(district, district_admin, slugs=["first-steps"])

    client = Client()
    accept = reverse("invitations:accept", args=[invitation.token])
    page = client.get(accept)
    assert page.status_code == 200 and "Sign in with District sign-in" in page.content.decode()
    assert "password" not in page.content.decode().lower()  # no password sign-up offered
    response = idp_sign_in(client, sso, "sam", start=form_action(page, "Sign in with District sign-in"))
    assert response.status_code == 302 and response.url == accept
    sam = User.objects.get(email="sam.staff@district.example")
    assert sam.role == "educator" and sam.name == "Sam Staff"
    response = client.post(accept, follow=True)
    assert response.redirect_chain[-1][0] == reverse("courses:my_learning")
    assert Membership.objects.filter(user=sam, organisation=district).exists()
    assert "First steps" in response.content.decode() or "first-steps" in response.content.decode()


def test_a_password_sign_up_posted_to_an_enforced_invitation_creates_nothing(sso, dns_server, org_a, owner):
    verified(org_a, owner, dns_server, "school-a.org")
    invitation = invitations_create(
        organisation=org_a, actor=owner, rows=[InviteRow(line=1, name="New", email="new@school-a.org")]
    )[0]
    response = Client().post(
        reverse("invitations:accept", args=[invitation.token]),
        {"name": "New", "password1": "a-long-test-password", "password2": "a-long-test-password"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="new@school-a.org").exists()


def test_a_session_signed_in_by_password_before_enforcement_must_use_the_provider_to_join(
    sso, dns_server, org_a, owner, org_b, admin_b
):
    person = make_user("person@school-a.org")
    client = Client()
    assert (
        client.post(
            reverse("account_login"), {"login": person.email, "password": "a-long-test-password"}
        ).status_code
        == 302
    )
    verified(org_a, owner, dns_server, "school-a.org")
    join_link_change(organisation=org_b, actor=admin_b, enabled=True)
    url = reverse("invitations:join", args=[org_b.join_code])
    response = client.post(url)
    assert response.status_code == 200 and "Sign in with District sign-in" in response.content.decode()
    assert not Membership.objects.filter(user=person, organisation=org_b).exists()


def test_signing_in_through_another_provider_is_refused_and_audited(sso, dns_server, org_a, owner, member):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    verified(org_a, owner, dns_server, "school-a.org")
    client = Client()
    response = idp_sign_in(client, sso, "mo", provider="otheridp")
    assert response.status_code == 403
    assert "Use your organisation's sign-in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert org_a.audit_events.filter(
        action=AuditEvent.Action.SSO_REFUSED, target__startswith=member.email
    ).exists()
    # Through the required provider, the same person is in.
    response = idp_sign_in(client, sso, "mo")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(member.pk)


def test_the_required_provider_cannot_be_disconnected(sso, dns_server, org_a, owner, member):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    verified(org_a, owner, dns_server, "school-a.org")
    client = Client()
    idp_sign_in(client, sso, "mo")
    account = SocialAccount.objects.get(user=member)
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 200 and "so it stays connected" in response.content.decode()
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_the_sign_in_page_runs_the_same_queries_for_one_domain_or_many(
    sso, dns_server, org_a, owner, assert_query_count
):
    client = client_for(owner)
    url = reverse("sso:settings", args=[org_a.slug])
    verified(org_a, owner, dns_server, "school-a.org")
    client.get(url)
    # session, user, membership and organisation, the domains, the configured providers (one
    # query to the social applications), the sign-in origins for the CSP (memoised, none here)
    with assert_query_count(5):
        assert client.get(url).status_code == 200
    for n in range(5):
        domain_add(organisation=org_a, actor=owner, domain=f"campus{n}.school-a.org")
    with assert_query_count(5):
        assert client.get(url).status_code == 200

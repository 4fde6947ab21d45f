"""Single sign-on in a real browser, against a real OpenID Connect provider on 127.0.0.1: a staff
member of an organisation that requires its provider follows their invitation, signs in at the
provider, joins and lands in their assignments; later a password is refused with the reason and
the provider's button signs them straight in. The sign-in pages pass axe and keep the CSP."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from accounts.invitations import InviteRow, invitations_create
from accounts.services import organisation_create
from courses.content import course_load
from sso.middleware import sign_in_origins_forget
from sso.services import domain_add, domain_require_provider, domain_verify
from tests.browser.test_accessibility import audit_page
from tests.conftest import FIXTURE_CONTENT, make_user
from tests.sso.conftest import CLIENT_ID, OTHER_CLIENT_ID, PASSWORD, SECRET, USERS, callback_uris, oidc_apps
from tests.sso.servers import DNSServer, IdentityProvider
from tests.steps import assign


@pytest.fixture(scope="module")
def browser_idp(live_server):
    uris = callback_uris(live_server.url)
    provider = IdentityProvider(
        client_id=CLIENT_ID, secret=SECRET, redirect_uris=uris, users=USERS,
        extra_clients=[{"client_id": OTHER_CLIENT_ID, "secret": SECRET, "redirect_uris": uris}],
    )  # fmt: skip
    yield provider
    provider.stop()


@pytest.fixture
def district(transactional_db, settings, browser_idp):
    cache.clear()
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": oidc_apps(browser_idp)},
    }
    sign_in_origins_forget()
    dns = DNSServer()
    settings.SSO_DNS_NAMESERVER = dns.address
    course_load(root=FIXTURE_CONTENT)
    lead = make_user("lead@district.example", "educator", "Lee Lead")
    organisation = organisation_create(user=lead, name="Riverside District", kind="school")
    domain = domain_add(organisation=organisation, actor=lead, domain="district.example")
    dns.records[domain.record_name] = [domain.record_value]
    domain_verify(organisation=organisation, actor=lead, domain=domain)
    domain_require_provider(
        organisation=organisation, actor=lead, domain=domain, provider_id="testidp", provider_label="District"
    )
    invitation = invitations_create(
        organisation=organisation,
        actor=lead,
        rows=[InviteRow(line=1, name="Sam", email="sam.staff@district.example")],
    )[0]
    assign(organisation, lead, slugs=["first-steps"])
    yield {"organisation": organisation, "invitation": invitation, "lead": lead, "domain": domain}
    dns.close()
    sign_in_origins_forget()


def sign_in_at_provider(page, username: str):
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in to the identity provider").click()


def test_a_staff_member_signs_in_through_their_district_and_lands_in_their_assignments(page, district):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(page.base_url + f"/invitations/{district['invitation'].token}/")
    expect(
        page.get_by_text("Riverside District signs in everyone with an @district.example address")
    ).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    page.get_by_role("button", name="Sign in with District sign-in").click()
    sign_in_at_provider(page, "sam")

    page.get_by_role("button", name="Join Riverside District").click()
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    expect(page.get_by_text("First steps").first).to_be_visible()

    # Later: a password is refused with the reason; the provider's button signs straight in.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)  # logged out before moving on
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Email").fill("sam.staff@district.example")
    page.get_by_label("Password").fill("any password at all")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Use the “Sign in with District sign-in” button")).to_be_visible()
    page.get_by_role("button", name="Sign in with District sign-in").click()
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    assert violations == []


@pytest.mark.parametrize("width", [1280, 320])
def test_the_sign_in_and_lms_pages_pass_axe(browser, live_server, district, width):
    other = domain_add(
        organisation=district["organisation"], actor=district["lead"], domain="riverside.example"
    )
    assert other
    pages = [
        ("/accounts/login/", "log in with providers", None, 200),
        (f"/orgs/{district['organisation'].slug}/sign-in/", "sign-in settings", district["lead"], 200),
        (f"/orgs/{district['organisation'].slug}/lms/", "LMS connections", district["lead"], 200),
        (f"/invitations/{district['invitation'].token}/", "sign in required", None, 200),
    ]
    problems = []
    for path, label, user, status in pages:
        found, foreign = audit_page(
            browser, live_server.url, path, label=label, width=width, user=user, status=status
        )
        problems += found + [f"{label}: request to {url}" for url in foreign]
    assert problems == []

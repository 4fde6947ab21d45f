"""LTI Dynamic Registration against the test LMS: an admin makes a one-time link, the LMS opens
it with its configuration URL and a registration token, OnGuard registers itself and connects
the LMS to the organisation; launches from it then work. Bad configurations, a wrong token and a
spent or forged link are refused with a clear page."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from lti_tool.models import Key

from accounts.models import AuditEvent
from lti.models import Platform, RegistrationLink
from tests.conftest import client_for
from tests.lti.conftest import lti_launch


@pytest.fixture
def link_url(lms, district):
    lms.registrations.clear()
    lead = district.memberships.get().user
    client = client_for(lead)
    client.post(reverse("lms:registration_link", args=[district.slug]), {"frame_origin": ""})
    page = client.get(reverse("lms:platforms", args=[district.slug])).content.decode()
    return re.search(r"http://testserver(/lti/register/[^<\s]+/)", page).group(1)


def open_link(client, lms, url, **params):
    query = {"openid_configuration": f"{lms.url}/.well-known/openid-configuration",
             "registration_token": lms.registration_token, **params}  # fmt: skip
    return client.get(url, query), query


def test_the_lms_registers_onguard_and_can_launch_it(lms, district, link_url, course):
    client = Client()
    page, query = open_link(client, lms, link_url)
    assert page.status_code == 200 and "Connect OnGuard for Riverside District" in page.content.decode()
    assert f"frame-ancestors {lms.url}" in page.headers["Content-Security-Policy"]
    done = client.post(link_url, query)
    assert done.status_code == 200 and "data-lti-close" in done.content.decode()
    (sent,) = lms.registrations
    assert sent["initiate_login_uri"] == "http://testserver/lti/login/"
    assert sent["redirect_uris"] == ["http://testserver/lti/launch/"]
    assert sent["jwks_uri"] == "http://testserver/lti/jwks/"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in sent["scope"]
    assert "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly" in sent["scope"]
    platform = Platform.objects.get(organisation=district)
    assert platform.registration.client_id == "dynamic-1" and platform.registration.name == "MiniLMS"
    assert platform.registration.deployments.get().deployment_id == "dynamic-deployment"
    assert district.audit_events.filter(
        action=AuditEvent.Action.LTI_PLATFORM, target__startswith="connected MiniLMS"
    ).exists()
    # The link is spent; a launch from the newly registered client works.
    assert client.post(link_url, query).status_code == 410
    lms.client_id, lms.deployment_id = "dynamic-1", "dynamic-deployment"
    try:
        lms.tool_jwks = Key.objects.as_jwks()
        assert lti_launch(Client(), lms).status_code == 200
    finally:
        lms.client_id, lms.deployment_id = "onguard-tool", "deployment-1"


def test_a_wrong_registration_token_is_refused_and_the_link_can_be_used_again(lms, district, link_url):
    client = Client()
    _page, query = open_link(client, lms, link_url)
    response = client.post(link_url, {**query, "registration_token": "guessed"})
    assert response.status_code == 400 and "Your LMS refused the registration" in response.content.decode()
    assert not Platform.objects.exists()
    assert RegistrationLink.objects.get().used_at is None
    assert client.post(link_url, query).status_code == 200


@pytest.mark.parametrize(
    "config_url, message",
    [
        ("http://127.0.0.1:9/.well-known/openid-configuration", "could not read"),
        ("{lms}/jwks", "issuer other than its own"),
        ("{lms}/nothing-here", "could not read"),
    ],
)
def test_a_bad_configuration_is_refused(lms, district, link_url, config_url, message):
    response = Client().post(
        link_url, {"openid_configuration": config_url.format(lms=lms.url), "registration_token": "t"}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Platform.objects.exists()


def test_a_forged_or_expired_link_is_closed(lms, district, link_url):
    assert Client().get("/lti/register/forged/").status_code == 410
    RegistrationLink.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert Client().get(link_url).status_code == 410


def test_insecure_configuration_urls_are_refused_in_production(lms, district, link_url, settings):
    settings.LTI_ALLOW_INSECURE_URLS = False
    response = Client().post(
        link_url, {"openid_configuration": f"{lms.url}/.well-known/openid-configuration"}
    )
    assert response.status_code == 400 and "https://" in response.content.decode()

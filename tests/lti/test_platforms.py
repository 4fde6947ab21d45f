"""An organisation admin connects and disconnects an LMS: what the form accepts (https only, no
private addresses, no issuer and client already connected), what the page tells the LMS's admin,
and the audit log."""

import pytest
from django.urls import reverse
from lti_tool.models import LtiDeployment, LtiRegistration

from accounts.models import AuditEvent
from lti.models import Platform
from tests.conftest import client_for


@pytest.fixture
def form(lms):
    return lms.registration()


def test_an_admin_connects_an_lms_and_sees_what_to_give_it(lms, form, org_a, owner):
    client = client_for(owner)
    url = reverse("lms:platforms", args=[org_a.slug])
    response = client.post(url, form)
    assert response.status_code == 302
    platform = Platform.objects.get(organisation=org_a)
    assert platform.registration.issuer == lms.issuer and platform.frame_origin == lms.url
    assert LtiDeployment.objects.get(registration=platform.registration).is_active
    page = client.get(url).content.decode()
    for expected in (
        "http://testserver/lti/login/",
        "http://testserver/lti/launch/",
        "http://testserver/lti/jwks/",
        "deployment-1",
    ):
        assert expected in page
    assert org_a.audit_events.filter(
        action=AuditEvent.Action.LTI_PLATFORM, target__startswith="connected Test LMS"
    ).exists()


def test_the_key_set_is_published(lms, form, org_a, owner, client):
    client_for(owner).post(reverse("lms:platforms", args=[org_a.slug]), form)
    keys = client.get(reverse("lti:jwks")).json()["keys"]
    assert keys and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and "d" not in keys[0]


def test_the_frame_origin_defaults_to_the_authentication_urls(lms, form, org_a, owner):
    client_for(owner).post(reverse("lms:platforms", args=[org_a.slug]), {**form, "frame_origin": ""})
    assert Platform.objects.get().frame_origin == lms.url


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("auth_url", "http://lms.example.org/auth", "Use an https:// address."),
        ("keyset_url", "https://10.0.0.5/jwks", "Use your LMS&#x27;s public address."),
        ("token_url", "https://127.0.0.1/token", "Use your LMS&#x27;s public address."),
        ("keyset_url", "not a url", "Enter a valid URL."),
        ("client_id", "x" * 300, "at most 255 characters"),
    ],
)
def test_unsafe_or_malformed_urls_are_refused(lms, form, org_a, owner, settings, field, value, message):
    settings.LTI_ALLOW_INSECURE_URLS = False
    response = client_for(owner).post(reverse("lms:platforms", args=[org_a.slug]), {**form, field: value})
    assert response.status_code == 200 and message in response.content.decode()
    assert not LtiRegistration.objects.exists()


def test_an_issuer_and_client_already_connected_are_refused(lms, form, org_a, owner, org_b, admin_b):
    client_for(admin_b).post(reverse("lms:platforms", args=[org_b.slug]), form)
    response = client_for(owner).post(reverse("lms:platforms", args=[org_a.slug]), form)
    assert "already connected" in response.content.decode()
    assert Platform.objects.get().organisation == org_b


def test_disconnecting_removes_the_registration_and_is_audited(lms, form, org_a, owner):
    client = client_for(owner)
    client.post(reverse("lms:platforms", args=[org_a.slug]), form)
    platform = Platform.objects.get()
    client.post(reverse("lms:platform_remove", args=[org_a.slug, platform.key]))
    assert not Platform.objects.exists() and not LtiRegistration.objects.exists()
    assert org_a.audit_events.filter(
        action=AuditEvent.Action.LTI_PLATFORM, target="removed Test LMS"
    ).exists()


def test_the_lms_page_runs_the_same_queries_for_one_lms_or_many(lms, form, org_a, owner, assert_query_count):
    client = client_for(owner)
    url = reverse("lms:platforms", args=[org_a.slug])
    client.post(url, form)
    client.get(url)
    # session, user, membership and organisation, the platforms with their registrations, their
    # deployments, their courses, the open registration links
    with assert_query_count(7):
        assert client.get(url).status_code == 200
    for n in range(4):
        client.post(url, {**form, "client_id": f"client-{n}"})
        client.post(reverse("lms:registration_link", args=[org_a.slug]), {"frame_origin": ""})
    with assert_query_count(7):
        assert client.get(url).status_code == 200

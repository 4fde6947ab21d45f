"""LTI 1.3 launches from a real (minimal) LMS that signs with its own keys: login initiation,
the launch checks (state and its cookie, signature against the LMS's key set, issuer, audience,
expiry, deployment, nonce, replays), framing for that LMS only, and opening OnGuard in its own
window. Every refusal is a clear page and an audit entry, never a 500."""

import re

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Membership, User
from lti.models import LaunchTicket, PlatformUser, ScoreLink
from tests.conftest import make_user
from tests.lti.conftest import login_start, lti_launch
from tests.lti.platform import INSTRUCTOR


def continue_url(response) -> str:
    return re.search(r'href="http://testserver(/lti/continue/[^"]+)"', response.content.decode()).group(1)


def test_a_learner_launches_a_module_and_opens_it_in_onguard(connected, lms, district):
    client = Client()
    response = lti_launch(client, lms)
    assert response.status_code == 200
    assert "First steps" in response.content.decode() or "first" in response.content.decode().lower()
    # Framed by this LMS only: no X-Frame-Options, and frame-ancestors names its origin alone.
    assert "X-Frame-Options" not in response.headers
    assert f"frame-ancestors {lms.url}" in response.headers["Content-Security-Policy"]
    user = User.objects.get(email="student@district.example")
    assert user.name == "Stu Student" and not user.has_usable_password()
    assert Membership.objects.filter(user=user, organisation=district, role="member").exists()
    assert PlatformUser.objects.get(user=user).sub == "student-1"
    assert ScoreLink.objects.get(platform_user__user=user).lineitem_url == f"{lms.url}/lineitems/1"

    window = Client()  # OnGuard's own window: no cookie from the frame
    url = continue_url(response)
    assert window.get(url).status_code == 200
    opened = window.post(url)
    assert opened.status_code == 302 and opened.url == reverse("courses:module", args=["first-steps"])
    assert window.session["_auth_user_id"] == str(user.pk)
    assert Client().post(url).status_code == 410  # a ticket works once


def test_a_second_launch_finds_the_same_person(connected, lms):
    lti_launch(Client(), lms)
    lti_launch(Client(), lms, name="Renamed In LMS")
    assert User.objects.filter(email="student@district.example").count() == 1
    assert PlatformUser.objects.count() == 1


def test_other_pages_still_refuse_every_frame(connected, lms, client):
    response = client.get(reverse("courses:home"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_state_cookie_is_partitioned_and_cross_site(connected, lms):
    response = Client().get("/lti/login/", lms.login_params())
    cookie = next(c for name, c in response.cookies.items() if name.startswith("lti-state-"))
    header = cookie.OutputString()
    assert "SameSite=None; Partitioned" in header and "Secure" in header and "HttpOnly" in header


def refused(response, text: str, status: int = 400):
    assert response.status_code == status, response.content[:400]
    assert text in response.content.decode()


def test_a_login_from_an_unknown_lms_is_refused(connected, lms, client, caplog):
    response = client.get("/lti/login/", {**lms.login_params(), "iss": "https://unknown.example"})
    refused(response, "This LMS is not connected to OnGuard")
    assert any("unknown LMS" in r.getMessage() for r in caplog.records)


def test_a_login_for_a_target_elsewhere_is_refused(connected, lms, client):
    response = client.get("/lti/login/", {**lms.login_params(), "target_link_uri": "https://evil.example/"})
    refused(response, "This link does not lead to OnGuard")


@pytest.mark.parametrize(
    "spec, reason",
    [
        ({"key": rsa.generate_private_key(public_exponent=65537, key_size=2048)}, "invalid id_token"),
        ({"kid": "someone-elses-key"}, "invalid id_token"),
        ({"aud": "another-tool"}, "invalid id_token"),
        ({"aud": ["onguard-tool", "another-tool"]}, "audience is not us"),
        ({"exp_in": -120}, "invalid id_token"),
        ({"issuer": "https://impostor.example"}, "invalid id_token"),
        ({"deployment_id": "deployment-nobody-registered"}, "invalid id_token"),
        ({"message_type": "LtiSubmissionReviewRequest"}, "invalid id_token"),
    ],
    ids=["forged signature", "unknown key", "wrong audience", "azp missing", "expired", "wrong issuer",
         "unregistered deployment", "unknown message"],
)  # fmt: skip
def test_a_token_that_fails_a_check_is_refused_and_audited(connected, lms, district, spec, reason):
    response = lti_launch(Client(), lms, **spec)
    refused(response, "OnGuard could not", response.status_code)
    assert response.status_code in (400, 403)
    assert district.audit_events.filter(
        action=AuditEvent.Action.LTI_REFUSED, target__contains=reason
    ).exists()
    assert not User.objects.filter(email="student@district.example").exists()


def test_garbage_instead_of_a_token_is_a_clear_refusal(connected, lms):
    client = Client()
    state, _nonce = login_start(client, lms)
    refused(
        client.post("/lti/launch/", {"id_token": "not.a.jwt", "state": state}), "OnGuard could not confirm"
    )


def test_a_replayed_launch_is_refused(connected, lms, district):
    client = Client()
    state, nonce = login_start(client, lms)
    token = lms.id_token(nonce=nonce)
    assert client.post("/lti/launch/", {"id_token": token, "state": state}).status_code == 200
    refused(client.post("/lti/launch/", {"id_token": token, "state": state}), "expired or was already used")
    # Even with the state remembered again (a second server, a restored cache), the nonce is spent.
    cache.set(f"lti:state:{state}", {"nonce": nonce, "platform": connected.pk}, 600)
    refused(client.post("/lti/launch/", {"id_token": token, "state": state}), "already used")
    assert district.audit_events.filter(target__contains="replayed launch").exists()


def test_a_token_for_another_nonce_is_refused(connected, lms):
    client = Client()
    state, _nonce = login_start(client, lms)
    refused(
        client.post("/lti/launch/", {"id_token": lms.id_token(nonce="made-up"), "state": state}),
        "does not match",
    )


def test_a_launch_without_its_state_cookie_is_refused_with_what_to_do(connected, lms):
    client = Client()
    state, nonce = login_start(client, lms)
    client.cookies.clear()
    response = client.post("/lti/launch/", {"id_token": lms.id_token(nonce=nonce), "state": state})
    refused(response, "did not keep the cookie", 403)


def test_a_launch_posted_from_another_browser_is_refused(connected, lms):
    state, nonce = login_start(Client(), lms)
    response = Client().post("/lti/launch/", {"id_token": lms.id_token(nonce=nonce), "state": state})
    refused(response, "did not keep the cookie", 403)


def test_a_launch_without_token_or_state_is_refused(connected, lms, client):
    refused(client.post("/lti/launch/", {}), "missing")
    assert client.get("/lti/launch/").status_code == 405


def test_a_launch_naming_no_module_is_refused(connected, lms):
    refused(lti_launch(Client(), lms, custom={"module": "no-such-module"}), "does not name an OnGuard module")


def test_an_expired_ticket_is_closed(connected, lms):
    response = lti_launch(Client(), lms)
    url = continue_url(response)
    LaunchTicket.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert Client().get(url).status_code == 410


def test_an_address_held_by_another_account_is_linked_only_by_its_owner(connected, lms, district):
    owner = make_user("student@district.example", "parent", "Stu Own Account")  # domain not verified
    response = lti_launch(Client(), lms)
    assert "Sign in and link my account" in response.content.decode()
    assert not PlatformUser.objects.exists()
    url = continue_url(response)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("account_login"))
    assert Client().post(url).status_code == 302  # still only a log-in redirect: nothing linked
    assert not PlatformUser.objects.exists()
    someone_else = Client()
    someone_else.force_login(make_user("other@example.org"))
    assert someone_else.post(url).status_code == 403
    mine = Client()
    mine.force_login(owner)
    assert mine.get(url).status_code == 200
    assert mine.post(url).status_code == 302
    assert PlatformUser.objects.get().user == owner
    assert Membership.objects.filter(user=owner, organisation=district).exists()


def test_an_organisation_admin_is_sent_to_sign_in_rather_than_signed_in_by_the_lms(connected, lms, district):
    lead = district.memberships.get().user
    lti_launch(Client(), lms, sub="lead-1", email=None)
    PlatformUser.objects.filter(sub="lead-1").update(user=lead)
    response = lti_launch(Client(), lms, sub="lead-1", email=None)
    window = Client()
    opened = window.post(continue_url(response))
    assert opened.status_code == 302 and opened.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in window.session


def test_a_launch_without_an_address_gets_an_account_all_the_same(connected, lms):
    response = lti_launch(Client(), lms, email=None, sub="anonymous-student")
    assert response.status_code == 200
    user = PlatformUser.objects.get(sub="anonymous-student").user
    assert user.email.endswith("@lti.invalid")


def test_a_learner_cannot_open_the_teachers_picker(connected, lms):
    refused(lti_launch(Client(), lms, message_type="LtiDeepLinkingRequest"), "Only teachers", 403)


def test_a_teacher_is_an_educator_member(connected, lms, district):
    lti_launch(Client(), lms, sub="teacher-1", email="teacher@district.example", roles=[INSTRUCTOR])
    teacher = User.objects.get(email="teacher@district.example")
    assert teacher.role == "educator"
    assert Membership.objects.get(user=teacher, organisation=district).role == "member"


def test_with_client_side_storage_the_login_puts_the_state_there_and_the_launch_checks_it(connected, lms):
    client = Client()
    params = {**lms.login_params(), "lti_storage_target": "post_message_forwarding"}
    page = client.get("/lti/login/", params)
    assert page.status_code == 200
    html = page.content.decode()
    state = re.search(r'data-value="([^"]+)"', html).group(1)
    assert f'data-key="state_{state}"' in html and 'data-target="post_message_forwarding"' in html
    assert (
        f'data-origin="{lms.url}"' in html
        and f"frame-ancestors {lms.url}" in page.headers["Content-Security-Policy"]
    )
    nonce = re.search(r"nonce=([^&\"]+)", html).group(1)
    client.cookies.clear()  # the browser blocked the cookie
    response = client.post("/lti/launch/", {"id_token": lms.id_token(nonce=nonce), "state": state})
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-lti-check" in html and f'data-value="{state}"' in html
    # What the learner can act on waits, hidden, until lti.js finds the state in the LMS's storage.
    hidden = html[html.index("data-lti-checked hidden") :]
    assert "Open in OnGuard" in hidden


def test_without_client_side_storage_a_launch_with_a_cookie_shows_no_check(connected, lms):
    assert "data-lti-check" not in lti_launch(Client(), lms).content.decode()

"""A real OpenID Connect provider and a real DNS server on 127.0.0.1 for the SSO tests
(tests/sso/servers.py), OnGuard configured to use them, and `idp_sign_in`, which walks a
sign-in through the provider the way a browser would: OnGuard's test client on our side, an
HTTP session on the provider's side."""

import re
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from sso.middleware import sign_in_origins_forget
from tests.sso.servers import DNSServer, IdentityProvider

CLIENT_ID, SECRET = "onguard-test", "a-test-client-secret"
OTHER_CLIENT_ID = "onguard-other"
PASSWORD = "idp-password"  # nosec B105: the test provider's users only

USERS = [
    {"username": "sam", "password": PASSWORD, "email": "sam.staff@district.example", "name": "Sam Staff"},
    {"username": "pat", "password": PASSWORD, "email": "parent@example.org", "name": "Pat Parent"},
    {
        "username": "una",
        "password": PASSWORD,
        "email": "member@school-a.org",
        "name": "Una Verified",
        "verified": False,
    },
    {"username": "mo", "password": PASSWORD, "email": "member@school-a.org", "name": "Mo Member"},
    {"username": "olive", "password": PASSWORD, "email": "owner@school-a.org", "name": "Olive Owner"},
    {"username": "bidi", "password": PASSWORD, "email": "bidi@example.org", "name": "Evil\u202eName"},
]


def callback_uris(base: str) -> list[str]:
    return [f"{base}/accounts/oidc/{p}/login/callback/" for p in ("testidp", "otheridp")]


@pytest.fixture(scope="session")
def idp():
    provider = IdentityProvider(
        client_id=CLIENT_ID, secret=SECRET, redirect_uris=callback_uris("http://testserver"), users=USERS,
        extra_clients=[{"client_id": OTHER_CLIENT_ID, "secret": SECRET, "redirect_uris": callback_uris("http://testserver")}],
    )  # fmt: skip
    yield provider
    provider.stop()


def oidc_apps(idp) -> list[dict]:
    return [
        {"provider_id": "testidp", "name": "District sign-in", "client_id": CLIENT_ID, "secret": SECRET,
         "settings": {"server_url": idp.issuer}},
        {"provider_id": "otheridp", "name": "Other sign-in", "client_id": OTHER_CLIENT_ID, "secret": SECRET,
         "settings": {"server_url": idp.issuer}},
    ]  # fmt: skip


@pytest.fixture
def sso(db, settings, idp):
    """OnGuard with the test provider configured, as `OIDC_*` environment variables would."""
    providers = {**settings.SOCIALACCOUNT_PROVIDERS}
    providers["openid_connect"] = {"OAUTH_PKCE_ENABLED": True, "APPS": oidc_apps(idp)}
    settings.SOCIALACCOUNT_PROVIDERS = providers
    sign_in_origins_forget()
    yield idp
    sign_in_origins_forget()


@pytest.fixture
def dns_server(settings):
    server = DNSServer()
    settings.SSO_DNS_NAMESERVER = server.address
    yield server
    server.close()


def idp_sign_in(
    client: Client, idp, username: str, *, provider: str = "testidp", process: str = "login", start: str = ""
):
    """Start a sign-in on OnGuard (by posting to `start`, the action of a "Sign in with …" form,
    or else to the provider's log-in URL), sign in at the provider as `username`, and return
    OnGuard's response to the provider's redirect back (the callback)."""
    if not start:
        start = reverse("openid_connect_login", kwargs={"provider_id": provider}) + f"?process={process}"
    response = client.post(start)
    assert response.status_code == 302, response.content[:500]
    authorize = response.url
    assert authorize.startswith(idp.issuer + "/authorize"), authorize
    browser = requests.Session()
    login_page = browser.get(authorize, timeout=10)  # the provider sends us to its log-in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    next_path = re.search(r'name="next" value="([^"]+)"', login_page.text).group(1)
    back = browser.post(
        login_page.url,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token,
            "next": next_path.replace("&amp;", "&"),
        },
        headers={"Referer": login_page.url},
        allow_redirects=False,
        timeout=10,
    )
    assert back.status_code == 302, back.text[:500]
    authorized = browser.get(
        idp.url + back.headers["Location"]
        if back.headers["Location"].startswith("/")
        else back.headers["Location"],
        allow_redirects=False,
        timeout=10,
    )
    assert authorized.status_code == 302, authorized.text[:500]
    callback = urlsplit(authorized.headers["Location"])
    assert callback.netloc == "testserver", authorized.headers["Location"]
    return client.get(f"{callback.path}?{callback.query}")

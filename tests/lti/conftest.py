"""The test LMS (tests/lti/platform.py) on 127.0.0.1, an organisation that connected it, and
`lti_launch`, which runs login initiation and launch the way the LMS and a browser do."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from lti_tool.models import Key

from accounts.services import organisation_create
from lti.models import Platform
from lti.services import platform_register, tool_key_ensure
from tests.conftest import make_user
from tests.lti.platform import MiniLMS


@pytest.fixture(scope="session")
def lms_server():
    server = MiniLMS()
    yield server
    server.stop()


@pytest.fixture
def lms(lms_server, settings):
    """The test LMS, fresh for each test, as seen from the test client's host."""
    settings.LTI_ALLOW_INSECURE_URLS = True
    for name in ("scores", "deep_link_items", "deep_link_errors", "token_requests"):
        getattr(lms_server, name).clear()
    lms_server.launches.clear()
    lms_server.roster.clear()
    lms_server.memberships_requests.clear()
    lms_server.token_mode = lms_server.memberships_mode = "ok"
    lms_server.page_size = 2
    lms_server.tool_login_url = "http://testserver/lti/login/"
    lms_server.tool_launch_url = "http://testserver/lti/launch/"
    return lms_server


@pytest.fixture
def district(db):
    lead = make_user("lead@district.example", "educator", "Lee Lead")
    return organisation_create(user=lead, name="Riverside District", kind="school")


@pytest.fixture
def connected(lms, district, course) -> Platform:
    lead = district.memberships.get().user
    platform = platform_register(organisation=district, actor=lead, fields=lms.registration())
    tool_key_ensure()
    lms.tool_jwks = Key.objects.as_jwks()
    return platform


def login_start(client: Client, lms, **params) -> tuple[str, str]:
    """Login initiation; returns (state, nonce) from the redirect to the LMS."""
    response = client.get("/lti/login/", {**lms.login_params(), **params})
    assert response.status_code == 302, response.content[:300]
    assert response.url.startswith(f"{lms.url}/auth?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(response.url).query).items()}
    return query["state"], query["nonce"]


def lti_launch(client: Client, lms, **spec):
    """A whole launch: login initiation, the LMS signs an id_token for that nonce, the post."""
    state, nonce = login_start(client, lms)
    return client.post("/lti/launch/", {"id_token": lms.id_token(nonce=nonce, **spec), "state": state})

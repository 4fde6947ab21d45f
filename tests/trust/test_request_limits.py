"""No single anonymous request can make the site work hard (deliverable 1, L11): bodies are
capped before they are read, and the settings and deploy guide bound the rest. Assertions are on
the status a visitor sees, never on time."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_a_body_larger_than_the_cap_is_refused_before_it_is_read(client, db):
    # The review's 50 MB upload: the declared length alone decides, nothing is received.
    response = client.generic(
        "POST",
        reverse("certificates:verify_credential"),
        data=b"x" * 100,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode() and 'id="quick-exit"' in response.content.decode()


def test_a_body_within_the_cap_is_handled_normally(client, db):
    response = client.post(reverse("certificates:verify_credential"), {})
    assert response.status_code == 400


def test_upload_and_form_limits_are_set():
    assert settings.REQUEST_MAX_BYTES <= 4 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 512 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000


def test_the_deploy_guide_caps_request_bodies_at_the_proxy():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    assert "client_max_body_size 3m" in guide

"""Organisation logos (L10): a pixel budget checked before decoding, stored as .png files so any
web server sends the right type, and earlier logos cleaned up (see tests/trust/test_cleanup.py)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.logos import LOGO_MAX_PIXELS, logo_validate
from tests.conftest import client_for


def image_bytes(width: int, height: int, mode: str = "1", fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, format=fmt)
    return out.getvalue()


def test_the_pixel_budget_is_generous_for_a_logo_but_far_below_a_worker_s_memory():
    assert 4_000_000 <= LOGO_MAX_PIXELS <= 16_000_000


def test_a_39_megapixel_png_is_refused_before_it_is_decoded():
    # The review's 6300 x 6300 PNG: small on the wire, +363 MB of worker memory once decoded.
    upload = SimpleUploadedFile("big.png", image_bytes(6300, 6300), content_type="image/png")
    with pytest.raises(ValidationError) as error:
        logo_validate(upload)
    assert error.value.code == "too_many_pixels"


def test_a_large_but_permitted_logo_is_accepted():
    upload = SimpleUploadedFile("ok.png", image_bytes(2000, 1500), content_type="image/png")
    logo_validate(upload)


def test_a_stored_logo_has_a_png_extension(org_a, owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("logo", image_bytes(300, 200, "RGB", "JPEG"), content_type="image/jpeg")
    response = client_for(owner).post(
        reverse("orgs:settings", args=[org_a.slug]),
        {"name": org_a.name, "kind": "school", "new_logo": upload},
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.logo.name.startswith("organisations/logos/") and org_a.logo.name.endswith(".png")

"""Organisation logos: checked to be a real image of sensible size, then re-encoded as a PNG of
at most LOGO_MAX_SIDE pixels, so nothing but our own clean pixels is ever stored or served."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 600
# Refuse decompression bombs before decoding: 40 megapixels is far above any real logo.
LOGO_MAX_PIXELS = 40_000_000
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def logo_validate(upload) -> None:
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo must be 2 MB or smaller."), code="too_big")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in LOGO_FORMATS:
                raise ValidationError(_("Upload a PNG, JPEG, GIF or WebP image."), code="format")
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise ValidationError(_("The logo has too many pixels."), code="too_many_pixels")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not an image we can read."), code="invalid") from None
    finally:
        upload.seek(0)


def logo_reencode(upload, *, name: str) -> ContentFile:
    """A fresh PNG of the validated upload, scaled down to fit LOGO_MAX_SIDE."""
    upload.seek(0)
    with Image.open(upload) as image:
        image.load()
        image = image.convert("RGBA")
        image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{name}.png")

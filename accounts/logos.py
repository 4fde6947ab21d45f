"""Organisation logos: checked to be a real image of sensible size, then re-encoded as a PNG of
at most LOGO_MAX_SIDE pixels, so nothing but our own clean pixels is ever stored or served."""

import io
import posixpath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 600
# Refuse decompression bombs before decoding. 16 megapixels is far above any real logo, and
# decoding one costs at most 64 MB (RGBA) of a worker's memory; 40 Mpx cost 363 MB (review L10).
LOGO_MAX_PIXELS = 16_000_000
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
        # Scale down in the image's own mode first (JPEG decodes at a reduced size via draft),
        # then convert only the small result to RGBA.
        image.draft("RGB", (LOGO_MAX_SIDE, LOGO_MAX_SIDE))
        image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
        image = image.convert("RGBA")
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{name}.png")


def logo_upload_to(instance, filename: str) -> str:
    """Where a logo is stored: always with the .png extension of its re-encoded content, so any
    web server serving MEDIA_ROOT sends `image/png`."""
    root, ext = posixpath.splitext(posixpath.basename(filename))
    return f"organisations/logos/{root if ext.lower() == '.png' else root + ext}.png"

"""The static pipeline: minify our CSS and JS, then fingerprint and compress (whitenoise)."""

import rcssmin
import rjsmin
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage


class MinifiedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def _save(self, name, content):
        if name.endswith((".css", ".js")) and ".min." not in name:
            content.seek(0)  # the manifest step has already read it once to hash it
            text = content.read()
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            text = rcssmin.cssmin(text) if name.endswith(".css") else rjsmin.jsmin(text)
            content = ContentFile(text.encode("utf-8"))
        return super()._save(name, content)

"""Building a ZIP of certificate PDFs (run by a background task, certificates.tasks), and reading
an issuing organisation's logo for a PDF."""

import logging
import tempfile
import unicodedata
import zipfile

from django.core.files import File
from django.utils import timezone
from django.utils.text import slugify

from .models import Certificate, CertificateExport
from .pdf import certificate_pdf

logger = logging.getLogger(__name__)


def certificate_export_build(*, export_id: int) -> None:
    """Render each certificate's PDF into a ZIP in private storage. Streams certificates from
    the database and renders one PDF at a time, so memory stays flat for a large export."""
    export = CertificateExport.objects.get(pk=export_id)
    if export.state != CertificateExport.State.PENDING:
        return
    try:
        with tempfile.TemporaryFile() as buffer:
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
                certificates = export.certificates.select_related("module", "track").order_by(
                    "learner_name", "pk"
                )
                for certificate in certificates.iterator(chunk_size=200):
                    archive.writestr(_export_filename(certificate), certificate_pdf(certificate))
            buffer.seek(0)
            export.file.save(f"{export.token}.zip", File(buffer), save=False)
    except Exception:
        logger.exception("Certificate export %s failed", export.pk)
        export.state = CertificateExport.State.FAILED
    else:
        export.state = CertificateExport.State.READY
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "state", "finished_at"])


def certificate_logo(certificate: Certificate) -> bytes | None:
    """The issuing organisation's logo (already validated and re-encoded as PNG by
    accounts.logos), read from storage; None if it has none or the file is gone."""
    organisation = certificate.organisation
    if organisation is None or not organisation.logo:
        return None
    try:
        with organisation.logo.open("rb") as logo:
            return logo.read()
    except OSError:
        logger.warning("Logo of organisation %s is missing from storage", organisation.pk)
        return None


def _export_filename(certificate: Certificate) -> str:
    """ASCII file names (accents dropped) that sort by learner; the code keeps them unique."""
    name = slugify(unicodedata.normalize("NFKD", certificate.learner_name)) or "learner"
    return f"{name[:40]}-{slugify(certificate.item_title)[:50]}-{certificate.code}.pdf"

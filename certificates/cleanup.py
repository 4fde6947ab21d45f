"""Deleting files nobody needs any more, for `manage.py cleanup_files` (run daily by cron).

- Certificate ZIP exports are a convenience, rebuilt on request: an export and its file go
  after EXPORT_KEEP_DAYS. A ZIP no export names (its row was deleted with its user) goes too.
- Organisation logos are re-encoded into a new file on each upload; the earlier files, and the
  logo of a deleted organisation, are no longer named by any organisation and are deleted.

Files younger than GRACE are always kept: a task or an upload may be writing them right now."""

from datetime import timedelta

from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation

from .models import CertificateExport, private_storage

EXPORT_KEEP_DAYS = 7
GRACE = timedelta(hours=6)
EXPORT_DIR = "certificate-exports"
LOGO_DIR = "organisations/logos"


def exports_expired_delete() -> int:
    """Delete exports older than EXPORT_KEEP_DAYS and their files; then unnamed old ZIPs."""
    cutoff = timezone.now() - timedelta(days=EXPORT_KEEP_DAYS)
    expired = list(CertificateExport.objects.filter(created_at__lt=cutoff))
    for export in expired:
        with transaction.atomic():
            if export.file:
                export.file.delete(save=False)
            export.delete()
    named = set(CertificateExport.objects.exclude(file="").values_list("file", flat=True))
    _delete_unnamed(private_storage(), EXPORT_DIR, named)
    return len(expired)


def logos_unused_delete() -> int:
    named = set(Organisation.objects.exclude(logo="").values_list("logo", flat=True))
    return _delete_unnamed(default_storage, LOGO_DIR, named)


def _delete_unnamed(storage: Storage, folder: str, named: set[str]) -> int:
    if not storage.exists(folder):
        return 0
    old_before = timezone.now() - GRACE
    deleted = 0
    for filename in storage.listdir(folder)[1]:
        name = f"{folder}/{filename}"
        if name not in named and storage.get_modified_time(name) < old_before:
            storage.delete(name)
            deleted += 1
    return deleted

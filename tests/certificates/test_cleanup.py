"""`manage.py cleanup_files`, run daily by cron (README): ZIP exports older than a week and
logos no organisation uses any more are deleted, files still in use are kept."""

import os
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from certificates.models import CertificateExport, private_storage

DAY = 24 * 3600


@pytest.fixture(autouse=True)
def _storage_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def age(storage, name: str, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(storage.path(name), (past, past))


def export(user, *, days_old: int) -> CertificateExport:
    item = CertificateExport.objects.create(
        requested_by=user, created_at=timezone.now() - timedelta(days=days_old), state="ready"
    )
    item.file.save("x.zip", ContentFile(b"PK zip"), save=True)
    return item


def run() -> str:
    out = StringIO()
    call_command("cleanup_files", stdout=out)
    return out.getvalue()


def test_exports_older_than_a_week_are_deleted_with_their_files(parent):
    old, recent = export(parent, days_old=8), export(parent, days_old=1)
    old_name = old.file.name
    output = run()
    assert not CertificateExport.objects.filter(pk=old.pk).exists()
    assert not private_storage().exists(old_name)
    assert CertificateExport.objects.filter(pk=recent.pk).exists() and private_storage().exists(
        recent.file.name
    )
    assert "1 export" in output


def test_a_zip_file_no_export_row_names_is_deleted_once_it_is_old(parent):
    private_storage().save("certificate-exports/orphan.zip", ContentFile(b"PK"))
    private_storage().save("certificate-exports/in-flight.zip", ContentFile(b"PK"))
    age(private_storage(), "certificate-exports/orphan.zip", 2 * DAY)
    run()
    assert not private_storage().exists("certificate-exports/orphan.zip")
    assert private_storage().exists("certificate-exports/in-flight.zip")  # a task may be writing it


def test_replaced_logos_are_deleted_and_the_current_one_is_kept(org_a):
    current = default_storage.save("organisations/logos/school-a-current.png", ContentFile(b"png"))
    replaced = default_storage.save("organisations/logos/school-a-old.png", ContentFile(b"png"))
    just_uploaded = default_storage.save("organisations/logos/school-b-new.png", ContentFile(b"png"))
    org_a.logo.name = current
    org_a.save(update_fields=["logo"])
    for name in (current, replaced):
        age(default_storage, name, 2 * DAY)
    output = run()
    assert default_storage.exists(current) and default_storage.exists(just_uploaded)
    assert not default_storage.exists(replaced)
    assert "1 logo" in output


def test_it_is_safe_with_nothing_to_do(db):
    assert "0 export" in run()

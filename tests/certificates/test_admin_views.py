"""Admins' pages: the list with filters, ZIP downloads built in the background, revoking with a
reason and re-issuing. Platform staff only (organisation admins come with organisations)."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from certificates.models import Certificate, CertificateExport, Status
from certificates.services import certificate_revoke
from tests.certificates.conftest import complete_module

pytestmark = pytest.mark.usefixtures("course")

MANAGE = reverse("certificates:manage")
EXPORT = reverse("certificates:export_create")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def certificates(parent, outsider):
    complete_module(parent, "first-steps")
    complete_module(outsider, "first-steps")
    complete_module(outsider, "second-steps")
    return Certificate.objects.all()


def detail(certificate):
    return reverse("certificates:manage_detail", args=[certificate.code])


class TestAccess:
    @pytest.mark.parametrize("url", [MANAGE, reverse("certificates:exports")])
    def test_anonymous_is_sent_to_log_in(self, client, url):
        assert client.get(url).status_code == 302

    @pytest.mark.parametrize("url", [MANAGE, reverse("certificates:exports")])
    def test_a_learner_is_refused(self, parent_client, url):
        assert parent_client.get(url).status_code == 403

    def test_a_learner_cannot_open_revoke_or_reissue_even_their_own(
        self, parent_client, parent, certificates
    ):
        mine = Certificate.objects.filter(user=parent).first()
        assert parent_client.get(detail(mine)).status_code == 404
        assert (
            parent_client.post(reverse("certificates:revoke", args=[mine.code]), {"reason": "x"}).status_code
            == 404
        )
        assert parent_client.post(reverse("certificates:reissue", args=[mine.code])).status_code == 404
        assert parent_client.post(EXPORT, {"codes": [mine.code]}).status_code == 403
        mine.refresh_from_db()
        assert mine.revoked_at is None and Certificate.objects.count() == certificates.count()

    def test_wrong_methods(self, staff_client, certificates):
        certificate = certificates.first()
        assert staff_client.get(reverse("certificates:revoke", args=[certificate.code])).status_code == 405
        assert staff_client.get(reverse("certificates:reissue", args=[certificate.code])).status_code == 405
        assert staff_client.get(EXPORT).status_code == 405
        assert staff_client.post(MANAGE).status_code == 405


class TestTheList:
    def test_staff_see_every_certificate(self, staff_client, certificates):
        content = staff_client.get(MANAGE).content.decode()
        assert content.count('name="codes"') == certificates.count() == 5
        assert "outsider@example.org" in content and "Pat Parent" in content

    @pytest.mark.parametrize(
        "query, expected",
        [
            ({"q": "pat"}, 1),
            ({"q": "outsider@"}, 4),
            ({"kind": "track"}, 2),
            ({"kind": "module", "q": "second"}, 1),
            ({"status": "valid"}, 5),
            ({"status": "revoked"}, 0),
            ({"status": "bogus"}, 5),
        ],
    )
    def test_filters(self, staff_client, certificates, query, expected):
        assert staff_client.get(MANAGE, query).content.decode().count('name="codes"') == expected

    def test_a_code_finds_its_certificate_however_it_is_typed(self, staff_client, certificates):
        certificate = certificates.first()
        content = staff_client.get(MANAGE, {"q": certificate.code.lower().replace("-", "")}).content.decode()
        assert content.count('name="codes"') == 1 and certificate.code in content

    def test_revoked_filter(self, staff_client, staff, certificates):
        certificate_revoke(certificate=certificates.first(), by=staff, reason="Error")
        assert staff_client.get(MANAGE, {"status": "revoked"}).content.decode().count('name="codes"') == 1


class TestZipDownload:
    def test_selected_pdfs_are_zipped_in_the_background_and_downloadable(
        self, staff_client, staff, certificates, django_capture_on_commit_callbacks
    ):
        picked = list(certificates.filter(user__email="outsider@example.org"))
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(EXPORT, {"codes": [c.code for c in picked]})
        assert response.status_code == 302 and response.url == reverse("certificates:exports")
        export = CertificateExport.objects.get(requested_by=staff)
        assert export.state == "ready" and export.count == 4
        listing = staff_client.get(reverse("certificates:exports")).content.decode()
        assert export.get_absolute_url() in listing
        download = staff_client.get(export.get_absolute_url())
        assert download.status_code == 200 and download["Content-Type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
        names = archive.namelist()
        assert len(names) == 4 and all(n.endswith(".pdf") for n in names)
        assert all(any(c.code in n for n in names) for c in picked)
        assert archive.read(names[0]).startswith(b"%PDF")

    def test_a_queued_export_is_shown_as_being_prepared(self, staff_client, staff, certificates):
        staff_client.post(EXPORT, {"codes": [certificates.first().code]})  # on_commit not run
        export = CertificateExport.objects.get(requested_by=staff)
        assert export.state == "pending"
        assert b"Being prepared" in staff_client.get(reverse("certificates:exports")).content
        assert staff_client.get(export.get_absolute_url()).status_code == 404

    def test_nothing_selected_saves_nothing(self, staff_client, certificates):
        response = staff_client.post(EXPORT, {}, follow=True)
        assert b"Select at least one certificate" in response.content
        assert not CertificateExport.objects.exists()

    def test_a_forged_code_saves_nothing(self, staff_client, certificates):
        response = staff_client.post(
            EXPORT, {"codes": [certificates.first().code, "ZZZZ-ZZZZ-ZZZZ-ZZZZ"]}, follow=True
        )
        assert b"not yours to download" in response.content
        assert not CertificateExport.objects.exists()

    def test_another_admins_export_is_404(
        self, staff_client, certificates, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(EXPORT, {"codes": [certificates.first().code]})
        export = CertificateExport.objects.get()
        colleague = User.objects.create_user(
            email="colleague@example.org", password="x" * 20, name="C", is_staff=True
        )
        other = Client()
        other.force_login(colleague)
        assert other.get(export.get_absolute_url()).status_code == 404


class TestRevokeAndReissue:
    def test_staff_revoke_with_a_reason(self, staff_client, staff, certificates):
        certificate = certificates.first()
        url = reverse("certificates:revoke", args=[certificate.code])
        response = staff_client.post(url, {"reason": "Completed by someone else"}, follow=True)
        certificate.refresh_from_db()
        assert certificate.status == Status.REVOKED and certificate.revoked_by == staff
        assert certificate.revocation_reason == "Completed by someone else"
        assert b"was revoked" in response.content

    def test_a_blank_reason_is_a_form_error_and_saves_nothing(self, staff_client, certificates):
        certificate = certificates.first()
        response = staff_client.post(
            reverse("certificates:revoke", args=[certificate.code]), {"reason": "  "}
        )
        assert response.status_code == 400 and b'aria-describedby="' in response.content
        certificate.refresh_from_db()
        assert certificate.revoked_at is None

    def test_reissue_uses_the_corrected_name_and_withdraws_the_old(self, staff_client, parent, certificates):
        old = Certificate.objects.get(user=parent)
        User.objects.filter(pk=parent.pk).update(name="Patricia Parent")
        response = staff_client.post(reverse("certificates:reissue", args=[old.code]))
        new = Certificate.objects.get(user=parent, revoked_at__isnull=True)
        assert response.status_code == 302 and response.url == detail(new)
        old.refresh_from_db()
        assert old.status == Status.WITHDRAWN and new.learner_name == "Patricia Parent"

    def test_a_revoked_certificate_cannot_be_reissued(self, staff_client, staff, certificates):
        certificate = certificates.first()
        certificate_revoke(certificate=certificate, by=staff, reason="Error")
        response = staff_client.post(reverse("certificates:reissue", args=[certificate.code]), follow=True)
        assert b"cannot be re-issued" in response.content
        assert Certificate.objects.count() == certificates.count()

    def test_the_detail_page_shows_the_reason_to_staff(self, staff_client, staff, certificates):
        certificate = certificates.first()
        certificate_revoke(certificate=certificate, by=staff, reason="Completed by someone else")
        content = staff_client.get(detail(certificate)).content.decode()
        assert "Completed by someone else" in content and "staff@example.org" in content

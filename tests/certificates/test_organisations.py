"""Organisation-issued certificates: the assigning organisation is the issuer, its branding and
validity period apply, and its owners and admins (only) manage its certificates."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from accounts.models import Membership
from accounts.services import group_create, membership_add, membership_set_role, organisation_update
from certificates.exports import certificate_logo
from certificates.models import Certificate, CertificateExport, Status
from certificates.pdf import certificate_pdf
from certificates.renewal import module_due_since
from certificates.services import issuer_for
from compliance.validity import add_months
from courses.models import Module, ModuleProgress
from tests.certificates.conftest import complete_module, take_quiz
from tests.conftest import client_for, make_user
from tests.steps import assign

pytestmark = pytest.mark.usefixtures("course")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def png(color=(200, 30, 60)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (120, 60), color).save(out, "PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), "image/png")


@pytest.fixture
def branded(org_a, owner):
    organisation_update(
        organisation=org_a,
        actor=owner,
        fields={
            "certificate_signatory_name": "Αλέξης Παπαδόπουλος",
            "certificate_signatory_title": "Safeguarding lead",
            "certificate_validity_months": 12,
        },
        logo=png(),
    )
    org_a.refresh_from_db()
    return org_a


class TestIssuer:
    def test_the_assigning_organisation_issues_with_its_branding_and_validity(
        self, branded, owner, member, clock
    ):
        assign(branded, owner, slugs=["first-steps"])
        complete_module(member, "first-steps")
        certificate = Certificate.objects.get(user=member)
        assert certificate.organisation == branded and certificate.issuer_name == "School A"
        assert certificate.signatory_name == "Αλέξης Παπαδόπουλος"
        assert certificate.signatory_title == "Safeguarding lead"
        assert certificate.expires_at == add_months(certificate.completed_at, 12)

    def test_without_an_assignment_the_platform_issues(self, org_a, owner, member, parent):
        assign(org_a, owner, slugs=["second-steps"])
        complete_module(member, "first-steps")
        complete_module(parent, "second-steps")  # assigned, but not to a member of School A
        for certificate in Certificate.objects.all():
            assert certificate.organisation is None and certificate.issuer_name == "OnGuard"
            assert certificate.expires_at is None

    def test_the_earliest_assignment_wins(self, org_a, owner, member, org_b, admin_b):
        membership_add(organisation=org_b, user=member)
        assign(org_b, admin_b, slugs=["first-steps"])
        assign(org_a, owner, slugs=["first-steps"])
        assert issuer_for(user=member, module=Module.objects.get(slug="first-steps")).name == "School B"

    def test_a_track_assignment_covers_its_modules_and_the_track(self, org_a, owner, member):
        assign(org_a, owner, track="parent")
        complete_module(member, "first-steps")
        complete_module(member, "second-steps")
        mine = Certificate.objects.filter(user=member)
        assert {c.item_title: c.issuer_name for c in mine} == {
            "First steps": "School A",
            "Second steps": "School A",
            "For parents": "School A",
            "For educators": "OnGuard",  # not assigned
        }

    def test_a_group_assignment_applies_only_to_the_group(self, org_a, owner, member):
        group = group_create(organisation=org_a, actor=owner, name="Science")
        assign(org_a, owner, slugs=["first-steps"], target="group", group=group)
        complete_module(member, "first-steps")
        assert Certificate.objects.get(user=member).organisation is None
        other = make_user("grouped@school-a.org", "educator", "Gus Grouped")
        membership_add(organisation=org_a, user=other, group=group)
        complete_module(other, "first-steps")
        assert Certificate.objects.get(user=other).organisation == org_a


class TestValidity:
    def test_after_the_period_the_module_is_due_and_a_pass_renews_it(self, branded, owner, member, clock):
        assign(branded, owner, slugs=["first-steps"])
        complete_module(member, "first-steps")
        clock.advance(days=366)
        assert Certificate.objects.get(user=member).status == Status.EXPIRED
        take_quiz(member, "first-steps")
        renewed = Certificate.objects.get(user=member, cycle=2)
        assert renewed.organisation == branded and renewed.status == Status.VALID

    def test_a_platform_certificate_does_not_block_the_organisations_renewal(
        self, org_a, owner, member, clock
    ):
        """Completed alone first, then assigned by an organisation with a 12-month period: its
        dashboard says due again after 12 months, so a pass then renews the completion and the
        organisation issues its own certificate."""
        complete_module(member, "first-steps")
        platform = Certificate.objects.get(user=member)
        org_a.certificate_validity_months = 12
        org_a.save(update_fields=["certificate_validity_months"])
        assign(org_a, owner, slugs=["first-steps"])
        module = Module.objects.get(slug="first-steps")
        assert module_due_since(user=member, module=module) is None
        clock.advance(days=370)
        assert module_due_since(user=member, module=module) == add_months(platform.completed_at, 12)
        take_quiz(member, "first-steps")
        assert ModuleProgress.objects.get(user=member, module=module).completed_at == clock.now
        issued = Certificate.objects.get(user=member, cycle=2)
        assert issued.organisation == org_a and issued.expires_at == add_months(clock.now, 12)
        assert module_due_since(user=member, module=module) is None


class TestBranding:
    def test_the_pdf_shows_the_organisation_its_signatory_and_logo(self, branded, owner, member):
        assign(branded, owner, slugs=["first-steps"])
        complete_module(member, "first-steps")
        certificate = Certificate.objects.get(user=member)
        logo = certificate_logo(certificate)
        assert logo and logo.startswith(b"\x89PNG")
        pdf = certificate_pdf(certificate, logo=logo)
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        for expected in ["School A", "Αλέξης Παπαδόπουλος", "Safeguarding lead", "Valid until"]:
            assert expected in text
        assert b"/Subtype /Image" in pdf
        assert b"/Subtype /Image" not in certificate_pdf(certificate)

    def test_the_learners_download_carries_the_logo(self, branded, owner, member):
        assign(branded, owner, slugs=["first-steps"])
        complete_module(member, "first-steps")
        certificate = Certificate.objects.get(user=member)
        response = client_for(member).get(reverse("certificates:pdf", args=[certificate.code]))
        assert response.status_code == 200 and b"/Subtype /Image" in response.content

    def test_a_missing_logo_file_prints_without_it(self, branded, owner, member):
        assign(branded, owner, slugs=["first-steps"])
        complete_module(member, "first-steps")
        certificate = Certificate.objects.get(user=member)
        branded.logo.storage.delete(branded.logo.name)
        assert certificate_logo(certificate) is None


# --- Organisation admins manage their organisation's certificates only ------------------------


@pytest.fixture
def issued(org_a, owner, member, org_b, admin_b):
    """A certificate issued by School A (to its member) and one by School B (to its member)."""
    assign(org_a, owner, slugs=["first-steps"])
    complete_module(member, "first-steps")
    b_member = make_user("member@school-b.org", "educator", "Bea B-Member")
    membership_add(organisation=org_b, user=b_member)
    assign(org_b, admin_b, slugs=["first-steps"])
    complete_module(b_member, "first-steps")
    return Certificate.objects.get(organisation=org_a), Certificate.objects.get(organisation=org_b)


def org_url(name, org, *args):
    return reverse(f"certificates:org_{name}", args=[org.slug, *args])


ORG_PAGES = [
    ("manage", "get", False),
    ("exports", "get", False),
    ("manage_detail", "get", True),
    ("manage_pdf", "get", True),
    ("revoke", "post", True),
    ("reissue", "post", True),
    ("export_create", "post", False),
]


class TestOrganisationAdminAccess:
    @pytest.mark.parametrize("name, method, with_code", ORG_PAGES)
    def test_every_page_for_every_role(
        self, issued, org_a, owner, member, admin_b, outsider, name, method, with_code
    ):
        mine, _theirs = issued
        url = org_url(name, org_a, *([mine.code] if with_code else []))
        data = {"reason": "Checking access", "codes": [mine.code]} if method == "post" else None

        def call(user):
            client = client_for(user)
            return client.post(url, data) if method == "post" else client.get(url)

        assert call(None).status_code == 302  # anonymous: log in
        assert call(outsider).status_code == 404
        assert call(admin_b).status_code == 404  # another organisation's admin
        assert call(member).status_code == 403  # a member, not an admin
        mine.refresh_from_db()
        assert mine.revoked_at is None and not CertificateExport.objects.exists()
        assert call(owner).status_code in (200, 302)

    @pytest.mark.parametrize(
        "name, method",
        [("manage_detail", "get"), ("manage_pdf", "get"), ("revoke", "post"), ("reissue", "post")],
    )
    def test_another_organisations_code_is_404_and_nothing_changes(self, issued, org_a, owner, name, method):
        _mine, theirs = issued
        client = client_for(owner)
        url = org_url(name, org_a, theirs.code)
        response = client.post(url, {"reason": "Forged"}) if method == "post" else client.get(url)
        assert response.status_code == 404
        theirs.refresh_from_db()
        assert theirs.revoked_at is None and Certificate.objects.count() == 2

    def test_the_list_shows_only_the_organisations_certificates(self, issued, org_a, owner):
        mine, theirs = issued
        content = client_for(owner).get(org_url("manage", org_a)).content.decode()
        assert mine.code in content and theirs.code not in content
        assert "Mo Member" in content and "Bea B-Member" not in content

    def test_an_organisation_admin_is_not_platform_staff(self, issued, owner):
        assert client_for(owner).get(reverse("certificates:manage")).status_code == 403
        mine, _ = issued
        assert (
            client_for(owner).get(reverse("certificates:manage_detail", args=[mine.code])).status_code == 404
        )

    def test_the_admin_revokes_and_reissues(self, issued, org_a, owner, member):
        mine, _ = issued
        client = client_for(owner)
        response = client.post(org_url("reissue", org_a, mine.code))
        new = Certificate.objects.get(user=member, revoked_at__isnull=True)
        assert response.status_code == 302 and response.url == org_url("manage_detail", org_a, new.code)
        assert new.organisation == org_a
        client.post(org_url("revoke", org_a, new.code), {"reason": "Completed by someone else"})
        new.refresh_from_db()
        assert new.status == Status.REVOKED and new.revoked_by == owner

    def test_zip_of_the_organisations_certificates_and_a_forged_code_refused(
        self, issued, org_a, owner, django_capture_on_commit_callbacks
    ):
        mine, theirs = issued
        client = client_for(owner)
        client.post(org_url("export_create", org_a), {"codes": [mine.code, theirs.code]})
        assert not CertificateExport.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(org_url("export_create", org_a), {"codes": [mine.code]})
        assert response.url == org_url("exports", org_a)
        export = CertificateExport.objects.get()
        assert export.organisation == org_a and export.state == "ready"
        assert export.get_absolute_url() in client.get(org_url("exports", org_a)).content.decode()
        download = client.get(export.get_absolute_url())
        names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
        assert len(names) == 1 and mine.code in names[0]

    def test_an_admin_who_lost_the_role_can_no_longer_download_the_zip(
        self, issued, org_a, owner, django_capture_on_commit_callbacks
    ):
        mine, _ = issued
        second = make_user("second@school-a.org", "educator", "Sid Second")
        membership, _ = membership_add(organisation=org_a, user=second)
        membership_set_role(
            actor=org_a.memberships.get(user=owner), membership=membership, role=Membership.Role.ADMIN
        )
        with django_capture_on_commit_callbacks(execute=True):
            client_for(second).post(org_url("export_create", org_a), {"codes": [mine.code]})
        export = CertificateExport.objects.get()
        assert client_for(second).get(export.get_absolute_url()).status_code == 200
        membership_set_role(
            actor=org_a.memberships.get(user=owner), membership=membership, role=Membership.Role.MEMBER
        )
        assert client_for(second).get(export.get_absolute_url()).status_code == 404

    def test_the_organisation_nav_links_to_certificates(self, issued, org_a, owner):
        content = client_for(owner).get(reverse("compliance:dashboard", args=[org_a.slug])).content.decode()
        assert org_url("manage", org_a) in content

"""A learner corrects the name on their own certificates (review F7): after changing their name,
My certificates offers the correction; the certificate is re-issued with a new code, the old
code's page points to the new one, and the change is recorded on the certificate and in the
issuing organisation's audit log."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from certificates.models import Certificate
from tests.certificates.conftest import complete_module
from tests.conftest import client_for
from tests.steps import assign

pytestmark = pytest.mark.usefixtures("course")


@pytest.fixture
def certificate(parent):
    complete_module(parent, "first-steps")
    return Certificate.objects.get(user=parent)


def rename(user, name="Patricia Parent"):
    user.name = name
    user.save(update_fields=["name"])


def correct(client, certificate):
    return client.post(reverse("certificates:correct_name", args=[certificate.code]), follow=True)


def test_my_certificates_offers_the_correction_only_when_the_names_differ(parent_client, parent, certificate):
    mine = reverse("certificates:mine")
    assert "Correct the name" not in parent_client.get(mine).content.decode()
    rename(parent)
    content = parent_client.get(mine).content.decode()
    assert "Correct the name" in content and "Pat Parent" in content and "Patricia Parent" in content


def test_correcting_reissues_with_the_new_name_and_the_old_code_points_to_the_new(
    parent_client, parent, certificate
):
    rename(parent)
    response = correct(parent_client, certificate)
    new = Certificate.objects.get(user=parent, revoked_at__isnull=True)
    certificate.refresh_from_db()
    assert new.learner_name == "Patricia Parent" and new.code != certificate.code
    assert certificate.replaced_by == new and certificate.status == "withdrawn"
    assert "Name corrected by the learner" in certificate.revocation_reason
    assert new.code in response.content.decode()
    old_page = client_for(None).get(certificate.get_absolute_url()).content.decode()
    assert f'href="{new.get_absolute_url()}"' in old_page


def test_an_organisations_certificate_correction_is_in_its_audit_log(org_a, owner, member):
    assign(org_a, owner, slugs=["first-steps"])
    complete_module(member, "first-steps")
    certificate = Certificate.objects.get(user=member)
    rename(member, "Morgan Member")
    correct(client_for(member), certificate)
    event = AuditEvent.objects.get(organisation=org_a, action="certificate_name_correct")
    assert certificate.code in event.target and event.actor == member


def test_the_same_name_changes_nothing(parent_client, parent, certificate):
    response = correct(parent_client, certificate)
    assert Certificate.objects.filter(user=parent).count() == 1
    assert "already shows your name" in response.content.decode()


def test_someone_elses_or_a_withdrawn_certificate_is_404(parent_client, parent, certificate, outsider):
    rename(parent)
    assert (
        client_for(outsider).post(reverse("certificates:correct_name", args=[certificate.code])).status_code
        == 404
    )
    correct(parent_client, certificate)
    assert (
        parent_client.post(reverse("certificates:correct_name", args=[certificate.code])).status_code == 404
    )
    assert Certificate.objects.filter(user=parent).count() == 2


def test_only_post_corrects(parent_client, parent, certificate):
    rename(parent)
    assert parent_client.get(reverse("certificates:correct_name", args=[certificate.code])).status_code == 405
    assert Certificate.objects.filter(user=parent).count() == 1

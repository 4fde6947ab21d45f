"""A certificate names its module or track in the reader's language: the PDF in its holder's,
the certificate list in theirs, the public verification page in the viewer's. The Spanish title
is a snapshot taken at issue time, like the English one, so a later edit to the course never
changes what a certificate says; names with accents and ñ print as typed."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from certificates.models import Certificate
from certificates.pdf import certificate_pdf
from courses.models import Module, Track
from tests.certificates.conftest import complete_module
from tests.conftest import client_for

pytestmark = pytest.mark.usefixtures("course")
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def spanish_certificate(user, name="José Muñoz Peña") -> Certificate:
    User.objects.filter(pk=user.pk).update(name=name, language="es")
    user.refresh_from_db()
    complete_module(user, "first-steps")
    return Certificate.objects.get(user=user, module__slug="first-steps")


def test_a_spanish_learner_s_pdf_names_the_module_in_spanish_with_their_accented_name(parent):
    text = text_of(certificate_pdf(spanish_certificate(parent)))
    assert "José Muñoz Peña" in text
    assert "Primeros pasos" in text and "First steps" not in text
    assert "Certificado" in text


def test_an_english_learner_s_pdf_keeps_the_english_title(parent):
    complete_module(parent, "first-steps")
    text = text_of(certificate_pdf(Certificate.objects.get(user=parent)))
    assert "First steps" in text and "Primeros pasos" not in text


def test_the_spanish_title_is_a_snapshot_that_a_later_content_edit_does_not_change(parent):
    certificate = spanish_certificate(parent)
    module = Module.objects.get(slug="first-steps")
    module.title = "First steps, second edition"
    module.translations = {"es": {**module.translations["es"], "title": "Primeros pasos, segunda edición"}}
    module.save(update_fields=["title", "translations"])
    certificate.refresh_from_db()
    assert certificate.item_titles == {"es": "Primeros pasos"}
    assert "Primeros pasos" in text_of(certificate_pdf(certificate))
    assert "segunda edición" not in text_of(certificate_pdf(certificate))


def test_a_track_certificate_snapshots_the_spanish_track_title(parent):
    spanish_certificate(parent)
    track = Certificate.objects.filter(user=parent, track__isnull=False).first()
    if track is None:  # the fixture's parent track holds more than first-steps
        complete_module(parent, "second-steps")
        track = Certificate.objects.get(user=parent, track__slug="parent")
    assert track.item_titles == {"es": Track.objects.get(slug="parent").translations["es"]["title"]}
    assert "Para madres, padres y cuidadores" in text_of(certificate_pdf(track))


def test_the_verification_page_follows_the_viewer_s_language_not_the_holder_s(client, parent):
    certificate = spanish_certificate(parent)
    url = reverse("certificates:verify_code", args=[certificate.code])
    spanish = client.get(url, **ES).content.decode()
    assert "Primeros pasos" in spanish and "First steps" not in spanish.split("<main", 1)[1]
    assert "José Muñoz Peña" in spanish
    english = client.get(url, **EN).content.decode()
    assert "First steps" in english and "Primeros pasos" not in english


def test_the_certificate_list_names_the_module_in_spanish(parent):
    spanish_certificate(parent)
    page = client_for(parent).get(reverse("certificates:mine")).content.decode()
    assert "Primeros pasos" in page and "First steps" not in page.split("<main", 1)[1]


def test_a_reissued_certificate_keeps_the_spanish_snapshot(parent, staff):
    from certificates.services import certificate_reissue

    certificate = spanish_certificate(parent)
    Module.objects.filter(slug="first-steps").update(translations={})
    new = certificate_reissue(certificate=certificate, by=staff)
    assert new.item_titles == {"es": "Primeros pasos"}


def test_a_certificate_issued_before_the_snapshot_falls_back_to_english(parent):
    certificate = spanish_certificate(parent)
    Certificate.objects.filter(pk=certificate.pk).update(item_titles={})
    certificate.refresh_from_db()
    assert "First steps" in text_of(certificate_pdf(certificate))


def test_the_migration_backfills_the_spanish_title_of_certificates_issued_before(parent):
    from importlib import import_module

    from django.apps import apps

    certificate = spanish_certificate(parent)
    Certificate.objects.filter(pk=certificate.pk).update(item_titles={})
    import_module("certificates.migrations.0004_certificate_item_titles").backfill(apps, None)
    certificate.refresh_from_db()
    assert certificate.item_titles == {"es": "Primeros pasos"}

"""The learner's side: offered the certificate at once after passing, My certificates, and PDF
and Open Badge downloads that only the holder gets."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.openbadges import credential_check
from certificates.services import certificate_reissue, certificate_revoke
from courses.models import Lesson
from courses.services import lesson_complete
from tests.certificates.conftest import complete_module
from tests.steps import form_data

pytestmark = pytest.mark.usefixtures("course")

MINE = reverse("certificates:mine")


@pytest.fixture
def certificate(parent):
    complete_module(parent, "first-steps")
    return Certificate.objects.get(user=parent)


class TestOfferedAtOnce:
    def test_passing_the_last_quiz_of_a_track_offers_both_certificates(self, parent_client, parent):
        complete_module(parent, "first-steps")
        for lesson in Lesson.objects.filter(module__slug="second-steps"):
            lesson_complete(user=parent, lesson=lesson)
        response = parent_client.post(
            reverse("quizzes:quiz", args=["second-steps"]),
            form_data(parent_client, slug="second-steps"),
            follow=True,
        )
        content = response.content.decode()
        assert "Well done: you earned 3 certificates" in content  # the module and both tracks
        for certificate in Certificate.objects.filter(user=parent).exclude(module__slug="first-steps"):
            assert reverse("certificates:pdf", args=[certificate.code]) in content
        assert "For parents" in content and "Second steps" in content

    def test_a_failed_attempt_offers_nothing(self, parent_client, parent):
        for lesson in Lesson.objects.filter(module__slug="first-steps"):
            lesson_complete(user=parent, lesson=lesson)
        response = parent_client.post(
            reverse("quizzes:quiz", args=["first-steps"]), form_data(parent_client, right=False), follow=True
        )
        assert b"Not passed this time" in response.content and b"you earned" not in response.content


class TestMyCertificates:
    def test_anonymous_is_sent_to_log_in(self, client):
        response = client.get(MINE)
        assert response.status_code == 302 and "/accounts/login/" in response.url

    def test_lists_only_my_own_with_downloads_and_share_link(self, parent_client, certificate, outsider):
        complete_module(outsider, "second-steps")
        content = parent_client.get(MINE).content.decode()
        assert "First steps" in content and "Second steps" not in content
        assert reverse("certificates:pdf", args=[certificate.code]) in content
        assert reverse("certificates:badge", args=[certificate.code]) in content
        assert f"https://onguard.example/verify/{certificate.code}/" in content

    def test_a_withdrawn_certificate_is_listed_without_downloads(self, parent_client, certificate, staff):
        new = certificate_reissue(certificate=certificate, by=staff)
        content = parent_client.get(MINE).content.decode()
        assert "Replaced by a corrected certificate" in content
        assert reverse("certificates:pdf", args=[certificate.code]) not in content
        assert reverse("certificates:pdf", args=[new.code]) in content

    def test_nothing_yet_says_how_to_earn_one(self, parent_client):
        assert b"You have no certificates yet" in parent_client.get(MINE).content

    def test_wrong_method(self, parent_client):
        assert parent_client.post(MINE).status_code == 405


class TestDownloads:
    def test_the_holder_downloads_the_pdf(self, parent_client, certificate):
        response = parent_client.get(reverse("certificates:pdf", args=[certificate.code]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert f"onguard-certificate-{certificate.code}.pdf" in response["Content-Disposition"]
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert "Pat Parent" in text and certificate.verify_url in text

    def test_letter_paper_and_unknown_paper_fall_back_to_a4(self, parent_client, certificate):
        url = reverse("certificates:pdf", args=[certificate.code])
        letter = PdfReader(io.BytesIO(parent_client.get(url + "?paper=letter").content)).pages[0].mediabox
        other = PdfReader(io.BytesIO(parent_client.get(url + "?paper=../../etc").content)).pages[0].mediabox
        assert round(float(letter.width)) == 792 and round(float(other.width)) == 842

    def test_the_holder_downloads_a_valid_open_badge(self, parent_client, certificate):
        response = parent_client.get(reverse("certificates:badge", args=[certificate.code]))
        assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
        assert f"onguard-open-badge-{certificate.code}.json" in response["Content-Disposition"]
        assert credential_check(response.content).signature == "valid"

    @pytest.mark.parametrize("view", ["certificates:pdf", "certificates:badge"])
    def test_someone_else_gets_404(self, certificate, outsider, view):
        other = Client()
        other.force_login(outsider)
        assert other.get(reverse(view, args=[certificate.code])).status_code == 404

    @pytest.mark.parametrize("view", ["certificates:pdf", "certificates:badge"])
    def test_anonymous_is_sent_to_log_in(self, client, certificate, view):
        assert client.get(reverse(view, args=[certificate.code])).status_code == 302

    @pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ-ZZZZ", "1", "..%2F..", "0" * 100])
    def test_forged_or_malformed_codes_are_404(self, parent_client, certificate, code):
        assert parent_client.get(reverse("certificates:pdf", args=[code])).status_code == 404

    def test_a_revoked_certificate_is_no_longer_the_holders_to_download(
        self, parent_client, certificate, staff
    ):
        certificate_revoke(certificate=certificate, by=staff, reason="Fraud")
        assert parent_client.get(reverse("certificates:pdf", args=[certificate.code])).status_code == 404
        assert parent_client.get(reverse("certificates:badge", args=[certificate.code])).status_code == 404

    def test_platform_staff_can_download_any(self, staff_client, certificate):
        assert staff_client.get(reverse("certificates:pdf", args=[certificate.code])).status_code == 200

    def test_wrong_method(self, parent_client, certificate):
        assert parent_client.post(reverse("certificates:pdf", args=[certificate.code])).status_code == 405


def test_my_learning_shows_an_expired_module_as_due_with_renew(parent, validity, clock):
    complete_module(parent, "first-steps")
    parent_client = Client()
    parent_client.force_login(parent)
    # Seen completed first: the page kept for that view must not be shown once it is due again.
    module_page = parent_client.get(reverse("courses:module", args=["first-steps"])).content.decode()
    assert "You completed this module" in module_page and "Renew" not in module_page
    clock.advance(days=400)
    parent_client.force_login(parent)  # the first session has expired by then
    content = parent_client.get(reverse("courses:my_learning")).content.decode()
    assert "Due again: your certificate has expired" in content
    assert re.search(r"Renew<span class=\"visually-hidden\"> First steps", content)
    module_page = parent_client.get(reverse("courses:module", args=["first-steps"])).content.decode()
    assert "Renew" in module_page and "You completed this module" not in module_page


def test_my_learning_links_to_my_certificates(parent_client):
    assert f'href="{MINE}"'.encode() in parent_client.get(reverse("courses:my_learning")).content

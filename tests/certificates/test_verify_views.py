"""The public verification pages: no log-in, the status in words, nothing revealed for an
unknown code, rate-limited per client, and credential files checked."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates.models import Certificate
from certificates.openbadges import MAX_CREDENTIAL_BYTES, credential_for, public_key_multibase
from certificates.services import certificate_reissue, certificate_revoke
from tests.certificates.conftest import complete_module

pytestmark = pytest.mark.usefixtures("course")

VERIFY = reverse("certificates:verify")
UPLOAD = reverse("certificates:verify_credential")


@pytest.fixture
def certificate(parent):
    complete_module(parent, "first-steps")
    return Certificate.objects.get(user=parent)


def page(certificate):
    return reverse("certificates:verify_code", args=[certificate.code])


class TestVerifyingACode:
    def test_the_form_needs_no_log_in(self, client):
        response = client.get(VERIFY)
        assert response.status_code == 200
        assert b'for="id_code"' in response.content and b'for="id_credential"' in response.content

    def test_a_valid_certificate_shows_who_what_who_issued_and_when(self, client, certificate):
        response = client.get(page(certificate))
        assert response.status_code == 200
        content = response.content.decode()
        for expected in [
            "Valid",
            "Pat Parent",
            "First steps",
            "OnGuard",
            certificate.code,
            "does not expire",
        ]:
            assert expected in content
        assert certificate.completed_at.strftime("%B %Y") in content

    def test_a_typed_code_goes_to_its_stable_page(self, client, certificate):
        response = client.get(VERIFY, {"code": certificate.code.lower().replace("-", " ")})
        assert response.status_code == 302 and response.url == page(certificate)

    def test_a_sloppy_code_in_the_url_redirects_to_the_canonical_one(self, client, certificate):
        sloppy = certificate.code.lower().replace("-", "")
        response = client.get(reverse("certificates:verify_code", args=[sloppy]))
        assert response.status_code == 301 and response.url == page(certificate)

    def test_an_unknown_code_says_so_and_reveals_nothing(self, client, certificate):
        response = client.get(reverse("certificates:verify_code", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ"]))
        assert response.status_code == 404
        assert b"No certificate has this code" in response.content
        assert b"Pat Parent" not in response.content and b"First steps" not in response.content

    def test_something_that_is_not_a_code_is_a_form_error(self, client):
        response = client.get(VERIFY, {"code": "<script>alert(1)</script>"})
        assert response.status_code == 400
        assert b"No certificate has this code" in response.content
        assert b"<script>alert(1)" not in response.content
        assert b'aria-describedby="' in response.content

    def test_an_expired_certificate_says_expired(self, client, certificate):
        Certificate.objects.filter(pk=certificate.pk).update(
            completed_at=certificate.completed_at - timedelta(days=400),
            expires_at=certificate.completed_at - timedelta(days=35),
        )
        content = client.get(page(certificate)).content.decode()
        assert "Expired" in content and "expired on" in content

    def test_a_revoked_certificate_shows_the_date_but_not_the_reason(self, client, certificate, staff):
        certificate_revoke(certificate=certificate, by=staff, reason="Confidential fraud note")
        certificate.refresh_from_db()
        content = client.get(page(certificate)).content.decode()
        assert (
            "Revoked" in content and f"revoked by its issuer on {certificate.revoked_at:%-d %B %Y}" in content
        )
        assert "Confidential fraud note" not in content

    def test_a_reissued_certificate_shows_withdrawn(self, client, certificate, staff):
        new = certificate_reissue(certificate=certificate, by=staff)
        content = client.get(page(certificate)).content.decode()
        assert "Withdrawn" in content and "replaced by a corrected one" in content
        # Issue 14 (self-service): the old code's page points to the corrected certificate.
        assert f'href="{page(new)}"' in content
        assert "Valid" in client.get(page(new)).content.decode()

    def test_other_methods_are_refused(self, client, certificate):
        assert client.post(page(certificate)).status_code == 405
        assert client.post(VERIFY).status_code == 405

    def test_the_signing_key_is_published(self, client):
        response = client.get(reverse("certificates:signing_key"))
        assert response.status_code == 200
        document = response.json()
        assert document["verificationMethod"][0]["publicKeyMultibase"] == public_key_multibase()


class TestRateLimit:
    @pytest.fixture(autouse=True)
    def _small_limit(self, settings, clock):
        settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3

    def test_guessing_codes_is_stopped_with_a_friendly_429(self, client, certificate):
        for _ in range(3):
            assert (
                client.get(reverse("certificates:verify_code", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ"])).status_code
                == 404
            )
        response = client.get(page(certificate))
        assert response.status_code == 429
        assert b"Too many checks" in response.content and b"Pat Parent" not in response.content
        assert response["Retry-After"] == "300"

    def test_the_limit_is_per_client(self, client, certificate):
        for _ in range(3):
            client.get(
                reverse("certificates:verify_code", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ"]), REMOTE_ADDR="203.0.113.7"
            )
        assert client.get(page(certificate), REMOTE_ADDR="203.0.113.7").status_code == 429
        assert client.get(page(certificate), REMOTE_ADDR="198.51.100.9").status_code == 200

    def test_checking_a_batch_of_real_certificates_is_not_stopped_by_the_guessing_limit(
        self, client, certificate, settings
    ):
        """Review friction 16: an HR person checks many real codes; only misses count."""
        settings.CERTIFICATE_VERIFY_FOUND_RATE_LIMIT = 20
        for _ in range(20):
            assert client.get(page(certificate)).status_code == 200
        assert client.get(page(certificate)).status_code == 429  # a larger limit, but a limit

    def test_the_typed_form_and_uploads_count_too(self, client):
        client.get(VERIFY, {"code": "nonsense"})
        client.get(VERIFY, {"code": "nonsense"})
        client.post(UPLOAD, {"credential": SimpleUploadedFile("c.json", b"{}")})
        assert client.get(VERIFY, {"code": "nonsense"}).status_code == 429
        assert client.post(UPLOAD, {"credential": SimpleUploadedFile("c.json", b"{}")}).status_code == 429

    def test_the_form_itself_is_never_limited(self, client):
        for _ in range(5):
            assert client.get(VERIFY).status_code == 200

    def test_a_new_window_allows_checks_again(self, client, certificate, clock):
        for _ in range(3):
            client.get(reverse("certificates:verify_code", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ"]))
        assert client.get(page(certificate)).status_code == 429
        clock.advance(minutes=5)
        assert client.get(page(certificate)).status_code == 200


class TestCheckingACredentialFile:
    def upload(self, client, data: bytes, name="credential.json"):
        return client.post(UPLOAD, {"credential": SimpleUploadedFile(name, data, "application/json")})

    def test_a_genuine_file_shows_a_valid_signature_and_the_certificate_status(self, client, certificate):
        response = self.upload(client, json.dumps(credential_for(certificate)).encode())
        content = response.content.decode()
        assert response.status_code == 200
        assert (
            "Valid signature" in content
            and "This certificate is valid" in content
            and "Pat Parent" in content
        )

    def test_an_altered_file_is_reported_invalid(self, client, certificate):
        credential = credential_for(certificate)
        credential["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory Forger"
        content = self.upload(client, json.dumps(credential).encode()).content.decode()
        assert "Invalid signature" in content and "altered or forged" in content
        assert "Valid signature" not in content

    def test_an_altered_file_never_shows_a_green_valid_block_and_names_both_names(self, client, certificate):
        """Review F12: the real certificate's big green "✓ Valid" sat under the forged file."""
        credential = credential_for(certificate)
        credential["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory Forger"
        content = self.upload(client, json.dumps(credential).encode()).content.decode()
        assert "certificate-status-valid" not in content and "✓ Valid" not in content
        assert "The file claims it was awarded to <strong>Mallory Forger</strong>" in content
        assert "the certificate with its code was awarded to <strong>Pat Parent</strong>" in content

    def test_a_valid_file_for_a_revoked_certificate_says_both(self, client, certificate, staff):
        data = json.dumps(credential_for(certificate)).encode()
        certificate_revoke(certificate=certificate, by=staff, reason="Fraud")
        content = self.upload(client, data).content.decode()
        assert "Valid signature" in content and "revoked by its issuer" in content

    def test_a_file_that_is_not_a_credential_is_malformed(self, client):
        content = self.upload(client, b"%PDF-1.4 not json").content.decode()
        assert "Not a readable credential" in content

    def test_no_file_or_a_huge_file_is_a_form_error(self, client):
        assert client.post(UPLOAD, {}).status_code == 400
        response = self.upload(client, b" " * (MAX_CREDENTIAL_BYTES + 1))
        assert response.status_code == 400 and b"too large" in response.content

    def test_get_goes_back_to_the_form(self, client):
        response = client.get(UPLOAD)
        assert response.status_code == 302 and response.url == VERIFY


class TestHostileCredentialFiles:
    """The review's worst uploads (H1, L1): each is refused at once with a 4xx, never a 500 and
    never after seconds of work. The status is asserted, not the time."""

    def upload(self, client, data: bytes):
        return client.post(UPLOAD, {"credential": SimpleUploadedFile("c.json", data, "application/json")})

    def test_a_huge_proof_value_is_refused(self, client, certificate):
        credential = credential_for(certificate)
        credential["proof"]["proofValue"] = "z" + "2" * (250 * 1024)
        response = self.upload(client, json.dumps(credential).encode())
        assert response.status_code == 400

    def test_a_long_proof_value_inside_the_size_limit_is_not_decoded(self, client, certificate):
        credential = credential_for(certificate)
        credential["proof"]["proofValue"] = "z" + "2" * 5000
        response = self.upload(client, json.dumps(credential).encode())
        assert response.status_code == 400 and "Not a readable credential" in response.content.decode()

    def test_a_long_did_key_is_not_decoded(self, client, certificate):
        credential = credential_for(certificate)
        credential["proof"]["verificationMethod"] = "did:key:z" + "2" * 5000
        response = self.upload(client, json.dumps(credential).encode())
        assert response.status_code == 400 and "Not a readable credential" in response.content.decode()

    @pytest.mark.parametrize("data", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 5000 + b"1" + b"}" * 5000])
    def test_deeply_nested_json_is_refused_not_a_500(self, client, data):
        assert self.upload(client, data).status_code == 400

    def test_a_real_credential_with_a_deep_member_is_malformed(self, client, certificate):
        credential = credential_for(certificate)
        credential["credentialSubject"]["deep"] = json.loads("[" * 900 + "]" * 900)
        response = self.upload(client, json.dumps(credential).encode())
        assert response.status_code == 400 and "Not a readable credential" in response.content.decode()

"""Open Badges 3.0: the credential's shape, its eddsa-jcs-2022 signature, and what happens to a
forged, altered or malformed file."""

import base64
import copy
import json
import logging

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from certificates import openbadges
from certificates.models import Certificate
from certificates.openbadges import (
    b58decode,
    b58encode,
    credential_check,
    credential_for,
    credential_sign,
    jcs,
    undefined_terms,
)
from tests.certificates.conftest import complete_module

pytestmark = pytest.mark.usefixtures("course")


@pytest.fixture
def certificate(parent):
    complete_module(parent, "first-steps")
    return Certificate.objects.get(user=parent)


def as_file(document) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


class TestEncodings:
    def test_jcs_sorts_keys_and_drops_whitespace(self):
        assert (
            jcs({"b": [1, {"d": True, "c": None}], "a": "é"})
            == '{"a":"é","b":[1,{"c":null,"d":true}]}'.encode()
        )

    def test_jcs_sorts_by_utf16_code_units_as_rfc_8785_says(self):
        # RFC 8785 section 3.2.3: "\u20ac" (€) sorts before "\ud83d\ude00" (😀) in UTF-16.
        assert jcs({"😀": 1, "€": 2, "\r": 3, "1": 4}) == '{"\\r":3,"1":4,"€":2,"😀":1}'.encode()
        # Code point order would put U+FB01 first; UTF-16 puts the surrogate pair (D83D) first.
        assert jcs({"\ufb01": 1, "😀": 2}) == '{"😀":2,"\ufb01":1}'.encode()

    def test_jcs_escapes_control_characters_only(self):
        assert jcs('a\u0001\n"/\\') == b'"a\\u0001\\n\\"/\\\\"'

    def test_base58_round_trips_and_keeps_leading_zeros(self):
        for data in [b"", b"\0\0abc", bytes(range(64))]:
            assert b58decode(b58encode(data)) == data
        assert b58encode(b"hello world") == "StV1DL6CwTryKyV"

    def test_base58_refuses_text_longer_than_any_key_or_signature(self):
        # Decoding is quadratic in the length: unbounded text would be a denial of service (H1).
        with pytest.raises(ValueError):
            b58decode("2" * 101)


class TestTheCredential:
    def test_it_is_an_open_badge_3_credential(self, certificate):
        credential = credential_for(certificate)
        assert credential["@context"] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert credential["id"] == f"https://onguard.example/verify/{certificate.code}/"
        assert credential["issuer"]["id"].startswith("did:key:z6Mk")
        assert credential["issuer"]["name"] == "OnGuard"
        subject = credential["credentialSubject"]
        assert subject["identifier"][0]["identityHash"] == "Pat Parent"
        assert subject["achievement"]["name"] == "First steps"
        assert subject["achievement"]["criteria"]["narrative"]
        assert credential["proof"]["type"] == "DataIntegrityProof"
        assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
        assert credential["proof"]["proofValue"].startswith("z")

    def test_every_property_is_a_term_of_the_shipped_contexts(self, certificate):
        assert undefined_terms(credential_for(certificate)) == []
        assert undefined_terms({"credentialSubjekt": {}}) == ["credentialSubjekt"]

    def test_an_expiring_certificate_carries_valid_until(self, certificate):
        Certificate.objects.filter(pk=certificate.pk).update(
            expires_at=certificate.completed_at.replace(year=2099)
        )
        certificate.refresh_from_db()
        assert credential_for(certificate)["validUntil"].startswith("2099-")

    def test_the_same_certificate_signs_to_the_same_bytes(self, certificate):
        assert jcs(credential_for(certificate)) == jcs(credential_for(certificate))

    def test_the_signature_is_ed25519_over_the_two_jcs_hashes(self, certificate):
        """An independent check of docs/certificates.md: recompute what was signed."""
        import hashlib

        credential = credential_for(certificate)
        proof = dict(credential.pop("proof"))
        signature = b58decode(proof.pop("proofValue")[1:])
        config = {**proof, "@context": credential["@context"]}
        signed = hashlib.sha256(jcs(config)).digest() + hashlib.sha256(jcs(credential)).digest()
        public = openbadges.signing_key().public_key()
        public.verify(signature, signed)  # raises InvalidSignature if not


class TestChecking:
    def test_a_downloaded_credential_has_a_valid_signature(self, certificate):
        check = credential_check(as_file(credential_for(certificate)))
        assert check.signature == "valid" and check.certificate == certificate

    @pytest.mark.parametrize(
        "path, value",
        [
            (("credentialSubject", "identifier", 0, "identityHash"), "Mallory Forger"),
            (("credentialSubject", "achievement", "name"), "Advanced training"),
            (("validFrom",), "2020-01-01T00:00:00Z"),
            (("issuer", "name"), "Another Charity"),
        ],
    )
    def test_an_altered_credential_is_invalid(self, certificate, path, value):
        credential = credential_for(certificate)
        target = credential
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        assert credential_check(as_file(credential)).signature == "invalid"

    def test_an_added_property_is_invalid(self, certificate):
        credential = credential_for(certificate)
        credential["validUntil"] = "2099-01-01T00:00:00Z"
        assert credential_check(as_file(credential)).signature == "invalid"

    def test_a_forgery_signed_with_another_key_is_not_ours(self, certificate):
        forged = copy.deepcopy(credential_for(certificate))
        forged.pop("proof")
        forged["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory Forger"
        other = Ed25519PrivateKey.generate()
        raw = other.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        did = "did:key:" + "z" + b58encode(b"\xed\x01" + raw)
        forged["issuer"]["id"] = did
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(openbadges, "signing_key", lambda: other)
            signed = credential_sign(forged, created=certificate.issued_at)
        assert signed["proof"]["verificationMethod"].startswith(did)
        assert credential_check(as_file(signed)).signature == "unknown_key"

    def test_our_signature_moved_onto_another_issuer_is_invalid(self, certificate):
        credential = credential_for(certificate)
        credential["issuer"]["id"] = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
        assert credential_check(as_file(credential)).signature == "invalid"

    @pytest.mark.parametrize(
        "data",
        [
            b"",
            b"not json",
            b"\xff\xfe",
            b"[]",
            b'{"@context": [], "type": ["OpenBadgeCredential"], "id": "x", "proof": {}}',
            json.dumps({"hello": "world"}).encode(),
        ],
    )
    def test_anything_that_is_not_a_credential_is_malformed(self, data):
        assert credential_check(data).signature == "malformed"

    def test_a_damaged_proof_is_malformed_or_invalid_never_valid(self, certificate):
        for proof_value in ["z0OIl", "", "abc", "z" + "1" * 88]:
            credential = credential_for(certificate)
            credential["proof"]["proofValue"] = proof_value
            assert credential_check(as_file(credential)).signature in {"malformed", "invalid"}
        credential = credential_for(certificate)
        credential["proof"]["verificationMethod"] = "https://evil.example/key"
        assert credential_check(as_file(credential)).signature == "malformed"

    def test_a_valid_credential_reports_its_certificate_revoked(self, certificate, staff):
        from certificates.services import certificate_revoke

        credential = credential_for(certificate)
        certificate_revoke(certificate=certificate, by=staff, reason="Fraud")
        check = credential_check(as_file(credential))
        assert check.signature == "valid" and check.certificate.status == "revoked"


class TestTheKey:
    def test_a_base64_raw_key_is_used(self, settings):
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        settings.OPENBADGES_SIGNING_KEY = base64.b64encode(raw).decode()
        assert openbadges.public_key_multibase() == openbadges.public_key_multibase(key.public_key())

    def test_a_pem_key_is_used(self, settings):
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        settings.OPENBADGES_SIGNING_KEY = pem.decode()
        assert openbadges.public_key_multibase() == openbadges.public_key_multibase(key.public_key())

    @pytest.mark.parametrize(
        "value",
        [
            "not base64!",
            base64.b64encode(b"short").decode(),
            "-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----",
        ],
    )
    def test_a_bad_key_is_refused(self, settings, value):
        settings.OPENBADGES_SIGNING_KEY = value
        with pytest.raises((ImproperlyConfigured, ValueError)):
            openbadges.signing_key()

    def test_without_a_key_one_is_derived_from_secret_key_with_a_warning(self, settings, caplog):
        settings.OPENBADGES_SIGNING_KEY = ""
        settings.SECRET_KEY = "a-test-secret-key-that-nobody-else-uses"
        with caplog.at_level(logging.WARNING, logger="certificates.openbadges"):
            first = openbadges.public_key_multibase()
        assert "OPENBADGES_SIGNING_KEY is not set" in caplog.text
        assert openbadges.public_key_multibase() == first
        settings.SECRET_KEY = "another-secret-key-entirely-different"
        assert openbadges.public_key_multibase() != first

    def test_the_deploy_check_warns_when_the_key_is_not_set(self, settings):
        from certificates.checks import signing_key_is_set, signing_key_is_usable

        settings.OPENBADGES_SIGNING_KEY = ""
        assert [w.id for w in signing_key_is_set(None)] == ["certificates.W001"]
        settings.OPENBADGES_SIGNING_KEY = "nonsense"
        assert [e.id for e in signing_key_is_usable(None)] == ["certificates.E001"]

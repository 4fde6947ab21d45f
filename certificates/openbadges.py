"""Open Badges 3.0 credentials: a certificate as a signed W3C Verifiable Credential.

The credential is an `OpenBadgeCredential` (JSON-LD, VC Data Model 2.0) whose proof is a
`DataIntegrityProof` with the `eddsa-jcs-2022` cryptosuite (W3C Data Integrity EdDSA
Cryptosuites v1.0): JSON Canonicalization Scheme (RFC 8785) instead of RDF canonicalisation, an
Ed25519 signature, and the public key as a `did:key`, so anyone can check a credential offline.
docs/certificates.md describes the exact bytes that are signed.

Nothing here fetches anything: the two JSON-LD contexts the credential names are shipped in
certificates/contexts/ and used only to check that every property is a defined term.
"""

import base64
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .codes import normalise
from .models import Certificate

logger = logging.getLogger(__name__)

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT_FILES = {
    VC_V2_CONTEXT: "credentials-v2.json",
    OB_V3_CONTEXT: "ob-v3p0-context-3.0.3.json",
}
CRYPTOSUITE = "eddsa-jcs-2022"
# A genuine credential is about 2 KB; 16 KB leaves room for a long summary and name.
MAX_CREDENTIAL_BYTES = 16 * 1024
# Base58 decoding is quadratic in the length, so untrusted text is measured before it is decoded:
# an Ed25519 signature is at most 88 characters and a did:key verification method about 105.
MAX_PROOF_VALUE = 100
MAX_VERIFICATION_METHOD = 128
MAX_B58_CHARS = 100
# No credential nests deeper than 6; the checks below walk the document recursively.
MAX_JSON_DEPTH = 20
_ED25519_PUB_MULTICODEC = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


# --- Encodings -------------------------------------------------------------------------------


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    if len(text) > MAX_B58_CHARS:
        raise ValueError("base58 text too long")  # quadratic cost: never decode unbounded input
    n = 0
    for ch in text:
        n = n * 58 + _B58.index(ch)  # ValueError on a character outside the alphabet
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def jcs(value) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme: keys sorted by UTF-16 code units, no whitespace,
    minimal string escaping (what `json.dumps(ensure_ascii=False)` does), UTF-8."""
    return _jcs(value).encode("utf-8")


def _jcs(value) -> str:
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: kv[0].encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _jcs(v) for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_jcs(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))  # ECMAScript prints 2.0 as 2
    return json.dumps(value, ensure_ascii=False)


def _iso(moment) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- The signing key -------------------------------------------------------------------------


def signing_key() -> Ed25519PrivateKey:
    return _load_key(settings.OPENBADGES_SIGNING_KEY, settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _load_key(configured: str, secret_key: str) -> Ed25519PrivateKey:
    configured = configured.strip().replace("\\n", "\n")
    if configured.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(configured.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured("OPENBADGES_SIGNING_KEY must be an Ed25519 private key.")
        return key
    if configured:
        try:
            raw = base64.b64decode(configured, validate=True)
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise ImproperlyConfigured("OPENBADGES_SIGNING_KEY must be base64 of 32 bytes, or a PEM key.")
        return Ed25519PrivateKey.from_private_bytes(raw)
    logger.warning(
        "OPENBADGES_SIGNING_KEY is not set: Open Badges are signed with a key derived from "
        "SECRET_KEY. Set a key of its own in production (README.md says how)."
    )
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(b"onguard-openbadges-signing-key:" + secret_key.encode()).digest()
    )


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_multibase(key: Ed25519PublicKey | None = None) -> str:
    key = key or signing_key().public_key()
    return "z" + b58encode(_ED25519_PUB_MULTICODEC + _raw_public(key))


def issuer_did() -> str:
    return "did:key:" + public_key_multibase()


def verification_method() -> str:
    return f"{issuer_did()}#{public_key_multibase()}"


def did_document() -> dict:
    """The did:key document for the signing key, published at /verify/signing-key/."""
    did, method = issuer_did(), verification_method()
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_key_multibase(),
            }
        ],
        "assertionMethod": [method],
    }


# --- Building and signing --------------------------------------------------------------------


def credential_build(certificate: Certificate) -> dict:
    """The unsigned OpenBadgeCredential for a certificate, from its snapshot."""
    site = settings.SITE_URL.rstrip("/")
    item = certificate.item
    if certificate.is_track:
        achievement_id = f"{site}/#track-{item.slug}"
        criteria = "Complete every module of the track: its lessons and its scenario quiz."
    else:
        achievement_id = site + item.get_absolute_url()
        criteria = "Complete every lesson of the module and pass its scenario quiz."
    credential = {
        "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
        "id": certificate.verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.item_title,
        "issuer": {
            "id": issuer_did(),
            "type": ["Profile"],
            "name": certificate.issuer_name,
            "url": site + "/",
        },
        "validFrom": _iso(certificate.issued_at),
        "awardedDate": _iso(certificate.completed_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.learner_name,
                }
            ],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": certificate.item_title,
                "description": item.summary,
                "criteria": {"narrative": criteria},
                "version": certificate.content_version,
            },
        },
    }
    if certificate.expires_at:
        credential["validUntil"] = _iso(certificate.expires_at)
    return credential


def _hash_data(document: dict, proof_options: dict) -> bytes:
    config = {**proof_options, "@context": document["@context"]}
    return hashlib.sha256(jcs(config)).digest() + hashlib.sha256(jcs(document)).digest()


def credential_sign(document: dict, *, created) -> dict:
    """`document` with an eddsa-jcs-2022 DataIntegrityProof. Ed25519 is deterministic and
    `created` is the issue time, so the same certificate always yields the same bytes."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _iso(created),
        "verificationMethod": verification_method(),
        "proofPurpose": "assertionMethod",
    }
    signature = signing_key().sign(_hash_data(document, options))
    return {**document, "proof": {**options, "proofValue": "z" + b58encode(signature)}}


def credential_for(certificate: Certificate) -> dict:
    return credential_sign(credential_build(certificate), created=certificate.issued_at)


# --- Checking an uploaded credential ---------------------------------------------------------


@dataclass
class CredentialCheck:
    """`signature` is one of: valid, invalid (forged or altered), unknown_key (a valid
    signature by a key that is not this site's), malformed (not a credential we can read)."""

    signature: str
    code: str | None = None
    certificate: Certificate | None = None
    # Who the file says it was awarded to: shown beside our record when the two disagree.
    claimed_name: str = ""


_CODE_IN_ID = re.compile(r"/verify/([0-9A-Za-z-]{16,24})/?$")


def credential_check(data: bytes) -> CredentialCheck:
    if len(data) > MAX_CREDENTIAL_BYTES:
        return CredentialCheck("malformed")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return CredentialCheck("malformed")
    if _depth(document) > MAX_JSON_DEPTH or not _looks_like_credential(document):
        return CredentialCheck("malformed")
    match = _CODE_IN_ID.search(document["id"])
    code = normalise(match.group(1)) if match else None
    check = CredentialCheck(_signature_status(document), code=code, claimed_name=_claimed_name(document))
    if code and check.signature != "malformed":
        check.certificate = (
            Certificate.objects.select_related("module", "track", "replaced_by").filter(code=code).first()
        )
    return check


def _claimed_name(document: dict) -> str:
    """The learner's name as the file states it, if it states one as text (at most 150
    characters, as names are)."""
    try:
        name = document["credentialSubject"]["identifier"][0]["identityHash"]
    except (KeyError, IndexError, TypeError):
        return ""
    return name[:150] if isinstance(name, str) else ""


def _depth(document) -> int:
    """How deeply `document` nests, measured without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


def _looks_like_credential(document) -> bool:
    if not isinstance(document, dict):
        return False
    proof = document.get("proof")
    types = document.get("type")
    return (
        isinstance(document.get("id"), str)
        and isinstance(types, list)
        and "OpenBadgeCredential" in types
        and isinstance(document.get("@context"), list)
        and document["@context"][:1] == [VC_V2_CONTEXT]
        and isinstance(proof, dict)
        and all(
            isinstance(proof.get(k), str) for k in ["type", "cryptosuite", "verificationMethod", "proofValue"]
        )
        and len(proof["proofValue"]) <= MAX_PROOF_VALUE
        and len(proof["verificationMethod"]) <= MAX_VERIFICATION_METHOD
    )


def _signature_status(document: dict) -> str:
    proof = dict(document["proof"])
    if proof["type"] != "DataIntegrityProof" or proof["cryptosuite"] != CRYPTOSUITE:
        return "malformed"
    value = proof.pop("proofValue")
    if "@context" in proof and proof.pop("@context") != document["@context"]:
        return "invalid"
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    try:
        public_key = _did_key_public(proof["verificationMethod"])
        signature = b58decode(value[1:]) if value.startswith("z") else b""
        hash_data = _hash_data(unsigned, proof)
    except (ValueError, UnicodeEncodeError):
        return "malformed"
    try:
        public_key.verify(signature, hash_data)
    except InvalidSignature:
        return "invalid"
    issuer = unsigned.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != proof["verificationMethod"].split("#")[0]:
        return "invalid"  # signed by a key its issuer does not control
    if _raw_public(public_key) != _raw_public(signing_key().public_key()):
        return "unknown_key"
    return "valid"


def _did_key_public(method: str) -> Ed25519PublicKey:
    did, _, fragment = method.partition("#")
    if not did.startswith("did:key:z") or (fragment and fragment != did[len("did:key:") :]):
        raise ValueError("not an Ed25519 did:key")
    decoded = b58decode(did[len("did:key:z") :])
    if not decoded.startswith(_ED25519_PUB_MULTICODEC) or len(decoded) != 34:
        raise ValueError("not an Ed25519 did:key")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


# --- The contexts, as static data ------------------------------------------------------------


@lru_cache(maxsize=1)
def defined_terms() -> frozenset[str]:
    """Every term the shipped VC 2.0 and OB 3.0 contexts define, scoped contexts included."""
    terms: set[str] = set()

    def collect(context):
        if isinstance(context, dict):
            for term, definition in context.items():
                if not term.startswith("@"):
                    terms.add(term)
                if isinstance(definition, dict) and "@context" in definition:
                    collect(definition["@context"])

    for filename in CONTEXT_FILES.values():
        collect(json.loads((Path(__file__).parent / "contexts" / filename).read_text())["@context"])
    return frozenset(terms)


def undefined_terms(document) -> list[str]:
    """Properties of `document` that neither context defines (a typo, or an invented term)."""
    missing: list[str] = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "@context":
                    continue
                if not key.startswith("@") and key not in defined_terms():
                    missing.append(f"{path}{key}")
                walk(item, f"{path}{key}.")
        elif isinstance(value, list):
            for item in value:
                walk(item, path)

    walk(document, "")
    return missing

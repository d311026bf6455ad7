"""X.509 checks for UploadServerCertificate and UploadSigningCertificate, with `cryptography`.

Pure: the certificate texts and the current time come in, facts or an AWS-style error come
out. What AWS checks ("Managing server certificates in IAM"): every text is PEM; the private
key is unencrypted and belongs to the certificate; the chain, when given, starts with the
certificate's issuer and each certificate in it is signed by the next; the certificate is
valid now.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from iamstore.node.domain.errors import InvalidCertificate, KeyPairMismatch, MalformedCertificate

# Real chains hold two to four certificates; this bounds the work one upload can ask for.
MAX_CHAIN_CERTIFICATES = 10
_PEM_END = "-----END CERTIFICATE-----"


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    not_before_ms: int
    expiration_ms: int
    fingerprint: str  # SHA-256 of the DER encoding, hex


def _load(text: str, field: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(text.strip().encode())
    except (ValueError, UnsupportedAlgorithm):
        raise MalformedCertificate(f"Unable to parse certificate in `{field}`.", field) from None


def _facts(certificate: x509.Certificate) -> CertificateFacts:
    return CertificateFacts(
        not_before_ms=int(certificate.not_valid_before_utc.timestamp() * 1000),
        expiration_ms=int(certificate.not_valid_after_utc.timestamp() * 1000),
        fingerprint=hashlib.sha256(
            certificate.public_bytes(serialization.Encoding.DER)
        ).hexdigest(),
    )


def _check_valid_now(
    facts: CertificateFacts, now_ms: int, error: type[MalformedCertificate | InvalidCertificate]
) -> None:
    if now_ms >= facts.expiration_ms:
        raise error("The certificate has expired.", "CertificateBody")
    if now_ms < facts.not_before_ms:
        raise error("The certificate is not yet valid.", "CertificateBody")


def _split_chain(chain: str) -> list[str]:
    parts = [p.strip() + "\n" + _PEM_END for p in chain.split(_PEM_END) if p.strip()]
    if len(parts) > MAX_CHAIN_CERTIFICATES:
        raise MalformedCertificate(
            f"a certificate chain holds at most {MAX_CHAIN_CERTIFICATES} certificates",
            "CertificateChain",
        )
    return parts


def _check_link(child: x509.Certificate, issuer: x509.Certificate, field: str) -> None:
    try:
        child.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        raise MalformedCertificate(
            "The certificate chain is not in order or not valid: each certificate must be "
            "signed by the one after it, starting with the certificate's issuer.",
            field,
        ) from None


def _check_key(certificate: x509.Certificate, private_key: str) -> None:
    try:
        key = serialization.load_pem_private_key(private_key.strip().encode(), password=None)
    except TypeError:  # an encrypted key: AWS requires it unencrypted
        raise MalformedCertificate("The private key must not be encrypted.", "PrivateKey") from None
    except (ValueError, UnsupportedAlgorithm):
        raise MalformedCertificate("Unable to parse private key.", "PrivateKey") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise MalformedCertificate("The private key must be an RSA or ECDSA key.", "PrivateKey")
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    ours = key.public_key().public_bytes(serialization.Encoding.DER, public)
    theirs = certificate.public_key().public_bytes(serialization.Encoding.DER, public)
    if ours != theirs:
        raise KeyPairMismatch("The private key does not match the certificate.", "PrivateKey")


def check_server_certificate(
    body: str, private_key: str, chain: str | None, now_ms: int
) -> CertificateFacts:
    certificate = _load(body, "CertificateBody")
    _check_key(certificate, private_key)
    if chain is not None and chain.strip():
        child = certificate
        for text in _split_chain(chain):
            issuer = _load(text, "CertificateChain")
            _check_link(child, issuer, "CertificateChain")
            child = issuer
    facts = _facts(certificate)
    # UploadServerCertificate's model has no InvalidCertificate: AWS answers MalformedCertificate.
    _check_valid_now(facts, now_ms, MalformedCertificate)
    return facts


def check_signing_certificate(body: str, now_ms: int) -> CertificateFacts:
    facts = _facts(_load(body, "CertificateBody"))
    _check_valid_now(facts, now_ms, InvalidCertificate)
    return facts

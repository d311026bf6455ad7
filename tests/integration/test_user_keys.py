"""Users' signing certificates and SSH public keys."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from iamstore.client import (
    Client,
    DeleteConflictError,
    DuplicateCertificateError,
    DuplicateSSHPublicKeyError,
    InvalidCertificateError,
    InvalidPublicKeyError,
    LimitExceededError,
    MalformedCertificateError,
    NoSuchEntityError,
    NotSupportedServiceError,
    UnrecognizedPublicKeyEncodingError,
)

NOW = datetime.datetime.now(datetime.UTC)


def self_signed(days: int = 30, start_days: int = -1) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "signer")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + datetime.timedelta(days=start_days))
        .not_valid_after(NOW + datetime.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def openssh(bits: int = 2048) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )


def test_signing_certificate_lifecycle(iam: Client) -> None:
    iam.create_user(user_name="u")
    body = self_signed()
    made = iam.upload_signing_certificate(user_name="u", certificate_body=body).certificate
    assert (made.user_name, made.status, made.certificate_body) == ("u", "Active", body)
    assert len(made.certificate_id) == 24
    iam.update_signing_certificate(
        user_name="u", certificate_id=made.certificate_id, status="Inactive"
    )
    listed = iam.list_signing_certificates(user_name="u").certificates
    assert [(c.certificate_id, c.status) for c in listed] == [(made.certificate_id, "Inactive")]
    with pytest.raises(DeleteConflictError):
        iam.delete_user(user_name="u")
    iam.delete_signing_certificate(user_name="u", certificate_id=made.certificate_id)
    assert iam.list_signing_certificates(user_name="u").certificates == ()
    with pytest.raises(NoSuchEntityError):
        iam.delete_signing_certificate(user_name="u", certificate_id=made.certificate_id)
    iam.delete_user(user_name="u")


def test_signing_certificate_rules(iam: Client) -> None:
    iam.create_user(user_name="u")
    iam.create_user(user_name="v")
    body = self_signed()
    iam.upload_signing_certificate(user_name="u", certificate_body=body)
    with pytest.raises(DuplicateCertificateError):  # the same certificate, any user of the account
        iam.upload_signing_certificate(user_name="v", certificate_body=body)
    iam.upload_signing_certificate(user_name="u", certificate_body=self_signed())
    with pytest.raises(LimitExceededError):
        iam.upload_signing_certificate(user_name="u", certificate_body=self_signed())
    with pytest.raises(MalformedCertificateError):
        iam.upload_signing_certificate(user_name="v", certificate_body="garbage")
    with pytest.raises(InvalidCertificateError):
        iam.upload_signing_certificate(
            user_name="v", certificate_body=self_signed(days=-1, start_days=-5)
        )
    assert iam.list_signing_certificates(user_name="v").certificates == ()
    # another user's certificate id does not exist for this user
    (theirs, *_) = iam.list_signing_certificates(user_name="u").certificates
    with pytest.raises(NoSuchEntityError):
        iam.update_signing_certificate(
            user_name="v", certificate_id=theirs.certificate_id, status="Inactive"
        )
    # The account root naming no user acts on its own certificates (AWS documents it), never
    # on a user's: it has none, and a user's certificate id is not one of its own.
    assert iam.list_signing_certificates().certificates == ()
    with pytest.raises(NoSuchEntityError):
        iam.delete_signing_certificate(certificate_id=theirs.certificate_id)
    assert len(iam.list_signing_certificates(user_name="u").certificates) == 2


def test_ssh_public_key_lifecycle_and_encodings(iam: Client) -> None:
    iam.create_user(user_name="u")
    body = openssh()
    made = iam.upload_ssh_public_key(user_name="u", ssh_public_key_body=body).ssh_public_key
    assert made.ssh_public_key_id.startswith("APKA")
    assert made.ssh_public_key_body == body
    assert len(made.fingerprint.split(":")) == 16
    pem = iam.get_ssh_public_key(
        user_name="u", ssh_public_key_id=made.ssh_public_key_id, encoding="PEM"
    )
    assert pem.ssh_public_key.ssh_public_key_body.startswith("-----BEGIN PUBLIC KEY-----")
    # PEM uploads are accepted and the same key is then a duplicate
    with pytest.raises(DuplicateSSHPublicKeyError):
        iam.upload_ssh_public_key(
            user_name="u", ssh_public_key_body=pem.ssh_public_key.ssh_public_key_body
        )
    iam.update_ssh_public_key(
        user_name="u", ssh_public_key_id=made.ssh_public_key_id, status="Inactive"
    )
    listed = iam.list_ssh_public_keys(user_name="u").ssh_public_keys
    assert [(k.ssh_public_key_id, k.status) for k in listed] == [
        (made.ssh_public_key_id, "Inactive")
    ]
    with pytest.raises(DeleteConflictError):
        iam.delete_user(user_name="u")
    iam.delete_ssh_public_key(user_name="u", ssh_public_key_id=made.ssh_public_key_id)
    with pytest.raises(NoSuchEntityError):
        iam.get_ssh_public_key(
            user_name="u", ssh_public_key_id=made.ssh_public_key_id, encoding="SSH"
        )


def test_ssh_public_key_rules(iam: Client) -> None:
    iam.create_user(user_name="u")
    with pytest.raises(InvalidPublicKeyError):
        iam.upload_ssh_public_key(user_name="u", ssh_public_key_body=openssh(1024))
    ed = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    with pytest.raises(InvalidPublicKeyError):
        iam.upload_ssh_public_key(user_name="u", ssh_public_key_body=ed)
    with pytest.raises(UnrecognizedPublicKeyEncodingError):
        iam.upload_ssh_public_key(user_name="u", ssh_public_key_body="AAAAB3NzaC1yc2E")
    with pytest.raises(InvalidPublicKeyError):
        iam.upload_ssh_public_key(user_name="u", ssh_public_key_body="ssh-rsa notbase64")
    for _ in range(5):
        iam.upload_ssh_public_key(user_name="u", ssh_public_key_body=openssh())
    with pytest.raises(LimitExceededError):
        iam.upload_ssh_public_key(user_name="u", ssh_public_key_body=openssh())
    assert len(iam.list_ssh_public_keys(user_name="u").ssh_public_keys) == 5


def test_service_specific_credentials(iam: Client) -> None:
    account = iam.get_user().user.arn.split(":")[4]
    iam.create_user(user_name="dev")
    made = iam.create_service_specific_credential(
        user_name="dev", service_name="codecommit.amazonaws.com"
    ).service_specific_credential
    assert made.service_user_name == f"dev-at-{account}"
    assert made.service_password is not None
    assert len(made.service_password) == 44
    assert made.service_specific_credential_id.startswith("ACCA")
    assert made.status == "Active"
    second = iam.create_service_specific_credential(
        user_name="dev", service_name="codecommit.amazonaws.com"
    ).service_specific_credential
    assert second.service_user_name == f"dev+1-at-{account}"
    with pytest.raises(LimitExceededError):
        iam.create_service_specific_credential(
            user_name="dev", service_name="codecommit.amazonaws.com"
        )
    with pytest.raises(NotSupportedServiceError):
        iam.create_service_specific_credential(user_name="dev", service_name="s3.amazonaws.com")
    key = iam.create_service_specific_credential(
        user_name="dev", service_name="bedrock.amazonaws.com", credential_age_days=30
    ).service_specific_credential
    assert key.service_credential_secret is not None
    assert key.service_password is None
    assert key.expiration_date is not None
    reset = iam.reset_service_specific_credential(
        user_name="dev", service_specific_credential_id=made.service_specific_credential_id
    ).service_specific_credential
    assert reset.service_password not in (None, made.service_password)
    iam.update_service_specific_credential(
        user_name="dev",
        service_specific_credential_id=made.service_specific_credential_id,
        status="Inactive",
    )
    listed = iam.list_service_specific_credentials(
        user_name="dev", service_name="codecommit.amazonaws.com"
    )
    assert [
        (c.service_specific_credential_id, c.status) for c in listed.service_specific_credentials
    ] == [
        (made.service_specific_credential_id, "Inactive"),
        (second.service_specific_credential_id, "Active"),
    ]
    assert "service_password" not in repr(listed)
    iam.create_user(user_name="ops")
    iam.create_service_specific_credential(user_name="ops", service_name="cassandra.amazonaws.com")
    everyone = iam.list_service_specific_credentials(all_users=True)
    assert {c.user_name for c in everyone.service_specific_credentials} == {"dev", "ops"}
    with pytest.raises(DeleteConflictError):
        iam.delete_user(user_name="ops")
    with pytest.raises(NoSuchEntityError):  # another user's credential
        iam.delete_service_specific_credential(
            user_name="ops", service_specific_credential_id=made.service_specific_credential_id
        )
    iam.delete_service_specific_credential(
        user_name="dev", service_specific_credential_id=made.service_specific_credential_id
    )
    assert (
        len(iam.list_service_specific_credentials(user_name="dev").service_specific_credentials)
        == 2
    )


def test_service_passwords_are_never_stored(iam: Client, iam_node: object) -> None:
    iam.create_user(user_name="git")
    made = iam.create_service_specific_credential(
        user_name="git", service_name="codecommit.amazonaws.com"
    ).service_specific_credential
    secret = (made.service_password or "").encode()
    assert secret
    data_dir = iam_node.config.data_dir  # type: ignore[attr-defined]
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), path

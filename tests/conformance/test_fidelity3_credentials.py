"""Fidelity of credential checks in the emulator, as an AWS user's test suite meets them with
boto3: keys the emulator issued must act as AWS's do for their whole life, deletion included
(each difference an xfail naming its source)."""

from __future__ import annotations

import datetime
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from iamstore.cluster.pytest_plugin import RunningEmulator


def _issued_key(iam: Any) -> dict[str, str]:
    iam.create_user(UserName="rotating")
    key: dict[str, str] = iam.create_access_key(UserName="rotating")["AccessKey"]
    return key


def _sts_with(key: dict[str, str]) -> Any:
    return boto3.client(
        "sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )


def _caller_arn_once_known(sts: Any) -> str:
    """GetCallerIdentity's Arn, retried briefly while the node takes the new key in."""
    for _ in range(50):
        try:
            arn: str = sts.get_caller_identity()["Arn"]
            return arn
        except ClientError:
            time.sleep(0.1)
    arn = sts.get_caller_identity()["Arn"]
    return arn


def test_an_issued_key_acts_as_its_user(iamstore_aws: RunningEmulator) -> None:
    key = _issued_key(boto3.client("iam"))
    assert _caller_arn_once_known(_sts_with(key)) == "arn:aws:iam::123456789012:user/rotating"


def test_a_deactivated_key_is_refused(iamstore_aws: RunningEmulator) -> None:
    iam = boto3.client("iam")
    key = _issued_key(iam)
    sts = _sts_with(key)
    _caller_arn_once_known(sts)
    iam.update_access_key(UserName="rotating", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as refused:
        sts.get_caller_identity()
    assert refused.value.response["Error"]["Code"] == "InvalidClientTokenId"


# IAM API Reference, Common Errors
# (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html): InvalidClientTokenId
# (403), "The X.509 certificate or AWS access key ID provided does not exist in our records";
# IAM User Guide, "Manage access keys for IAM users"
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html): a deleted
# key is gone for good. The emulator documents that keys it issued act as themselves, yet once
# such a key is deleted it is taken for an unknown dummy key and acts as the account's root:
# a test suite checking that a rotated-out key no longer works sees it succeed, with every
# permission.
def test_a_deleted_key_is_refused(iamstore_aws: RunningEmulator) -> None:
    iam = boto3.client("iam")
    key = _issued_key(iam)
    sts = _sts_with(key)
    _caller_arn_once_known(sts)
    iam.delete_access_key(UserName="rotating", AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as refused:
        sts.get_caller_identity()
    assert refused.value.response["Error"]["Code"] == "InvalidClientTokenId"


CERTIFICATE_VALIDITY = 30  # days


def _self_signed_certificate_pem() -> str:
    """A fresh self-signed X.509 certificate (RSA 2048), valid from now."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "root signing")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CERTIFICATE_VALIDITY))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def test_the_root_manages_its_own_access_keys_without_a_user_name(
    iamstore_aws: RunningEmulator,
) -> None:
    iam = boto3.client("iam")
    key_id = iam.create_access_key()["AccessKey"]["AccessKeyId"]
    iam.update_access_key(AccessKeyId=key_id, Status="Inactive")
    # The emulator's root already holds the key the node made for it at start.
    statuses = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys()["AccessKeyMetadata"]}
    assert statuses[key_id] == "Inactive"
    iam.delete_access_key(AccessKeyId=key_id)
    assert key_id not in {k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]}


# IAM API Reference, UploadSigningCertificate, ListSigningCertificates,
# UpdateSigningCertificate, DeleteSigningCertificate
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadSigningCertificate.html and
# the pages beside it): "If the UserName is not specified, the IAM user name is determined
# implicitly based on the AWS access key ID used to sign the request. This operation works for
# access keys under the AWS account. Consequently, you can use this operation to manage AWS
# account root user credentials even if the AWS account has no associated users." iamstore
# answered the root with ValidationError ("Must specify userName when calling with non-User
# credentials"), as a role session still is, although it let the root manage its own access
# keys the same way (the baseline above).
def test_the_root_manages_its_own_signing_certificates_without_a_user_name(
    iamstore_aws: RunningEmulator,
) -> None:
    iam = boto3.client("iam")
    uploaded = iam.upload_signing_certificate(CertificateBody=_self_signed_certificate_pem())
    certificate_id = uploaded["Certificate"]["CertificateId"]
    listed = iam.list_signing_certificates()["Certificates"]
    assert [c["CertificateId"] for c in listed] == [certificate_id]
    assert iam.get_account_summary()["SummaryMap"]["AccountSigningCertificatesPresent"] == 1
    iam.update_signing_certificate(CertificateId=certificate_id, Status="Inactive")
    (listed,) = iam.list_signing_certificates()["Certificates"]
    assert listed["Status"] == "Inactive"
    iam.delete_signing_certificate(CertificateId=certificate_id)
    assert iam.list_signing_certificates()["Certificates"] == []
    assert iam.get_account_summary()["SummaryMap"]["AccountSigningCertificatesPresent"] == 0

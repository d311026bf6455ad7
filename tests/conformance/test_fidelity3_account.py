"""Fidelity of GetAccountSummary and service-linked roles, checked with boto3 against the
emulator: where iamstore and AWS's documentation disagree (each an xfail naming its source)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from iamstore.cluster.pytest_plugin import RunningEmulator

ACCOUNT = "123456789012"


def _iam() -> Any:
    return boto3.client("iam")


def _totp(seed_base32: str, at_s: float) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits), as an authenticator app shows it."""
    digest = hmac.new(
        base64.b32decode(seed_base32), struct.pack(">Q", int(at_s) // 30), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def _user_with_virtual_mfa(iam: Any) -> str:
    iam.create_user(UserName="mfa-user")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="mfa-user")["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode()
    now = time.time()
    iam.enable_mfa_device(
        UserName="mfa-user",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=_totp(seed, now - 30),
        AuthenticationCode2=_totp(seed, now),
    )
    serial: str = device["SerialNumber"]
    return serial


def test_an_enabled_virtual_mfa_device_is_listed(iamstore_aws: RunningEmulator) -> None:
    # The baseline of the summary xfail below: the device exists and is in use.
    iam = _iam()
    serial = _user_with_virtual_mfa(iam)
    devices = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert [d["SerialNumber"] for d in devices] == [serial]
    assert devices[0]["User"]["UserName"] == "mfa-user"


# AWS IAM API Reference, GetAccountSummary
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html): the
# SummaryMap counts the account's MFA devices (`MFADevices`) and those assigned to an identity
# (`MFADevicesInUse`); the AWS CLI Command Reference's `aws iam get-account-summary` example
# (https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-summary.html) shows
# `"MFADevices": 3, "MFADevicesInUse": 1`. iamstore answered 0 for both whatever devices existed.
def test_account_summary_counts_mfa_devices(iamstore_aws: RunningEmulator) -> None:
    iam = _iam()
    _user_with_virtual_mfa(iam)
    iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")
    summary = iam.get_account_summary()["SummaryMap"]
    assert (summary["MFADevices"], summary["MFADevicesInUse"]) == (2, 1)


# botocore's IAM model, shape summaryKeyType (the SummaryMap's keys), and the same API page:
# the keys include InstanceProfiles, InstanceProfilesQuota, Providers, ServerCertificates,
# ServerCertificatesQuota, SigningCertificatesPerUserQuota and
# AccountSigningCertificatesPresent (all in the CLI example above). iamstore left these
# out, so code that reads `SummaryMap["InstanceProfiles"]` (quota dashboards, compliance
# scanners) raises KeyError.
def test_account_summary_has_every_documented_entry(iamstore_aws: RunningEmulator) -> None:
    iam = _iam()
    iam.create_instance_profile(InstanceProfileName="web")
    summary = iam.get_account_summary()["SummaryMap"]
    documented = {
        "InstanceProfiles",
        "InstanceProfilesQuota",
        "Providers",
        "ServerCertificates",
        "ServerCertificatesQuota",
        "SigningCertificatesPerUserQuota",
        "AccountSigningCertificatesPresent",
    }
    assert sorted(documented - summary.keys()) == []
    assert summary["InstanceProfiles"] == 1


# The services' own guides name their service-linked roles; iamstore capitalized each word of
# the service prefix instead, so code that references a role's documented ARN (Terraform,
# CloudFormation, an Auto Scaling group's ServiceLinkedRoleARN) found nothing:
# - Amazon EC2 Auto Scaling User Guide, "Service-linked roles for Amazon EC2 Auto Scaling"
#   (https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html):
#   AWSServiceRoleForAutoScaling (iamstore: AWSServiceRoleForAutoscaling);
# - Elastic Load Balancing User Guide, "Elastic Load Balancing service-linked role"
#   (https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-service-linked-roles.html):
#   AWSServiceRoleForElasticLoadBalancing (iamstore: AWSServiceRoleForElasticloadbalancing).
@pytest.mark.parametrize(
    ("service", "role_name"),
    [
        ("autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling"),
        ("elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing"),
    ],
)
def test_service_linked_role_has_the_name_its_service_documents(
    iamstore_aws: RunningEmulator, service: str, role_name: str
) -> None:
    role = _iam().create_service_linked_role(AWSServiceName=service)["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/{service}/{role_name}"


# Elastic Load Balancing User Guide, same page: "The role permissions policy is
# AWSElasticLoadBalancingServiceRolePolicy" (AWS attaches the service's managed policy when it
# creates the role). iamstore created the role with no policy attached.
def test_service_linked_role_carries_its_service_policy(iamstore_aws: RunningEmulator) -> None:
    iam = _iam()
    role = iam.create_service_linked_role(AWSServiceName="elasticloadbalancing.amazonaws.com")
    attached = iam.list_attached_role_policies(RoleName=role["Role"]["RoleName"])
    assert [p["PolicyName"] for p in attached["AttachedPolicies"]] == [
        "AWSElasticLoadBalancingServiceRolePolicy"
    ]


def test_an_account_alias_of_digits_and_letters_is_accepted(
    iamstore_aws: RunningEmulator,
) -> None:
    iam = _iam()
    iam.create_account_alias(AccountAlias="team-2026")
    assert iam.list_account_aliases()["AccountAliases"] == ["team-2026"]


# IAM User Guide, "IAM and AWS STS quotas, name requirements, and character limits", IAM name
# requirements (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html):
# an account alias "cannot be a 12-digit number" (it would read as an account id in the
# sign-in URL). iamstore accepted `210987654321` as an alias and replaced the account's alias
# with it (node/domain/aliases.py now refuses it).
def test_an_account_alias_cannot_be_a_twelve_digit_number(iamstore_aws: RunningEmulator) -> None:
    iam = _iam()
    iam.create_account_alias(AccountAlias="team-2026")
    with pytest.raises(ClientError) as refused:
        iam.create_account_alias(AccountAlias="210987654321")
    assert refused.value.response["Error"]["Code"] in {"ValidationError", "InvalidInput"}
    assert iam.list_account_aliases()["AccountAliases"] == ["team-2026"]

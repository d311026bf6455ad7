"""Fidelity of IAM's own rules over the Query protocol, checked as an AWS user would with
boto3: where iamstore and AWS's IAM documentation disagree (each an xfail naming its source)."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from iamstore.cluster.pytest_plugin import RunningEmulator


def _iam() -> Any:
    return boto3.client("iam")


def _as_new_user(iam: Any, user_name: str) -> Any:
    """An IAM client signing as a fresh user of the account, with no policy of its own."""
    iam.create_user(UserName=user_name)
    key = iam.create_access_key(UserName=user_name)["AccessKey"]
    client = boto3.client(
        "iam",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    # The emulator knows a key it issued as soon as CreateAccessKey answered; a first call
    # confirms the signature is accepted before the test asks its question.
    for _ in range(50):
        try:
            client.get_user()
        except ClientError as error:
            if error.response["Error"]["Code"] == "AccessDenied":
                return client
            time.sleep(0.1)
    return client


def test_allow_users_to_change_password_lets_a_user_change_its_password(
    iamstore_aws: RunningEmulator,
) -> None:
    # The baseline of the xfail below: the setting grants iam:ChangePassword on oneself.
    iam = _iam()
    iam.update_account_password_policy(AllowUsersToChangePassword=True)
    user = _as_new_user(iam, "carol")
    iam.create_login_profile(UserName="carol", Password="Correct-Horse-1")
    user.change_password(OldPassword="Correct-Horse-1", NewPassword="Battery-Staple-2")
    # The new password is the current one: reusing it as the old one is accepted.
    user.change_password(OldPassword="Battery-Staple-2", NewPassword="Another-One-3")


# IAM User Guide, "Permit IAM users to change their own passwords"
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_enable-user-change.html):
# "Allow users to change their own password ... allows all users in the account access to the
# iam:ChangePassword action for only their user and to the iam:GetAccountPasswordPolicy
# action" (so a user can read the rules its new password must meet; AWS's managed policy
# IAMUserChangePassword grants the same two). iamstore grants only iam:ChangePassword.
@pytest.mark.xfail(
    strict=True,
    raises=ClientError,
    reason="AllowUsersToChangePassword does not grant iam:GetAccountPasswordPolicy",
)
def test_allow_users_to_change_password_lets_a_user_read_the_password_policy(
    iamstore_aws: RunningEmulator,
) -> None:
    iam = _iam()
    iam.update_account_password_policy(AllowUsersToChangePassword=True, MinimumPasswordLength=14)
    user = _as_new_user(iam, "dave")
    policy = user.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 14


POLICY_ON_SEVERAL_LINES = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"},
    {
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "*"
    }
  ]
}"""


def test_simulation_names_the_statement_that_allowed(iamstore_aws: RunningEmulator) -> None:
    result = _iam().simulate_custom_policy(
        PolicyInputList=[POLICY_ON_SEVERAL_LINES], ActionNames=["s3:GetObject"]
    )["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed"
    assert [m["SourcePolicyId"] for m in result["MatchedStatements"]] == ["PolicyInputList.1"]


# IAM API Reference, Statement and Position
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Statement.html,
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_Position.html): StartPosition and
# EndPosition are "the row and column of the beginning/end of the Statement in an IAM policy",
# i.e. where the statement's text is in the document. iamstore answers line = the statement's
# index + 1, column 1, for both ends, so a tool that highlights the matched statement points
# at the wrong text.
@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="MatchedStatements' StartPosition and EndPosition are not the statement's place in "
    "the document",
)
def test_simulation_positions_locate_the_statement_in_the_document(
    iamstore_aws: RunningEmulator,
) -> None:
    result = _iam().simulate_custom_policy(
        PolicyInputList=[POLICY_ON_SEVERAL_LINES], ActionNames=["s3:GetObject"]
    )["EvaluationResults"][0]
    matched = result["MatchedStatements"][0]
    # The Allow statement opens on line 5 (its `{` in column 5) and closes on line 9.
    assert matched["StartPosition"]["Line"] == 5
    assert matched["EndPosition"]["Line"] == 9


def test_list_mfa_device_tags_shows_a_virtual_devices_tags(iamstore_aws: RunningEmulator) -> None:
    iam = _iam()
    serial = iam.create_virtual_mfa_device(
        VirtualMFADeviceName="tagged", Tags=[{"Key": "team", "Value": "ops"}]
    )["VirtualMFADevice"]["SerialNumber"]
    tags = iam.list_mfa_device_tags(SerialNumber=serial)["Tags"]
    assert tags == [{"Key": "team", "Value": "ops"}]


# IAM API Reference, ListVirtualMFADevices
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListVirtualMFADevices.html, and
# botocore's model): "IAM resource-listing operations return a subset of the available
# attributes for the resource. For example, this operation does not return tags ... To view
# tag information for a virtual MFA device, see ListMFADeviceTags." iamstore lists each
# device's Tags (ListUsers, ListRoles, ListPolicies, ListInstanceProfiles,
# ListServerCertificates and ListOpenIDConnectProviders leave them out, as documented).
@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="ListVirtualMFADevices returns the devices' Tags",
)
def test_list_virtual_mfa_devices_leaves_tags_out(iamstore_aws: RunningEmulator) -> None:
    iam = _iam()
    iam.create_virtual_mfa_device(
        VirtualMFADeviceName="tagged", Tags=[{"Key": "team", "Value": "ops"}]
    )
    (device,) = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
    assert "Tags" not in device

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
def test_allow_users_to_change_password_lets_a_user_read_the_password_policy(
    iamstore_aws: RunningEmulator,
) -> None:
    iam = _iam()
    iam.update_account_password_policy(AllowUsersToChangePassword=True, MinimumPasswordLength=14)
    user = _as_new_user(iam, "dave")
    policy = user.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 14


# The policy and context of the AWS CLI Command Reference's `aws iam simulate-custom-policy`
# examples (https://docs.aws.amazon.com/cli/latest/reference/iam/simulate-custom-policy.html).
DYNAMODB_AFTER_AUGUST_2018 = (
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
    '"Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}'
)


def _simulate_create_backup_at(current_time: str) -> dict[str, Any]:
    results = _iam().simulate_custom_policy(
        PolicyInputList=[DYNAMODB_AFTER_AUGUST_2018],
        ActionNames=["dynamodb:CreateBackup"],
        ContextEntries=[
            {
                "ContextKeyName": "aws:CurrentTime",
                "ContextKeyValues": [current_time],
                "ContextKeyType": "date",
            }
        ],
    )["EvaluationResults"]
    (result,) = results
    evaluated: dict[str, Any] = result
    return evaluated


def test_simulation_decides_as_aws_examples_show(iamstore_aws: RunningEmulator) -> None:
    allowed = _simulate_create_backup_at("2019-04-25T11:00:00Z")
    assert allowed["EvalDecision"] == "allowed"
    assert [m["SourcePolicyId"] for m in allowed["MatchedStatements"]] == ["PolicyInputList.1"]
    assert _simulate_create_backup_at("2014-04-25T11:00:00Z")["EvalDecision"] == "implicitDeny"


# IAM API Reference, Statement and Position
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Statement.html,
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_Position.html): StartPosition and
# EndPosition are "the row and column of the beginning/end of the Statement in an IAM policy";
# AWS's own example output for this policy (same CLI page) is StartPosition {Line 1,
# Column 38}, EndPosition {Line 1, Column 167}. iamstore answered line = the statement's
# index + 1 and column 1 for both ends, so a tool that highlights the statement that decided
# points at the wrong text.
def test_simulation_positions_locate_the_statement_in_the_document(
    iamstore_aws: RunningEmulator,
) -> None:
    (matched,) = _simulate_create_backup_at("2019-04-25T11:00:00Z")["MatchedStatements"]
    assert (matched["StartPosition"], matched["EndPosition"]) == (
        {"Line": 1, "Column": 38},
        {"Line": 1, "Column": 167},
    )


# The same CLI page's outputs (and `aws iam simulate-principal-policy`'s): every
# EvaluationResult carries `"MatchedStatements": []` and `"MissingContextValues": []` when
# nothing matched or nothing is missing. iamstore left both lists out when they were empty,
# so code that reads `result["MatchedStatements"]` after an implicitDeny raises KeyError.
def test_simulation_results_show_empty_lists(iamstore_aws: RunningEmulator) -> None:
    denied = _simulate_create_backup_at("2014-04-25T11:00:00Z")
    allowed = _simulate_create_backup_at("2019-04-25T11:00:00Z")
    assert (denied.get("MatchedStatements"), denied.get("MissingContextValues")) == ([], [])
    assert allowed.get("MissingContextValues") == []


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
# tag information for a virtual MFA device, see ListMFADeviceTags." iamstore listed each
# device's Tags (ListUsers, ListRoles, ListPolicies, ListInstanceProfiles,
# ListServerCertificates and ListOpenIDConnectProviders leave them out, as documented).
def test_list_virtual_mfa_devices_leaves_tags_out(iamstore_aws: RunningEmulator) -> None:
    iam = _iam()
    iam.create_virtual_mfa_device(
        VirtualMFADeviceName="tagged", Tags=[{"Key": "team", "Value": "ops"}]
    )
    (device,) = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
    assert "Tags" not in device


TRUSTS_EC2 = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
)


def test_a_roles_max_session_duration_round_trips(iamstore_aws: RunningEmulator) -> None:
    iam = _iam()
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUSTS_EC2, MaxSessionDuration=7200)
    iam.update_role(RoleName="web", Description="web servers")
    assert iam.get_role(RoleName="web")["Role"]["MaxSessionDuration"] == 7200


# IAM API Reference, CreateRole / UpdateRole / Role
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html,
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html; botocore's model,
# CreateRoleRequest.MaxSigninSessionDuration and Role.MaxSigninSessionDuration): a role's
# maximum sign-in session duration (3,600 to 7,776,000 s) is set by CreateRole and UpdateRole
# and returned in the Role. iamstore accepted the member and discarded it: GetRole never
# showed it, so Terraform or CloudFormation would see a change on every plan.
def test_max_signin_session_duration_is_kept(iamstore_aws: RunningEmulator) -> None:
    iam = _iam()
    iam.create_role(
        RoleName="console", AssumeRolePolicyDocument=TRUSTS_EC2, MaxSigninSessionDuration=86400
    )
    role = iam.get_role(RoleName="console")["Role"]
    assert role.get("MaxSigninSessionDuration") == 86400


# IAM API Reference, UpdateRole, MaxSigninSessionDuration and ResetMaxSigninSessionDuration
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html): "You cannot
# specify this parameter and set ResetMaxSigninSessionDuration to true in the same request."
# iamstore answered the contradictory request with success.
def test_update_role_refuses_setting_and_resetting_the_signin_duration(
    iamstore_aws: RunningEmulator,
) -> None:
    iam = _iam()
    iam.create_role(RoleName="console", AssumeRolePolicyDocument=TRUSTS_EC2)
    with pytest.raises(ClientError) as refused:
        iam.update_role(
            RoleName="console", MaxSigninSessionDuration=7200, ResetMaxSigninSessionDuration=True
        )
    assert refused.value.response["Error"]["Code"] in {"InvalidInput", "ValidationError"}


# IAM API Reference, CreateLoginProfile and LoginProfile
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html,
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_LoginProfile.html; botocore's model,
# CreateLoginProfileRequest.MaxSigninSessionDuration, LoginProfile.MaxSigninSessionDuration):
# the same setting for a user's sign-in sessions. iamstore accepted it and discarded it.
def test_login_profile_max_signin_session_duration_is_kept(
    iamstore_aws: RunningEmulator,
) -> None:
    iam = _iam()
    iam.create_user(UserName="erin")
    iam.create_login_profile(
        UserName="erin", Password="Correct-Horse-1", MaxSigninSessionDuration=86400
    )
    profile = iam.get_login_profile(UserName="erin")["LoginProfile"]
    assert profile.get("MaxSigninSessionDuration") == 86400


def test_authorization_details_list_what_entities_have(iamstore_aws: RunningEmulator) -> None:
    iam = _iam()
    iam.create_group(GroupName="finance")
    iam.put_group_policy(
        GroupName="finance",
        PolicyName="billing",
        PolicyDocument='{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "aws-portal:*", "Resource": "*"}]}',
    )
    details = iam.get_account_authorization_details(Filter=["Group"])
    (group,) = details["GroupDetailList"]
    assert [p["PolicyName"] for p in group["GroupPolicyList"]] == ["billing"]


# AWS CLI Command Reference, `aws iam get-account-authorization-details`, its example output
# (https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-authorization-details.html):
# a user without inline or attached policies has `"UserPolicyList": []` and
# `"AttachedManagedPolicies": []`, a group `"GroupPolicyList": []` and
# `"AttachedManagedPolicies": []`, a role `"RolePolicyList": []`. iamstore left these lists
# out when empty, so account analysers that read `user["AttachedManagedPolicies"]` or
# `role["RolePolicyList"]` from this one call (as its documentation invites) raised KeyError.
def test_authorization_details_show_empty_policy_lists(iamstore_aws: RunningEmulator) -> None:
    iam = _iam()
    iam.create_user(UserName="charlie")
    iam.create_group(GroupName="readers")
    iam.create_role(RoleName="ec2-app", AssumeRolePolicyDocument=TRUSTS_EC2)
    details = iam.get_account_authorization_details()
    (user,) = details["UserDetailList"]
    (group,) = details["GroupDetailList"]
    (role,) = details["RoleDetailList"]
    shown = {
        "user": (user.get("UserPolicyList"), user.get("AttachedManagedPolicies")),
        "group": (group.get("GroupPolicyList"), group.get("AttachedManagedPolicies")),
        "role": (role.get("RolePolicyList"), role.get("AttachedManagedPolicies")),
    }
    assert shown == {"user": ([], []), "group": ([], []), "role": ([], [])}


def test_policy_tag_keys_are_case_sensitive(iamstore_aws: RunningEmulator) -> None:
    # The other half of the rule below: on a customer managed policy both keys stay.
    iam = _iam()
    arn = iam.create_policy(
        PolicyName="cost",
        PolicyDocument='{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}',
    )["Policy"]["Arn"]
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "Costcenter", "Value": "1234"}])
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "costcenter", "Value": "5678"}])
    tags = iam.list_policy_tags(PolicyArn=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [
        ("Costcenter", "1234"),
        ("costcenter", "5678"),
    ]


# IAM User Guide, "Tagging IAM resources", Rules for tagging, Case sensitivity
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html): "Tag key values for IAM
# users and roles are not case sensitive, but case is preserved. This means that you cannot
# have separate Department and department tag keys. If you have tagged a user with the
# Department=finance tag and you add the department=hr tag, it replaces the first tag. A
# second tag is not added." iamstore kept both keys on users and roles, so an ABAC policy
# on aws:PrincipalTag/department saw two values and the 50-tag quota counted both.
@pytest.mark.parametrize("kind", ["user", "role"])
def test_user_and_role_tag_keys_ignore_case(iamstore_aws: RunningEmulator, kind: str) -> None:
    iam = _iam()
    if kind == "user":
        iam.create_user(UserName="zhang")
        iam.tag_user(UserName="zhang", Tags=[{"Key": "Department", "Value": "finance"}])
        iam.tag_user(UserName="zhang", Tags=[{"Key": "department", "Value": "hr"}])
        tags = iam.list_user_tags(UserName="zhang")["Tags"]
    else:
        iam.create_role(RoleName="zhang", AssumeRolePolicyDocument=TRUSTS_EC2)
        iam.tag_role(RoleName="zhang", Tags=[{"Key": "Department", "Value": "finance"}])
        iam.tag_role(RoleName="zhang", Tags=[{"Key": "department", "Value": "hr"}])
        tags = iam.list_role_tags(RoleName="zhang")["Tags"]
    assert [(t["Key"].lower(), t["Value"]) for t in tags] == [("department", "hr")]

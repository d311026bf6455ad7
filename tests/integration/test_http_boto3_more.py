"""More of IAM and STS through boto3 over HTTP: MFA devices (blobs), login profiles and the
password policy, OIDC providers, tags, boundaries, policy versions, session tokens."""

from __future__ import annotations

import json
import time
from typing import Any

import pyotp
import pytest
from aws_http import NO_RETRIES, http_url, session_for
from botocore.exceptions import ClientError

from iamstore.cluster.testing.inproc import InProcessNode

ALLOW_S3 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


def _code(info: pytest.ExceptionInfo[ClientError]) -> str:
    return str(info.value.response["Error"]["Code"])


def test_virtual_mfa_devices_with_their_seed_as_a_blob(aws_iam: Any) -> None:
    aws_iam.create_user(UserName="m")
    device = aws_iam.create_virtual_mfa_device(VirtualMFADeviceName="m")["VirtualMFADevice"]
    seed = device["Base32StringSeed"]
    assert isinstance(seed, bytes)
    assert device["QRCodePNG"].startswith(b"\x89PNG")
    totp = pyotp.TOTP(seed.decode())
    step = int(time.time() // 30)
    aws_iam.enable_mfa_device(
        UserName="m",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp.generate_otp(step - 1),
        AuthenticationCode2=totp.generate_otp(step),
    )
    listed = aws_iam.list_mfa_devices(UserName="m")["MFADevices"]
    assert [d["SerialNumber"] for d in listed] == [device["SerialNumber"]]
    assert listed[0]["EnableDate"].tzinfo is not None
    with pytest.raises(ClientError) as info:
        aws_iam.enable_mfa_device(
            UserName="m",
            SerialNumber=device["SerialNumber"],
            AuthenticationCode1="000000",
            AuthenticationCode2="000001",
        )
    assert _code(info) in ("EntityAlreadyExists", "InvalidAuthenticationCode")
    aws_iam.deactivate_mfa_device(UserName="m", SerialNumber=device["SerialNumber"])
    aws_iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])
    assert aws_iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_login_profiles_and_the_password_policy(aws_iam: Any) -> None:
    with pytest.raises(ClientError) as info:
        aws_iam.get_account_password_policy()
    assert _code(info) == "NoSuchEntity"
    aws_iam.update_account_password_policy(MinimumPasswordLength=12, RequireNumbers=True)
    policy = aws_iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12
    assert policy["RequireNumbers"] is True
    assert policy["RequireSymbols"] is False
    aws_iam.create_user(UserName="p")
    with pytest.raises(ClientError) as info:
        aws_iam.create_login_profile(UserName="p", Password="short1")
    assert _code(info) == "PasswordPolicyViolation"
    made = aws_iam.create_login_profile(
        UserName="p", Password="correct-horse-9", PasswordResetRequired=True
    )
    assert made["LoginProfile"]["PasswordResetRequired"] is True
    assert aws_iam.get_login_profile(UserName="p")["LoginProfile"]["UserName"] == "p"
    aws_iam.delete_login_profile(UserName="p")
    aws_iam.delete_account_password_policy()


def test_oidc_providers_and_client_ids(aws_iam: Any) -> None:
    arn = aws_iam.create_open_id_connect_provider(
        Url="https://issuer.example.com", ClientIDList=["a"], ThumbprintList=["0" * 40]
    )["OpenIDConnectProviderArn"]
    aws_iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="b")
    got = aws_iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert sorted(got["ClientIDList"]) == ["a", "b"]
    listed = aws_iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert listed == [{"Arn": arn}]
    aws_iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)


def test_tags_boundaries_and_policy_versions(aws_iam: Any, aws_sts: Any) -> None:
    account = aws_sts.get_caller_identity()["Account"]
    arn = aws_iam.create_policy(PolicyName="b", PolicyDocument=json.dumps(ALLOW_S3))["Policy"][
        "Arn"
    ]
    aws_iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "k", "Value": "v"}])
    assert aws_iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    aws_iam.create_policy_version(
        PolicyArn=arn, PolicyDocument=json.dumps(ALLOW_S3), SetAsDefault=True
    )
    versions = aws_iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert {v["VersionId"]: v["IsDefaultVersion"] for v in versions} == {"v1": False, "v2": True}
    aws_iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    aws_iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    aws_iam.create_user(UserName="bounded")
    aws_iam.put_user_permissions_boundary(UserName="bounded", PermissionsBoundary=arn)
    user = aws_iam.get_user(UserName="bounded")["User"]
    assert user["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": arn,
    }
    # AWS: without PolicyUsageFilter both attachments and boundaries are listed.
    entities = aws_iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["bounded"]
    attached = aws_iam.list_entities_for_policy(
        PolicyArn=arn, PolicyUsageFilter="PermissionsPolicy"
    )
    assert attached["PolicyUsers"] == []
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    aws_iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=trust)
    aws_iam.tag_role(RoleName="tagged", Tags=[{"Key": "env", "Value": "test"}])
    assert aws_iam.list_role_tags(RoleName="tagged")["Tags"] == [{"Key": "env", "Value": "test"}]
    aws_iam.update_assume_role_policy(RoleName="tagged", PolicyDocument=trust)
    aws_iam.update_role(RoleName="tagged", Description="d", MaxSessionDuration=3600)
    assert aws_iam.get_role(RoleName="tagged")["Role"]["Description"] == "d"
    with pytest.raises(ClientError) as info:
        aws_iam.tag_role(
            RoleName="tagged", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)]
        )
    assert _code(info) in ("LimitExceeded", "ValidationError")


def test_session_tokens_and_access_key_last_used(aws_iam: Any, http_node: InProcessNode) -> None:
    aws_iam.create_user(UserName="s")
    key = aws_iam.create_access_key(UserName="s")["AccessKey"]
    user_sts = session_for(key["AccessKeyId"], key["SecretAccessKey"]).client(
        "sts", endpoint_url=http_url(http_node), config=NO_RETRIES
    )
    token = user_sts.get_session_token(DurationSeconds=900)["Credentials"]
    temporary = session_for(token["AccessKeyId"], token["SecretAccessKey"], token["SessionToken"])
    sts = temporary.client("sts", endpoint_url=http_url(http_node), config=NO_RETRIES)
    assert sts.get_caller_identity()["Arn"].endswith(":user/s")
    # AWS: GetSessionToken credentials without MFA cannot call IAM.
    iam = temporary.client("iam", endpoint_url=http_url(http_node), config=NO_RETRIES)
    with pytest.raises(ClientError) as info:
        iam.list_users()
    assert _code(info) == "AccessDenied"
    last = aws_iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert last["UserName"] == "s"
    assert last["AccessKeyLastUsed"]["ServiceName"] == "sts"


def test_empty_lists_of_a_result_are_present_and_empty(aws_iam: Any) -> None:
    """AWS answers `<AttachedPolicies/>`: code indexes such lists without a default."""
    aws_iam.create_user(UserName="bare")
    assert aws_iam.list_attached_user_policies(UserName="bare")["AttachedPolicies"] == []
    assert aws_iam.list_user_policies(UserName="bare")["PolicyNames"] == []
    assert aws_iam.list_groups_for_user(UserName="bare")["Groups"] == []
    assert aws_iam.list_access_keys(UserName="bare")["AccessKeyMetadata"] == []
    assert "Tags" not in aws_iam.get_user(UserName="bare")["User"]  # nested: omitted, as AWS


def test_the_policy_simulators_and_context_keys_over_http(aws_iam: Any) -> None:
    """IAM's simulators live on iamstore's Authz gRPC service; over HTTP they are IAM's, as
    boto3 and the aws CLI call them."""
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:username": "alice"}},
                }
            ],
        }
    )
    simulated = aws_iam.simulate_custom_policy(
        PolicyInputList=[document],
        ActionNames=["s3:GetObject", "s3:PutObject"],
        ContextEntries=[
            {"ContextKeyName": "aws:username", "ContextKeyValues": ["alice"],
             "ContextKeyType": "string"}
        ],
    )["EvaluationResults"]  # fmt: skip
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in simulated}
    assert decisions == {"s3:GetObject": "allowed", "s3:PutObject": "implicitDeny"}
    keys = aws_iam.get_context_keys_for_custom_policy(PolicyInputList=[document])
    assert keys["ContextKeyNames"] == ["aws:username"]
    aws_iam.create_user(UserName="sim")
    aws_iam.put_user_policy(UserName="sim", PolicyName="p", PolicyDocument=document)
    arn = aws_iam.get_user(UserName="sim")["User"]["Arn"]
    principal = aws_iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["s3:PutObject"]
    )["EvaluationResults"]
    assert [r["EvalDecision"] for r in principal] == ["implicitDeny"]

"""boto3 against a node's HTTP port: IAM and STS over AWS's Query protocol, unchanged SDK."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_http import NO_RETRIES, http_url, session_for
from botocore.exceptions import ClientError

from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.audit import AuditFilter

ALLOW_ALL_IAM = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}],
}
TRUST_ACCOUNT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::{account}:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _error(info: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response: Any = info.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"].get("Type", ""),
    )


def test_users_round_trip_with_tags_and_errors(aws_iam: Any) -> None:
    made = aws_iam.create_user(UserName="alice", Path="/eng/", Tags=[{"Key": "team", "Value": "a"}])
    assert made["User"]["UserName"] == "alice"
    assert made["User"]["Path"] == "/eng/"
    assert made["User"]["Arn"].endswith(":user/eng/alice")
    assert made["User"]["UserId"].startswith("AIDA")
    assert made["User"]["Tags"] == [{"Key": "team", "Value": "a"}]
    got = aws_iam.get_user(UserName="alice")["User"]
    assert got["CreateDate"] == made["User"]["CreateDate"]
    assert [u["UserName"] for u in aws_iam.list_users()["Users"]] == ["alice"]
    assert aws_iam.list_users(PathPrefix="/ops/")["Users"] == []
    with pytest.raises(ClientError) as info:
        aws_iam.create_user(UserName="alice")
    assert _error(info) == ("EntityAlreadyExists", 409, "Sender")
    with pytest.raises(ClientError) as info:
        aws_iam.get_user(UserName="bob")
    assert _error(info) == ("NoSuchEntity", 404, "Sender")
    assert "bob" in info.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as info:
        aws_iam.create_user(UserName="bad name!")
    code, status, _ = _error(info)
    assert (code, status) == ("ValidationError", 400)
    aws_iam.update_user(UserName="alice", NewUserName="alice2")
    aws_iam.untag_user(UserName="alice2", TagKeys=["team"])
    assert aws_iam.list_user_tags(UserName="alice2")["Tags"] == []
    aws_iam.delete_user(UserName="alice2")
    assert aws_iam.list_users()["Users"] == []


def test_policy_documents_come_back_as_json_objects(aws_iam: Any) -> None:
    """IAM returns documents URL-encoded; botocore decodes them into dicts, as from AWS."""
    aws_iam.create_user(UserName="u")
    aws_iam.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=json.dumps(ALLOW_ALL_IAM))
    got = aws_iam.get_user_policy(UserName="u", PolicyName="p")
    assert got["PolicyDocument"] == ALLOW_ALL_IAM
    policy = aws_iam.create_policy(
        PolicyName="mp", PolicyDocument=json.dumps(ALLOW_ALL_IAM), Description="d"
    )["Policy"]
    assert policy["DefaultVersionId"] == "v1"
    assert policy["AttachmentCount"] == 0
    assert policy["IsAttachable"] is True
    version = aws_iam.get_policy_version(PolicyArn=policy["Arn"], VersionId="v1")
    assert version["PolicyVersion"]["Document"] == ALLOW_ALL_IAM
    assert version["PolicyVersion"]["IsDefaultVersion"] is True
    aws_iam.attach_user_policy(UserName="u", PolicyArn=policy["Arn"])
    attached = aws_iam.list_attached_user_policies(UserName="u")["AttachedPolicies"]
    assert attached == [{"PolicyName": "mp", "PolicyArn": policy["Arn"]}]
    with pytest.raises(ClientError) as info:
        aws_iam.put_user_policy(UserName="u", PolicyName="bad", PolicyDocument="{not json")
    assert _error(info)[0] == "MalformedPolicyDocument"
    with pytest.raises(ClientError) as info:
        aws_iam.delete_policy(PolicyArn=policy["Arn"])
    assert _error(info) == ("DeleteConflict", 409, "Sender")


def test_groups_roles_instance_profiles_and_keys(aws_iam: Any, aws_sts: Any) -> None:
    account = aws_sts.get_caller_identity()["Account"]
    aws_iam.create_group(GroupName="g")
    aws_iam.create_user(UserName="u")
    aws_iam.add_user_to_group(GroupName="g", UserName="u")
    group = aws_iam.get_group(GroupName="g")
    assert [u["UserName"] for u in group["Users"]] == ["u"]
    assert [g["GroupName"] for g in aws_iam.list_groups_for_user(UserName="u")["Groups"]] == ["g"]
    trust = json.dumps(TRUST_ACCOUNT).replace("{account}", account)
    role = aws_iam.create_role(
        RoleName="r", AssumeRolePolicyDocument=trust, MaxSessionDuration=7200
    )["Role"]
    assert role["MaxSessionDuration"] == 7200
    assert aws_iam.get_role(RoleName="r")["Role"]["AssumeRolePolicyDocument"] == json.loads(trust)
    aws_iam.create_instance_profile(InstanceProfileName="ip")
    aws_iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="r")
    profile = aws_iam.get_instance_profile(InstanceProfileName="ip")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["r"]
    key = aws_iam.create_access_key(UserName="u")["AccessKey"]
    assert key["Status"] == "Active"
    assert key["AccessKeyId"].startswith("AKIA")
    listed = aws_iam.list_access_keys(UserName="u")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key["AccessKeyId"]]
    aws_iam.update_access_key(UserName="u", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    assert aws_iam.list_access_keys(UserName="u")["AccessKeyMetadata"][0]["Status"] == "Inactive"
    summary = aws_iam.get_account_summary()["SummaryMap"]
    assert summary["Users"] == 1
    assert summary["Groups"] == 1
    assert summary["Roles"] == 1


def test_pagination_with_boto3_paginators(aws_iam: Any) -> None:
    for index in range(7):
        aws_iam.create_user(UserName=f"user{index}")
    first = aws_iam.list_users(MaxItems=3)
    assert first["IsTruncated"] is True
    assert len(first["Users"]) == 3
    paginator = aws_iam.get_paginator("list_users")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert len(pages) == 4
    names = [u["UserName"] for page in pages for u in page["Users"]]
    assert names == [f"user{index}" for index in range(7)]
    limited = paginator.paginate(
        PaginationConfig={"MaxItems": 5, "PageSize": 2}
    ).build_full_result()
    assert len(limited["Users"]) == 5
    assert "NextToken" in limited


def test_waiters(aws_iam: Any, aws_sts: Any) -> None:
    account = aws_sts.get_caller_identity()["Account"]
    aws_iam.create_user(UserName="w")
    aws_iam.get_waiter("user_exists").wait(
        UserName="w", WaiterConfig={"Delay": 1, "MaxAttempts": 3}
    )
    trust = json.dumps(TRUST_ACCOUNT).replace("{account}", account)
    aws_iam.create_role(RoleName="w", AssumeRolePolicyDocument=trust)
    aws_iam.get_waiter("role_exists").wait(
        RoleName="w", WaiterConfig={"Delay": 1, "MaxAttempts": 3}
    )
    arn = aws_iam.create_policy(PolicyName="w", PolicyDocument=json.dumps(ALLOW_ALL_IAM))["Policy"][
        "Arn"
    ]
    aws_iam.get_waiter("policy_exists").wait(
        PolicyArn=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 3}
    )
    aws_iam.create_instance_profile(InstanceProfileName="w")
    aws_iam.get_waiter("instance_profile_exists").wait(
        InstanceProfileName="w", WaiterConfig={"Delay": 1, "MaxAttempts": 3}
    )
    with pytest.raises(Exception, match="Max attempts exceeded"):
        aws_iam.get_waiter("user_exists").wait(
            UserName="nobody", WaiterConfig={"Delay": 1, "MaxAttempts": 1}
        )


def test_sts_assume_role_and_its_credentials_over_http(
    aws_iam: Any, aws_sts: Any, http_node: InProcessNode
) -> None:
    identity = aws_sts.get_caller_identity()
    account = identity["Account"]
    assert identity["Arn"] == f"arn:aws:iam::{account}:root"
    trust = json.dumps(TRUST_ACCOUNT).replace("{account}", account)
    role = aws_iam.create_role(RoleName="admin", AssumeRolePolicyDocument=trust)["Role"]
    aws_iam.put_role_policy(
        RoleName="admin", PolicyName="iam", PolicyDocument=json.dumps(ALLOW_ALL_IAM)
    )
    # AWS refuses AssumeRole to an account's root: a user of the account assumes it.
    aws_iam.create_user(UserName="caller")
    aws_iam.put_user_policy(
        UserName="caller",
        PolicyName="assume",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
            }
        ),
    )
    key = aws_iam.create_access_key(UserName="caller")["AccessKey"]
    caller_sts = session_for(key["AccessKeyId"], key["SecretAccessKey"]).client(
        "sts", endpoint_url=http_url(http_node), config=NO_RETRIES
    )
    assumed = caller_sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", DurationSeconds=900)
    credentials = assumed["Credentials"]
    assert credentials["AccessKeyId"]
    assert assumed["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{account}:assumed-role/admin/s1"
    assert credentials["Expiration"].tzinfo is not None
    session = session_for(
        credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
    )
    url = http_url(http_node)
    sts = session.client("sts", endpoint_url=url, config=NO_RETRIES)
    assert sts.get_caller_identity()["Arn"] == assumed["AssumedRoleUser"]["Arn"]
    iam = session.client("iam", endpoint_url=url, config=NO_RETRIES)
    iam.create_user(UserName="made-by-role")
    assert aws_iam.get_user(UserName="made-by-role")["User"]["UserName"] == "made-by-role"
    with pytest.raises(ClientError) as info:
        caller_sts.assume_role(RoleArn=role["Arn"], RoleSessionName="bad name with spaces")
    assert _error(info)[0] == "ValidationError"


def test_a_user_without_permission_is_denied_and_nothing_changes(
    aws_iam: Any, http_node: InProcessNode
) -> None:
    aws_iam.create_user(UserName="intern")
    key = aws_iam.create_access_key(UserName="intern")["AccessKey"]
    intern = session_for(key["AccessKeyId"], key["SecretAccessKey"]).client(
        "iam", endpoint_url=http_url(http_node), config=NO_RETRIES
    )
    with pytest.raises(ClientError) as info:
        intern.create_user(UserName="sneaky")
    assert _error(info) == ("AccessDenied", 403, "Sender")
    assert [u["UserName"] for u in aws_iam.list_users()["Users"]] == ["intern"]


def test_a_wrong_secret_is_refused(aws: Any, http_node: InProcessNode) -> None:
    credentials = aws.get_credentials()
    forged = session_for(credentials.access_key, "wrong" + credentials.secret_key[5:])
    client = forged.client("iam", endpoint_url=http_url(http_node), config=NO_RETRIES)
    with pytest.raises(ClientError) as info:
        client.list_users()
    assert _error(info) == ("SignatureDoesNotMatch", 403, "Sender")
    unknown = session_for("AKIAUNKNOWNUNKNOWN00", "x" * 40)
    client = unknown.client("iam", endpoint_url=http_url(http_node), config=NO_RETRIES)
    with pytest.raises(ClientError) as info:
        client.list_users()
    assert _error(info) == ("InvalidClientTokenId", 403, "Sender")


def test_writes_carry_a_consistency_token_header(aws_iam: Any) -> None:
    made = aws_iam.create_user(UserName="t")
    headers = made["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-iamstore-consistency-token"]
    assert headers["x-amzn-requestid"] == made["ResponseMetadata"]["RequestId"]
    read = aws_iam.get_user(UserName="t")
    assert "x-iamstore-consistency-token" not in read["ResponseMetadata"]["HTTPHeaders"]


def test_http_calls_are_audited_like_grpc_calls(aws_iam: Any, http_node: InProcessNode) -> None:
    made = aws_iam.create_user(UserName="audited")["User"]
    account = made["Arn"].split(":")[4]
    services = http_node.node.components if http_node.node is not None else None
    assert services is not None
    assert services.audit is not None
    events = services.audit.page(account, AuditFilter(), max_items=1000).events
    write = next(e for e in events if e.action == "iam:CreateUser")
    assert write.principal == f"arn:aws:iam::{account}:root"
    assert write.source_ip == "127.0.0.1"
    assert write.commit
    forged = session_for("AKIAUNKNOWNAUDITED00", "x" * 40).client(
        "iam", endpoint_url=http_url(http_node), config=NO_RETRIES
    )
    with pytest.raises(ClientError):
        forged.list_users()
    unknown = AuditFilter(principal="AKIAUNKNOWNAUDITED00")
    failures = services.audit.page(account, unknown, max_items=1000, with_unattributed=True).events
    assert [e.decision.value for e in failures] == ["AuthenticationFailure"]

"""Fidelity of STS over the Query protocol, checked as an AWS user would with boto3: where
iamstore and AWS's STS API Reference disagree (each an xfail naming the page it follows)."""

from __future__ import annotations

import datetime
from typing import Any

import boto3

from iamstore.cluster.pytest_plugin import RunningEmulator

ONE_HOUR = datetime.timedelta(hours=1)


def _sts() -> Any:
    # The plugin's dummy credentials are account 123456789012's root, as in moto and LocalStack.
    return boto3.client("sts")


def _lifetime(credentials: dict[str, Any]) -> datetime.timedelta:
    expiration: datetime.datetime = credentials["Expiration"]
    return expiration - datetime.datetime.now(datetime.UTC)


def test_root_get_session_token_within_one_hour_is_granted(iamstore_aws: RunningEmulator) -> None:
    # The baseline of the two xfails below: the root may ask for up to an hour.
    credentials = _sts().get_session_token(DurationSeconds=3600)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert ONE_HOUR - datetime.timedelta(minutes=5) < _lifetime(credentials) <= ONE_HOUR


# AWS STS API Reference, GetSessionToken, DurationSeconds
# (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html, and botocore's
# sts model, GetSessionTokenRequest.DurationSeconds): "Sessions for AWS account owners are
# restricted to a maximum of 3,600 seconds (one hour). If the duration is longer than one hour,
# the session for AWS account owners defaults to one hour." The call succeeds with one hour;
# iamstore refuses it with ValidationError, so a test suite that asks the emulator (whose dummy
# keys are the root) for `get-session-token --duration-seconds 7200` fails.
def test_root_get_session_token_longer_than_an_hour_gets_one_hour(
    iamstore_aws: RunningEmulator,
) -> None:
    credentials = _sts().get_session_token(DurationSeconds=7200)["Credentials"]
    assert ONE_HOUR - datetime.timedelta(minutes=5) < _lifetime(credentials) <= ONE_HOUR


# AWS STS API Reference, GetFederationToken, DurationSeconds
# (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html, and
# botocore's GetFederationTokenRequest.DurationSeconds): "Sessions obtained using root user
# credentials are restricted to a maximum of 3,600 seconds (one hour). If the specified duration
# is longer than one hour, the session obtained by using root user credentials defaults to one
# hour."
def test_root_get_federation_token_longer_than_an_hour_gets_one_hour(
    iamstore_aws: RunningEmulator,
) -> None:
    response = _sts().get_federation_token(Name="partner", DurationSeconds=7200)
    assert response["FederatedUser"]["Arn"] == ("arn:aws:sts::123456789012:federated-user/partner")
    assert ONE_HOUR - datetime.timedelta(minutes=5) < _lifetime(response["Credentials"]) <= ONE_HOUR


def test_get_access_key_info_names_the_account_of_a_long_term_key(
    iamstore_aws: RunningEmulator,
) -> None:
    iam = boto3.client("iam")
    iam.create_user(UserName="key-owner")
    key_id = iam.create_access_key(UserName="key-owner")["AccessKey"]["AccessKeyId"]
    assert _sts().get_access_key_info(AccessKeyId=key_id)["Account"] == "123456789012"


# AWS STS API Reference, GetAccessKeyInfo
# (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html, and
# botocore's sts model): "When you pass an access key ID to this operation, it returns the ID
# of the AWS account to which the keys belong. ... Access key IDs beginning with ASIA are
# temporary credentials that are created using AWS STS operations." iamstore answers a
# temporary key id it issued itself with InvalidInput (a code STS's model does not have), as
# docs/sts.md says: the key id alone does not name the account here.
def test_get_access_key_info_names_the_account_of_a_temporary_key(
    iamstore_aws: RunningEmulator,
) -> None:
    sts = _sts()
    key_id = sts.get_session_token(DurationSeconds=900)["Credentials"]["AccessKeyId"]
    assert key_id.startswith("ASIA")
    assert sts.get_access_key_info(AccessKeyId=key_id)["Account"] == "123456789012"


READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def _role_assumable_by_the_account(iam: Any) -> str:
    trust = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}'
    )
    arn: str = iam.create_role(RoleName="auditor", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    return arn


def _sts_as_admin_user(iam: Any) -> Any:
    iam.create_user(UserName="admin")
    iam.put_user_policy(
        UserName="admin",
        PolicyName="all",
        PolicyDocument='{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
    )
    key = iam.create_access_key(UserName="admin")["AccessKey"]
    return boto3.client(
        "sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )


def test_a_small_aws_managed_policy_narrows_an_assumed_role_session(
    iamstore_aws: RunningEmulator,
) -> None:
    iam = boto3.client("iam")
    role_arn = _role_assumable_by_the_account(iam)
    response = _sts_as_admin_user(iam).assume_role(
        RoleArn=role_arn,
        RoleSessionName="audit",
        PolicyArns=[{"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}],
    )
    assert response["Credentials"]["AccessKeyId"].startswith("ASIA")


# AWS STS API Reference, AssumeRole, PolicyArns
# (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html, and botocore's
# AssumeRoleRequest.PolicyArns; the same words for GetFederationToken): "You can provide up
# to 10 managed policy ARNs. However, the plaintext that you use for both inline and managed
# session policies can't exceed 2,048 characters." What the caller sends for a managed
# session policy is its ARN (here 38 characters). iamstore seals each managed policy's whole
# document into the session token, so AWS's ReadOnlyAccess (a document of many thousand
# characters) overflows the token and the call fails with PackedPolicyTooLarge:
# `aws sts assume-role --policy-arns arn=arn:aws:iam::aws:policy/ReadOnlyAccess` and a
# federation broker's GetFederationToken with it both break.
def test_assume_role_with_read_only_access_as_session_policy(
    iamstore_aws: RunningEmulator,
) -> None:
    iam = boto3.client("iam")
    role_arn = _role_assumable_by_the_account(iam)
    response = _sts_as_admin_user(iam).assume_role(
        RoleArn=role_arn, RoleSessionName="audit", PolicyArns=[{"arn": READ_ONLY_ACCESS}]
    )
    assert response["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_get_federation_token_with_read_only_access_as_session_policy(
    iamstore_aws: RunningEmulator,
) -> None:
    iam = boto3.client("iam")
    response = _sts_as_admin_user(iam).get_federation_token(
        Name="reader", PolicyArns=[{"arn": READ_ONLY_ACCESS}]
    )
    assert response["FederatedUser"]["Arn"].endswith(":federated-user/reader")

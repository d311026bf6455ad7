"""GetContextKeysForCustomPolicy and GetContextKeysForPrincipalPolicy."""

from __future__ import annotations

import json

import pytest
from iam_helpers import TRUST_EC2

from iamstore.client import (
    Client,
    InvalidInputError,
    MalformedPolicyDocumentError,
    NoSuchEntityError,
)


def doc(*statements: dict[str, object], version: str = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)})


CONDITIONED = doc(
    {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::bucket/${aws:username}/*",
        "Condition": {
            "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
            "StringEquals": {"s3:prefix": ["${aws:PrincipalTag/team}", "${*}"]},
        },
    }
)
DATED = doc(
    {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"DateGreaterThan": {"AWS:CurrentTime": "2030-01-01T00:00:00Z"}},
    }
)


def test_custom_policies_condition_keys_and_variables(iam: Client) -> None:
    keys = iam.get_context_keys_for_custom_policy(policy_input_list=[CONDITIONED, DATED])
    assert list(keys.context_key_names) == [
        "AWS:CurrentTime", "aws:PrincipalTag/team", "aws:SourceIp", "aws:username", "s3:prefix",
    ]  # fmt: skip


def test_variables_count_only_under_version_2012(iam: Client) -> None:
    old = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username}"},
              version="2008-10-17")  # fmt: skip
    assert iam.get_context_keys_for_custom_policy(policy_input_list=[old]).context_key_names == ()


def test_bad_input_is_refused(iam: Client) -> None:
    with pytest.raises(MalformedPolicyDocumentError):
        iam.get_context_keys_for_custom_policy(policy_input_list=['{"Version": "2012-10-17"'])
    allow = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    with pytest.raises(InvalidInputError):
        iam.get_context_keys_for_custom_policy(policy_input_list=[allow] * 51)


def test_principal_policies_include_groups_and_inputs(iam: Client) -> None:
    user_arn = iam.create_user(user_name="alice").user.arn
    iam.create_group(group_name="g")
    iam.add_user_to_group(group_name="g", user_name="alice")
    iam.put_group_policy(group_name="g", policy_name="p", policy_document=CONDITIONED)
    arn = iam.create_policy(policy_name="dated", policy_document=DATED).policy.arn or ""
    iam.attach_user_policy(user_name="alice", policy_arn=arn)
    keys = iam.get_context_keys_for_principal_policy(policy_source_arn=user_arn)
    assert "AWS:CurrentTime" in keys.context_key_names
    assert "aws:SourceIp" in keys.context_key_names
    group_arn = iam.get_group(group_name="g").group.arn
    only_group = iam.get_context_keys_for_principal_policy(policy_source_arn=group_arn)
    assert "AWS:CurrentTime" not in only_group.context_key_names
    extra = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})  # fmt: skip
    role_arn = iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2).role.arn
    with_input = iam.get_context_keys_for_principal_policy(
        policy_source_arn=role_arn, policy_input_list=[extra]
    )
    assert list(with_input.context_key_names) == ["aws:MultiFactorAuthPresent"]
    with pytest.raises(NoSuchEntityError):
        iam.get_context_keys_for_principal_policy(policy_source_arn=user_arn + "x")

"""Policy conditions on a user's tags once its keys ignore case: condition key names are
case-insensitive (IAM User Guide, "IAM JSON policy elements: Condition", and "Controlling
access to and for IAM users and roles using tags"), so `aws:PrincipalTag/DEPARTMENT` and
`iam:ResourceTag/department` read the one `Department` tag, with the value the latest TagUser
left; a replaced value no longer grants, and a Deny on the new value applies."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from iamstore.client import AccessDeniedError, Client, Credentials
from iamstore.cluster.testing.inproc import InProcessNode


def doc(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _retagged(iam: Client, name: str) -> str:
    """A user tagged `department=finance`, then `Department=hr` (which replaces it). In this
    order the two keys' rows sorted the old value last: when both were kept, the condition
    keys (lower-cased) read `finance`."""
    arn = iam.create_user(user_name=name).user.arn
    iam.tag_user(user_name=name, tags=[{"Key": "department", "Value": "finance"}])
    iam.tag_user(user_name=name, tags=[{"Key": "Department", "Value": "hr"}])
    return arn


def _decide(iam: Client, arn: str, condition: Mapping[str, object]) -> str:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    name = arn.rsplit("/", 1)[1]
    iam.put_user_policy(
        user_name=name, policy_name="abac", policy_document=doc({**statement, **condition})
    )
    return iam.authorize(
        principal_arn=arn,
        action="s3:GetObject",
        resource_arn="arn:aws:s3:::bucket/k",
        at_least=iam.consistency_token,
    ).decision


@pytest.mark.parametrize(
    ("value", "decision"), [("hr", "Allow"), ("finance", "ImplicitDeny"), ("HR", "ImplicitDeny")]
)
def test_principal_tag_reads_the_latest_value_of_the_key_in_any_case(
    iam: Client, value: str, decision: str
) -> None:
    arn = _retagged(iam, "zhang")
    condition = {"Condition": {"StringEquals": {"aws:PrincipalTag/DEPARTMENT": value}}}
    assert _decide(iam, arn, condition) == decision


def test_resource_tag_of_a_user_reads_the_latest_value_and_a_deny_on_it_applies(
    iam: Client, iam_node: InProcessNode
) -> None:
    _retagged(iam, "zhang")
    policy = doc(
        {
            "Effect": "Allow",
            "Action": "iam:GetUser",
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:ResourceTag/department": "hr"}},
        },
        {
            "Effect": "Deny",
            "Action": "iam:ListUserTags",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/DEPARTMENT": "hr"}},
        },
    )
    iam.create_user(user_name="bob")
    iam.put_user_policy(user_name="bob", policy_name="p", policy_document=policy)
    key = iam.create_access_key(user_name="bob").access_key
    with Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    ) as bob:
        assert bob.get_user(user_name="zhang").user.user_name == "zhang"
        with pytest.raises(AccessDeniedError):
            bob.list_user_tags(user_name="zhang")

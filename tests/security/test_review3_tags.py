"""Findings of the third adversarial review: tags of users and roles.

Each test reproduces an open bug against a real node and is marked xfail(strict=True): it
documents the bug, and fails the moment the bug is fixed without the marker being removed.
"""

from __future__ import annotations

import pytest

from iamstore.client import Client

TRUST = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
)


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="users and roles keep tag keys differing only in case as two tags; AWS keeps one "
    "(IAM User Guide, Tagging IAM resources, 'Case sensitivity': for users and roles the "
    "second replaces the first), so aws:ResourceTag/KEY and aws:PrincipalTag/KEY have two "
    "candidate values and the tag quota counts one key twice",
)
def test_review3_a_user_or_role_holds_one_tag_per_key_whatever_its_case(iam: Client) -> None:
    iam.create_user(user_name="tagged", tags=[{"Key": "Department", "Value": "finance"}])
    iam.tag_user(user_name="tagged", tags=[{"Key": "department", "Value": "hr"}])
    iam.create_role(
        role_name="tagged", assume_role_policy_document=TRUST, tags=[{"Key": "Team", "Value": "a"}]
    )
    iam.tag_role(role_name="tagged", tags=[{"Key": "TEAM", "Value": "b"}])
    user_tags = iam.list_user_tags(user_name="tagged").tags
    role_tags = iam.list_role_tags(role_name="tagged").tags
    assert [tag.value for tag in user_tags if tag.key.lower() == "department"] == ["hr"]
    assert [tag.value for tag in role_tags if tag.key.lower() == "team"] == ["b"]

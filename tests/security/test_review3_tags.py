"""Findings of the third adversarial review: tags of users and roles (fixed; each test now
guards its fix). AWS keeps one tag per key of a user or role whatever its case (IAM User Guide,
Tagging IAM resources, "Case sensitivity"), so aws:ResourceTag/KEY has one value."""

from __future__ import annotations

from iamstore.client import Client

TRUST = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
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

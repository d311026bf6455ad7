"""Field validation against AWS's IAM model: lengths, patterns, enums, and AWS's message format."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from iam_helpers import ALLOW_S3, TRUST_EC2

from iamstore.client import Client, ValidationError

NAME_PATTERN = r"[\w+=,.@-]+"


def message(value: object, where: str, constraint: str) -> str:
    return (
        f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy "
        f"constraint: Member must {constraint}"
    )


def test_user_name_pattern_message_matches_aws(iam: Client) -> None:
    # CreateUser UserName: pattern [\w+=,.@-]+, length 1..64 ("IAM and AWS STS quotas").
    with pytest.raises(ValidationError) as raised:
        iam.create_user(user_name="bad name!")
    error = raised.value
    assert error.code == "ValidationError"
    assert error.message == message(
        "bad name!", "userName", f"satisfy regular expression pattern: {NAME_PATTERN}"
    )
    assert error.field == "UserName"
    assert iam.list_users().users == ()


@pytest.mark.parametrize(
    ("kind", "limit"),
    [("user", 64), ("role", 64), ("group", 128), ("policy", 128)],
)
def test_name_length_limits(iam: Client, kind: str, limit: int) -> None:
    # "IAM and AWS STS quotas": user and role names 64 characters; group and policy names 128.
    def make(name: str) -> None:
        if kind == "user":
            iam.create_user(user_name=name)
        elif kind == "role":
            iam.create_role(role_name=name, assume_role_policy_document=TRUST_EC2)
        elif kind == "group":
            iam.create_group(group_name=name)
        else:
            iam.create_policy(policy_name=name, policy_document=ALLOW_S3)

    make("n" * limit)
    with pytest.raises(ValidationError) as raised:
        make("m" * (limit + 1))
    assert raised.value.message == message(
        "m" * (limit + 1), f"{kind}Name", f"have length less than or equal to {limit}"
    )


def test_empty_name_is_too_short(iam: Client) -> None:
    with pytest.raises(ValidationError) as raised:
        iam.create_group(group_name="")
    assert raised.value.message == message(
        "", "groupName", "have length greater than or equal to 1"
    )
    assert iam.list_groups().groups == ()


@pytest.mark.parametrize("path", ["no-slashes", "/no-trailing", "trailing/"])
def test_paths_must_begin_and_end_with_a_slash(iam: Client, path: str) -> None:
    # "IAM identifiers": a path begins and ends with a forward slash.
    with pytest.raises(ValidationError) as raised:
        iam.create_user(user_name="u", path=path)
    assert "at 'path' failed to satisfy constraint" in raised.value.message
    assert iam.list_users().users == ()


def test_path_prefix_must_begin_with_a_slash(iam: Client) -> None:
    with pytest.raises(ValidationError) as raised:
        iam.list_users(path_prefix="eng/")
    assert "at 'pathPrefix'" in raised.value.message


def test_several_errors_are_reported_together(iam: Client) -> None:
    with pytest.raises(ValidationError) as raised:
        iam.create_user(user_name="bad name!", path="nope")
    text = raised.value.message
    assert text.startswith("2 validation errors detected: ")
    assert "at 'userName'" in text
    assert "at 'path'" in text
    assert "; " in text


@pytest.mark.parametrize(
    ("call", "where", "enum"),
    [
        (lambda iam: iam.list_policies(scope="Mine"), "scope", "[All, AWS, Local]"),
        (
            lambda iam: iam.list_policies(policy_usage_filter="Both"),
            "policyUsageFilter",
            "[PermissionsPolicy, PermissionsBoundary]",
        ),
    ],
    ids=["scope", "usage-filter"],
)
def test_enum_values_are_checked(
    iam: Client, call: Callable[[Client], object], where: str, enum: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        call(iam)
    assert f"at '{where}'" in raised.value.message
    assert raised.value.message.endswith(f"Member must satisfy enum value set: {enum}")


def test_entity_filter_enum(iam: Client) -> None:
    arn = iam.create_policy(policy_name="p", policy_document=ALLOW_S3).policy.arn
    assert arn is not None
    with pytest.raises(ValidationError) as raised:
        iam.list_entities_for_policy(policy_arn=arn, entity_filter="Robot")
    assert "at 'entityFilter'" in raised.value.message


def test_tag_key_and_value_lengths(iam: Client) -> None:
    # Tag: key 1..128 characters, value 0..256.
    iam.create_user(user_name="u")
    iam.tag_user(user_name="u", tags=[{"Key": "k" * 128, "Value": "v" * 256}])
    with pytest.raises(ValidationError) as raised:
        iam.tag_user(user_name="u", tags=[{"Key": "k" * 129, "Value": "v"}])
    assert "at 'tags.1.member.key'" in raised.value.message
    with pytest.raises(ValidationError) as raised:
        iam.tag_user(user_name="u", tags=[{"Key": "k", "Value": "v" * 257}])
    assert "at 'tags.1.member.value'" in raised.value.message
    assert [t.key for t in iam.list_user_tags(user_name="u").tags] == ["k" * 128]


def test_role_description_is_at_most_1000_characters(iam: Client) -> None:
    iam.create_role(role_name="r", assume_role_policy_document=TRUST_EC2, description="d" * 1000)
    with pytest.raises(ValidationError) as raised:
        iam.update_role(role_name="r", description="d" * 1001)
    assert "at 'description'" in raised.value.message
    assert iam.get_role(role_name="r").role.description == "d" * 1000


def test_policy_document_characters_are_checked(iam: Client) -> None:
    # policyDocumentType: characters U+0009, U+000A, U+000D and U+0020..U+00FF only.
    document = ALLOW_S3.replace("s3:GetObject", "s3:GetObject\u2603")
    with pytest.raises(ValidationError) as raised:
        iam.create_policy(policy_name="p", policy_document=document)
    assert "at 'policyDocument'" in raised.value.message
    assert iam.list_policies(scope="Local").policies == ()


def test_short_policy_arn_is_a_validation_error(iam: Client) -> None:
    # arnType: length 20..2048.
    with pytest.raises(ValidationError) as raised:
        iam.get_policy(policy_arn="arn:aws:iam::1:p")
    assert raised.value.message == message(
        "arn:aws:iam::1:p", "policyArn", "have length greater than or equal to 20"
    )

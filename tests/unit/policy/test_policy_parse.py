"""Unit tests for node.policy.parse: the IAM JSON policy grammar (IAM JSON policy elements)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamstore.node.policy import (
    MalformedPolicyDocumentError,
    PolicyKind,
    parse_policy,
    serialize_policy,
)
from iamstore.node.policy.document import Effect, PrincipalKey

ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def doc(*statements: Any, **top: object) -> str:
    body: dict[str, object] = {"Version": "2012-10-17", **top}
    body["Statement"] = list(statements)
    return json.dumps(body)


def error_of(text: str, kind: PolicyKind = PolicyKind.IDENTITY) -> MalformedPolicyDocumentError:
    with pytest.raises(MalformedPolicyDocumentError) as info:
        parse_policy(text, kind)
    return info.value


def test_minimal_identity_policy_parses_to_typed_tree() -> None:
    policy = parse_policy(doc(ALLOW_ALL), PolicyKind.IDENTITY)
    assert policy.version == "2012-10-17"
    assert policy.statements[0].effect is Effect.ALLOW
    assert policy.statements[0].actions == ("*",)
    assert policy.statements[0].resources == ("*",)


def test_statement_may_be_a_single_object() -> None:
    text = json.dumps({"Version": "2012-10-17", "Statement": ALLOW_ALL})
    assert len(parse_policy(text, PolicyKind.IDENTITY).statements) == 1


def test_missing_version_defaults_to_2008() -> None:
    # IAM JSON policy elements: Version -- a policy without Version uses 2008-10-17.
    policy = parse_policy(json.dumps({"Statement": [ALLOW_ALL]}), PolicyKind.IDENTITY)
    assert policy.version == "2008-10-17"
    assert not policy.variables_enabled


def test_error_message_and_pointer_for_bad_effect() -> None:
    err = error_of(doc({**ALLOW_ALL, "Effect": "Permit"}))
    assert err.message == "statement 0: `Effect` must be `Allow` or `Deny`, got `Permit`"
    assert err.pointer == "/Statement/0/Effect"


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ("not json", ""),
        ("[]", ""),
        ('{"Version": "2012-10-17", "Statement": []}', "/Statement"),
        ('{"Version": "2012-10-17"}', ""),
        ('{"Version": "2020-01-01", "Statement": []}', "/Version"),
        ('{"Version": 2012, "Statement": []}', "/Version"),
        (doc(ALLOW_ALL, Foo=1), "/Foo"),
        (doc(ALLOW_ALL, Id=5), "/Id"),
        ('{"Version": "2012-10-17", "Statement": "x"}', "/Statement"),
        (doc("x"), "/Statement/0"),
        (doc({**ALLOW_ALL, "Extra": 1}), "/Statement/0/Extra"),
        (doc({"Action": "*", "Resource": "*"}), "/Statement/0"),
        (doc({**ALLOW_ALL, "Effect": "allow"}), "/Statement/0/Effect"),
        (doc({"Effect": "Allow", "Resource": "*"}), "/Statement/0"),
        (doc({**ALLOW_ALL, "NotAction": "s3:*"}), "/Statement/0"),
        (doc({**ALLOW_ALL, "Action": []}), "/Statement/0/Action"),
        (doc({**ALLOW_ALL, "Action": [1]}), "/Statement/0/Action/0"),
        (doc({**ALLOW_ALL, "Action": "s3"}), "/Statement/0/Action"),
        (doc({**ALLOW_ALL, "Action": ["s3:Get", ":x"]}), "/Statement/0/Action/1"),
        (doc({"Effect": "Allow", "Action": "*"}), "/Statement/0"),
        (doc({**ALLOW_ALL, "NotResource": "*"}), "/Statement/0"),
        (doc({**ALLOW_ALL, "Resource": "bucket"}), "/Statement/0/Resource"),
        (doc({**ALLOW_ALL, "Resource": {"a": 1}}), "/Statement/0/Resource"),
        (doc({**ALLOW_ALL, "Sid": 3}), "/Statement/0/Sid"),
        (doc({**ALLOW_ALL, "Sid": "has space"}), "/Statement/0/Sid"),
        (doc({**ALLOW_ALL, "Sid": "A"}, {**ALLOW_ALL, "Sid": "A"}), "/Statement/1/Sid"),
        (doc({**ALLOW_ALL, "Principal": "*"}), "/Statement/0/Principal"),
        (doc({**ALLOW_ALL, "Condition": []}), "/Statement/0/Condition"),
        (
            doc({**ALLOW_ALL, "Condition": {"StringEqualz": {"a": "b"}}}),
            "/Statement/0/Condition/StringEqualz",
        ),
        (
            doc({**ALLOW_ALL, "Condition": {"StringEquals": {"aws:PrincipalTag/t": None}}}),
            "/Statement/0/Condition/StringEquals/aws:PrincipalTag~1t",
        ),
        (
            doc({**ALLOW_ALL, "Condition": {"StringEquals": {"k": [{"a": 1}]}}}),
            "/Statement/0/Condition/StringEquals/k/0",
        ),
        (
            doc({**ALLOW_ALL, "Condition": {"StringEquals": {"k": []}}}),
            "/Statement/0/Condition/StringEquals/k",
        ),
        (
            doc({**ALLOW_ALL, "Condition": {"StringEquals": {}}}),
            "/Statement/0/Condition/StringEquals",
        ),
        (doc({**ALLOW_ALL, "Condition": {"NullIfExists": {"k": "true"}}}), None),
        (doc({**ALLOW_ALL, "Condition": {"ForAnyValue:Null": {"k": "true"}}}), None),
        ('{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": []}', ""),
        ('{"Version": "2012-10-17", "Statement": {"Effect": NaN}}', ""),
        ("[" * 100000, ""),
    ],
)
def test_identity_policy_rejections(text: str, pointer: str | None) -> None:
    err = error_of(text)
    assert err.message == err.message.strip()
    assert "\n" not in err.message
    assert err.message[0].islower() or err.message[0] in "`"
    if pointer is not None:
        assert err.pointer == pointer


def test_identity_like_policies_reject_principal() -> None:
    # IAM JSON policy elements: Principal -- not allowed in identity-based policies.
    for kind in (PolicyKind.IDENTITY, PolicyKind.BOUNDARY, PolicyKind.SESSION, PolicyKind.SCP):
        text = doc({**ALLOW_ALL, "Principal": {"AWS": "111122223333"}})
        assert error_of(text, kind).pointer == "/Statement/0/Principal"


@pytest.mark.parametrize("kind", [PolicyKind.RESOURCE, PolicyKind.TRUST])
def test_resource_and_trust_policies_need_a_principal(kind: PolicyKind) -> None:
    statement = {"Effect": "Allow", "Action": "sts:AssumeRole"}
    if kind is PolicyKind.RESOURCE:
        statement["Resource"] = "*"
    err = error_of(doc(statement), kind)
    assert "`Principal` or `NotPrincipal`" in err.message


def test_trust_policy_rejects_resource() -> None:
    text = doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": "*", "Resource": "*"})
    assert error_of(text, PolicyKind.TRUST).pointer == "/Statement/0/Resource"


def test_trust_policy_without_resource_parses() -> None:
    text = doc(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "ec2.amazonaws.com"},
        }
    )
    policy = parse_policy(text, PolicyKind.TRUST)
    spec = policy.statements[0].principal
    assert spec is not None
    assert spec.entries == ((PrincipalKey.SERVICE, ("ec2.amazonaws.com",)),)


def test_principal_and_not_principal_together_rejected() -> None:
    text = doc({**ALLOW_ALL, "Principal": "*", "NotPrincipal": "*"})
    assert "cannot both" in error_of(text, PolicyKind.RESOURCE).message


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:iam::111122223333:user/*",
        "arn:aws:iam::*:root",
        "11112222333",
        "arn:aws:s3:::bucket",
        "bob",
    ],
)
def test_invalid_aws_principals_rejected(value: str) -> None:
    # Principal: wildcards cannot match part of a principal name or ARN.
    text = doc({**ALLOW_ALL, "Principal": {"AWS": value}})
    assert error_of(text, PolicyKind.RESOURCE).pointer == "/Statement/0/Principal/AWS"


@pytest.mark.parametrize(
    "principal",
    [
        "*",
        {"AWS": "*"},
        {"AWS": "111122223333"},
        {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/a/b"]},
        {"AWS": "arn:aws:iam::111122223333:role/path/r"},
        {"AWS": "arn:aws:sts::111122223333:assumed-role/r/s"},
        {"AWS": "arn:aws:sts::111122223333:federated-user/f"},
        {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
        {"Federated": "cognito-identity.amazonaws.com"},
        {"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"},
    ],
)
def test_valid_principals(principal: object) -> None:
    text = doc({**ALLOW_ALL, "Principal": principal})
    assert parse_policy(text, PolicyKind.RESOURCE).statements[0].principal is not None


def test_unknown_principal_type_rejected() -> None:
    text = doc({**ALLOW_ALL, "Principal": {"User": "x"}})
    assert error_of(text, PolicyKind.RESOURCE).pointer == "/Statement/0/Principal/User"


def test_sid_may_be_any_string_in_resource_policies() -> None:
    text = doc({**ALLOW_ALL, "Sid": "grant read-only", "Principal": "*"})
    assert parse_policy(text, PolicyKind.RESOURCE).statements[0].sid == "grant read-only"


def test_empty_sids_do_not_clash() -> None:
    text = doc({**ALLOW_ALL, "Sid": ""}, {**ALLOW_ALL, "Sid": ""})
    assert len(parse_policy(text, PolicyKind.IDENTITY).statements) == 2


def test_scp_needs_version_2012() -> None:
    # SCP syntax: every SCP must specify Version 2012-10-17.
    text = json.dumps({"Version": "2008-10-17", "Statement": [ALLOW_ALL]})
    assert error_of(text, PolicyKind.SCP).pointer == "/Version"


def test_scp_supports_full_language_in_allow_statements() -> None:
    # SCP syntax: NotAction, NotResource and Condition are supported with Allow and Deny.
    text = doc(
        {
            "Effect": "Allow",
            "NotAction": "iam:*",
            "NotResource": "arn:aws:s3:::secret/*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
        }
    )
    assert parse_policy(text, PolicyKind.SCP).statements[0].not_resources is not None


@pytest.mark.parametrize(
    "operator",
    [
        "StringEquals",
        "StringNotLikeIfExists",
        "ForAnyValue:StringLike",
        "ForAllValues:StringEqualsIgnoreCaseIfExists",
        "NumericLessThanEquals",
        "DateGreaterThan",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddressIfExists",
        "ArnLike",
        "ArnNotEquals",
        "Null",
    ],
)
def test_known_operators_accepted(operator: str) -> None:
    text = doc({**ALLOW_ALL, "Condition": {operator: {"k": "v"}}})
    assert parse_policy(text, PolicyKind.IDENTITY).statements[0].conditions[0].operator == operator


def test_condition_values_are_stringified() -> None:
    text = doc(
        {
            **ALLOW_ALL,
            "Condition": {"Bool": {"aws:SecureTransport": True}, "NumericEquals": {"n": [1, 2.5]}},
        }
    )
    clauses = parse_policy(text, PolicyKind.IDENTITY).statements[0].conditions
    assert [c.values for c in clauses] == [("true",), ("1", "2.5")]


def test_serialize_then_parse_gives_equal_policy() -> None:
    text = doc(
        {
            "Sid": "A1",
            "Effect": "Deny",
            "NotAction": ["s3:Get*", "iam:*"],
            "NotResource": "arn:aws:s3:::b/${aws:username}",
            "Condition": {
                "StringLike": {"s3:prefix": ["a/*", "b"]},
                "Bool": {"aws:MultiFactorAuthPresent": "false"},
            },
        },
        Id="my-policy",
    )
    policy = parse_policy(text, PolicyKind.IDENTITY)
    assert parse_policy(serialize_policy(policy), PolicyKind.IDENTITY) == policy


def test_non_string_input_rejected() -> None:
    with pytest.raises(MalformedPolicyDocumentError):
        parse_policy(b"{}", PolicyKind.IDENTITY)  # type: ignore[arg-type]

"""Unit tests for node.policy.match: action and ARN wildcard matching."""

from __future__ import annotations

import pytest

from iamstore.node.policy.match import action_service, compile_action_patterns, compile_arn_patterns


@pytest.mark.parametrize(
    ("patterns", "action", "expected"),
    [
        (("s3:GetObject",), "s3:getobject", True),  # actions are case-insensitive
        (("S3:GETOBJECT",), "s3:getobject", True),
        (("s3:Get*",), "s3:getobjectacl", True),
        (("s3:Get*",), "s3:putobject", False),
        (("s3:*Object",), "s3:deleteobject", True),
        (("s3:?etObject",), "s3:getobject", True),
        (("s3:?etObject",), "s3:ggetobject", False),
        (("*",), "anything:atall", True),
        (("s3:*",), "s3x:get", False),
        (("s3:Get.bject",), "s3:getobject", False),  # `.` is literal, not a regex wildcard
        (("iam:*", "sts:AssumeRole"), "sts:assumerole", True),
        (("iam:*", "sts:AssumeRole"), "sts:assumerolewithsaml", False),
    ],
)
def test_action_patterns(patterns: tuple[str, ...], action: str, expected: bool) -> None:
    assert compile_action_patterns(patterns)(action) is expected


def test_action_service_prefix() -> None:
    assert action_service("S3:GetObject") == "s3"
    assert action_service("*") is None
    assert action_service("s*:Get") is None


def arn_match(pattern: str, value: str, context: dict[str, str] | None = None) -> bool:
    return compile_arn_patterns((pattern,), variables=True)(value, context or {})


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("*", "arn:aws:s3:::b", True),
        ("*", "not-an-arn", True),
        ("arn:aws:s3:::b", "arn:aws:s3:::b", True),
        ("arn:aws:s3:::b", "arn:aws:s3:::B", False),  # resource part is case-sensitive
        ("arn:aws:S3:::b", "arn:aws:s3:::b", True),  # service part is not
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c", True),  # `*` crosses `/` in the resource
        ("arn:aws:s3:::b/*", "arn:aws:s3:::bucket/a", False),
        ("arn:aws:iam::*:user/x", "arn:aws:iam::111122223333:user/x", True),
        ("arn:aws:iam::*:user/x", "arn:aws:iam::1:2:user/x", False),  # `*` never crosses `:`
        ("arn:aws:*:*:*:*", "arn:aws:ec2:us-east-1:1:instance/i-1", True),
        ("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:1:volume/v", False),
        (
            "arn:aws:logs:*:*:log-group:g:*",
            "arn:aws:logs:eu-west-1:1:log-group:g:log-stream:s",
            True,
        ),
        ("arn:aws:s3:::b?", "arn:aws:s3:::bc", True),
        ("arn:aws:s3:::b?", "arn:aws:s3:::bcd", False),
        ("arn:aws:s3:::a.c", "arn:aws:s3:::abc", False),  # regex metacharacters are literal
        ("arn:aws:s3:::a+c", "arn:aws:s3:::a+c", True),
        ("arn:aws:s3:::a(b", "arn:aws:s3:::a(b", True),
        ("arn:*", "arn:aws:s3:::anything/at/all", True),
        ("arn:aws:s3:::b", "arn:aws:s3:::b\n", False),
    ],
)
def test_arn_patterns(pattern: str, value: str, expected: bool) -> None:
    assert arn_match(pattern, value) is expected


def test_arn_variable_substituted_literally() -> None:
    pattern = "arn:aws:s3:::b/${aws:username}/*"
    assert arn_match(pattern, "arn:aws:s3:::b/bob/x", {"aws:username": "bob"})
    assert not arn_match(pattern, "arn:aws:s3:::b/bob/x", {"aws:username": "alice"})
    # A variable value is literal text: its `*` is not a wildcard.
    assert not arn_match(pattern, "arn:aws:s3:::b/bob/x", {"aws:username": "*"})
    assert arn_match(pattern, "arn:aws:s3:::b/*/x", {"aws:username": "*"})


def test_arn_variable_without_value_matches_nothing() -> None:
    pattern = "arn:aws:s3:::b/${aws:username}/*"
    assert not arn_match(pattern, "arn:aws:s3:::b//x", {})
    assert not arn_match(pattern, "arn:aws:s3:::b/x/y", {"aws:username": ("a", "b")})  # type: ignore[dict-item]


def test_arn_variable_default() -> None:
    pattern = "arn:aws:s3:::b/${aws:username, 'shared'}/*"
    assert arn_match(pattern, "arn:aws:s3:::b/shared/x", {})
    assert arn_match(pattern, "arn:aws:s3:::b/bob/x", {"aws:username": "bob"})
    assert not arn_match(pattern, "arn:aws:s3:::b/shared/x", {"aws:username": "bob"})


def test_arn_escapes_are_literal() -> None:
    assert arn_match("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*")
    assert not arn_match("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x")
    assert arn_match("arn:aws:s3:::b/${?}${$}", "arn:aws:s3:::b/?$")


def test_variables_are_literal_when_disabled() -> None:
    matcher = compile_arn_patterns(("arn:aws:s3:::b/${aws:username}",), variables=False)
    assert matcher("arn:aws:s3:::b/${aws:username}", {"aws:username": "bob"})
    assert not matcher("arn:aws:s3:::b/bob", {"aws:username": "bob"})


def test_variable_key_is_case_insensitive() -> None:
    assert arn_match(
        "arn:aws:s3:::b/${AWS:UserName}", "arn:aws:s3:::b/bob", {"aws:username": "bob"}
    )


def test_any_of_several_patterns() -> None:
    matcher = compile_arn_patterns(
        ("arn:aws:s3:::a", "arn:aws:s3:::b/${aws:username}"), variables=True
    )
    assert matcher("arn:aws:s3:::a", {})
    assert matcher("arn:aws:s3:::b/x", {"aws:username": "x"})
    assert not matcher("arn:aws:s3:::b/y", {"aws:username": "x"})

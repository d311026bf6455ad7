"""Unit tests for node.policy.compile and node.policy.evaluate (IAM policy evaluation logic)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamstore.node.policy import (
    Outcome,
    PolicyKind,
    PolicySet,
    PrincipalType,
    compile_policy,
    evaluate,
    make_request,
    parse_policy,
)
from iamstore.node.policy.compile import CompiledPolicy

ALICE = "arn:aws:iam::111122223333:user/alice"
OBJ = "arn:aws:s3:::docs/a.txt"


def compiled(kind: PolicyKind, *statements: dict[str, Any], name: str = "") -> CompiledPolicy:
    text = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    return compile_policy(parse_policy(text, kind), name)


def allow(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def test_make_request_reads_principal_type_and_account() -> None:
    request = make_request("arn:aws:sts::111122223333:assumed-role/Dev/s", "s3:GetObject", OBJ)
    assert request.principal_type is PrincipalType.ASSUMED_ROLE
    assert request.principal_account == "111122223333"
    assert request.role_name == "Dev"
    assert make_request(ALICE, "a:b", "*").principal_type is PrincipalType.USER
    assert make_request("arn:aws:iam::111122223333:root", "a:b", "*").principal_type is (
        PrincipalType.ROOT
    )
    assert make_request("ec2.amazonaws.com", "a:b", "*").principal_type is PrincipalType.SERVICE


def test_make_request_lowercases_context_keys_and_freezes_lists() -> None:
    request = make_request(ALICE, "s3:GetObject", OBJ, context={"AWS:TagKeys": ["a", "b"]})
    assert request.context == {"aws:tagkeys": ("a", "b")}


def test_allow_reports_the_allowing_statement() -> None:
    policy = compiled(
        PolicyKind.IDENTITY, allow("ec2:*", Sid="Ec2"), allow("s3:Get*", Sid="Read"), name="p1"
    )
    decision = evaluate(make_request(ALICE, "s3:GetObject", OBJ), PolicySet(identity=(policy,)))
    assert decision.outcome is Outcome.ALLOW
    assert decision.allowed
    assert [(m.policy_kind, m.policy_name, m.statement_index, m.sid) for m in decision.matched] == [
        (PolicyKind.IDENTITY, "p1", 1, "Read")
    ]


def test_explicit_deny_reports_only_denies() -> None:
    policy = compiled(PolicyKind.IDENTITY, allow(), deny("s3:*", Sid="NoS3"), name="p")
    decision = evaluate(make_request(ALICE, "s3:GetObject", OBJ), PolicySet(identity=(policy,)))
    assert decision.outcome is Outcome.EXPLICIT_DENY
    assert [m.sid for m in decision.matched] == ["NoS3"]


def test_implicit_deny_has_no_matches() -> None:
    policy = compiled(PolicyKind.IDENTITY, allow("ec2:*"))
    decision = evaluate(make_request(ALICE, "s3:GetObject", OBJ), PolicySet(identity=(policy,)))
    assert decision.outcome is Outcome.IMPLICIT_DENY
    assert decision.matched == ()


def test_policy_name_defaults_to_id() -> None:
    text = json.dumps({"Version": "2012-10-17", "Id": "my-id", "Statement": [allow()]})
    assert compile_policy(parse_policy(text, PolicyKind.IDENTITY)).name == "my-id"


def test_statements_are_indexed_by_service_prefix() -> None:
    policy = compiled(
        PolicyKind.IDENTITY,
        allow("s3:GetObject"),
        allow(["ec2:Run*", "S3:Put*"]),
        allow("*"),
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        allow("s*:Get*"),
    )
    assert [s.index for s in policy.candidates("s3")] == [0, 1, 2, 3, 4]
    assert [s.index for s in policy.candidates("ec2")] == [1, 2, 3, 4]
    assert [s.index for s in policy.candidates("iam")] == [2, 3, 4]


def test_evaluation_never_parses_json(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = compiled(PolicyKind.IDENTITY, allow("s3:*", "arn:aws:s3:::docs/${aws:username}"))
    request = make_request(ALICE, "s3:GetObject", "arn:aws:s3:::docs/alice", context={
        "aws:username": "alice"
    })  # fmt: skip

    def forbidden(*args: object, **kwargs: object) -> object:
        raise AssertionError("json.loads called during evaluation")

    monkeypatch.setattr(json, "loads", forbidden)
    assert evaluate(request, PolicySet(identity=(policy,))).outcome is Outcome.ALLOW


def test_compiled_policy_can_be_reused_across_requests() -> None:
    policy = compiled(
        PolicyKind.IDENTITY, allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*")
    )
    policies = PolicySet(identity=(policy,))
    for user in ("alice", "bob", "alice"):
        ok = make_request(ALICE, "s3:GetObject", f"arn:aws:s3:::home/{user}/x", context={
            "aws:username": user
        })  # fmt: skip
        other = make_request(ALICE, "s3:GetObject", "arn:aws:s3:::home/zed/x", context={
            "aws:username": user
        })  # fmt: skip
        assert evaluate(ok, policies).allowed
        assert not evaluate(other, policies).allowed


def test_role_arn_grant_matched_lists_boundary_and_session_allows() -> None:
    # IAM session policies: a grant to the role ARN is limited by the session policy.
    resource = compiled(
        PolicyKind.RESOURCE,
        allow("s3:*", Principal={"AWS": "arn:aws:iam::111122223333:role/Dev"}),
        name="bucket",
    )
    session = compiled(PolicyKind.SESSION, allow("s3:*"), name="session")
    request = make_request("arn:aws:sts::111122223333:assumed-role/Dev/s", "s3:GetObject", OBJ)
    decision = evaluate(request, PolicySet(resource=resource, session=(session,)))
    assert decision.outcome is Outcome.ALLOW
    assert {m.policy_name for m in decision.matched} == {"bucket", "session"}


def test_several_session_policies_act_as_one() -> None:
    identity = compiled(PolicyKind.IDENTITY, allow())
    first = compiled(PolicyKind.SESSION, allow("ec2:*"))
    second = compiled(PolicyKind.SESSION, allow("s3:*"))
    request = make_request("arn:aws:sts::111122223333:assumed-role/Dev/s", "s3:GetObject", OBJ)
    assert evaluate(request, PolicySet(identity=(identity,), session=(first, second))).allowed
    assert not evaluate(request, PolicySet(identity=(identity,), session=(first,))).allowed

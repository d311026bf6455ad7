"""Unit tests for node.policy.simulate: the JSON-lines offline simulator."""

from __future__ import annotations

import json
from typing import Any

from iamstore.node.policy import simulate_lines

ALICE = "arn:aws:iam::111122223333:user/alice"
ALLOW_S3 = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
}


def line(**fields: Any) -> str:
    body: dict[str, Any] = {
        "id": "c1",
        "identity_policies": [ALLOW_S3],
        "principal_arn": ALICE,
        "action": "s3:GetObject",
        "resource_arn": "arn:aws:s3:::b/k",
        "context": {},
    }
    body.update(fields)
    return json.dumps(body)


def run(*lines: str) -> list[dict[str, Any]]:
    return [json.loads(out) for out in simulate_lines(lines)]


def test_decision_line_shape() -> None:
    (out,) = run(line())
    assert out == {
        "id": "c1",
        "decision": "Allow",
        "matched": [
            {
                "policy_type": "identity",
                "policy": "identity_policies/0",
                "statement": 0,
                "sid": None,
            }
        ],
    }


def test_optional_fields_may_be_absent_or_null() -> None:
    (out,) = run(line(resource_policy=None, permission_boundary=None, scps=None))
    assert out["decision"] == "Allow"


def test_policy_may_be_json_text() -> None:
    (out,) = run(line(identity_policies=[json.dumps(ALLOW_S3)]))
    assert out["decision"] == "Allow"


def test_bad_policy_gives_error_line_with_location_then_continues() -> None:
    bad = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Permit", "Action": "*", "Resource": "*"},
    }
    first, second = run(line(id="bad", identity_policies=[ALLOW_S3, bad]), line(id="good"))
    assert first["id"] == "bad"
    assert first["error"]["code"] == "MalformedPolicyDocument"
    assert first["error"]["message"].startswith("identity_policies/1: statement 0: `Effect`")
    assert first["error"]["pointer"] == "/identity_policies/1/Statement/0/Effect"
    assert second == {**second, "id": "good", "decision": "Allow"}


def test_non_object_lines_are_reported_and_blank_lines_skipped() -> None:
    outputs = run("", "[1]", "{oops", "   ", line())
    assert [o.get("error", {}).get("code") for o in outputs] == [
        "InvalidInput",
        "InvalidInput",
        None,
    ]


def test_unknown_field_rejected() -> None:
    (out,) = run(line(expect="Allow"))
    assert out["error"] == {"code": "InvalidInput", "message": "unknown field `expect`"}


def test_context_is_used_exactly_as_given() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"Null": {"aws:username": "true"}},
        },
    }
    # Nothing is derived from the principal ARN: aws:username stays absent.
    (out,) = run(line(identity_policies=[policy]))
    assert out["decision"] == "Allow"


def test_sts_assume_role_reads_resource_policy_as_trust_policy() -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"},
    }
    (out,) = run(
        line(
            identity_policies=[],
            resource_policy=trust,
            action="sts:AssumeRole",
            resource_arn="arn:aws:iam::111122223333:role/R",
        )
    )
    assert out["decision"] == "Allow"
    assert out["matched"][0]["policy_type"] == "trust"

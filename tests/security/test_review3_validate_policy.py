"""Findings of the third adversarial review: ValidatePolicy.

Each test reproduced a bug against a real node (then marked xfail(strict=True)); the bugs are
fixed, and the tests keep them fixed (docs/testing.md, "Bugs the tests found").
"""

from __future__ import annotations

import json

from iamstore.client import Client


def test_review3_many_findings_still_reach_the_caller(iam: Client) -> None:
    # 20,000 actions of services that do not exist: one finding each, 300 bytes per finding.
    actions = [f"s{i}:G" for i in range(20_000)]
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
        },
        separators=(",", ":"),
    )
    assert len(document) < 262_144  # within what the node validates
    answer = iam.validate_policy(policy_document=document, policy_type="IDENTITY_POLICY")
    assert len(answer.findings) > 0

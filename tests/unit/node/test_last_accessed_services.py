"""Which services a last-accessed report lists: the fast, indexed `granted_services` agrees with
ListPoliciesGrantingServiceAccess's per-service rule on every known service, and its work
follows the number of patterns (policies full of distinct wildcard services stay cheap)."""

from __future__ import annotations

import json
import random
from typing import cast

import pytest

from iamstore.node.domain import last_accessed
from iamstore.node.domain.last_accessed import EntityUse, granted_services, service_names
from iamstore.node.policy import PolicyKind
from iamstore.node.policy.document import Policy
from iamstore.node.policy.parse import parse_policy
from iamstore.node.policy.service_access import grants_service

PIECES = [
    "*", "s3:*", "s*:Get*", "i?m:*", "ec2:Run*", "*:*", "lam*:*", "sts:AssumeRole",
    "*3:*", "??2:*", "*a*b*:List*", "nope:X", "IAM:CreateUser",
]  # fmt: skip


def policy(*statements: dict[str, object]) -> Policy:
    return parse_policy(
        json.dumps({"Version": "2012-10-17", "Statement": list(statements)}), PolicyKind.IDENTITY
    )


@pytest.mark.parametrize("seed", range(300))
def test_agrees_with_the_per_service_rule(seed: int) -> None:
    rng = random.Random(seed)
    statements: list[dict[str, object]] = [
        {
            "Effect": rng.choice(["Allow", "Allow", "Deny"]),
            rng.choice(["Action", "Action", "NotAction"]): rng.sample(PIECES, rng.randint(1, 3)),
            "Resource": "*",
        }
        for _ in range(rng.randint(1, 3))
    ]
    policies = [policy(*statements)]
    named = {
        p.partition(":")[0].lower()
        for s in statements
        if s["Effect"] == "Allow" and "Action" in s
        for p in cast(list[str], s["Action"])
        if "*" not in p and "?" not in p
    }
    expected = {
        namespace
        for namespace in {*service_names(), *named}
        if any(grants_service(p, namespace) for p in policies)
    }
    assert set(granted_services(policies)) == expected


def test_many_distinct_wildcard_services_cost_one_walk_each() -> None:
    """600 distinct `*x*` globs in 20 policies: each walked only against the services that
    contain its literal run, never against the whole catalog (this took minutes before)."""
    policies = [
        policy(
            {"Effect": "Allow", "Action": [f"*q{j}z{i}*:G*" for i in range(30)], "Resource": "*"}
        )
        for j in range(20)
    ]
    assert granted_services(policies) == []


def test_action_level_lists_literal_and_attempted_allowed_actions() -> None:
    policies = [policy({"Effect": "Allow", "Action": ["s3:Get*", "s3:PutObject"], "Resource": "*"})]
    arn = "arn:aws:iam::123456789012:user/a"
    uses = [
        EntityUse(arn, "service:s3", 5, "us-east-1"),
        EntityUse(arn, "action:s3:GetObject", 5, "us-east-1"),
        EntityUse(arn, "action:s3:DeleteBucket", 4, "us-east-1"),  # not allowed: not listed
    ]
    (s3,) = last_accessed.report(uses, policies, last_accessed.ACTION_LEVEL)
    assert (s3.namespace, s3.total_entities) == ("s3", 1)
    assert s3.last is not None
    assert s3.last.entity_arn == arn
    assert [(a.name, a.last is not None) for a in s3.actions] == [
        ("GetObject", True),
        ("PutObject", False),
    ]

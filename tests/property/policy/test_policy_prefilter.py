"""The per-action resource index of many-statement policies and of policy groups never drops
a statement whose Resource can match."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import RefPolicies, RefRequest, reference_decide
from test_policy_differential import (
    ACTIONS,
    CALLERS,
    RESOURCES,
    contexts,
    statements,
)

from iamstore.node.policy.compile import PolicyGroup, compile_policy
from iamstore.node.policy.document import PolicyKind
from iamstore.node.policy.evaluate import PolicySet, evaluate
from iamstore.node.policy.parse import parse_policy_object
from iamstore.node.policy.principals import make_request, normalize_context

many_statements = st.lists(statements(PolicyKind.IDENTITY), min_size=8, max_size=16)


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    many_statements,
    st.sampled_from(CALLERS[:5]),
    st.sampled_from(ACTIONS),
    st.sampled_from(RESOURCES),
    contexts(),
)
def test_prefiltered_evaluation_agrees_with_reference(
    raw: list[dict[str, Any]], caller: str, action: str, resource: str, context: dict[str, Any]
) -> None:
    policy = parse_policy_object({"Version": "2012-10-17", "Statement": raw}, PolicyKind.IDENTITY)
    expected = reference_decide(
        RefRequest(caller, action, resource, None, context), RefPolicies(identity=[policy])
    )
    request = make_request(caller, action, resource, context=context)
    assert evaluate(request, PolicySet(identity=(compile_policy(policy),))).outcome.value == (
        expected
    )


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(many_statements, st.sampled_from(ACTIONS), st.sampled_from(RESOURCES))
def test_applicable_keeps_every_statement_whose_resource_matches(
    raw: list[dict[str, Any]], action: str, resource: str
) -> None:
    policy = compile_policy(
        parse_policy_object({"Version": "2012-10-17", "Statement": raw}, PolicyKind.IDENTITY)
    )
    context = normalize_context({"aws:username": "bob"})
    lowered = action.lower()
    needed = [
        s.index
        for s in policy.matching(lowered)
        if s.resource is None or s.resource(resource, context) is not s.resource_negated
    ]
    kept = [s.index for s in policy.applicable(lowered, resource)]
    # A superset, in statement order, of the statements whose resource element matches.
    assert [i for i in kept if i in needed] == needed
    assert kept == sorted(kept)


# Enough statements over a few policies that the group's own prefilter comes into play.
several_policies = st.lists(
    st.lists(statements(PolicyKind.IDENTITY), min_size=1, max_size=6), min_size=1, max_size=4
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    several_policies,
    st.sampled_from(CALLERS[:5]),
    st.sampled_from(ACTIONS),
    st.sampled_from(RESOURCES),
    contexts(),
)
def test_a_group_decides_as_its_policies_one_by_one(
    raws: list[list[dict[str, Any]]],
    caller: str,
    action: str,
    resource: str,
    context: dict[str, Any],
) -> None:
    policies = tuple(
        compile_policy(
            parse_policy_object({"Version": "2012-10-17", "Statement": raw}, PolicyKind.IDENTITY),
            f"p{i}",
        )
        for i, raw in enumerate(raws)
    )
    request = make_request(caller, action, resource, context=context)
    one_by_one = evaluate(request, PolicySet(identity=policies))
    group = PolicyGroup(policies)
    # Twice: the second answer comes from the group's memo.
    for _ in range(2):
        # Same outcome and the same statements, in the same order.
        assert evaluate(request, PolicySet(identity=(group,))) == one_by_one


# Patterns and ARNs at the index's edges: case in the first five segments, colons in the
# resource part, variables before and after the fifth colon (their values may hold colons),
# fewer than six segments, wildcards where the literal start ends, a non-ASCII service.
INDEX_PATTERNS = [
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:s3:::b/${aws:username, 'k'}",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::B/k",
    "arn:AWS:S3:::b/k",
    "arn:aws:s3:::b:c/*",
    "arn:aws:s3:::b?/*",
    "arn:aws:*:*:*:b/*",
    "arn:aws:s3:::${aws:username}",
    "arn:aws:iam::${aws:PrincipalAccount}:user/x",
    "arn:aws:iam::*:user/${aws:username}",
    "arn:aws:sqs:us-east-1:111122223333:q-${aws:username}",
    "arn:aws:s3::",
    "arn:aws:s3:::",
    "arn:*",
    "*",
]
INDEX_ARNS = [
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b/bob/k",
    "arn:aws:s3:::b/a:b/k",
    "arn:aws:s3:::B/k",
    "ARN:AWS:S3:::b/k",
    "arn:aws:s3:::b:c/k",
    "arn:aws:s3:::bx/k",
    "arn:aws:s3:::b/",
    "arn:aws:s3:::bob",
    "arn:aws:s3:::",
    "arn:aws:s3::b/k",
    "arn:aws:\u017f3:::b/k",
    "arn:aws:iam::111122223333:user/x",
    "arn:aws:iam::1:2:user/x",
    "arn:aws:iam::1:2:user/bob",
    "arn:aws:sqs:us-east-1:111122223333:q-bob",
    "*",
]
INDEX_CONTEXTS = [
    {"aws:username": "bob", "aws:principalaccount": "111122223333"},
    {"aws:username": "a:b", "aws:principalaccount": "1:2"},
    {},
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.sampled_from(INDEX_PATTERNS), min_size=1, max_size=3),
        min_size=4,
        max_size=14,
    ),
    st.integers(1, 3),
)
def test_the_resource_index_keeps_every_statement_whose_resource_matches(
    resources: list[list[str]], policies: int
) -> None:
    raw = [{"Effect": "Allow", "Action": "s3:*", "Resource": r} for r in resources]
    compiled = tuple(
        compile_policy(
            parse_policy_object(
                {"Version": "2012-10-17", "Statement": raw[i::policies]}, PolicyKind.IDENTITY
            ),
            f"p{i}",
        )
        for i in range(policies)
        if raw[i::policies]
    )
    group = PolicyGroup(compiled)
    for arn in INDEX_ARNS:
        for values in INDEX_CONTEXTS:
            context = normalize_context(values)
            needed = [
                s
                for policy in compiled
                for s in policy.matching("s3:getobject")
                if s.resource is not None and s.resource(arn, context)
            ]
            for kept in (
                [s for policy in compiled for s in policy.applicable("s3:getobject", arn)],
                list(group.applicable("s3:getobject", arn)),
            ):
                # A superset of the statements whose Resource matches, in their order.
                assert [s for s in kept if s in needed] == needed, (arn, values)

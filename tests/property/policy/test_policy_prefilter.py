"""The per-action resource prefilter of many-statement policies and of policy groups never
drops a statement."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from node.policy.compile import PolicyGroup, compile_policy
from node.policy.document import PolicyKind
from node.policy.evaluate import PolicySet, evaluate
from node.policy.parse import parse_policy_object
from node.policy.principals import make_request, normalize_context
from tests.property.policy.reference import RefPolicies, RefRequest, reference_decide
from tests.property.policy.test_policy_differential import (
    ACTIONS,
    CALLERS,
    RESOURCES,
    contexts,
    statements,
)

many_statements = st.lists(statements(PolicyKind.IDENTITY), min_size=8, max_size=16)


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

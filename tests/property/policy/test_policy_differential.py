"""Differential property test: the compiled evaluator agrees with the naive reference evaluator."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import RefPolicies, RefRequest, reference_decide

from iamstore.node.policy.compile import CompiledPolicy, PolicyGroup, compile_policy
from iamstore.node.policy.document import PolicyKind
from iamstore.node.policy.evaluate import PolicySet, evaluate
from iamstore.node.policy.parse import parse_policy_object
from iamstore.node.policy.principals import make_request

ACCOUNT, OTHER = "111122223333", "444455556666"
CALLERS = [
    f"arn:aws:iam::{ACCOUNT}:user/bob",
    f"arn:aws:iam::{ACCOUNT}:user/team/alice",
    f"arn:aws:iam::{ACCOUNT}:root",
    f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/s1",
    f"arn:aws:sts::{ACCOUNT}:federated-user/fed",
    f"arn:aws:iam::{OTHER}:user/eve",
    f"arn:aws:sts::{OTHER}:assumed-role/deployer/s2",
    "ec2.amazonaws.com",
    "anonymous",
]
ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "iam:ListUsers",
    "ec2:StartInstances",
    "sts:GetCallerIdentity",
]
ACTION_PATTERNS = [
    *ACTIONS,
    "s3:*",
    "*",
    "s3:Get*",
    "*:GetObject",
    "s?:PutObject",
    "IAM:list*",
    "ec2:*Instances",
]
RESOURCES = [
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b/bob/k",
    "arn:aws:s3:::B/k",
    f"arn:aws:iam::{ACCOUNT}:user/bob",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
    "arn:aws:iam::1:2:user/bob",
    "arn:aws:s3:::b:c/k",
    "*",
]
RESOURCE_PATTERNS = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:s3:::b/${aws:username, 'k'}",
    "arn:aws:*:*:*:*",
    "arn:aws:iam::*:user/*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::?/k",
    "arn:aws:ec2:*:*:instance/*",
    "arn:aws:S3:::b/${*}",
    "arn:*",
]
KEYS = ["k1", "K2", "aws:username"]
CONDITION_VALUES = {
    "String": ["a", "b", "A", "a*", "${aws:username}", "x${?}", "bob"],
    "Numeric": ["1", "2.5", "10", "x"],
    "Date": ["2020-01-01T00:00:00Z", "1577836800", "2021-06-01", "nope"],
    "Bool": ["true", "false", "maybe"],
    "Ip": ["10.0.0.0/8", "192.168.1.1", "2001:db8::/32", "bad"],
    "Arn": ["arn:aws:iam::*:user/*", "arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::*"],
    "Binary": ["YQ==", "Yg=="],
}
OPERATORS = {
    "String": [
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
    ],
    "Numeric": ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericGreaterThanEquals"],
    "Date": ["DateEquals", "DateNotEquals", "DateLessThan", "DateGreaterThan"],
    "Bool": ["Bool"],
    "Ip": ["IpAddress", "NotIpAddress"],
    "Arn": ["ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEquals"],
    "Binary": ["BinaryEquals"],
}
REQUEST_VALUES = [
    "a", "b", "A", "bob", "abc", "x?", "1", "10.0", "3", "2020-01-01T00:00:00Z", "2022-01-01",
    "true", "FALSE", "10.1.2.3", "2001:db8::5", "arn:aws:iam::111122223333:user/bob",
    "arn:aws:s3:::b/bob", "YQ==",
]  # fmt: skip
PRINCIPALS: list[Any] = [
    "*",
    {"AWS": "*"},
    {"AWS": ACCOUNT},
    {"AWS": ACCOUNT},
    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    {"AWS": OTHER},
    {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"},
    {"AWS": f"arn:aws:iam::{ACCOUNT}:role/deployer"},
    {"AWS": f"arn:aws:iam::{OTHER}:role/path/deployer"},
    {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/s1"},
    {
        "AWS": [
            f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/s1",
            f"arn:aws:iam::{ACCOUNT}:role/deployer",
            ACCOUNT,
        ]
    },
    {"AWS": [f"arn:aws:iam::{ACCOUNT}:user/bob", ACCOUNT]},
    {"AWS": [f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/s1", ACCOUNT]},
    {"Service": "ec2.amazonaws.com"},
    {"AWS": f"arn:aws:sts::{ACCOUNT}:federated-user/fed"},
]


def one_or_many(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(values), st.lists(st.sampled_from(values), min_size=1, max_size=3)
    )


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    block: dict[str, dict[str, Any]] = {}
    for _ in range(draw(st.integers(0, 2))):
        family = draw(st.sampled_from(sorted(OPERATORS)))
        operator = draw(st.sampled_from(OPERATORS[family]))
        if draw(st.booleans()):
            operator += "IfExists"
        prefix = draw(st.sampled_from(["", "", "ForAnyValue:", "ForAllValues:"]))
        operator = prefix + operator
        key = draw(st.sampled_from(KEYS))
        block.setdefault(operator, {})[key] = draw(one_or_many(CONDITION_VALUES[family]))
    if draw(st.integers(0, 5)) == 0:
        block["Null"] = {draw(st.sampled_from(KEYS)): draw(st.sampled_from(["true", "false"]))}
    return block


@st.composite
def statements(draw: st.DrawFn, kind: PolicyKind) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    action_key = "Action" if draw(st.integers(0, 4)) else "NotAction"
    statement[action_key] = draw(one_or_many(ACTION_PATTERNS))
    resource_key = "Resource" if draw(st.integers(0, 4)) else "NotResource"
    statement[resource_key] = draw(one_or_many(RESOURCE_PATTERNS))
    if kind is PolicyKind.RESOURCE:
        principal_key = "Principal" if draw(st.integers(0, 4)) else "NotPrincipal"
        statement[principal_key] = draw(st.sampled_from(PRINCIPALS))
    block = draw(conditions())
    if block:
        statement["Condition"] = block
    return statement


@st.composite
def documents(draw: st.DrawFn, kind: PolicyKind) -> dict[str, Any]:
    version = (
        "2012-10-17"
        if kind is PolicyKind.SCP
        else draw(st.sampled_from(["2012-10-17", "2012-10-17", "2008-10-17"]))
    )
    return {
        "Version": version,
        "Statement": draw(st.lists(statements(kind), min_size=1, max_size=2)),
    }


@st.composite
def contexts(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=4))
    out: dict[str, Any] = {}
    for key in keys:
        if draw(st.booleans()):
            out[key] = draw(st.lists(st.sampled_from(REQUEST_VALUES), max_size=3))
        else:
            out[key] = draw(st.sampled_from(REQUEST_VALUES))
    return out


@st.composite
def cases(draw: st.DrawFn) -> tuple[RefRequest, dict[str, Any]]:
    request = RefRequest(
        principal_arn=draw(st.sampled_from(CALLERS)),
        action=draw(st.sampled_from(ACTIONS)),
        resource_arn=draw(st.sampled_from(RESOURCES)),
        resource_account=draw(st.sampled_from([None, ACCOUNT, OTHER])),
        context=draw(contexts()),
    )
    maybe = st.booleans()
    docs: dict[str, Any] = {
        "identity": draw(st.lists(documents(PolicyKind.IDENTITY), max_size=2)),
        "resource": draw(documents(PolicyKind.RESOURCE)) if draw(maybe) else None,
        "boundary": draw(documents(PolicyKind.BOUNDARY)) if draw(st.integers(0, 3)) == 0 else None,
        "session": draw(documents(PolicyKind.SESSION)) if draw(st.integers(0, 3)) == 0 else None,
        "scps": (
            draw(st.lists(st.lists(documents(PolicyKind.SCP), max_size=2), min_size=1, max_size=2))
            if draw(st.integers(0, 3)) == 0
            else None
        ),
    }
    return request, docs


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_engine_agrees_with_reference(case: tuple[RefRequest, dict[str, Any]]) -> None:
    request, docs = case

    def parsed(doc: dict[str, Any], kind: PolicyKind) -> Any:
        return parse_policy_object(doc, kind)

    identity = [parsed(d, PolicyKind.IDENTITY) for d in docs["identity"]]
    resource = None if docs["resource"] is None else parsed(docs["resource"], PolicyKind.RESOURCE)
    boundary = None if docs["boundary"] is None else parsed(docs["boundary"], PolicyKind.BOUNDARY)
    session = None if docs["session"] is None else parsed(docs["session"], PolicyKind.SESSION)
    scps = (
        None
        if docs["scps"] is None
        else [[parsed(d, PolicyKind.SCP) for d in level] for level in docs["scps"]]
    )
    expected = reference_decide(
        request,
        RefPolicies(
            identity=identity, resource=resource, boundary=boundary, session=session, scps=scps
        ),
    )
    policy_set = PolicySet(
        identity=tuple(compile_policy(p) for p in identity),
        resource=None if resource is None else compile_policy(resource),
        boundary=None if boundary is None else compile_policy(boundary),
        session=() if session is None else (compile_policy(session),),
        scps=None if scps is None else tuple(tuple(compile_policy(p) for p in lvl) for lvl in scps),
    )
    engine_request = make_request(
        request.principal_arn,
        request.action,
        request.resource_arn,
        resource_account=request.resource_account,
        context=request.context,
    )
    decision = evaluate(engine_request, policy_set)
    assert decision.outcome.value == expected
    # The node scans a principal's identity policies as one group: same decision, same
    # statements in the same order.
    singles = tuple(p for p in policy_set.identity if isinstance(p, CompiledPolicy))
    assert len(singles) == len(policy_set.identity)
    grouped = replace(policy_set, identity=(PolicyGroup(singles),))
    assert evaluate(engine_request, grouped) == decision


SEGMENT = st.sampled_from(["a", "b", "*", "?", "", "a*", "*b", "A", "${aws:username}", "${*}"])
VALUE_SEGMENT = st.sampled_from(["a", "b", "", "ab", "A", "*", "a/b", "bob"])


@settings(max_examples=600, deadline=None)
@given(
    st.lists(SEGMENT, min_size=1, max_size=7), st.lists(VALUE_SEGMENT, min_size=1, max_size=8),
    st.sampled_from([None, "a", "a:b", "*"]), st.booleans(), st.booleans(),
)  # fmt: skip
def test_arn_matching_agrees_with_reference(
    segments: list[str], value_segments: list[str], username: str | None, on: bool, arn: bool
) -> None:
    from reference import arn_like

    from iamstore.node.policy.match import compile_arn_patterns

    pattern = ":".join(["arn", *segments] if arn else segments)
    value = ":".join(["arn", *value_segments] if arn else value_segments)
    context: dict[str, Any] = {} if username is None else {"aws:username": username}
    engine = compile_arn_patterns((pattern,), variables=on)(value, context)
    assert engine == arn_like(pattern, value, context, on)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(
    st.sampled_from(CALLERS),
    st.sampled_from([None, ACCOUNT, OTHER]),
    st.lists(
        st.tuples(
            st.sampled_from(["Allow", "Deny"]),
            st.sampled_from(["Principal", "NotPrincipal"]),
            st.sampled_from(PRINCIPALS),
        ),
        min_size=0,
        max_size=2,
    ),
    st.booleans(),
    st.sampled_from([None, True, False]),
    st.sampled_from([None, True, False]),
)
def test_principal_and_account_rules_agree_with_reference(
    caller: str,
    resource_account: str | None,
    resource_statements: list[tuple[str, str, Any]],
    identity_allows: bool,
    boundary_allows: bool | None,
    session_allows: bool | None,
) -> None:
    def simple(effect: str, kind: PolicyKind, **extra: Any) -> Any:
        statement = {"Effect": effect, "Action": "*", "Resource": "*", **extra}
        return parse_policy_object({"Version": "2012-10-17", "Statement": [statement]}, kind)

    def gate(allows: bool | None, kind: PolicyKind) -> Any:
        if allows is None:
            return None
        return simple("Allow", kind, Action="s3:*" if allows else "ec2:Nothing")

    resource = None
    if resource_statements:
        body = [
            {"Effect": e, key: p, "Action": "*", "Resource": "*"}
            for e, key, p in resource_statements
        ]
        resource = parse_policy_object(
            {"Version": "2012-10-17", "Statement": body}, PolicyKind.RESOURCE
        )
    identity = [simple("Allow", PolicyKind.IDENTITY)] if identity_allows else []
    boundary = gate(boundary_allows, PolicyKind.BOUNDARY)
    session = gate(session_allows, PolicyKind.SESSION)
    request = RefRequest(caller, "s3:GetObject", "arn:aws:s3:::b/k", resource_account, {})
    expected = reference_decide(
        request,
        RefPolicies(identity=identity, resource=resource, boundary=boundary, session=session),
    )
    policy_set = PolicySet(
        identity=tuple(compile_policy(p) for p in identity),
        resource=None if resource is None else compile_policy(resource),
        boundary=None if boundary is None else compile_policy(boundary),
        session=() if session is None else (compile_policy(session),),
    )
    engine_request = make_request(
        caller, "s3:GetObject", "arn:aws:s3:::b/k", resource_account=resource_account
    )
    assert evaluate(engine_request, policy_set).outcome.value == expected


EXTRA_VALUES = {
    "String": ["B", "bo", "xy", "x?"],
    "Numeric": ["2.50", "-1", "1e1"],
    "Date": ["2019-12-31T23:59:59Z", "2020-01-01T01:00:00+01:00", "1600000000"],
    "Bool": ["TRUE", "False", "1"],
    "Ip": ["10.1.2.3", "192.168.1.1", "2001:db8::9", "::1"],
    "Arn": ["arn:aws:iam::1:user/bob", "arn:aws:s3:::b/bob", "arn:aws:s3:::x", "nope"],
    "Binary": ["YQ==", "Yw==", "%%"],
}


@pytest.mark.slow
@settings(max_examples=800, deadline=None)
@given(
    st.sampled_from(sorted(OPERATORS)),
    st.data(),
    st.sampled_from(["", "ForAnyValue:", "ForAllValues:"]),
    st.booleans(),
)
def test_conditions_agree_with_reference(
    family: str, data: st.DataObject, prefix: str, if_exists: bool
) -> None:
    from reference import condition_holds

    from iamstore.node.policy.conditions import compile_clause
    from iamstore.node.policy.document import ConditionClause
    from iamstore.node.policy.principals import normalize_context

    operator = (
        prefix + data.draw(st.sampled_from(OPERATORS[family])) + ("IfExists" if if_exists else "")
    )
    pool = CONDITION_VALUES[family] + EXTRA_VALUES[family]
    values = tuple(
        data.draw(st.lists(st.sampled_from(CONDITION_VALUES[family]), min_size=1, max_size=3))
    )
    context: dict[str, Any] = {"aws:username": data.draw(st.sampled_from(["bob", "a", "*"]))}
    shape = data.draw(st.sampled_from(["missing", "single", "list"]))
    if shape == "single":
        context["K1"] = data.draw(st.sampled_from(pool))
    elif shape == "list":
        context["k1"] = data.draw(st.lists(st.sampled_from(pool), max_size=3))
    engine = compile_clause(ConditionClause(operator, "k1", values), variables=True)(
        normalize_context(context)
    )
    assert engine == condition_holds(operator, "k1", values, context, True)

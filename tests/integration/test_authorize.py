"""Authorize, AuthorizeBatch and the two simulators through real gRPC against one node."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from iamstore.client import (
    AccessDeniedError,
    Client,
    ContextEntry,
    Credentials,
    InvalidInputError,
    MalformedPolicyDocumentError,
    NoSuchEntityError,
)
from iamstore.client.cli import cli
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.wire.credentials import write_credentials_file

BUCKET = "arn:aws:s3:::bucket"


def doc(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str, resource: str = "*", **extra: object) -> dict[str, object]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str, resource: str = "*", **extra: object) -> dict[str, object]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def user(iam: Client, name: str = "alice") -> str:
    return iam.create_user(user_name=name).user.arn


def decide(iam: Client, arn: str, action: str, resource: str, **kw: object) -> str:
    result = iam.authorize(
        principal_arn=arn,
        action=action,
        resource_arn=resource,
        at_least=iam.consistency_token,
        **kw,  # type: ignore[arg-type]
    )
    return result.decision


def test_inline_policy_decides_and_a_write_shows_at_once_with_its_token(iam: Client) -> None:
    arn = user(iam)
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/k") == "ImplicitDeny"
    iam.put_user_policy(
        user_name="alice", policy_name="read", policy_document=doc(allow("s3:GetObject"))
    )
    result = iam.authorize(
        principal_arn=arn,
        action="s3:getobject",  # AWS: action names are case-insensitive
        resource_arn=f"{BUCKET}/k",
        at_least=iam.consistency_token,
    )
    assert result.decision == "Allow"
    assert [
        (m.policy_type, m.policy_name, m.statement_index) for m in result.matched_statements
    ] == [("identity", "user/alice/read", 0)]
    iam.delete_user_policy(user_name="alice", policy_name="read")
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/k") == "ImplicitDeny"


def test_policy_variable_aws_username_comes_from_the_node(iam: Client) -> None:
    arn = user(iam)
    home = allow("s3:GetObject", BUCKET + "/home/${aws:username}/*")
    iam.put_user_policy(user_name="alice", policy_name="home", policy_document=doc(home))
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/home/alice/x") == "Allow"
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/home/bob/x") == "ImplicitDeny"


def test_group_and_attached_managed_policies_apply(iam: Client) -> None:
    arn = user(iam)
    iam.create_group(group_name="readers")
    iam.add_user_to_group(group_name="readers", user_name="alice")
    policy = iam.create_policy(policy_name="list", policy_document=doc(allow("s3:ListBucket")))
    assert policy.policy.arn is not None
    iam.attach_group_policy(group_name="readers", policy_arn=policy.policy.arn)
    result = iam.authorize(
        principal_arn=arn,
        action="s3:ListBucket",
        resource_arn=BUCKET,
        at_least=iam.consistency_token,
    )
    assert result.decision == "Allow"
    assert result.matched_statements[0].policy_name == policy.policy.arn
    iam.remove_user_from_group(group_name="readers", user_name="alice")
    assert decide(iam, arn, "s3:ListBucket", BUCKET) == "ImplicitDeny"


def test_explicit_deny_in_any_policy_wins(iam: Client) -> None:
    # AWS "Policy evaluation logic": an explicit deny in any policy overrides any allow.
    arn = user(iam)
    iam.put_user_policy(user_name="alice", policy_name="all", policy_document=doc(allow("s3:*")))
    iam.create_group(group_name="g")
    iam.add_user_to_group(group_name="g", user_name="alice")
    iam.put_group_policy(
        group_name="g", policy_name="no-delete", policy_document=doc(deny("s3:DeleteObject"))
    )
    result = iam.authorize(
        principal_arn=arn,
        action="s3:DeleteObject",
        resource_arn=f"{BUCKET}/k",
        at_least=iam.consistency_token,
    )
    assert result.decision == "ExplicitDeny"
    assert [m.policy_name for m in result.matched_statements] == ["group/g/no-delete"]
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/k") == "Allow"


def test_permissions_boundary_limits_identity_policies(iam: Client) -> None:
    # AWS: the effective permissions are the intersection of identity policies and boundary.
    arn = user(iam)
    iam.put_user_policy(user_name="alice", policy_name="all", policy_document=doc(allow("s3:*")))
    boundary = iam.create_policy(policy_name="b", policy_document=doc(allow("s3:GetObject")))
    assert boundary.policy.arn is not None
    iam.put_user_permissions_boundary(user_name="alice", permissions_boundary=boundary.policy.arn)
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/k") == "Allow"
    assert decide(iam, arn, "s3:PutObject", f"{BUCKET}/k") == "ImplicitDeny"
    iam.delete_user_permissions_boundary(user_name="alice")
    assert decide(iam, arn, "s3:PutObject", f"{BUCKET}/k") == "Allow"


def test_same_account_resource_policy_naming_the_user_is_enough(iam: Client) -> None:
    # AWS: within one account, a resource policy granting the principal's ARN allows alone.
    arn = user(iam)
    resource_policy = doc(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": arn}))
    result = iam.authorize(
        principal_arn=arn,
        action="s3:GetObject",
        resource_arn=f"{BUCKET}/k",
        resource_policy=resource_policy,
        at_least=iam.consistency_token,
    )
    assert result.decision == "Allow"
    assert result.matched_statements[0].policy_type == "resource"


def test_cross_account_needs_both_resource_policy_and_identity_policy(iam: Client) -> None:
    # AWS: cross-account access needs an allow on both sides.
    arn = user(iam)
    resource_policy = doc(allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": arn}))
    other = "999999999999"
    assert (
        decide(
            iam,
            arn,
            "s3:GetObject",
            f"{BUCKET}/k",
            resource_policy=resource_policy,
            resource_account=other,
        )
        == "ImplicitDeny"
    )
    iam.put_user_policy(
        user_name="alice", policy_name="read", policy_document=doc(allow("s3:GetObject"))
    )
    assert (
        decide(
            iam,
            arn,
            "s3:GetObject",
            f"{BUCKET}/k",
            resource_policy=resource_policy,
            resource_account=other,
        )
        == "Allow"
    )
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/k", resource_account=other) == "ImplicitDeny"


def test_role_and_its_sessions_are_principals(iam_node: InProcessNode, iam: Client) -> None:
    account = iam.get_caller_identity().account
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "sts:AssumeRole",
        }
    )
    role = iam.create_role(role_name="app", assume_role_policy_document=trust).role
    iam.put_role_policy(
        role_name="app", policy_name="read", policy_document=doc(allow("s3:GetObject"))
    )
    assert decide(iam, role.arn, "s3:GetObject", f"{BUCKET}/k") == "Allow"
    iam.create_user(user_name="runner")
    iam.put_user_policy(
        user_name="runner", policy_name="p", policy_document=doc(allow("sts:AssumeRole"))
    )
    key = iam.create_access_key(user_name="runner").access_key
    with Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    ) as runner:
        issued = runner.assume_role(role_arn=role.arn, role_session_name="worker-1")
    creds = issued.credentials
    session = f"arn:aws:sts::{account}:assumed-role/app/worker-1"
    # A session is named by its credentials as presented, never by an ARN anyone can write.
    with pytest.raises(InvalidInputError, match="SessionToken"):
        decide(iam, session, "s3:GetObject", f"{BUCKET}/k")

    def by_session(action: str) -> tuple[str, str]:
        answer = iam.authorize(
            access_key_id=creds.access_key_id,
            session_token=creds.session_token,
            action=action,
            resource_arn=f"{BUCKET}/k",
        )
        return answer.decision, answer.principal_arn

    assert by_session("s3:GetObject") == ("Allow", session)
    # AWS: aws:userid of a role session is ROLEID:session-name.
    for name, decision in (("worker-1", "Allow"), ("worker-2", "ImplicitDeny")):
        pinned = doc(
            allow(
                "s3:PutObject", Condition={"StringEquals": {"aws:userid": f"{role.role_id}:{name}"}}
            )
        )
        iam.put_role_policy(role_name="app", policy_name="pinned", policy_document=pinned)
        assert by_session("s3:PutObject") == (decision, session)


def key_account(iam: Client) -> str:
    return iam.get_user().user.arn.split(":")[4]


def test_principal_by_access_key_id(iam: Client) -> None:
    user(iam)
    iam.put_user_policy(user_name="alice", policy_name="p", policy_document=doc(allow("sqs:*")))
    key = iam.create_access_key(user_name="alice").access_key
    result = iam.authorize(
        access_key_id=key.access_key_id,
        action="sqs:SendMessage",
        resource_arn=f"arn:aws:sqs:us-east-1:{key_account(iam)}:q",
        at_least=iam.consistency_token,
    )
    assert result.decision == "Allow"
    assert result.principal_arn.endswith(":user/alice")
    # The account in a resource ARN is the resource's account: another one is cross-account.
    foreign = iam.authorize(
        access_key_id=key.access_key_id,
        action="sqs:SendMessage",
        resource_arn="arn:aws:sqs:us-east-1:111122223333:q",
    )
    assert foreign.decision == "ImplicitDeny"


def test_source_ip_defaults_to_the_peer_address_and_can_be_passed(iam: Client) -> None:
    arn = user(iam)
    local = allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}})
    iam.put_user_policy(user_name="alice", policy_name="ip", policy_document=doc(local))
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/k") == "Allow"
    assert decide(iam, arn, "s3:GetObject", f"{BUCKET}/k", source_ip="203.0.113.9") == (
        "ImplicitDeny"
    )


def test_principal_tags_request_tags_and_context_entries(iam: Client) -> None:
    iam.create_user(user_name="alice", tags=[{"Key": "team", "Value": "blue"}])
    arn = iam.get_user(user_name="alice").user.arn
    statement = allow(
        "ec2:RunInstances",
        Condition={
            "StringEquals": {
                "aws:PrincipalTag/team": "blue",
                "aws:RequestTag/team": "${aws:PrincipalTag/team}",
                "ec2:InstanceType": "t3.micro",
            },
            "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
        },
    )
    iam.put_user_policy(user_name="alice", policy_name="tags", policy_document=doc(statement))
    entry = ContextEntry(context_key_name="ec2:InstanceType", context_key_values=("t3.micro",))
    kwargs: dict[str, object] = {
        "context_entries": [entry],
        "request_tags": [{"Key": "team", "Value": "blue"}],
    }
    assert decide(iam, arn, "ec2:RunInstances", "*", **kwargs) == "Allow"
    kwargs["request_tags"] = [{"Key": "team", "Value": "red"}]
    assert decide(iam, arn, "ec2:RunInstances", "*", **kwargs) == "ImplicitDeny"


def test_resource_tags_feed_aws_resource_tag(iam: Client) -> None:
    arn = user(iam)
    statement = allow(
        "ec2:StopInstances", Condition={"StringEquals": {"aws:ResourceTag/env": "dev"}}
    )
    iam.put_user_policy(user_name="alice", policy_name="p", policy_document=doc(statement))
    dev = [{"Key": "env", "Value": "dev"}]
    assert decide(iam, arn, "ec2:StopInstances", "*", resource_tags=dev) == "Allow"
    assert decide(iam, arn, "ec2:StopInstances", "*") == "ImplicitDeny"


def test_a_caller_cannot_forge_keys_the_node_builds(iam: Client) -> None:
    arn = user(iam)
    forged = ContextEntry(context_key_name="aws:PrincipalArn", context_key_values=("x",))
    with pytest.raises(InvalidInputError, match="set by the node"):
        iam.authorize(
            principal_arn=arn, action="s3:GetObject", resource_arn="*", context_entries=[forged]
        )


def test_a_bad_resource_policy_is_refused(iam: Client) -> None:
    arn = user(iam)
    with pytest.raises(MalformedPolicyDocumentError):
        iam.authorize(
            principal_arn=arn,
            action="s3:GetObject",
            resource_arn="*",
            resource_policy='{"Statement": 1}',
        )


def test_callers_ask_only_about_their_own_account(iam: Client, other_account: Client) -> None:
    arn = user(iam)
    with pytest.raises(AccessDeniedError, match="not in your account"):
        other_account.authorize(
            principal_arn=arn,
            action="s3:GetObject",
            resource_arn="*",
            at_least=iam.consistency_token,
        )
    key = iam.create_access_key(user_name="alice").access_key
    with pytest.raises(NoSuchEntityError):
        other_account.authorize(
            access_key_id=key.access_key_id,
            action="s3:GetObject",
            resource_arn="*",
            at_least=iam.consistency_token,
        )
    with pytest.raises(AccessDeniedError):
        other_account.simulate_principal_policy(
            policy_source_arn=arn, action_names=["s3:Get"], at_least=iam.consistency_token
        )


def test_unknown_principal_and_missing_fields(iam: Client) -> None:
    account = iam.get_user().user.arn.split(":")[4]
    with pytest.raises(NoSuchEntityError):
        iam.authorize(
            principal_arn=f"arn:aws:iam::{account}:user/nobody", action="s3:Get", resource_arn="*"
        )
    with pytest.raises(InvalidInputError, match="exactly one"):
        iam.authorize(action="s3:Get", resource_arn="*")


def test_account_root_is_allowed_by_its_account(iam: Client) -> None:
    root = iam.get_user().user.arn
    assert decide(iam, root, "s3:GetObject", f"{BUCKET}/k") == "Allow"


def test_authorize_batch_answers_in_request_order(iam: Client) -> None:
    arn = user(iam)
    iam.put_user_policy(user_name="alice", policy_name="p", policy_document=doc(allow("s3:Get*")))
    requests = [
        {"principal_arn": arn, "action": action, "resource_arn": f"{BUCKET}/k"}
        for action in ("s3:GetObject", "s3:PutObject", "s3:GetBucketAcl")
    ]
    batch = iam.authorize_batch(requests=requests, at_least=iam.consistency_token)
    assert [r.decision for r in batch.results] == ["Allow", "ImplicitDeny", "Allow"]
    with pytest.raises(InvalidInputError) as caught:
        iam.authorize_batch(requests=[*requests, {"action": "s3:Get", "resource_arn": "*"}])
    assert caught.value.field == "Requests.4.PrincipalArn"


def test_every_batch_decision_is_counted_in_metrics(iam: Client, iam_node: InProcessNode) -> None:
    # The node's metrics count every authorization decision by outcome, Authorize's included.
    node = iam_node.node
    assert node is not None
    assert node.metrics is not None
    metrics = node.metrics

    def counts() -> tuple[float, ...]:
        children = (metrics.authorization_decisions.labels(decision=d)
                    for d in ("allow", "explicit_deny", "implicit_deny"))  # fmt: skip
        (timings,) = metrics.authorization_seconds.collect()
        timed = next(s.value for s in timings.samples if s.name.endswith("_count"))
        return (*(c._value.get() for c in children), timed)

    arn = user(iam)
    iam.put_user_policy(user_name="alice", policy_name="p",
                        policy_document=doc(allow("s3:Get*"), deny("s3:GetBucketAcl")))  # fmt: skip
    requests = [
        {"principal_arn": arn, "action": action, "resource_arn": f"{BUCKET}/k"}
        for action in ("s3:GetObject", "s3:GetObjectAcl", "s3:PutObject", "s3:GetBucketAcl")
    ]
    before = counts()
    iam.authorize_batch(requests=requests, at_least=iam.consistency_token)
    after = counts()
    assert [b - a for a, b in zip(before[:3], after[:3], strict=True)] == [2, 1, 1]
    assert after[3] - before[3] == 4  # each decision's time is observed (counted, not timed)


def test_each_batch_item_decides_as_a_lone_authorize_does(iam: Client) -> None:
    # A batch shares what its items have in common (principal, request facts, equal
    # answers): items that differ in any of them must still each get their own answer.
    alice, bob = user(iam), user(iam, "bob")
    own_folder = allow(
        "s3:GetObject",
        f"{BUCKET}/${{aws:username}}/*",
        Sid="Home",
        Condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}},
    )
    shared = iam.create_policy(policy_name="home", policy_document=doc(own_folder)).policy.arn
    assert shared is not None
    for name in ("alice", "bob"):
        iam.attach_user_policy(user_name=name, policy_arn=shared)
    dev_only = allow(
        "ec2:StopInstances", Sid="Dev", Condition={"StringEquals": {"aws:ResourceTag/env": "dev"}}
    )
    iam.put_user_policy(user_name="alice", policy_name="dev", policy_document=doc(dev_only))

    def get(who: str, folder: str, **extra: object) -> dict[str, object]:
        key = f"{BUCKET}/{folder}/k"
        return {"principal_arn": who, "action": "s3:GetObject", "resource_arn": key, **extra}

    stop: dict[str, object] = {
        "principal_arn": alice,
        "action": "ec2:StopInstances",
        "resource_arn": "*",
    }
    requests: list[dict[str, object]] = [
        get(alice, "alice"),
        get(alice, "alice", source_ip="203.0.113.9"),
        get(bob, "alice"),
        get(bob, "bob"),
        get(alice, "alice", source_ip="127.0.0.2"),
        {**stop, "resource_tags": [{"Key": "env", "Value": "dev"}]},
        stop,
        get(alice, "alice"),
    ]
    batch = iam.authorize_batch(requests=requests, at_least=iam.consistency_token)
    alone = [iam.authorize(**item) for item in requests]  # type: ignore[arg-type]
    assert batch.results == tuple(alone)
    allowed = [r.decision == "Allow" for r in batch.results]
    assert allowed == [True, False, False, True, True, True, False, True]
    # Bob's allow names the same statement as alice's, and names bob.
    assert batch.results[3].matched_statements == batch.results[0].matched_statements
    assert batch.results[3].principal_arn == bob
    assert batch.results[0].principal_arn == alice
    assert [m.sid for m in batch.results[5].matched_statements] == ["Dev"]


def test_simulate_principal_policy_shapes(iam: Client) -> None:
    arn = user(iam)
    iam.put_user_policy(
        user_name="alice",
        policy_name="p",
        policy_document=doc(
            allow("s3:GetObject", Sid="Read"), deny("s3:GetObject", f"{BUCKET}/secret")
        ),
    )
    result = iam.simulate_principal_policy(
        policy_source_arn=arn,
        action_names=["s3:GetObject", "s3:PutObject"],
        resource_arns=[f"{BUCKET}/a", f"{BUCKET}/secret"],
        at_least=iam.consistency_token,
    )
    get, put = result.evaluation_results
    # The top-level decision is the most restrictive over the resources.
    assert (get.eval_action_name, get.eval_decision) == ("s3:GetObject", "explicitDeny")
    assert [
        (r.eval_resource_name, r.eval_resource_decision) for r in get.resource_specific_results
    ] == [
        (f"{BUCKET}/a", "allowed"),
        (f"{BUCKET}/secret", "explicitDeny"),
    ]
    statement = get.resource_specific_results[0].matched_statements[0]
    assert (statement.source_policy_id, statement.source_policy_type) == ("p", "user")
    assert statement.start_position is not None
    assert statement.start_position.line == 1
    assert put.eval_decision == "implicitDeny"
    assert not put.matched_statements
    assert result.is_truncated is False


def _place(statement: Any) -> tuple[tuple[int, int], tuple[int, int]]:
    start, end = statement.start_position, statement.end_position
    return (start.line, start.column), (end.line, end.column)


def test_simulation_positions_locate_each_policys_statement_in_its_text(iam: Client) -> None:
    # AWS's Position (IAM API Reference): the line and column of the statement's start and
    # end; each is the place just after the brace (AWS's example: 1:38 to 1:167).
    arn = user(iam)
    inline = (
        '{"Version": "2012-10-17",\n "Statement": [\n  '
        + json.dumps(allow("s3:GetObject"))
        + "\n ]}"
    )
    iam.put_user_policy(user_name="alice", policy_name="p", policy_document=inline)
    managed = (
        '{\r\n"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:x", '
        '"Resource": "*"},\r\n  {"Effect": "Allow", "Action": "s3:PutObject",\r\n'
        '   "Resource": "*"}]}'
    )
    policy_arn = iam.create_policy(policy_name="m", policy_document=managed).policy.arn
    assert policy_arn is not None
    iam.attach_user_policy(user_name="alice", policy_arn=policy_arn)
    iam.create_group(group_name="g")
    iam.add_user_to_group(group_name="g", user_name="alice")
    grouped = doc(deny("s3:x"), allow("s3:ListBucket"))
    iam.put_group_policy(group_name="g", policy_name="gp", policy_document=grouped)
    result = iam.simulate_principal_policy(
        policy_source_arn=arn,
        action_names=["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"],
        policy_input_list=[doc(allow("s3:DeleteObject"))],
        at_least=iam.consistency_token,
    )
    get, put, list_bucket, delete = (r.matched_statements for r in result.evaluation_results)
    # line 3 is two spaces then the statement: its `{` is column 3, its `}` column len + 2
    get_end = len(json.dumps(allow("s3:GetObject"))) + 3
    assert [(s.source_policy_id, _place(s)) for s in get] == [("p", ((3, 4), (3, get_end)))]
    # lines end at \r\n; the second statement opens line 3 (column 3) and closes line 4's
    # `   "Resource": "*"}` (column 19)
    assert [(s.source_policy_id, _place(s)) for s in put] == [("m", ((3, 4), (4, 20)))]
    # one line: `{"Version": "2012-10-17", "Statement": [` is 40 characters, then statement 0
    # and `, `; the last statement's `}` is the text's third character from the end
    second_start = 40 + len(json.dumps(deny("s3:x"))) + 2 + 2
    assert [(s.source_policy_id, _place(s)) for s in list_bucket] == [
        ("gp", ((1, second_start), (1, len(grouped) - 1)))
    ]
    assert [(s.source_policy_id, _place(s)) for s in delete] == [
        ("PolicyInputList.1", ((1, 42), (1, len(doc(allow("s3:DeleteObject"))) - 1)))
    ]


def test_resource_handling_option_is_a_documented_scenario_with_its_resources(
    iam: Client,
) -> None:
    # AWS (SimulateCustomPolicy, ResourceHandlingOption): four EC2 scenarios, each needing
    # its resources.
    ec2 = "arn:aws:ec2:us-east-1:123456789012"
    base = [f"{ec2}:instance/i-1", f"{ec2}:image/ami-1", f"{ec2}:security-group/sg-1"]
    policy = [doc(allow("ec2:RunInstances"))]
    with pytest.raises(InvalidInputError, match="not a supported scenario"):
        iam.simulate_custom_policy(
            policy_input_list=policy,
            action_names=["ec2:RunInstances"],
            resource_handling_option="x",
        )
    with pytest.raises(InvalidInputError, match="network-interface"):
        iam.simulate_custom_policy(
            policy_input_list=policy,
            action_names=["ec2:RunInstances"],
            resource_arns=base,
            resource_handling_option="EC2-VPC-InstanceStore",
        )
    result = iam.simulate_custom_policy(
        policy_input_list=policy,
        action_names=["ec2:RunInstances"],
        resource_arns=[*base, f"{ec2}:network-interface/eni-1"],
        resource_handling_option="EC2-VPC-InstanceStore",
    )
    simulated = result.evaluation_results[0].resource_specific_results
    assert [r.eval_resource_name for r in simulated] == [
        *base,
        f"{ec2}:network-interface/eni-1",
    ]


def test_simulate_principal_policy_extra_inputs_and_pages(iam: Client) -> None:
    arn = user(iam)
    result = iam.simulate_principal_policy(
        policy_source_arn=arn,
        action_names=["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
        policy_input_list=[doc(allow("s3:*"))],
        permissions_boundary_policy_input_list=[doc(allow("s3:GetObject"))],
        max_items=2,
        at_least=iam.consistency_token,
    )
    assert result.is_truncated
    assert result.marker is not None
    decisions = [r.eval_decision for r in result.evaluation_results]
    assert decisions == ["allowed", "implicitDeny"]
    boundary = result.evaluation_results[1].permissions_boundary_decision_detail
    assert boundary is not None
    assert boundary.allowed_by_permissions_boundary is False
    rest = iam.simulate_principal_policy(
        policy_source_arn=arn,
        action_names=["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
        policy_input_list=[doc(allow("s3:*"))],
        max_items=2,
        marker=result.marker,
    )
    assert [r.eval_action_name for r in rest.evaluation_results] == ["s3:ListBucket"]
    assert rest.evaluation_results[0].matched_statements[0].source_policy_id == "PolicyInputList.1"


def test_simulate_custom_policy_reports_missing_context_values(iam: Client) -> None:
    # AWS: MissingContextValues lists keys the policies' conditions need that were not given.
    policy = doc(allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    result = iam.simulate_custom_policy(policy_input_list=[policy], action_names=["s3:GetObject"])
    only = result.evaluation_results[0]
    assert (only.eval_decision, only.eval_resource_name) == ("implicitDeny", "*")
    assert only.missing_context_values == ("aws:SourceIp",)
    given = ContextEntry(
        context_key_name="aws:SourceIp", context_key_values=("10.1.2.3",), context_key_type="ip"
    )
    result = iam.simulate_custom_policy(
        policy_input_list=[policy], action_names=["s3:GetObject"], context_entries=[given]
    )
    assert result.evaluation_results[0].eval_decision == "allowed"
    assert result.evaluation_results[0].missing_context_values == ()


def test_simulate_custom_policy_organization_levels_must_each_allow(iam: Client) -> None:
    result = iam.simulate_custom_policy(
        policy_input_list=[doc(allow("s3:*"))],
        ordered_organization_policy_input_list=[
            {"ServiceControlPolicyInputList": [doc(allow("*"))]},
            {"ServiceControlPolicyInputList": [doc(allow("ec2:*")), doc(allow("iam:*"))]},
        ],
        action_names=["s3:GetObject"],
    )
    assert result.evaluation_results[0].eval_decision == "implicitDeny"
    result = iam.simulate_custom_policy(
        policy_input_list=[doc(allow("s3:*"))],
        ordered_organization_policy_input_list=[
            {"ServiceControlPolicyInputList": [doc(allow("*"))]},
            {"ServiceControlPolicyInputList": [doc(allow("ec2:*")), doc(allow("s3:Get*"))]},
        ],
        action_names=["s3:GetObject"],
    )
    assert result.evaluation_results[0].eval_decision == "allowed"


QUEUE = "arn:aws:sqs:us-east-1:444455556666:queue"  # a resource of another account


def test_cross_account_simulation_reports_each_policy_type(iam: Client) -> None:
    # AWS (EvaluationResult.EvalDecisionDetails): filled for cross-account simulations only,
    # with each policy type's own decision; the request needs the resource policy of the
    # trusting account and the identity policies of the trusted account both to allow it.
    arn = user(iam)
    iam.put_user_policy(
        user_name="alice", policy_name="p", policy_document=doc(allow("sqs:SendMessage"))
    )
    grant = doc(allow("sqs:SendMessage", QUEUE, Principal={"AWS": arn}))
    granted = iam.simulate_principal_policy(
        policy_source_arn=arn,
        action_names=["sqs:SendMessage"],
        resource_arns=[QUEUE],
        resource_policy=grant,
        at_least=iam.consistency_token,
    ).evaluation_results[0]
    both = {"IAM Policy": "allowed", "Resource Policy": "allowed"}
    assert granted.eval_decision == "allowed"
    assert dict(granted.eval_decision_details) == both
    assert dict(granted.resource_specific_results[0].eval_decision_details) == both

    alone = iam.simulate_principal_policy(
        policy_source_arn=arn, action_names=["sqs:SendMessage"], resource_arns=[QUEUE]
    ).evaluation_results[0]
    assert alone.eval_decision == "implicitDeny"
    assert dict(alone.eval_decision_details) == {
        "IAM Policy": "allowed",
        "Resource Policy": "implicitDeny",
    }

    bounded = iam.simulate_principal_policy(
        policy_source_arn=arn,
        action_names=["sqs:SendMessage"],
        resource_arns=[QUEUE],
        resource_policy=grant,
        permissions_boundary_policy_input_list=[doc(allow("s3:*"))],
    ).evaluation_results[0]
    assert bounded.eval_decision == "implicitDeny"
    assert bounded.eval_decision_details["Permissions Boundary Policy"] == "implicitDeny"
    assert bounded.permissions_boundary_decision_detail is not None
    assert bounded.permissions_boundary_decision_detail.allowed_by_permissions_boundary is False
    wide = iam.simulate_principal_policy(
        policy_source_arn=arn,
        action_names=["sqs:SendMessage"],
        resource_arns=[QUEUE],
        resource_policy=grant,
        permissions_boundary_policy_input_list=[doc(allow("sqs:*"))],
    ).evaluation_results[0]
    assert wide.eval_decision == "allowed"
    assert wide.eval_decision_details["Permissions Boundary Policy"] == "allowed"
    assert wide.permissions_boundary_decision_detail is not None
    assert wide.permissions_boundary_decision_detail.allowed_by_permissions_boundary is True


def test_same_account_simulation_has_no_decision_details(iam: Client) -> None:
    # AWS: a same-account simulation returns EvalDecisionDetails empty (with resource ARNs)
    # or not at all (resource "*").
    arn = user(iam)
    account = arn.split(":")[4]
    own_queue = f"arn:aws:sqs:us-east-1:{account}:queue"
    for resources in ([own_queue], []):
        result = iam.simulate_custom_policy(
            policy_input_list=[doc(allow("sqs:SendMessage"))],
            action_names=["sqs:SendMessage"],
            resource_arns=resources,
        ).evaluation_results[0]
        assert result.eval_decision == "allowed"
        assert dict(result.eval_decision_details) == {}
        assert all(not r.eval_decision_details for r in result.resource_specific_results)


def test_simulation_reports_whether_the_organization_allows(iam: Client) -> None:
    # AWS (OrganizationsDecisionDetail.AllowedByOrganizations): whether the organization's
    # policies allow the action; when they deny, the simulation ends there and carries no
    # EvalDecisionDetails even across accounts.
    def simulate(scp: str) -> Any:
        return iam.simulate_custom_policy(
            policy_input_list=[doc(allow("sqs:SendMessage"))],
            ordered_organization_policy_input_list=[{"ServiceControlPolicyInputList": [scp]}],
            action_names=["sqs:SendMessage"],
            resource_arns=[QUEUE],
        ).evaluation_results[0]

    denied = simulate(doc(allow("s3:*")))
    assert denied.organizations_decision_detail is not None
    assert denied.organizations_decision_detail.allowed_by_organizations is False
    assert dict(denied.eval_decision_details) == {}
    allowed = simulate(doc(allow("*")))
    assert allowed.organizations_decision_detail is not None
    assert allowed.organizations_decision_detail.allowed_by_organizations is True
    assert dict(allowed.eval_decision_details) == {
        "IAM Policy": "allowed",
        "Resource Policy": "implicitDeny",
    }
    without = iam.simulate_custom_policy(
        policy_input_list=[doc(allow("sqs:SendMessage"))], action_names=["sqs:SendMessage"]
    ).evaluation_results[0]
    assert without.organizations_decision_detail is None


def test_cli_authz_check_exit_codes(iam: Client, iam_node: InProcessNode, tmp_path: Path) -> None:
    arn = user(iam)
    iam.put_user_policy(
        user_name="alice",
        policy_name="p",
        policy_document=doc(
            allow("s3:GetObject", Condition={"StringEquals": {"s3:prefix": "home/"}})
        ),
    )
    # Authorize is refused to users without iamstore:Authorize.
    iam.put_user_policy(
        user_name="alice", policy_name="authz", policy_document=doc(allow("iamstore:Authorize"))
    )
    key = iam.create_access_key(user_name="alice").access_key
    credentials = tmp_path / "credentials"
    write_credentials_file(credentials, Credentials(key.access_key_id, key.secret_access_key))
    # The new key and policy must be on the node the CLI asks: one node here, already applied.
    base = [
        "--endpoint",
        iam_node.address,
        "--credentials-file",
        str(credentials),
        "authz",
        "check",
        "--principal",
        arn,
        "--action",
        "s3:GetObject",
        "--resource",
        f"{BUCKET}/k",
    ]
    allowed = CliRunner().invoke(cli, [*base, "--context", "s3:prefix=home/"])
    assert allowed.exit_code == 0, allowed.output
    assert json.loads(allowed.output)["Decision"] == "Allow"
    denied = CliRunner().invoke(cli, base)
    assert denied.exit_code == 1
    assert json.loads(denied.output)["Decision"] == "ImplicitDeny"

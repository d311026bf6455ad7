"""The audit stream: failures, refusals and changes, readable by RPC and as JSON lines (§6)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from iamstore.client import (
    AccessDeniedError,
    Client,
    Credentials,
    InvalidClientTokenIdError,
    SignatureDoesNotMatchError,
)
from iamstore.client.cli import cli
from iamstore.cluster.testing.inproc import InProcessNode


def _user_client(iam: Client, iam_node: InProcessNode, name: str) -> Client:
    iam.create_user(user_name=name)
    key = iam.create_access_key(user_name=name).access_key
    return Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    )


def test_a_denied_call_is_an_event_naming_action_resource_and_decision(
    iam: Client, iam_node: InProcessNode
) -> None:
    with _user_client(iam, iam_node, "bob") as bob, pytest.raises(AccessDeniedError):
        bob.delete_user(user_name="bob")
    bob_arn = iam.get_user(user_name="bob").user.arn
    events = iam.list_audit_events(principal=bob_arn).events
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.resource, event.decision) == (
        "iam:DeleteUser",
        bob_arn,
        "ImplicitDeny",
    )
    assert event.error_code == "AccessDenied"
    assert event.source_address == "127.0.0.1"
    assert event.node == iam_node.node.components.node_id  # type: ignore[union-attr]


def test_an_explicit_deny_names_the_deciding_statement(
    iam: Client, iam_node: InProcessNode
) -> None:
    deny = '{"Version": "2012-10-17", "Statement": [{"Sid": "NoRoles", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}'  # noqa: E501
    with _user_client(iam, iam_node, "bob") as bob:
        iam.put_user_policy(user_name="bob", policy_name="deny", policy_document=deny)
        with pytest.raises(AccessDeniedError):
            bob.list_roles()
    events = iam.list_audit_events(decision="ExplicitDeny").events
    assert len(events) == 1
    assert events[0].deciding_statement is not None
    assert "NoRoles" in events[0].deciding_statement


def test_a_change_is_an_event_with_its_commit(iam: Client) -> None:
    made = iam.create_user(user_name="carol", path="/x/").user
    events = iam.list_audit_events(action="iam:CreateUser", decision="Allow").events
    assert [e.resource for e in events] == [made.arn]
    assert events[0].commit is not None
    assert ":" in events[0].commit
    assert events[0].principal.endswith(":root")
    # Reads are not changes.
    iam.get_user(user_name="carol")
    assert iam.list_audit_events(action="iam:GetUser").events == ()


def test_a_signature_failure_is_an_event_of_the_keys_account(
    iam: Client, iam_node: InProcessNode
) -> None:
    iam.create_user(user_name="dave")
    key = iam.create_access_key(user_name="dave").access_key
    wrong = Credentials(key.access_key_id, "x" * 40)
    with (
        Client(iam_node.address, credentials=wrong) as forger,
        pytest.raises(SignatureDoesNotMatchError),
    ):
        forger.list_users()
    events = iam.list_audit_events(decision="AuthenticationFailure").events
    assert len(events) == 1
    assert events[0].principal == iam.get_user(user_name="dave").user.arn
    assert events[0].error_code == "SignatureDoesNotMatch"
    assert events[0].action == "iam:ListUsers"


def test_accounts_see_only_their_own_events(
    iam: Client, other_account: Client, management: Client
) -> None:
    iam.create_user(user_name="mine")
    other_account.create_user(user_name="theirs")
    mine = iam.list_audit_events().events
    assert [e.resource.rsplit("/", 1)[-1] for e in mine] == ["mine"]
    own_account = iam.get_user(user_name="mine").user.arn.split(":")[4]
    assert {e.account_id for e in mine} == {own_account}
    # The management account sees its own account's events, not a member's.
    assert all(e.account_id != own_account for e in management.list_audit_events().events)


def test_unknown_key_failures_are_the_operators(
    iam: Client, iam_node: InProcessNode, management: Client
) -> None:
    stranger = Credentials("AKIAUNKNOWNKEY000000", "y" * 40)
    with (
        Client(iam_node.address, credentials=stranger) as client,
        pytest.raises(InvalidClientTokenIdError),
    ):
        client.list_users()
    seen = management.list_audit_events(principal="AKIAUNKNOWNKEY000000").events
    assert seen
    assert seen[-1].error_code == "InvalidClientTokenId"
    assert iam.list_audit_events(principal="AKIAUNKNOWNKEY000000").events == ()


def test_since_and_pagination(iam: Client) -> None:
    for name in ("a", "b", "c"):
        iam.create_user(user_name=name)
    first = iam.list_audit_events(max_items=2)
    assert first.is_truncated
    assert len(first.events) == 2
    rest = iam.list_audit_events(marker=first.marker)
    assert [e.resource.rsplit("/", 1)[-1] for e in first.events + rest.events] == ["a", "b", "c"]
    assert not rest.is_truncated
    later = datetime.now(UTC) + timedelta(hours=1)
    assert iam.list_audit_events(since=later).events == ()


def test_events_are_appended_to_the_jsonl_file(iam: Client, iam_node: InProcessNode) -> None:
    made = iam.create_user(user_name="filed").user
    path = iam_node.config.audit_path
    deadline = time.monotonic() + 60  # only ends the wait: appending takes milliseconds
    while time.monotonic() < deadline:
        lines = path.read_text().splitlines() if path.exists() else []
        records = [json.loads(line) for line in lines]
        if any(r["resource"] == made.arn for r in records):
            break
        time.sleep(0.02)
    else:
        pytest.fail("the change never reached audit.jsonl")
    record = next(r for r in records if r["resource"] == made.arn)
    assert (record["action"], record["decision"]) == ("iam:CreateUser", "Allow")


def test_cli_audit_tail_prints_json_lines(
    iam: Client, iam_node: InProcessNode, tmp_path: Path
) -> None:
    iam.create_user(user_name="tailed")
    iam.create_user(user_name="tailed2")
    made = iam.create_access_key(user_name="tailed").access_key
    iam.put_user_policy(
        user_name="tailed",
        policy_name="audit",
        policy_document='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "iamstore:ListAuditEvents", "Resource": "*"}]}',
    )
    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"[default]\naws_access_key_id = {made.access_key_id}\n"
        f"aws_secret_access_key = {made.secret_access_key}\n"
    )
    base = ["--endpoint", iam_node.address, "--credentials-file", str(credentials)]
    result = CliRunner().invoke(cli, [*base, "audit", "tail", "--action", "iam:CreateUser"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["Resource"].rsplit("/", 1)[-1] for line in lines] == ["tailed", "tailed2"]

"""The `iamstore` CLI through click's CliRunner against the fake node."""

from __future__ import annotations

import asyncio
import json
import sys
import types
from datetime import UTC, datetime
from importlib.metadata import EntryPoint
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from client_fake_node import ACCESS_KEY_ID, SECRET_ACCESS_KEY, FakeNode
from google.protobuf.timestamp_pb2 import Timestamp

import iamstore.client.cli as cli_module
from iamstore.client.cli import cli
from iamstore.client.cli.parameters import spread_list_values
from iamstore.v1 import iam_pb2, node_pb2
from iamstore.wire.errors import WireError

ENV = {"AWS_ACCESS_KEY_ID": ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY}
CREATED = datetime(2024, 5, 1, 12, 30, 15, tzinfo=UTC)


def _user() -> iam_pb2.User:
    stamp = Timestamp()
    stamp.FromDatetime(CREATED)
    return iam_pb2.User(
        path="/eng/",
        user_name="alice",
        user_id="AIDA1",
        arn="arn:aws:iam::1:user/alice",
        create_date=stamp,
    )


async def _run(node: FakeNode, *args: str, env: dict[str, str] | None = None) -> Result:
    # The sync client blocks; run it off the event loop that serves the fake node.
    runner = CliRunner()
    return await asyncio.to_thread(
        runner.invoke, cli, ["--endpoint", node.endpoint, *args], env=env or ENV
    )


async def test_create_user_derives_options_and_prints_aws_json(node: FakeNode) -> None:
    node.answer("CreateUser", iam_pb2.CreateUserResponse(user=_user()))
    result = await _run(
        node,
        "iam",
        "create-user",
        "--user-name",
        "alice",
        "--path",
        "/eng/",
        "--tags",
        "Key=team,Value=db",
        "Key=env,Value=prod",
    )
    assert result.exit_code == 0, result.output
    # The aws CLI's output: PascalCase members, ISO 8601 dates, absent members left out.
    assert json.loads(result.stdout) == {
        "User": {
            "Path": "/eng/",
            "UserName": "alice",
            "UserId": "AIDA1",
            "Arn": "arn:aws:iam::1:user/alice",
            "CreateDate": "2024-05-01T12:30:15+00:00",
        }
    }
    [request] = node.requests("CreateUser", iam_pb2.CreateUserRequest)
    assert request == iam_pb2.CreateUserRequest(
        user_name="alice",
        path="/eng/",
        tags=[iam_pb2.Tag(key="team", value="db"), iam_pb2.Tag(key="env", value="prod")],
    )


async def test_tags_as_json_and_lists_as_space_separated_values(node: FakeNode) -> None:
    node.answer("TagRole", iam_pb2.TagRoleResponse())
    node.answer("UntagUser", iam_pb2.UntagUserResponse())
    tagged = await _run(
        node, "iam", "tag-role", "--role-name", "r", "--tags", '[{"Key": "a", "Value": "1"}]'
    )
    untagged = await _run(
        node, "iam", "untag-user", "--user-name", "u", "--tag-keys", "a", "b", "c"
    )
    assert (tagged.exit_code, tagged.stdout) == (0, "")
    assert (untagged.exit_code, untagged.stdout) == (0, "")
    [tag_request] = node.requests("TagRole", iam_pb2.TagRoleRequest)
    assert list(tag_request.tags) == [iam_pb2.Tag(key="a", value="1")]
    [untag_request] = node.requests("UntagUser", iam_pb2.UntagUserRequest)
    assert list(untag_request.tag_keys) == ["a", "b", "c"]


async def test_bool_flags_and_integers(node: FakeNode) -> None:
    node.answer(
        "CreatePolicyVersion",
        iam_pb2.CreatePolicyVersionResponse(
            policy_version=iam_pb2.PolicyVersion(version_id="v2", is_default_version=False)
        ),
    )
    node.answer("ListUsers", iam_pb2.ListUsersResponse())
    on = await _run(
        node,
        "iam",
        "create-policy-version",
        "--policy-arn",
        "arn:p",
        "--policy-document",
        "{}",
        "--set-as-default",
    )
    off = await _run(
        node,
        "iam",
        "create-policy-version",
        "--policy-arn",
        "arn:p",
        "--policy-document",
        "{}",
        "--no-set-as-default",
    )
    listed = await _run(node, "iam", "list-users", "--max-items", "7")
    assert [r.exit_code for r in (on, off, listed)] == [0, 0, 0]
    first, second = node.requests("CreatePolicyVersion", iam_pb2.CreatePolicyVersionRequest)
    assert (first.set_as_default, second.set_as_default) == (True, False)
    assert second.HasField("set_as_default")
    assert node.requests("ListUsers", iam_pb2.ListUsersRequest)[0].max_items == 7
    # Top-level lists stay in the output even when empty, like the aws CLI's "Users": [].
    assert json.loads(listed.stdout) == {"Users": []}


async def test_file_values_are_read_from_the_file(node: FakeNode, tmp_path: Path) -> None:
    document = '{"Version": "2012-10-17", "Statement": []}'
    (tmp_path / "p.json").write_text(document)
    node.answer("PutUserPolicy", iam_pb2.PutUserPolicyResponse())
    result = await _run(
        node,
        "iam",
        "put-user-policy",
        "--user-name",
        "alice",
        "--policy-name",
        "p",
        "--policy-document",
        f"file://{tmp_path / 'p.json'}",
    )
    assert result.exit_code == 0, result.output
    [request] = node.requests("PutUserPolicy", iam_pb2.PutUserPolicyRequest)
    assert request.policy_document == document


async def test_missing_file_is_a_usage_error(node: FakeNode, tmp_path: Path) -> None:
    result = await _run(
        node,
        "iam",
        "put-user-policy",
        "--user-name",
        "a",
        "--policy-name",
        "p",
        "--policy-document",
        f"file://{tmp_path / 'absent.json'}",
    )
    # The aws CLI's status for a parameter it cannot use (its return-codes page).
    assert result.exit_code == 252
    assert "cannot read" in result.stderr
    assert node.calls == []


async def test_failed_call_exits_255_with_the_aws_cli_message(node: FakeNode) -> None:
    node.answer("GetUser", WireError("NoSuchEntity", "the user with name `bob` cannot be found"))
    result = await _run(node, "iam", "get-user", "--user-name", "bob")
    assert result.exit_code == 255
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "An error occurred (NoSuchEntity) when calling the GetUser operation: "
        "the user with name `bob` cannot be found"
    )


async def test_table_output(node: FakeNode) -> None:
    node.answer("ListUsers", iam_pb2.ListUsersResponse(users=[_user()], is_truncated=False))
    result = await _run(node, "--output", "table", "iam", "list-users")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "ListUsers" in lines[1]
    assert any("UserName" in line and "Arn" in line for line in lines)
    assert any("alice" in line and "2024-05-01T12:30:15+00:00" in line for line in lines)
    # The pages are joined, so the paging members are not printed (the aws CLI's output).
    assert not any("IsTruncated" in line for line in lines)


async def test_account_create_prints_root_credentials(node: FakeNode) -> None:
    node.answer(
        "CreateAccount",
        node_pb2.CreateAccountResponse(
            account=node_pb2.Account(
                account_id="111122223333",
                account_name="dev",
                arn="arn:acct",
                create_date=Timestamp(),
            ),
            root_credentials=node_pb2.RootCredentials(
                access_key_id="AKIAROOT", secret_access_key="s"
            ),
        ),
    )
    node.answer("ListAccounts", node_pb2.ListAccountsResponse())
    created = await _run(node, "account", "create", "--account-name", "dev")
    listed = await _run(node, "account", "list")
    assert created.exit_code == 0, created.output
    output = json.loads(created.stdout)
    assert output["RootCredentials"] == {"AccessKeyId": "AKIAROOT", "SecretAccessKey": "s"}
    assert output["Account"]["AccountName"] == "dev"
    assert node.requests("CreateAccount", node_pb2.CreateAccountRequest)[0].account_name == "dev"
    assert json.loads(listed.stdout) == {"Accounts": [], "IsTruncated": False}


async def test_credentials_file_and_profile(node: FakeNode, tmp_path: Path) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"[ops]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    )
    node.answer("GetAccountSummary", iam_pb2.GetAccountSummaryResponse(summary_map={"Users": 2}))
    result = await _run(
        node,
        "--credentials-file",
        str(credentials),
        "--profile",
        "ops",
        "iam",
        "get-account-summary",
        env={"HOME": str(tmp_path)},
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"SummaryMap": {"Users": 2}}


async def test_endpoints_from_the_environment_fail_over(node: FakeNode, dead_endpoint: str) -> None:
    node.answer("DeleteUser", iam_pb2.DeleteUserResponse())
    runner = CliRunner()
    result = await asyncio.to_thread(
        runner.invoke,
        cli,
        ["iam", "delete-user", "--user-name", "a"],
        env={**ENV, "IAMSTORE_ENDPOINT": f"{dead_endpoint},{node.endpoint}"},
    )
    assert result.exit_code == 0, result.output
    assert len(node.calls) == 1


def test_every_iam_operation_is_a_kebab_case_command() -> None:
    result = CliRunner().invoke(cli, ["iam", "--help"])
    assert result.exit_code == 0
    for command in ("create-user", "list-attached-role-policies", "get-access-key-last-used"):
        assert command in result.stdout


def test_list_values_spread_only_after_list_flags() -> None:
    assert spread_list_values(["--tag-keys", "a", "b", "--user-name", "u"], {"--tag-keys"}) == [
        "--tag-keys",
        "a",
        "--tag-keys",
        "b",
        "--user-name",
        "u",
    ]


def test_contributed_commands_load_lazily_and_missing_ones_are_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    @click.command()
    def hello() -> None:
        click.echo("hello from a plugin")

    module = types.ModuleType("iamstore_test_plugin")
    module.hello = hello  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "iamstore_test_plugin", module)
    found = [
        EntryPoint("hello", "iamstore_test_plugin:hello", cli_module.ENTRY_POINT_GROUP),
        EntryPoint("broken", "iamstore_no_such_module:command", cli_module.ENTRY_POINT_GROUP),
    ]
    monkeypatch.setattr(cli_module, "entry_points", lambda group: found)
    runner = CliRunner()
    assert runner.invoke(cli, ["hello"]).stdout == "hello from a plugin\n"
    help_text = runner.invoke(cli, ["--help"])
    assert help_text.exit_code == 0
    assert "hello" in help_text.stdout
    assert "broken" not in help_text.stdout
    assert runner.invoke(cli, ["broken"]).exit_code == 2

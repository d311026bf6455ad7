"""The CLI behaves like the aws CLI: global options anywhere, --region, --endpoint-url,
--query, output formats, pagination, required options, --cli-input-json, skeletons, --debug.
Driven through click's CliRunner against the fake node, which checks every signature."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import CliRunner, Result
from client_fake_node import ACCESS_KEY_ID, SECRET_ACCESS_KEY, FakeNode
from google.protobuf.timestamp_pb2 import Timestamp

from iamstore.client.cli import cli
from iamstore.v1 import iam_pb2, sts_pb2

ENV = {"AWS_ACCESS_KEY_ID": ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY}
DOCUMENT = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*"}]}


async def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    # The sync client blocks; run it off the event loop that serves the fake node.
    return await asyncio.to_thread(CliRunner().invoke, cli, list(args), env=env or ENV)


def _user(name: str) -> iam_pb2.User:
    return iam_pb2.User(
        path="/",
        user_name=name,
        user_id=f"AIDA{name.upper()}",
        arn=f"arn:aws:iam::1:user/{name}",
        create_date=Timestamp(seconds=1714566615),
    )


def _users(*names: str, marker: str | None = None) -> iam_pb2.ListUsersResponse:
    return iam_pb2.ListUsersResponse(
        users=[_user(name) for name in names],
        is_truncated=marker is not None,
        marker=marker or "",
    )


async def test_global_options_after_the_command(node: FakeNode) -> None:
    node.answer("ListUsers", _users("alice"))
    result = await _run(
        "iam",
        "list-users",
        "--output",
        "text",
        "--endpoint",
        node.endpoint,
        "--query",
        "Users[].UserName",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "alice\n"


async def test_text_output_of_nothing_prints_nothing(node: FakeNode) -> None:
    node.answer("ListUsers", _users())
    result = await _run("iam", "list-users", "--output", "text", "--endpoint", node.endpoint)
    assert (result.exit_code, result.stdout) == (0, "")


async def test_region_does_not_change_the_signing_region(node: FakeNode) -> None:
    # The fake node verifies every signature for us-east-1, as a node does by default; the
    # options stand before the command, where the CLI has always accepted them.
    node.answer("GetCallerIdentity", sts_pb2.GetCallerIdentityResponse(account="111122223333"))
    for region_args in (["--region", "eu-west-1"], []):
        result = await _run(
            "--endpoint",
            node.endpoint,
            *region_args,
            "sts",
            "get-caller-identity",
            env={**ENV, "AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "sa-east-1"},
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["Account"] == "111122223333"


async def test_endpoint_url_names_the_grpc_endpoint(node: FakeNode) -> None:
    node.answer("GetCallerIdentity", sts_pb2.GetCallerIdentityResponse(account="1"))
    result = await _run("sts", "get-caller-identity", "--endpoint-url", f"http://{node.endpoint}")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["Account"] == "1"
    assert len(node.calls) == 1


async def test_endpoint_url_overrides_the_environment_but_not_an_explicit_endpoint(
    node: FakeNode, dead_endpoint: str
) -> None:
    node.answer("GetCallerIdentity", sts_pb2.GetCallerIdentityResponse(account="1"))
    overridden = await _run(
        "sts",
        "get-caller-identity",
        "--endpoint-url",
        f"http://{node.endpoint}",
        env={**ENV, "IAMSTORE_ENDPOINT": dead_endpoint},
    )
    assert overridden.exit_code == 0, overridden.output
    both = await _run(
        "--endpoint",
        node.endpoint,
        "sts",
        "get-caller-identity",
        "--endpoint-url",
        f"http://{node.endpoint}",
    )
    assert both.exit_code == 252
    assert "not both" in both.stderr


async def test_an_http1_endpoint_gets_a_hint_about_the_grpc_port() -> None:
    async def answer_http1(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(64)
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer_http1, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        result = await _run(
            "sts", "get-caller-identity", "--endpoint-url", f"http://127.0.0.1:{port}"
        )
    assert result.exit_code == 255
    assert "give it the node's gRPC port" in result.stderr


async def test_bad_endpoint_url_or_plaintext_url_with_a_ca_is_a_usage_error(
    node: FakeNode, tmp_path: Path
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not used")
    bad = await _run("sts", "get-caller-identity", "--endpoint-url", f"http://{node.endpoint}/x")
    mixed = await _run(
        "sts",
        "get-caller-identity",
        "--endpoint-url",
        f"http://{node.endpoint}",
        "--ca-bundle",
        str(ca),
    )
    assert (bad.exit_code, mixed.exit_code) == (252, 252)
    assert "no path" in bad.stderr
    assert "plaintext" in mixed.stderr
    assert node.calls == []


async def test_https_endpoint_url_talks_tls(node: FakeNode) -> None:
    # The fake node serves plaintext: a TLS client cannot complete a call with it.
    node.answer("GetCallerIdentity", sts_pb2.GetCallerIdentityResponse(account="1"))
    result = await _run(
        "sts",
        "get-caller-identity",
        "--endpoint-url",
        f"https://{node.endpoint}",
    )
    assert result.exit_code == 255
    assert node.calls == []


async def test_bad_query_and_bad_output_are_usage_errors(node: FakeNode) -> None:
    query = await _run("iam", "list-users", "--endpoint", node.endpoint, "--query", "Users[")
    output = await _run("iam", "list-users", "--endpoint", node.endpoint, "--output", "xml")
    assert (query.exit_code, output.exit_code) == (252, 252)
    assert node.calls == []


async def test_missing_required_option_exits_252_and_calls_nothing(node: FakeNode) -> None:
    result = await _run("iam", "create-user", "--endpoint", node.endpoint, "--path", "/a/")
    assert result.exit_code == 252
    assert "required: --user-name" in result.stderr
    assert node.calls == []


async def test_unknown_option_and_command_exit_252(node: FakeNode) -> None:
    option = await _run("iam", "get-user", "--endpoint", node.endpoint, "--nope", "x")
    command = await _run("iam", "no-such-thing", "--endpoint", node.endpoint)
    assert (option.exit_code, command.exit_code) == (252, 252)


def test_help_comes_from_the_service_model_and_marks_required_options() -> None:
    result = CliRunner().invoke(cli, ["iam", "create-user", "--help"])
    assert result.exit_code == 0
    assert "Creates a new IAM user" in result.stdout
    assert "Calls the CreateUser operation" not in result.stdout
    line = next(line for line in result.stdout.splitlines() if "--user-name" in line)
    assert line.endswith("[required] The name of the user to create.")
    listing = CliRunner().invoke(cli, ["iam", "--help"])
    assert "Creates a new IAM user" in listing.stdout


def test_help_as_the_aws_cli_spells_it() -> None:
    command = CliRunner().invoke(cli, ["iam", "create-user", "help"])
    group = CliRunner().invoke(cli, ["iam", "help"])
    assert (command.exit_code, group.exit_code) == (0, 0)
    assert "Creates a new IAM user" in command.stdout
    assert "--user-name" in command.stdout
    assert "create-user" in group.stdout


async def test_policy_documents_print_as_objects(node: FakeNode) -> None:
    node.answer(
        "GetUserPolicy",
        iam_pb2.GetUserPolicyResponse(
            user_name="a", policy_name="p", policy_document=json.dumps(DOCUMENT)
        ),
    )
    result = await _run(
        "iam",
        "get-user-policy",
        "--user-name",
        "a",
        "--policy-name",
        "p",
        "--endpoint",
        node.endpoint,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["PolicyDocument"] == DOCUMENT


async def test_all_pages_are_fetched_and_joined(node: FakeNode) -> None:
    node.answer("ListUsers", _users("a", "b", marker="m1"), _users("c"))
    result = await _run("iam", "list-users", "--endpoint", node.endpoint, "--page-size", "2")
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert [user["UserName"] for user in output["Users"]] == ["a", "b", "c"]
    assert "Marker" not in output
    assert "IsTruncated" not in output
    first, second = node.requests("ListUsers", iam_pb2.ListUsersRequest)
    assert (first.marker, first.max_items) == ("", 2)
    assert (second.marker, second.max_items) == ("m1", 2)


async def test_max_items_prints_a_next_token_that_starting_token_resumes(node: FakeNode) -> None:
    node.answer("ListUsers", _users("a", "b", marker="m1"), _users("c"))
    first = await _run("iam", "list-users", "--endpoint", node.endpoint, "--max-items", "2")
    assert first.exit_code == 0, first.output
    page = json.loads(first.stdout)
    assert [user["UserName"] for user in page["Users"]] == ["a", "b"]
    assert "Marker" not in page
    resumed = await _run(
        "iam", "list-users", "--endpoint", node.endpoint, "--starting-token", page["NextToken"]
    )
    assert resumed.exit_code == 0, resumed.output
    assert [user["UserName"] for user in json.loads(resumed.stdout)["Users"]] == ["c"]
    requests = node.requests("ListUsers", iam_pb2.ListUsersRequest)
    assert [(r.marker, r.max_items) for r in requests] == [("", 2), ("m1", 0)]


async def test_a_bad_starting_token_is_a_usage_error(node: FakeNode) -> None:
    result = await _run(
        "iam", "list-users", "--endpoint", node.endpoint, "--starting-token", "bogus"
    )
    assert result.exit_code == 252
    assert "bad starting token" in result.stderr
    assert node.calls == []


async def test_no_paginate_makes_one_call_and_prints_the_raw_page(node: FakeNode) -> None:
    node.answer("ListUsers", _users("a", marker="m1"), _users("b"))
    result = await _run(
        "iam", "list-users", "--no-paginate", "--max-items", "1", "--endpoint", node.endpoint
    )
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert (output["IsTruncated"], output["Marker"]) == (True, "m1")
    [request] = node.requests("ListUsers", iam_pb2.ListUsersRequest)
    assert request.max_items == 1


async def test_cli_input_json_with_command_line_precedence(node: FakeNode, tmp_path: Path) -> None:
    node.answer("CreateUser", iam_pb2.CreateUserResponse(user=_user("b")))
    parameters = tmp_path / "input.json"
    parameters.write_text(
        json.dumps({"UserName": "a", "Path": "/from-json/", "Tags": [{"Key": "k", "Value": "v"}]})
    )
    result = await _run(
        "iam",
        "create-user",
        "--cli-input-json",
        f"file://{parameters}",
        "--user-name",
        "b",
        "--endpoint",
        node.endpoint,
    )
    assert result.exit_code == 0, result.output
    [request] = node.requests("CreateUser", iam_pb2.CreateUserRequest)
    assert (request.user_name, request.path) == ("b", "/from-json/")
    assert list(request.tags) == [iam_pb2.Tag(key="k", value="v")]


async def test_cli_input_json_refuses_unknown_members_and_wrong_types(node: FakeNode) -> None:
    for document in ('{"UserName": "a", "Admin": true}', '{"UserName": 5}', "[1]", "{"):
        result = await _run(
            "iam", "create-user", "--cli-input-json", document, "--endpoint", node.endpoint
        )
        assert result.exit_code == 252, (document, result.output)
    assert node.calls == []


async def test_an_unreadable_cli_input_json_file_is_a_usage_error(
    node: FakeNode, tmp_path: Path
) -> None:
    result = await _run(
        "iam",
        "create-user",
        "--cli-input-json",
        f"file://{tmp_path / 'absent.json'}",
        "--endpoint",
        node.endpoint,
    )
    assert result.exit_code == 252
    assert "cannot read" in result.stderr
    assert node.calls == []


async def test_cli_input_json_satisfies_required_options(node: FakeNode) -> None:
    node.answer("DeleteUser", iam_pb2.DeleteUserResponse())
    result = await _run(
        "iam", "delete-user", "--cli-input-json", '{"UserName": "a"}', "--endpoint", node.endpoint
    )
    assert result.exit_code == 0, result.output
    assert node.requests("DeleteUser", iam_pb2.DeleteUserRequest)[0].user_name == "a"


def test_generate_cli_skeleton_prints_the_parameters_without_calling() -> None:
    result = CliRunner().invoke(
        cli, ["iam", "create-user", "--generate-cli-skeleton", "--endpoint", "127.0.0.1:9"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "Path": "",
        "UserName": "",
        "PermissionsBoundary": "",
        "Tags": [{"Key": "", "Value": ""}],
    }
    output = CliRunner().invoke(cli, ["iam", "get-user", "--generate-cli-skeleton", "output"])
    assert json.loads(output.stdout)["User"]["UserName"] == ""


async def test_the_skeleton_is_valid_cli_input_json(node: FakeNode) -> None:
    node.answer("CreateUser", iam_pb2.CreateUserResponse(user=_user("x")))
    skeleton = CliRunner().invoke(cli, ["iam", "create-user", "--generate-cli-skeleton"]).stdout
    result = await _run(
        "iam",
        "create-user",
        "--cli-input-json",
        skeleton,
        "--user-name",
        "x",
        "--endpoint",
        node.endpoint,
    )
    assert result.exit_code == 0, result.output
    assert len(node.calls) == 1


async def test_debug_logs_the_call_but_never_secrets(node: FakeNode) -> None:
    node.answer(
        "CreateLoginProfile",
        iam_pb2.CreateLoginProfileResponse(
            login_profile=iam_pb2.LoginProfile(
                user_name="a", password_reset_required=False, create_date=Timestamp()
            )
        ),
    )
    result = await _run(
        "--debug",
        "iam",
        "create-login-profile",
        "--user-name",
        "a",
        "--password",
        "Sup3r-secret-pw!",
        "--endpoint",
        node.endpoint,
    )
    assert result.exit_code == 0, result.output
    assert "calling CreateLoginProfile" in result.stderr
    assert "'user_name': 'a'" in result.stderr
    for secret in ("Sup3r-secret-pw!", SECRET_ACCESS_KEY):
        assert secret not in result.stderr
        assert secret not in result.stdout


async def test_no_cli_pager_is_accepted(node: FakeNode) -> None:
    node.answer("ListUsers", _users())
    result = await _run("iam", "list-users", "--no-cli-pager", "--endpoint", node.endpoint)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"Users": []}


async def test_yaml_output(node: FakeNode) -> None:
    node.answer("GetCallerIdentity", sts_pb2.GetCallerIdentityResponse(account="111122223333"))
    result = await _run(
        "sts", "get-caller-identity", "--output", "yaml", "--endpoint", node.endpoint
    )
    assert result.exit_code == 0, result.output
    assert 'Account: "111122223333"' in result.stdout.splitlines()

"""The CLI against a real node, and the standard gRPC services a node serves beside IAM."""

from __future__ import annotations

import json
from pathlib import Path

import grpc
from click.testing import CliRunner
from google.protobuf import descriptor_pool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from iamstore.client.cli import cli
from iamstore.cluster.testing.inproc import InProcessNode


def _iamstore(node: InProcessNode, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["--endpoint", node.address, "--credentials-file", str(node.credentials_file), *args],
    )
    return result.exit_code, result.stdout, result.stderr


def test_cli_round_trip_like_the_aws_cli(iam_node: InProcessNode, tmp_path: Path) -> None:
    code, out, _ = _iamstore(
        iam_node, "iam", "create-user", "--user-name", "cli-user", "--path", "/cli/"
    )
    assert code == 0
    assert json.loads(out)["User"]["Arn"].endswith(":user/cli/cli-user")
    document = tmp_path / "p.json"
    document.write_text(
        '{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
    )
    code, _, _ = _iamstore(
        iam_node,
        "iam",
        "put-user-policy",
        "--user-name",
        "cli-user",
        "--policy-name",
        "p",
        "--policy-document",
        f"file://{document}",
    )
    assert code == 0
    code, out, _ = _iamstore(iam_node, "iam", "list-user-policies", "--user-name", "cli-user")
    assert json.loads(out)["PolicyNames"] == ["p"]
    code, _, err = _iamstore(iam_node, "iam", "get-user", "--user-name", "nobody")
    assert code == 255
    assert "An error occurred (NoSuchEntity) when calling the GetUser operation" in err


def test_health_and_reflection_are_served(iam_node: InProcessNode) -> None:
    with grpc.insecure_channel(iam_node.address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        status = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=5).status
        assert status == health_pb2.HealthCheckResponse.SERVING
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        response = next(iter(stub.ServerReflectionInfo(iter([request]), timeout=5)))
        names = {s.name for s in response.list_services_response.service}
        assert {"iamstore.v1.Iam", "iamstore.v1.Node", "iamstore.v1.Accounts"} <= names


def _reflected(address: str) -> set[str]:
    with grpc.insecure_channel(address) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        response = next(iter(stub.ServerReflectionInfo(iter([request]), timeout=5)))
        return {s.name for s in response.list_services_response.service}


def test_reflection_lists_exactly_what_the_node_serves(iam_node: InProcessNode) -> None:
    """One table feeds registration and reflection. Before, reflection had its own list and
    named the Peer service on a node that serves no peers (no TLS, no peers: this one)."""
    assert iam_node.node is not None
    assert iam_node.node.built is not None
    built = iam_node.node.built
    names = _reflected(iam_node.address)
    assert names == set(built.reflected_names())
    assert names == {
        "iamstore.v1.Iam",
        "iamstore.v1.Node",
        "iamstore.v1.Accounts",
        "iamstore.v1.Authz",
        "iamstore.v1.Sts",
        "iamstore.v1.SignIn",
        "iamstore.v1.Audit",
        "iamstore.v1.AccountTransfer",
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    }


def test_every_method_of_every_row_of_the_table_is_served(iam_node: InProcessNode) -> None:
    """An unsigned, empty call to each method reaches a handler: refused as unsigned or
    invalid, never UNIMPLEMENTED (a row registered without its handler would be)."""
    assert iam_node.node is not None
    assert iam_node.node.built is not None
    pool = descriptor_pool.Default()
    reached: dict[str, grpc.StatusCode | None] = {}
    with grpc.insecure_channel(iam_node.address) as channel:
        for row in iam_node.node.built.services:
            for method in pool.FindServiceByName(row.name).methods:
                path = f"/{row.name}/{method.name}"
                call = channel.unary_unary(path, None, None)
                try:
                    call(b"", timeout=10)
                    reached[path] = None
                except grpc.RpcError as err:
                    failed = err.code() if isinstance(err, grpc.Call) else grpc.StatusCode.UNKNOWN
                    reached[path] = failed
    assert len(reached) > 150
    assert [p for p, code in reached.items() if code is grpc.StatusCode.UNIMPLEMENTED] == []
    # A signed operation without a signature is refused before its handler runs.
    assert reached["/iamstore.v1.Iam/ListUsers"] is grpc.StatusCode.UNAUTHENTICATED

"""The CLI's aws-CLI behaviour against a real node: pagination, policy documents, --query and
the text format, --endpoint-url and --region, --cli-input-json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from iamstore.client import Client
from iamstore.client.cli import cli
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.cluster.tls import create_ca, issue_node_certificate
from iamstore.node.config import NodeConfig

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@pytest.fixture
def credentials(management: Client, tmp_path: Path) -> Path:
    """A shared credentials file holding the root key of a fresh account."""
    root = management.create_account(account_name="cli").root_credentials
    assert root is not None
    path = tmp_path / "credentials"
    path.write_text(
        "[default]\n"
        f"aws_access_key_id = {root.access_key_id}\n"
        f"aws_secret_access_key = {root.secret_access_key}\n"
    )
    return path


def _iamstore(node: InProcessNode, credentials: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, [*args, "--endpoint", node.address, "--credentials-file", str(credentials)]
    )
    assert result.exit_code == 0, f"{args} exited {result.exit_code}: {result.output}"
    return result.stdout


def _names(output: str) -> list[str]:
    return [user["UserName"] for user in json.loads(output)["Users"]]


def test_pagination_across_real_pages(iam_node: InProcessNode, credentials: Path) -> None:
    names = [f"user{i}" for i in range(5)]
    for name in names:
        _iamstore(iam_node, credentials, "iam", "create-user", "--user-name", name)
    everything = json.loads(_iamstore(iam_node, credentials, "iam", "list-users"))
    assert [user["UserName"] for user in everything["Users"]] == names
    assert set(everything) == {"Users"}
    paged = _iamstore(iam_node, credentials, "iam", "list-users", "--page-size", "2")
    assert _names(paged) == names
    first = json.loads(_iamstore(iam_node, credentials, "iam", "list-users", "--max-items", "2"))
    assert [user["UserName"] for user in first["Users"]] == names[:2]
    rest = _iamstore(
        iam_node, credentials, "iam", "list-users", "--starting-token", first["NextToken"]
    )
    assert _names(rest) == names[2:]
    raw = json.loads(
        _iamstore(iam_node, credentials, "iam", "list-users", "--no-paginate", "--max-items", "2")
    )
    assert len(raw["Users"]) == 2
    assert raw["IsTruncated"] is True
    assert raw["Marker"]


def test_policy_documents_and_text_output(
    iam_node: InProcessNode, credentials: Path, tmp_path: Path
) -> None:
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps(TRUST))
    _iamstore(
        iam_node,
        credentials,
        "iam",
        "create-role",
        "--role-name",
        "web",
        "--assume-role-policy-document",
        f"file://{trust}",
    )
    document = _iamstore(
        iam_node,
        credentials,
        "iam",
        "get-role",
        "--role-name",
        "web",
        "--query",
        "Role.AssumeRolePolicyDocument",
    )
    assert json.loads(document) == TRUST
    listed = json.loads(_iamstore(iam_node, credentials, "iam", "list-roles"))
    assert listed["Roles"][0]["AssumeRolePolicyDocument"] == TRUST
    text = _iamstore(
        iam_node,
        credentials,
        "iam",
        "list-roles",
        "--output",
        "text",
        "--query",
        "Roles[].[RoleName, Path]",
    )
    assert text == "web\t/\n"


def test_endpoint_url_and_any_region(iam_node: InProcessNode, credentials: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "sts",
            "get-caller-identity",
            "--endpoint-url",
            f"http://{iam_node.address}",
            "--region",
            "eu-west-1",
            "--credentials-file",
            str(credentials),
            "--query",
            "Arn",
            "--output",
            "text",
        ],
        env={"AWS_REGION": "ap-southeast-2", "AWS_DEFAULT_REGION": "sa-east-1"},
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(":root")


def test_cli_input_json_creates_what_it_says(iam_node: InProcessNode, credentials: Path) -> None:
    parameters = json.dumps(
        {"UserName": "from-json", "Path": "/json/", "Tags": [{"Key": "k", "Value": "v"}]}
    )
    _iamstore(iam_node, credentials, "iam", "create-user", "--cli-input-json", parameters)
    user = json.loads(
        _iamstore(iam_node, credentials, "iam", "get-user", "--user-name", "from-json")
    )["User"]
    assert (user["Path"], user["Tags"]) == ("/json/", [{"Key": "k", "Value": "v"}])


@pytest.fixture(scope="module")
def tls_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[InProcessNode, Path]]:
    """A node serving TLS only, and its CA file."""
    root: Path = tmp_path_factory.mktemp("tls-node")
    ca = create_ca(root / "ca")
    files = issue_node_certificate(root / "ca", root / "tls", "node1")
    config = NodeConfig(
        data_dir=root / "data",
        listen="127.0.0.1:0",
        tls_cert=files.cert,
        tls_key=files.key,
        tls_ca=files.ca,
    )
    with InProcessNode(config) as node:
        yield node, ca


def test_an_https_endpoint_url_means_tls(tls_node: tuple[InProcessNode, Path]) -> None:
    node, ca = tls_node
    identity = ["sts", "get-caller-identity", "--credentials-file", str(node.credentials_file)]
    verified = CliRunner().invoke(
        cli, [*identity, "--endpoint-url", f"https://{node.address}", "--ca-bundle", str(ca)]
    )
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["Arn"].endswith(":root")
    # Plaintext to the TLS port, and TLS without the CA that signed the node, both fail.
    plaintext = CliRunner().invoke(cli, [*identity, "--endpoint-url", f"http://{node.address}"])
    unverified = CliRunner().invoke(cli, [*identity, "--endpoint-url", f"https://{node.address}"])
    assert (plaintext.exit_code, unverified.exit_code) == (255, 255)

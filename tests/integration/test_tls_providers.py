"""Clients made for role profiles and sign-in talk TLS to the nodes when given the CA."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from iam_helpers import role_profile_files

from iamstore.client import Client, IamError
from iamstore.client.cli import cli
from iamstore.client.credentials import resolve_credentials
from iamstore.client.providers import AssumeRoleCredentials, resolve, sign_in
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.cluster.tls import create_ca, issue_node_certificate
from iamstore.node.config import NodeConfig

PASSWORD = "Correct-horse-9"


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


@pytest.fixture(scope="module")
def setup(
    tls_node: tuple[InProcessNode, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """A user `ops` with a key and a password, a role it may assume, and the files naming them."""
    node, ca = tls_node
    root = resolve_credentials(credentials_file=str(node.credentials_file))
    folder = tmp_path_factory.mktemp("profiles")
    with Client(node.address, credentials=root, tls_ca=ca) as iam:
        account = iam.get_caller_identity().account
        role_profile_files(iam, folder, trusted=f"arn:aws:iam::{account}:user/ops", role="app",
                           profile="app", session_name="tls")  # fmt: skip
        iam.create_login_profile(user_name="ops", password=PASSWORD)
    return {
        "account": account,
        "AWS_SHARED_CREDENTIALS_FILE": str(folder / "credentials"),
        "AWS_CONFIG_FILE": str(folder / "config"),
        "HOME": str(folder),
    }


def test_role_profile_assumes_its_role_over_tls(
    tls_node: tuple[InProcessNode, Path], setup: dict[str, str]
) -> None:
    node, ca = tls_node
    creds = resolve(profile="app", environ=setup, endpoints=node.address, tls_ca=ca)
    assert isinstance(creds, AssumeRoleCredentials)
    with Client(node.address, credentials=creds, tls_ca=ca) as app:
        arn = app.get_caller_identity().arn
    assert arn == f"arn:aws:sts::{setup['account']}:assumed-role/app/tls"


def test_without_the_ca_the_role_cannot_be_assumed(
    tls_node: tuple[InProcessNode, Path], setup: dict[str, str]
) -> None:
    node, _ = tls_node
    creds = resolve(profile="app", environ=setup, endpoints=node.address)
    assert isinstance(creds, AssumeRoleCredentials)
    with pytest.raises(IamError):
        creds.frozen()


def test_sign_in_over_tls(tls_node: tuple[InProcessNode, Path], setup: dict[str, str]) -> None:
    node, ca = tls_node
    result = sign_in(
        node.address, account=setup["account"], user_name="ops", password=PASSWORD, tls_ca=ca
    )
    assert result.arn.endswith(":user/ops")
    with pytest.raises(IamError):  # plaintext to a TLS-only node: unavailable
        sign_in(node.address, account=setup["account"], user_name="ops", password=PASSWORD)


def test_cli_role_profile_and_signin_use_tls_ca(
    tls_node: tuple[InProcessNode, Path], setup: dict[str, str]
) -> None:
    node, ca = tls_node
    base = ["--endpoint", node.address, "--tls-ca", str(ca)]
    runner = CliRunner()
    whoami = [*base, "--profile", "app", "sts", "get-caller-identity"]
    result = runner.invoke(cli, whoami, env=setup)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["Arn"].endswith(":assumed-role/app/tls")
    result = runner.invoke(
        cli,
        [*base, "signin", "--account", setup["account"], "--user-name", "ops", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["Arn"].endswith(":user/ops")

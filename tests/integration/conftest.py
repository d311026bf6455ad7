"""Fixtures: one real node per test module (gRPC on 127.0.0.1:0), a fresh account per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from iam_helpers import account_client

from iamstore.client import Client
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.inproc import InProcessNode
from iamstore.node.config import NodeConfig


@pytest.fixture(scope="module")
def iam_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    data_dir: Path = tmp_path_factory.mktemp("node")
    with InProcessNode(NodeConfig(data_dir=data_dir, listen="127.0.0.1:0")) as node:
        yield node


@pytest.fixture(scope="module")
def management(iam_node: InProcessNode) -> Iterator[Client]:
    """The management account's root, as bootstrapped by the node."""
    credentials = resolve_credentials(credentials_file=str(iam_node.credentials_file))
    with Client(iam_node.address, credentials=credentials) as client:
        yield client


@pytest.fixture
def iam(iam_node: InProcessNode, management: Client) -> Iterator[Client]:
    """The root of a fresh member account: every test starts from an empty account."""
    with account_client(iam_node, management) as client:
        yield client


@pytest.fixture
def other_account(iam_node: InProcessNode, management: Client) -> Iterator[Client]:
    """The root of a second fresh account, for isolation checks."""
    with account_client(iam_node, management) as client:
        yield client

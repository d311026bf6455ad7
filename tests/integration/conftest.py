"""Fixtures: one real node per test module (gRPC on 127.0.0.1:0), a fresh account per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_http import NO_RETRIES, fresh_account, http_url
from iam_helpers import account_client

from iamstore.client import Client
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
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


@pytest.fixture(scope="module")
def http_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    """A node serving gRPC and, on a port of its own, IAM and STS over HTTP."""
    data_dir: Path = tmp_path_factory.mktemp("http-node")
    config = NodeConfig(data_dir=data_dir, listen="127.0.0.1:0", http_listen="127.0.0.1:0")
    with InProcessNode(config) as node:
        yield node


@pytest.fixture(scope="module")
def http_management(http_node: InProcessNode) -> Iterator[Client]:
    credentials = resolve_credentials(credentials_file=str(http_node.credentials_file))
    with Client(http_node.address, credentials=credentials) as client:
        yield client


@pytest.fixture
def aws(http_node: InProcessNode, http_management: Client) -> boto3.Session:
    """A boto3 session of a fresh account's root; its clients point at the node's HTTP port."""
    return fresh_account(http_node, http_management)


@pytest.fixture
def aws_iam(aws: boto3.Session, http_node: InProcessNode) -> Any:
    return aws.client("iam", endpoint_url=http_url(http_node), config=NO_RETRIES)


@pytest.fixture
def aws_sts(aws: boto3.Session, http_node: InProcessNode) -> Any:
    return aws.client("sts", endpoint_url=http_url(http_node), config=NO_RETRIES)

"""Helpers for driving a node over AWS's own wire protocol with boto3: sessions per account."""

from __future__ import annotations

import boto3
from botocore.config import Config

from iamstore.client import Client
from iamstore.cluster.testing.inproc import InProcessNode

# No retries: a test sees the node's first answer.
NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


def session_for(
    access_key_id: str, secret_access_key: str, token: str | None = None
) -> boto3.Session:
    return boto3.Session(
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        aws_session_token=token,
        region_name="us-east-1",
    )


def fresh_account(node: InProcessNode, management: Client) -> boto3.Session:
    """A boto3 session of the root of a new, empty member account."""
    made = management.create_account(account_name="http")
    root = made.root_credentials
    assert root is not None
    return session_for(root.access_key_id, root.secret_access_key)


def http_url(node: InProcessNode) -> str:
    assert node.node is not None
    assert node.node.http_url is not None
    return node.node.http_url

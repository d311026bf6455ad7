"""Findings of the third adversarial review: the HTTP (AWS Query protocol) port.

Each test reproduced a bug against a real node (then marked xfail(strict=True)); the bugs are
fixed, and the tests keep them fixed (docs/testing.md, "Bugs the tests found").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from iamstore.client import Client, Credentials
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.config import NodeConfig

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@pytest.fixture(scope="module")
def http_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    data_dir: Path = tmp_path_factory.mktemp("review3-http")
    config = NodeConfig(data_dir=data_dir, listen="127.0.0.1:0", http_listen="127.0.0.1:0")
    with InProcessNode(config) as node:
        yield node


@pytest.fixture
def root(http_node: InProcessNode) -> Iterator[tuple[Client, object]]:
    """A fresh account's root, as an iamstore client and as a boto3 IAM client over HTTP."""
    assert http_node.node is not None
    assert http_node.node.http_url is not None
    management_credentials = resolve_credentials(credentials_file=str(http_node.credentials_file))
    with Client(http_node.address, credentials=management_credentials) as management:
        made = management.create_account(account_name="review3").root_credentials
    assert made is not None
    boto = boto3.client(
        "iam",
        endpoint_url=http_node.node.http_url,
        region_name="us-east-1",
        aws_access_key_id=made.access_key_id,
        aws_secret_access_key=made.secret_access_key,
    )
    with Client(
        http_node.address, credentials=Credentials(made.access_key_id, made.secret_access_key)
    ) as client:
        yield client, boto


def test_review3_a_carriage_return_reads_back_unchanged_over_http(
    root: tuple[Client, object],
) -> None:
    client, boto = root
    # The model allows U+000D in a role description ([\u0009\u000A\u000D\u0020-\u007E...]).
    client.create_role(role_name="crlf", assume_role_policy_document=TRUST, description="a\rb")
    assert client.get_role(role_name="crlf").role.description == "a\rb"
    assert boto.get_role(RoleName="crlf")["Role"]["Description"] == "a\rb"  # type: ignore[attr-defined]


def test_review3_an_early_date_reads_back_unchanged_over_http(
    root: tuple[Client, object],
) -> None:
    client, boto = root
    account = client.get_caller_identity().account or ""
    early = datetime(1, 1, 1, tzinfo=UTC)
    user = {
        "Path": "/",
        "UserName": "ancient",
        "UserId": "AIDAANCIENTANCIENTAN1",
        "Arn": f"arn:aws:iam::{account}:user/ancient",
        "CreateDate": early,
    }
    client.import_account(
        import_id="early", account_id=account, commit=True, part_count=1, user_detail_list=[user]
    )
    assert client.get_user(user_name="ancient").user.create_date == early
    read = boto.get_user(UserName="ancient")["User"]["CreateDate"]  # type: ignore[attr-defined]
    assert read.year == 1

"""Fixtures and helpers the security tests share: a real node, fresh accounts, callers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyotp
import pytest

from iamstore.client import Client, Credentials
from iamstore.client.credentials import resolve_credentials
from iamstore.client.models import TemporaryCredentials
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
    made = management.create_account(account_name="security")
    root = made.root_credentials
    assert root is not None
    with Client(
        iam_node.address, credentials=Credentials(root.access_key_id, root.secret_access_key)
    ) as client:
        yield client


def doc(*statements: Mapping[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(*actions: str, resource: str | list[str] = "*") -> dict[str, object]:
    return {"Effect": "Allow", "Action": list(actions), "Resource": resource}


def user_client(node: InProcessNode, iam: Client, name: str, *policies: str) -> Client:
    """A client signing with a new access key of new user `name`, with inline `policies`."""
    iam.create_user(user_name=name)
    for position, policy in enumerate(policies):
        iam.put_user_policy(user_name=name, policy_name=f"p{position}", policy_document=policy)
    key = iam.create_access_key(user_name=name).access_key
    return Client(node.address, credentials=Credentials(key.access_key_id, key.secret_access_key))


def session_client(node: InProcessNode, issued: TemporaryCredentials | None) -> Client:
    """A client signing with temporary credentials (an STS response's `credentials`)."""
    assert issued is not None
    return Client(
        node.address,
        credentials=Credentials(
            issued.access_key_id, issued.secret_access_key, issued.session_token
        ),
    )


def trust_account(account: str, *actions: str) -> str:
    return doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": list(actions or ("sts:AssumeRole",)),
        }
    )


def mfa_device(iam: Client, user: str) -> tuple[str, pyotp.TOTP]:
    """An MFA device enabled for `user` with the codes of the previous and current steps, so
    the next step's code is unused and inside the node's ±1 step window."""
    device = iam.create_virtual_mfa_device(virtual_mfa_device_name=user).virtual_mfa_device
    assert device.base32_string_seed is not None
    totp = pyotp.TOTP(device.base32_string_seed.decode())
    step = int(time.time() // 30)
    iam.enable_mfa_device(
        user_name=user,
        serial_number=device.serial_number,
        authentication_code1=totp.generate_otp(step - 1),
        authentication_code2=totp.generate_otp(step),
    )
    return device.serial_number, totp


def next_code(totp: pyotp.TOTP) -> str:
    """The next step's code: not yet used, and accepted (the node allows one step of drift)."""
    return totp.generate_otp(int(time.time() // 30) + 1)

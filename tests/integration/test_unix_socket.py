"""A node served on a Unix domain socket answers signed calls made to a `unix:` endpoint."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from iamstore.client import Client
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.config import NodeConfig


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    # A short folder: a socket path longer than 107 bytes cannot be bound.
    with tempfile.TemporaryDirectory(prefix="iamstore-") as folder:
        yield Path(folder)


def test_signed_calls_over_a_unix_socket(socket_dir: Path) -> None:
    listen = f"unix:{socket_dir / 'node.sock'}"
    config = NodeConfig(
        data_dir=socket_dir / "data",
        listen=listen,
        peer_listen="127.0.0.1:0",
        insecure_peer_plaintext=True,
    )
    with InProcessNode(config) as node:
        # Signatures are scoped to the logical host, never to the address dialled, so a
        # socket path signs and verifies like HOST:PORT does.
        assert node.address == listen
        assert config.endpoint_path.read_text().strip() == listen
        credentials = resolve_credentials(credentials_file=str(node.credentials_file))
        with Client(listen, credentials=credentials) as client:
            created = client.create_user(user_name="alice")
            assert client.get_user(user_name="alice").user.user_id == created.user.user_id
        # The TCP port (peers') serves the same node.
        assert node.node is not None
        assert node.node.peer_address is not None
        with Client(node.node.peer_address, credentials=credentials) as client:
            assert client.get_user(user_name="alice").user.user_id == created.user.user_id

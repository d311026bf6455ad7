"""Half-sent gRPC messages: what unauthenticated callers hold is bounded over all connections.

gRPC reads a whole message before any handler, so before authentication; each stream's
window opens to the length its message announces. The node bounds the streams of one
connection (tests/security/test_review3_preauth.py) and the calls in hand over all of them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from raw_http2 import RawHttp2

from iamstore.client import Client
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node import server
from iamstore.node.config import NodeConfig

CALLS_IN_HAND = 2
ANNOUNCED, SENT = 4_000_000, 3_900_000


@pytest.fixture
def small_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[InProcessNode]:
    """A node that takes 2 calls at once (256 in production)."""
    monkeypatch.setattr(server, "MAX_CALLS_IN_HAND", CALLS_IN_HAND)
    with InProcessNode(NodeConfig(data_dir=tmp_path / "node", listen="127.0.0.1:0")) as node:
        yield node


def _resident_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


@pytest.mark.slow
def test_half_sent_messages_over_many_connections_are_bounded_in_total(
    small_node: InProcessNode,
) -> None:
    before = _resident_bytes()
    connections = [RawHttp2(small_node.address) for _ in range(4)]
    try:
        streams = [1 + 2 * index for index in range(server.MAX_STREAMS_PER_CONNECTION)]
        for connection in connections:
            for stream in streams:
                connection.open_stream(stream, "/iamstore.v1.Sts/GetCallerIdentity")
        for connection in connections:
            connection.send_partial_messages(streams, ANNOUNCED, SENT)
        time.sleep(1)  # let the node take in what it accepted (not a timing assertion)
        held = _resident_bytes() - before
    finally:
        for connection in connections:
            connection.close()
    # 32 calls within every connection's stream limit would hold 32 x 3.9 MB; the node takes 2
    # at once and refuses the others before reading their messages.
    assert held < 40 << 20, f"{held >> 20} MiB held"
    # Once they are gone, the node answers as before.
    credentials = resolve_credentials(credentials_file=str(small_node.credentials_file))
    with Client(small_node.address, credentials=credentials) as client:
        assert client.get_caller_identity().account

"""Findings of the third adversarial review: what an unauthenticated caller holds on a node.

Each test reproduced a bug against a real node (then marked xfail(strict=True)); the bugs are
fixed, and the tests keep them fixed (docs/testing.md, "Bugs the tests found").
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from raw_http2 import RawHttp2

from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.config import NodeConfig


def _resident_bytes() -> int:
    """This process's resident memory (the in-process node's gRPC buffers are in it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


@pytest.mark.slow
def test_review3_half_sent_messages_before_authentication_hold_bounded_memory(
    iam_node: InProcessNode,
) -> None:
    before = _resident_bytes()
    connection = RawHttp2(iam_node.address)
    try:
        streams = [1 + 2 * index for index in range(50)]
        for stream in streams:
            connection.open_stream(stream, "/iamstore.v1.Iam/GetUser")
        accepted = connection.send_partial_messages(streams, 4_000_000, 3_900_000)
        time.sleep(1)  # let the node take in what it accepted (not a timing assertion)
        held = _resident_bytes() - before
    finally:
        connection.close()
    # Nobody here is authenticated: what the node keeps for them must stay small.
    assert held < 64 << 20, f"{held >> 20} MiB held for {accepted >> 20} MiB of half-sent messages"


@pytest.fixture(scope="module")
def http_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    data_dir: Path = tmp_path_factory.mktemp("review3-preauth-http")
    config = NodeConfig(data_dir=data_dir, listen="127.0.0.1:0", http_listen="127.0.0.1:0")
    with InProcessNode(config) as node:
        yield node


def test_review3_unfinished_http_bodies_before_authentication_hold_bounded_memory(
    http_node: InProcessNode,
) -> None:
    assert http_node.node is not None
    assert http_node.node.http_url is not None
    host, port = http_node.node.http_url.removeprefix("http://").rsplit(":", 1)
    size = 2_000_000
    head = (
        "POST / HTTP/1.1\r\nHost: iamstore\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {size + 1}\r\n\r\n"  # one byte more than is ever sent
    ).encode()
    before = _resident_bytes()
    connections: list[socket.socket] = []
    try:
        for _ in range(100):
            connection = socket.create_connection((host, int(port)), timeout=10)
            connections.append(connection)
            connection.sendall(head)
        for connection in connections:
            connection.sendall(b"a" * size)
        time.sleep(1)  # let the node take in what it accepted (not a timing assertion)
        held = _resident_bytes() - before
    finally:
        for connection in connections:
            connection.close()
    # Nobody here is authenticated: what the node keeps for them must stay small.
    assert held < 64 << 20, f"{held >> 20} MiB held for 100 unfinished bodies"

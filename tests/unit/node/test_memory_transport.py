"""The in-memory peer transport delivers a receiver's refusal or failure as gRPC does."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncGenerator

import pytest

from iamstore.node.replication.transport import (
    ExchangeMessage,
    ExchangeReply,
    MemoryNetwork,
    PeerMessageError,
    PushMessage,
    PushReply,
    SnapshotMessage,
    TransportError,
)


class _Refusing:
    """A receiver that refuses every message, as a replicator refuses a forged commit."""

    async def handle_push(self, message: PushMessage) -> PushReply:
        raise PeerMessageError("commit x:2 from a node whose key is unknown")

    async def handle_exchange(self, message: ExchangeMessage) -> ExchangeReply:
        raise PeerMessageError("commit x:2 from a node whose key is unknown")

    async def handle_stream_snapshot(self, message: SnapshotMessage) -> AsyncGenerator[bytes, None]:
        yield b"header"
        raise PeerMessageError("a snapshot row that does not decode")


@pytest.fixture
def network() -> MemoryNetwork:
    network = MemoryNetwork()
    network.handlers["b"] = _Refusing()
    return network


async def test_a_refused_push_or_exchange_is_a_transport_error(network: MemoryNetwork) -> None:
    # Raised as is, the refusal escaped the sender's push loop and stopped the sending node.
    transport = network.transport("a")
    with pytest.raises(TransportError, match=r"push to b refused: .*key is unknown"):
        await transport.push("b", PushMessage("a", (b"x",), {}))
    with pytest.raises(TransportError, match="exchange with b refused"):
        await transport.exchange("b", ExchangeMessage("a", {}, 10))


async def test_a_refused_snapshot_stream_is_a_transport_error(network: MemoryNetwork) -> None:
    chunks = network.transport("a").stream_snapshot("b", SnapshotMessage("a", {}))
    assert await anext(chunks) == b"header"
    with pytest.raises(TransportError, match="snapshot from b refused"):
        await anext(chunks)


class _Closed:
    """A receiver stopping under a call: its database is already closed."""

    async def handle_push(self, message: PushMessage) -> PushReply:
        raise sqlite3.ProgrammingError("Cannot operate on a closed database.")

    async def handle_exchange(self, message: ExchangeMessage) -> ExchangeReply:
        raise sqlite3.ProgrammingError("Cannot operate on a closed database.")

    async def handle_stream_snapshot(self, message: SnapshotMessage) -> AsyncGenerator[bytes, None]:
        raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        yield b""  # pragma: no cover - makes this an async generator


async def test_a_receiver_failing_under_a_call_is_a_transport_error() -> None:
    """Over gRPC this is an INTERNAL status. Raised as is, the receiver's failure escaped the
    sender's anti-entropy loop and stopped the sending node (seen when one in-memory node
    stopped while another was exchanging with it)."""
    network = MemoryNetwork()
    network.handlers["b"] = _Closed()
    transport = network.transport("a")
    with pytest.raises(TransportError, match="push to b failed there"):
        await transport.push("b", PushMessage("a", (b"x",), {}))
    with pytest.raises(TransportError, match="exchange with b failed there"):
        await transport.exchange("b", ExchangeMessage("a", {}, 10))

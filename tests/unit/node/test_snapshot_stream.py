"""Streamed snapshots: the chunk codec, and installing only a stream that arrived whole."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable

import msgpack
import pytest
from replicas import OpenDatabase, memory_replicator

from iamstore.node.commits.codec import CodecError, Commit, StoredRow
from iamstore.node.commits.snapshot import SnapshotDecoder, SnapshotEncoder
from iamstore.node.domain.entities import Account, Change
from iamstore.node.replication.gossip import GossipConfig, Replicator
from iamstore.node.replication.transport import (
    MemoryNetwork,
    MemoryTransport,
    PeerMessageError,
    SnapshotMessage,
    TransportError,
)

NOW = 1_000_000


def _rows(count: int) -> list[StoredRow]:
    return [StoredRow("account", f"k{i:04}", i + 1, "a", b"x" * 40) for i in range(count)]


def _chunks(rows: list[StoredRow], chunk_bytes: int = 256) -> list[bytes]:
    encoder = SnapshotEncoder({"a": len(rows)}, {"a": (0, 0)}, chunk_bytes)
    return [encoder.header(), *encoder.rows(rows), *encoder.end()]


def _decode(chunks: list[bytes]) -> list[StoredRow]:
    decoder = SnapshotDecoder()
    rows = [row for chunk in chunks for row in decoder.feed(chunk)]
    assert decoder.finish().vector == {"a": 100}
    return rows


def test_a_snapshot_larger_than_a_chunk_round_trips() -> None:
    rows = _rows(100)
    chunks = _chunks(rows)
    assert len(chunks) > 10
    assert _decode(chunks) == rows


def _flip(chunk: bytes) -> bytes:
    """One byte changed inside a row body: still well-formed msgpack, different data."""
    at = chunk.index(b"x" * 40) + 7
    return chunk[:at] + b"y" + chunk[at + 1 :]


@pytest.mark.parametrize(
    ("case", "damage"),
    [
        ("truncated before its trailer", lambda c: c[:-1]),
        ("a chunk lost in the middle", lambda c: c[:3] + c[4:]),
        ("two chunks swapped", lambda c: [c[0], c[2], c[1], *c[3:]]),
        ("a byte changed in a row", lambda c: [c[0], _flip(c[1]), *c[2:]]),
        ("no header", lambda c: c[1:]),
        ("data after the trailer", lambda c: [*c, c[1]]),
        ("an unknown version", lambda c: [msgpack.packb([3, "header", {}, {}]), *c[1:]]),
        ("a chunk cut short", lambda c: [c[0], c[1][:-5], *c[2:]]),
    ],
)
def test_a_damaged_stream_is_refused(
    case: str, damage: Callable[[list[bytes]], list[bytes]]
) -> None:
    with pytest.raises(CodecError):
        _decode(damage(_chunks(_rows(100))))


def _commit(origin: str, seq: int, key: str, live: bool = True) -> Commit:
    row = Account(key, key, 0, False) if live else None
    change = Change(Account.TABLE, key, row)
    return Commit(origin, seq, (NOW - 10_000 + seq) << 16, "t", "t", (change,))


async def _replicator(
    open_database: OpenDatabase, network: MemoryNetwork, name: str, peer: str
) -> Replicator:
    config = GossipConfig(snapshot_chunk=300)
    return await memory_replicator(open_database, network, name, peer, config, lambda: NOW)


Damage = Callable[[AsyncGenerator[bytes, None]], AsyncGenerator[bytes, None]]


class DamagingTransport(MemoryTransport):
    """Snapshot streams pass through `damage`; everything else as the memory transport."""

    def __init__(self, network: MemoryNetwork, own: str, damage: Damage) -> None:
        super().__init__(network, own)
        self.damage = damage
        self.chunks = 0

    async def stream_snapshot(
        self, address: str, message: SnapshotMessage
    ) -> AsyncGenerator[bytes, None]:
        async for chunk in self.damage(super().stream_snapshot(address, message)):
            self.chunks += 1
            yield chunk


async def _whole(chunks: AsyncGenerator[bytes, None]) -> AsyncGenerator[bytes, None]:
    async for chunk in chunks:
        yield chunk


async def _without_trailer(chunks: AsyncGenerator[bytes, None]) -> AsyncGenerator[bytes, None]:
    held = None
    async for chunk in chunks:
        if held is not None:
            yield held
        held = chunk


async def _corrupted(chunks: AsyncGenerator[bytes, None]) -> AsyncGenerator[bytes, None]:
    index = 0
    async for chunk in chunks:
        index += 1
        yield _flip_key(chunk) if index == 3 else chunk


def _flip_key(chunk: bytes) -> bytes:
    at = chunk.index(b"k0")  # a row key: still well-formed, no longer what was sent
    return chunk[:at] + b"K" + chunk[at + 1 :]


async def _broken_off(chunks: AsyncGenerator[bytes, None]) -> AsyncGenerator[bytes, None]:
    index = 0
    async for chunk in chunks:
        index += 1
        if index == 4:
            raise TransportError("connection reset mid-stream")
        yield chunk


async def _pair(
    open_database: OpenDatabase, damage: Damage
) -> tuple[Replicator, Replicator, DamagingTransport]:
    """`a` holds 200 rows and a purged log; `b` holds rows of its own and must bootstrap."""
    network = MemoryNetwork()
    a = await _replicator(open_database, network, "a", "b")
    await a._state.apply_batch([_commit("a", i, f"k{i:04}") for i in range(1, 201)])
    await a._state.purge({"a": 200}, (NOW << 16), NOW << 16)
    b = await _replicator(open_database, network, "b", "a")
    transport = DamagingTransport(network, "b", damage)
    b._transport = transport
    await b._state.apply_batch([_commit("b", 1, "mine"), _commit("b", 2, "k0001", live=False)])
    return a, b, transport


async def _temporary_tables(rep: Replicator) -> list[str]:
    async with rep._db._conn.execute("SELECT name FROM sqlite_temp_master") as cursor:
        return [str(row[0]) for row in await cursor.fetchall()]


async def test_a_snapshot_of_many_chunks_is_installed_with_this_nodes_own_writes_on_top(
    memory_database: OpenDatabase,
) -> None:
    a, b, transport = await _pair(memory_database, _whole)
    assert await b.bootstrap_from("a")
    assert transport.chunks > 10
    assert b._state.version_vector() == {"a": 200, "b": 2}
    view = b._state.view
    assert view.get(Account.TABLE, "mine") is not None
    assert view.get(Account.TABLE, "k0001") is None  # b's delete is newer than a's row
    assert view.get(Account.TABLE, "k0200") is not None
    assert len(await b._db.load_rows()) == 201
    assert await _temporary_tables(b) == []
    assert await _temporary_tables(a) == []  # the sender's frozen copy is gone too


@pytest.mark.parametrize("damage", [_without_trailer, _corrupted, _broken_off])
async def test_a_broken_stream_changes_nothing(
    memory_database: OpenDatabase, damage: Damage
) -> None:
    _, b, _ = await _pair(memory_database, damage)
    before = (b._state.version_vector(), b._state.digest(), await b._db.load_rows())
    with pytest.raises((PeerMessageError, TransportError)):
        await b.bootstrap_from("a")
    after = (b._state.version_vector(), b._state.digest(), await b._db.load_rows())
    assert after == before
    assert [(origin, seq) for origin, seq, *_ in await b._db.commits()] == [("b", 1), ("b", 2)]
    assert await _temporary_tables(b) == []
    assert b.stats.snapshots_installed == 0

"""The purge rule, the snapshot codec, and a wiped node rejoining from a snapshot (issue 5)."""

from __future__ import annotations

import msgpack
import pytest

from cluster.inline_sqlite import open_memory_database
from node.domain.entities import Account, Change
from node.domain.view import View
from node.replication.codec import CodecError, Commit
from node.replication.gossip import GossipConfig, Replicator
from node.replication.membership import Peer
from node.replication.purge import acknowledged, cutoff_hlc
from node.replication.snapshot import decode_snapshot, encode_snapshot
from node.replication.transport import Member, MemoryNetwork
from node.state import State
from node.storage.database import LogPurgedError, StoredRow
from tests.unit.node.replicas import memory_replicator


def test_acknowledged_is_the_minimum_over_every_vector() -> None:
    own = {"a": 5, "b": 3}
    assert acknowledged(own, [{"a": 4, "b": 3}, {"a": 5, "b": 1}]) == {"a": 4, "b": 1}
    assert acknowledged(own, [{"a": 2}]) == {"a": 2}  # b unknown to the peer: nothing of b


def test_an_unknown_peer_vector_blocks_every_purge() -> None:
    assert acknowledged({"a": 5}, [{"a": 5}, None]) is None


def test_cutoff_covers_every_logical_counter_of_the_grace_boundary() -> None:
    cut = cutoff_hlc(10_000, 1_000)
    assert cut == (9_000 << 16) | 0xFFFF
    assert cut < (9_001 << 16)
    assert cutoff_hlc(500, 1_000) == -1


def _commit(origin: str, seq: int, wall: int, key: str, live: bool) -> Commit:
    row = Account(key, key, 0, False) if live else None
    return Commit(origin, seq, wall << 16, "t", "t", (Change(Account.TABLE, key, row),))


async def test_purge_drops_only_the_acknowledged_prefix_past_grace() -> None:
    db = await open_memory_database()
    state = State(db, View())
    await state.apply_batch(
        [
            _commit("a", 1, 100, "k1", False),
            _commit("a", 2, 200, "k2", False),
            _commit("a", 3, 300, "k3", False),
        ]
    )
    dropped = await state.purge({"a": 3}, cutoff_hlc(1_250, 1_000))  # grace: only hlc <= 250
    assert dropped == 2
    assert [s for _, s, *_ in await db.commits()] == [3]
    assert state.version_vector() == {"a": 3}
    assert await db.max_seqs() == {"a": 3}
    with pytest.raises(LogPurgedError):
        await db.commits_after({"a": 1}, ["a"], 10)
    assert len(await db.commits_after({"a": 2}, ["a"], 10)) == 1
    assert await state.purge({"a": 2}, cutoff_hlc(10_000, 0)) == 0  # not acknowledged: kept
    await db.close()


def test_snapshot_codec_refuses_unknown_versions_and_malformed_rows() -> None:
    blob = encode_snapshot({"a": 2}, {"a": (1, 7)}, [StoredRow("accounts", "x", 5, "a", None)])
    snap = decode_snapshot(blob)
    assert snap.vector == {"a": 2}
    assert snap.floors == {"a": (2, 7)}
    assert len(snap.rows) == 1
    with pytest.raises(CodecError, match="unknown snapshot version"):
        decode_snapshot(msgpack.packb([2, {}, {}, []]))
    with pytest.raises(CodecError):
        decode_snapshot(msgpack.packb([1, {"a": 1}, {}, [["accounts", "x", -1, "a", None]]]))
    with pytest.raises(CodecError):
        decode_snapshot(blob[:-3])


async def test_a_wiped_node_rejoins_from_a_snapshot_after_the_log_was_purged() -> None:
    network = MemoryNetwork()
    now = [1_000_000]

    async def node(name: str, peer: str) -> Replicator:
        config = GossipConfig(purge_grace_ms=10)
        return await memory_replicator(network, name, peer, config, lambda: now[0])

    a = await node("a", "b")
    await a._state.apply_batch(
        [_commit("a", 1, 100, "k1", True), _commit("a", 2, 200, "k2", False)]
    )
    a.membership.set_removed([Member("", "b")])  # the old b was removed: a purges alone
    assert await a.purge() == 1
    fresh = await node("b", "a")
    await fresh._exchange_with(Peer("a"), with_digest=True)
    assert fresh.stats.snapshots_installed == 1
    assert fresh._state.version_vector() == {"a": 2}
    assert fresh._state.digest() == a._state.digest()
    assert fresh._state.view.get(Account.TABLE, "k1") is not None

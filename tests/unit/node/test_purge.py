"""The purge rule, the snapshot codec, and a wiped node rejoining from a snapshot (issue 5)."""

from __future__ import annotations

import msgpack
import pytest
from replicas import OpenDatabase, memory_replicator

from iamstore.node.commits.codec import CodecError, Commit, StoredRow
from iamstore.node.commits.snapshot import decode_snapshot, encode_snapshot
from iamstore.node.domain.entities import Account, Change
from iamstore.node.domain.view import View
from iamstore.node.replication.gossip import GossipConfig, Replicator
from iamstore.node.replication.membership import Peer
from iamstore.node.replication.purge import acknowledged, cutoff_hlc, merge_promises, stable_hlc
from iamstore.node.replication.transport import Member, MemoryNetwork
from iamstore.node.state import State
from iamstore.node.storage.database import LogPurgedError


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


def test_an_origins_promise_counts_once_every_node_has_its_seq() -> None:
    # b promised: its commits up to 4 are stamped at or below 900, later ones above.
    promises = {"b": (4, 900)}
    assert stable_hlc(["b"], {"b": 4}, {}, promises) == 900
    assert stable_hlc(["b"], {"b": 3}, {}, promises) == -1  # commit 4 is not everywhere
    assert stable_hlc(["b"], {"b": 3}, {"b": 500}, promises) == 500  # what the log tells
    # The lowest member bounds them all; a member nothing is known of bounds it to none.
    assert stable_hlc(["a", "b"], {"a": 1, "b": 4}, {"a": 700}, promises) == 700
    assert stable_hlc(["a", "b", "c"], {"a": 1, "b": 4}, {"a": 700}, promises) == -1


def test_the_newest_promise_of_each_origin_is_kept() -> None:
    known = {"a": (3, 300)}
    merge_promises(known, {"a": (2, 200), "b": (1, 50)})
    merge_promises(known, {"a": (5, 600)})
    assert known == {"a": (5, 600), "b": (1, 50)}


async def test_the_log_tells_up_to_which_stamp_an_origin_is_acknowledged(
    memory_database: OpenDatabase,
) -> None:
    db = await memory_database()
    state = State(db, View())
    await state.apply_batch([_commit("a", i, 100 * i, f"k{i}", True) for i in (1, 2, 3)])
    # Commit 3 is logged: everything of a below its stamp is within seq 2.
    assert await db.acknowledged_hlcs({"a": 2}) == {"a": (300 << 16) - 1}
    assert await db.acknowledged_hlcs({"a": 3}) == {"a": 300 << 16}  # the newest it has
    assert await db.acknowledged_hlcs({"b": 0}) == {}  # nothing known of b


async def test_a_tombstone_outlives_an_older_write_still_on_its_way(
    memory_database: OpenDatabase,
) -> None:
    # Golden case, from the simulation's seed 14: c created a row (c:1, stamp 100) that had
    # not reached node a yet when b deleted it (b:1, stamp 300) and every node acknowledged
    # the delete. Had a purged the tombstone then, c:1 would bring the row back on a alone.
    db = await memory_database()
    state = State(db, View())
    await state.apply_batch([_commit("b", 1, 300, "k", False)])
    members = ["a", "b", "c"]
    acked = {"b": 1}
    promises = {"a": (0, 10_000 << 16), "b": (1, 10_000 << 16), "c": (1, 10_000 << 16)}
    stable = stable_hlc(members, acked, await db.acknowledged_hlcs(acked), promises)
    assert stable == -1  # c's commit 1 is not everywhere: nothing of c's is known stable
    assert await state.purge(acked, cutoff_hlc(10_000, 0), stable) == 0
    await state.apply_batch([_commit("c", 1, 100, "k", True)])
    assert state.view.get(Account.TABLE, "k") is None  # the tombstone still wins
    # Once c's commit is everywhere, the tombstone may go.
    acked = {"b": 1, "c": 1}
    stable = stable_hlc(members, acked, await db.acknowledged_hlcs(acked), promises)
    assert await state.purge(acked, cutoff_hlc(10_000, 0), stable) == 1


def _commit(origin: str, seq: int, wall: int, key: str, live: bool) -> Commit:
    row = Account(key, key, 0, False) if live else None
    return Commit(origin, seq, wall << 16, "t", "t", (Change(Account.TABLE, key, row),))


async def test_purge_drops_only_the_acknowledged_prefix_past_grace(
    memory_database: OpenDatabase,
) -> None:
    db = await memory_database()
    state = State(db, View())
    await state.apply_batch(
        [
            _commit("a", 1, 100, "k1", False),
            _commit("a", 2, 200, "k2", False),
            _commit("a", 3, 300, "k3", False),
        ]
    )
    everything_stable = 2**62
    dropped = await state.purge({"a": 3}, cutoff_hlc(1_250, 1_000), everything_stable)  # <= 250
    assert dropped == 2
    assert [s for _, s, *_ in await db.commits()] == [3]
    assert state.version_vector() == {"a": 3}
    assert await db.max_seqs() == {"a": 3}
    with pytest.raises(LogPurgedError):
        await db.commits_after({"a": 1}, ["a"], 10)
    assert len(await db.commits_after({"a": 2}, ["a"], 10)) == 1
    assert await state.purge({"a": 2}, cutoff_hlc(10_000, 0), everything_stable) == 0  # unacked


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


async def test_a_wiped_node_rejoins_from_a_snapshot_after_the_log_was_purged(
    memory_database: OpenDatabase,
) -> None:
    network = MemoryNetwork()
    now = [1_000_000]

    async def node(name: str, peer: str) -> Replicator:
        config = GossipConfig(purge_grace_ms=10)
        return await memory_replicator(memory_database, network, name, peer, config, lambda: now[0])

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

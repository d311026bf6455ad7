"""Catching up on a long delta: pipelined pulls, truthful acknowledgements, older peers."""

from __future__ import annotations

import dataclasses

from replicas import OpenDatabase, memory_replicator

from iamstore.node.commits.codec import Commit
from iamstore.node.domain.entities import Account, Change
from iamstore.node.replication.gossip import GossipConfig, Replicator
from iamstore.node.replication.membership import Peer
from iamstore.node.replication.transport import ExchangeMessage, ExchangeReply, MemoryNetwork

NOW = 1_000_000
COMMITS = 3_500


async def _replicator(
    open_database: OpenDatabase, network: MemoryNetwork, name: str, peer: str
) -> Replicator:
    config = GossipConfig(batch=500)
    return await memory_replicator(open_database, network, name, peer, config, lambda: NOW)


def _commit(seq: int) -> Commit:
    row = Account(f"k{seq}", f"k{seq}", 0, False)
    return Commit("a", seq, (NOW - 5_000) << 16 | seq, "t", "t", (Change.put(row),))


class Recording:
    """Peer `a` as `b` reaches it: records each request, and what `b` had applied then."""

    def __init__(self, a: Replicator, b: Replicator, honour_after: bool = True) -> None:
        self.a, self.b, self.honour_after = a, b, honour_after
        self.asked: list[tuple[ExchangeMessage, dict[str, int]]] = []

    async def handle_exchange(self, message: ExchangeMessage) -> ExchangeReply:
        self.asked.append((message, self.b._state.version_vector()))
        if not self.honour_after:  # a member of an earlier version: no such field
            message = dataclasses.replace(message, after={})
        return await self.a.handle_exchange(message)


async def _setup(
    open_database: OpenDatabase, honour_after: bool
) -> tuple[Replicator, Replicator, Recording]:
    network = MemoryNetwork()
    a = await _replicator(open_database, network, "a", "b")
    await a._state.apply_batch([_commit(seq) for seq in range(1, COMMITS + 1)])
    b = await _replicator(open_database, network, "b", "a")
    recording = Recording(a, b, honour_after)
    network.handlers["a"] = recording  # type: ignore[assignment]
    return a, b, recording


async def test_a_long_delta_is_pulled_ahead_while_acknowledging_only_what_was_written(
    memory_database: OpenDatabase,
) -> None:
    a, b, recording = await _setup(memory_database, honour_after=True)
    await b._exchange_with(Peer("a"), with_digest=False)
    assert b._state.version_vector() == {"a": COMMITS}
    assert b._state.digest() == a._state.digest()
    # Every request acknowledges no more than b had applied when it asked...
    for message, applied in recording.asked:
        assert message.version_vector == applied
    # ...while, batch after batch, it asked for what follows the batch still being written.
    ahead = [m for m, _ in recording.asked if m.after]
    assert len(ahead) >= COMMITS // 500 - 1
    assert all(m.after["a"] > m.version_vector.get("a", 0) for m in ahead)


async def test_a_peer_that_ignores_where_to_continue_still_gets_b_all_the_way(
    memory_database: OpenDatabase,
) -> None:
    a, b, _ = await _setup(memory_database, honour_after=False)
    await b._exchange_with(Peer("a"), with_digest=False)
    assert b._state.version_vector() == {"a": COMMITS}
    assert b._state.digest() == a._state.digest()

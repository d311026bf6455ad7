"""Tombstone and log purge across a three-node in-memory cluster (issue 5: purge rule)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from iamstore.cluster.testing.memory import MemoryCluster
from iamstore.node.replication.gossip import GossipConfig

GOSSIP = GossipConfig(interval_s=0.05, purge_grace_ms=300, purge_every=2)


@pytest.fixture
def cluster_gossip() -> GossipConfig:
    return GOSSIP


async def _tombstones(mem: MemoryCluster) -> list[int]:
    counts = []
    for node in mem.nodes:
        assert node.components is not None
        rows = await node.components.state.db.load_rows()
        counts.append(sum(1 for *_, body in rows if body is None))
    return counts


async def _logged(mem: MemoryCluster) -> list[int]:
    counts = []
    for node in mem.nodes:
        assert node.components is not None
        counts.append(len(await node.components.state.db.commits()))
    return counts


async def _deletes(mem: MemoryCluster) -> None:
    async with mem.client(0) as a:
        for name in ("u1", "u2", "u3"):
            await a.create_user(user_name=name)
            await a.delete_user(user_name=name)


async def _eventually(check: Callable[[], Awaitable[bool]], attempts: int = 200) -> None:
    for _ in range(attempts):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


async def test_tombstones_and_log_are_purged_everywhere_once_all_acknowledge(
    cluster: MemoryCluster,
) -> None:
    await _deletes(cluster)
    assert await cluster.converged()
    assert min(await _tombstones(cluster)) >= 3

    async def all_purged() -> bool:
        return await _tombstones(cluster) == [0, 0, 0] and await _logged(cluster) == [0, 0, 0]

    await _eventually(all_purged)
    assert len(set(cluster.digests())) == 1
    vectors = cluster.vectors()
    assert all(v == vectors[0] for v in vectors)
    assert sum(vectors[0].values()) >= 6


async def test_a_node_down_blocks_purging_until_it_is_removed(cluster: MemoryCluster) -> None:
    cluster.network.down.add(cluster.peer_name(2))
    await _deletes(cluster)
    await asyncio.sleep(1.5)  # several grace periods and purge rounds
    counts = await _tombstones(cluster)
    assert counts[0] >= 3
    assert counts[1] >= 3
    # Asked on one node only: the removal is a replicated write, so the other learns it.
    assert cluster.nodes[0].replicator is not None
    assert await cluster.nodes[0].replicator.remove_member(cluster.peer_name(2))

    async def live_nodes_purged() -> bool:
        return (await _tombstones(cluster))[:2] == [0, 0]

    await _eventually(live_nodes_purged)
    assert cluster.digests()[0] == cluster.digests()[1]

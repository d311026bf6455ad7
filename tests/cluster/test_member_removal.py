"""Removing a member: a replicated, durable fact every node learns and enforces (issue 5).

Nodes run in one event loop with their peer traffic on an in-memory network; clients reach
them over real gRPC on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from iamstore.cluster.testing.memory import MemoryCluster
from iamstore.node.api.dispatch import parse_tokens
from iamstore.node.replication.gossip import GossipConfig, Replicator
from iamstore.node.server import Node

GOSSIP = GossipConfig(interval_s=0.05, purge_grace_ms=300, purge_every=2)
REMOVED = "mem-2"


@pytest.fixture
def cluster_gossip() -> GossipConfig:
    return GOSSIP


async def _eventually(check: Callable[[], Awaitable[bool] | bool], attempts: int = 300) -> None:
    for _ in range(attempts):
        outcome = check()
        if outcome if isinstance(outcome, bool) else await outcome:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


def _replicator(node: Node) -> Replicator:
    assert node.replicator is not None
    return node.replicator


def _peer_addresses(node: Node) -> set[str]:
    return {p.address for p in _replicator(node).membership.peers()}


def _knows_removal(node: Node, node_id: str) -> bool:
    assert node.components is not None
    return node_id in node.components.state.view.removed_members


async def _tombstones(node: Node) -> int:
    assert node.components is not None
    return sum(1 for *_, body in await node.components.state.db.load_rows() if body is None)


async def _create_and_delete(mem: MemoryCluster, index: int, prefix: str) -> None:
    async with mem.client(index) as iam:
        for i in range(3):
            await iam.create_user(user_name=f"{prefix}{i}")
            await iam.delete_user(user_name=f"{prefix}{i}")


async def test_a_removal_reaches_a_node_that_was_down_and_survives_restarts(
    cluster: MemoryCluster,
) -> None:
    removed_id = _replicator(cluster.nodes[2]).node_id
    # Asked by address alone, node 0 names the member by the id it learned from it.
    membership = _replicator(cluster.nodes[0]).membership
    await _eventually(lambda: getattr(membership.find(REMOVED), "node_id", "") == removed_id)
    await cluster.stop_node(2)
    await cluster.stop_node(1)  # down while the removal happens
    assert await _replicator(cluster.nodes[0]).remove_member(REMOVED)
    assert _peer_addresses(cluster.nodes[0]) == {"mem-1"}

    # node 1 comes back with mem-2 still in its seed list and learns the removal by gossip.
    back = await cluster.restart_node(1)
    assert REMOVED in back.config.peers
    await _eventually(lambda: _knows_removal(back, removed_id))
    assert _peer_addresses(back) == {"mem-0"}

    # Both restart: the removal is read back from their replicas, not relearned.
    for index in (0, 1):
        await cluster.stop_node(index)
    for index in (0, 1):
        restarted = await cluster.restart_node(index)
        assert _knows_removal(restarted, removed_id)
        assert REMOVED not in _peer_addresses(restarted)

    # And mem-2 no longer holds purging back: the two members purge their tombstones.
    await _create_and_delete(cluster, 0, "gone-")

    async def purged() -> bool:
        return [await _tombstones(cluster.nodes[i]) for i in (0, 1)] == [0, 0]

    await _eventually(purged)


async def test_a_late_joining_node_learns_the_removal_from_its_snapshot(
    cluster: MemoryCluster,
) -> None:
    removed_id = _replicator(cluster.nodes[2]).node_id
    await cluster.stop_node(2)
    assert await _replicator(cluster.nodes[1]).remove_member(REMOVED, removed_id)
    await _create_and_delete(cluster, 0, "old-")

    async def logs_purged() -> bool:
        assert cluster.nodes[0].components is not None
        return not await cluster.nodes[0].components.state.db.commits()

    await _eventually(logs_purged)  # the removal's own commit is purged with the rest

    # A new node whose seed list still names the removed one.
    late = await cluster.add_node(("mem-0", REMOVED))
    await _eventually(lambda: _knows_removal(late, removed_id))
    assert _replicator(late).stats.snapshots_installed >= 1
    await _eventually(lambda: _peer_addresses(late) == {"mem-0", "mem-1"})
    await _eventually(lambda: len({cluster.digests()[i] for i in (0, 1, 3)}) == 1)


async def test_a_removed_node_started_again_is_refused_and_says_so(
    cluster: MemoryCluster, caplog: pytest.LogCaptureFixture
) -> None:
    removed_id = _replicator(cluster.nodes[2]).node_id
    await cluster.stop_node(2)
    assert await _replicator(cluster.nodes[0]).remove_member(REMOVED, removed_id)
    await _eventually(lambda: _knows_removal(cluster.nodes[1], removed_id))

    with caplog.at_level(logging.WARNING):
        mistaken = await cluster.restart_node(2)  # same data folder, so the same node id
        assert _replicator(mistaken).node_id == removed_id
        await _eventually(lambda: bool(_replicator(mistaken).removed_from_cluster))
    said = [r for r in caplog.records if r.name == "iamstore.replication"]
    assert any(
        r.levelno == logging.ERROR and "removed from the cluster" in r.getMessage() for r in said
    )
    assert any(f"refused node {removed_id}" in r.getMessage() for r in said)

    # It still answers its own clients, but nothing it writes reaches the members, and
    # nothing they write reaches it.
    async with cluster.client(2) as stray:
        await stray.create_user(user_name="written-on-the-removed-node")
        status = await stray.status()
    assert status.removed
    async with cluster.client(0) as member:
        await member.create_user(user_name="written-on-a-member")
        token = member.consistency_token
        members_status = await member.status()
    assert [m.node_id for m in members_status.removed_members] == [removed_id]
    assert all(p.address != REMOVED for p in members_status.peers)
    await asyncio.sleep(20 * GOSSIP.interval_s)  # many anti-entropy rounds
    assert mistaken.components is not None
    assert not mistaken.components.state.covers(parse_tokens(token or ""))
    for index in (0, 1):
        services = cluster.nodes[index].components
        assert services is not None
        assert services.state.version_vector().get(removed_id, 0) < status.version_vector.get(
            removed_id, 0
        )


async def test_a_wiped_node_at_a_removed_address_joins_as_a_new_member(
    cluster: MemoryCluster, tmp_path: Path
) -> None:
    removed_id = _replicator(cluster.nodes[2]).node_id
    await cluster.stop_node(2)
    assert await _replicator(cluster.nodes[0]).remove_member(REMOVED, removed_id)
    shutil.rmtree(tmp_path / REMOVED)

    fresh = await cluster.restart_node(2)  # empty folder: a new node id at the old address
    assert _replicator(fresh).node_id != removed_id
    await _eventually(lambda: _knows_removal(fresh, removed_id))
    await _eventually(lambda: all(REMOVED in _peer_addresses(n) for n in cluster.nodes[:2]))
    async with cluster.client(0) as member:
        await member.create_user(user_name="for-the-new-member")
        token = member.consistency_token
    async with cluster.client(2) as new:
        assert (await new.get_user(user_name="for-the-new-member", at_least=token)).user
        assert not (await new.status()).removed

"""The in-memory cluster this folder's tests share: its nodes in the test's event loop, peer
traffic on a network the test controls, converged before the test and stopped after it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from iamstore.cluster.testing.memory import MemoryCluster
from iamstore.node.replication.gossip import GossipConfig


@pytest.fixture
def cluster_size() -> int:
    """How many nodes `cluster` starts; a module overrides this fixture for another size."""
    return 3


@pytest.fixture
def cluster_gossip() -> GossipConfig | None:
    """The nodes' gossip settings, None for MemoryCluster's own; a module overrides this
    fixture to change them (e.g. to purge sooner)."""
    return None


@pytest.fixture
async def cluster(
    tmp_path: Path, cluster_size: int, cluster_gossip: GossipConfig | None
) -> AsyncIterator[MemoryCluster]:
    """A started cluster whose replicas have converged (the first node bootstraps the root)."""
    if cluster_gossip is None:
        mem = MemoryCluster(tmp_path, cluster_size)
    else:
        mem = MemoryCluster(tmp_path, cluster_size, gossip=cluster_gossip)
    await mem.start()
    try:
        assert await mem.converged()
        yield mem
    finally:
        await mem.stop()

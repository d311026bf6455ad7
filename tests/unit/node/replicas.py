"""A Replicator over an in-memory database and network, for replication unit tests."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable

from iamstore.node.commits.clock import HybridClock
from iamstore.node.replication.gossip import GossipConfig, Replicator
from iamstore.node.replication.membership import Membership
from iamstore.node.replication.transport import MemoryNetwork
from iamstore.node.state import State
from iamstore.node.storage.database import Database

# The `memory_database` fixture (tests/conftest.py): opens one, closed when the test ends.
OpenDatabase = Callable[[], Awaitable[Database]]


async def memory_replicator(
    open_database: OpenDatabase, network: MemoryNetwork, name: str, peer: str,
    config: GossipConfig, now_ms: Callable[[], int],
) -> Replicator:  # fmt: skip
    """Replica `name`, knowing only `peer`, reachable on `network` under its name."""
    db = await open_database()
    replicator = Replicator(
        state=await State.load(db),
        db=db,
        clock=HybridClock(now_ms),
        transport=network.transport(name),
        membership=Membership(name, name, [peer]),
        now_ms=now_ms,
        rng=random.Random(1),
        config=config,
    )
    network.handlers[name] = replicator
    return replicator

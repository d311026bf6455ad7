"""Several nodes in one event loop, their peer traffic on an in-memory network the test controls.

Clients still reach each node over real gRPC on 127.0.0.1; only node-to-node messages go
through `MemoryNetwork`, so a test can partition, heal and delay peers deterministically.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from iamstore.client import AsyncClient
from iamstore.client.credentials import resolve_credentials
from iamstore.node.config import NodeConfig
from iamstore.node.domain.signin import SignInRules
from iamstore.node.replication.gossip import GossipConfig
from iamstore.node.replication.transport import MemoryNetwork
from iamstore.node.server import Node


@dataclass
class MemoryCluster:
    root: Path
    size: int
    gossip: GossipConfig = field(default_factory=lambda: GossipConfig(interval_s=0.05))
    # How every node throttles and locks out wrong MFA codes and passwords.
    mfa_rules: SignInRules = field(default_factory=SignInRules)
    network: MemoryNetwork = field(default_factory=MemoryNetwork)
    nodes: list[Node] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)  # each node's current serve
    _running: list[asyncio.Task[None]] = field(default_factory=list)  # every serve ever started
    _keys: dict[str, bytes] = field(default_factory=dict)

    def peer_name(self, index: int) -> str:
        return f"mem-{index}"

    async def start(self) -> None:
        self._keys = {
            "secrets.key": AESGCM.generate_key(bit_length=256),
            "cluster.key": os.urandom(32),
        }
        names = [self.peer_name(i) for i in range(self.size)]
        for index, name in enumerate(names):
            peers = tuple(n for n in names if n != name)
            self.nodes.append(await self._launch(name, peers, bootstrap=index == 0))
            self._tasks.append(self._running[-1])

    async def _launch(self, name: str, peers: tuple[str, ...], bootstrap: bool) -> Node:
        data_dir = self.root / name
        data_dir.mkdir(parents=True, exist_ok=True)
        for file, data in self._keys.items():
            if not (data_dir / file).exists():
                (data_dir / file).write_bytes(data)
        config = NodeConfig(
            data_dir=data_dir,
            listen="127.0.0.1:0",
            peers=peers,
            advertise=name,
            bootstrap=bootstrap,
            gossip=self.gossip,
            synchronous="NORMAL",
            at_least_timeout_s=1.0,
            mfa_rules=self.mfa_rules,
        )
        node = Node(config, transport=self.network.transport(name))
        self._running.append(asyncio.create_task(node.serve()))
        await node.ready.wait()
        if node.replicator is None:
            raise RuntimeError(f"{name} started without a replicator")
        self.network.handlers[name] = node.replicator
        return node

    async def stop_node(self, index: int) -> None:
        """Stops node `index` cleanly; its data folder stays for `restart_node`."""
        node = self.nodes[index]
        self.network.handlers.pop(self.peer_name(index), None)
        node.stop()
        await self._tasks[index]

    async def restart_node(self, index: int) -> Node:
        """Starts node `index` again on its data folder, with the same seed list."""
        old = self.nodes[index]
        node = await self._launch(self.peer_name(index), old.config.peers, bootstrap=False)
        self.nodes[index] = node
        self._tasks[index] = self._running[-1]
        return node

    async def add_node(self, peers: tuple[str, ...]) -> Node:
        """A new member `mem-N` (empty data folder) joining through `peers`."""
        index = len(self.nodes)
        node = await self._launch(self.peer_name(index), peers, bootstrap=False)
        self.nodes.append(node)
        self._tasks.append(self._running[-1])
        self.size += 1
        return node

    async def stop(self) -> None:
        for node in self.nodes:
            node.stop()
        await asyncio.gather(*self._running)

    def partition(self, *groups: list[int]) -> None:
        """Cuts every link between nodes of different groups."""
        where = {i: g for g, members in enumerate(groups) for i in members}
        for a in range(self.size):
            for b in range(self.size):
                if where.get(a) != where.get(b):
                    self.network.blocked.add((self.peer_name(a), self.peer_name(b)))

    def heal(self) -> None:
        self.network.blocked.clear()

    def client(self, index: int, **options: object) -> AsyncClient:
        node = self.nodes[index]
        assert node.address is not None
        credentials = resolve_credentials(
            credentials_file=str(self.nodes[0].config.root_credentials_path)
        )
        return AsyncClient(node.address, credentials=credentials, **options)  # type: ignore[arg-type]

    def digests(self) -> list[str]:
        return [n.components.state.digest() for n in self.nodes if n.components is not None]

    def vectors(self) -> list[dict[str, int]]:
        return [n.components.state.version_vector() for n in self.nodes if n.components is not None]

    async def converged(self, timeout_s: float = 10.0) -> bool:
        """Waits until every node holds the same version vector and digest."""
        async with asyncio.timeout(timeout_s):
            while True:
                vectors = self.vectors()
                if all(v == vectors[0] for v in vectors) and len(set(self.digests())) == 1:
                    return True
                await asyncio.sleep(0.02)

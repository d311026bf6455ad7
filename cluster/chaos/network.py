"""The two ways a chaos run carries peer traffic: loopback fault proxies, or network namespaces.

Either way the harness (workload, probes, checks) reaches every node on a path no fault
touches, and faults are one `FaultTable` of (source, target) links that `apply` makes true.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from iamstore.cluster.chaos.netns import NetnsLab, Topology, probe
from iamstore.cluster.chaos.netrules import Backend
from iamstore.cluster.chaos.proxy import FaultTable, ProxyMesh
from iamstore.cluster.local import free_ports

NETWORKS = ("proxy", "netns")
# A Unix socket's path must fit in sockaddr_un (108 bytes with its terminating NUL).
MAX_SOCKET_PATH = 107


class PeerNetwork(Protocol):
    kind: str  # one of NETWORKS; the report names it
    table: FaultTable

    def listen(self, node: str) -> str:
        """The address the node serves on, which the harness dials."""

    def peer_address(self, node: str) -> str:
        """The address the node's peers reach it on (it advertises this one)."""

    def node_args(self, node: str) -> tuple[str, ...]:
        """Extra `iamstore node run` options."""

    def wrapper(self, node: str) -> tuple[str, ...]:
        """The prefix of the node's command line."""

    async def start(self) -> None: ...

    async def apply(self) -> None:
        """Makes `table` true for every link."""

    async def close(self) -> None: ...


class ProxyNetwork:
    """Nodes on loopback; each reached by its peers only through its TCP fault proxy."""

    kind = "proxy"

    def __init__(
        self, nodes: list[str], rng: random.Random, pids: Callable[[], dict[int, str]]
    ) -> None:
        ports = free_ports(2 * len(nodes))
        self._listen = {n: f"127.0.0.1:{p}" for n, p in zip(nodes, ports, strict=False)}
        self._proxy_ports = dict(zip(nodes, ports[len(nodes) :], strict=True))
        self.mesh = ProxyMesh(pids, rng)
        self.table = self.mesh.table

    def listen(self, node: str) -> str:
        return self._listen[node]

    def peer_address(self, node: str) -> str:
        return f"127.0.0.1:{self._proxy_ports[node]}"

    def node_args(self, node: str) -> tuple[str, ...]:
        return ()

    def wrapper(self, node: str) -> tuple[str, ...]:
        return ()

    async def start(self) -> None:
        for node, port in self._proxy_ports.items():
            await self.mesh.add(node, self._listen[node], port)

    async def apply(self) -> None:
        self.mesh.refresh()

    async def close(self) -> None:
        await self.mesh.close()


class NamespaceNetwork:
    """Each node in its own network namespace, its peers reached over veth links (10.77.0.N),
    faults as packet-filter rules; the harness dials each node's Unix socket, which is a file
    and so is reachable from every namespace whatever the rules say."""

    kind = "netns"

    def __init__(self, root: Path, nodes: list[str], backend: Backend | None = None) -> None:
        self._root = root.resolve()
        self.topology = Topology.create(nodes)
        self._backend = backend
        self.lab: NetnsLab | None = None
        self.table = FaultTable()
        for node in nodes:
            path = self.listen(node).removeprefix("unix:")
            if len(path.encode()) > MAX_SOCKET_PATH:
                raise ValueError(f"the socket path `{path}` is too long; use a shorter folder")

    def listen(self, node: str) -> str:
        return f"unix:{self._root / node / 'node.sock'}"

    def peer_address(self, node: str) -> str:
        return self.topology.peer_address(node)

    def node_args(self, node: str) -> tuple[str, ...]:
        return ("--peer-listen", self.peer_address(node))

    def wrapper(self, node: str) -> tuple[str, ...]:
        if self.lab is None:
            raise RuntimeError("the namespaces are not made yet: call start() first")
        return self.lab.wrapper(node)

    async def start(self) -> None:
        """Probes (NetnsUnavailable says why it cannot be done), then makes the namespaces."""
        if self._backend is None:
            self._backend = await asyncio.to_thread(probe)
        self.lab = NetnsLab(self.topology, self._backend)
        await asyncio.to_thread(self.lab.create)

    async def apply(self) -> None:
        if self.lab is not None:
            await asyncio.to_thread(self.lab.apply, self.table)

    async def close(self) -> None:
        if self.lab is not None:
            await asyncio.to_thread(self.lab.destroy)

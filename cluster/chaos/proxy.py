"""A TCP fault proxy on loopback: one listener per node, faults ruled per (source, target) link.

Each node is reached by its peers only through its proxy (the node advertises the proxy's
address, and every peer list names proxies), so whatever address gossip spreads, peer traffic
flows through a proxy. The proxy tells which node opened a connection by looking the
connecting socket up in /proc (its inode, then which node process holds it), so one listener
per node gives every ordered pair of nodes its own link. A connection from anything else (a
client) is on the link ("client", target), which faults never touch unless asked to.

A link is one of: open (optionally with delay, jitter and loss), blackholed (bytes are
swallowed, nothing answers: the caller times out) or reset (connections are aborted at once).
When a link stops being open, its connections are frozen; when it opens again they are
aborted, since a stream that lost bytes cannot resume, and the caller reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import os
import random
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CLIENT = "client"
RETRANSMIT_MS = 200.0  # what a lost segment costs: about Linux's minimum TCP retransmit timeout


class LinkMode(enum.Enum):
    OPEN = "open"
    BLACKHOLE = "blackhole"
    RESET = "reset"


@dataclass(frozen=True, slots=True)
class LinkFault:
    """What happens on one link; the default is a healthy link."""

    mode: LinkMode = LinkMode.OPEN
    delay_ms: float = 0.0
    jitter_ms: float = 0.0
    # Fraction of new connections refused, and of chunks that pay a retransmit timeout.
    loss: float = 0.0


HEALTHY = LinkFault()


@dataclass
class FaultTable:
    """The fault of every (source, target) link; links not listed are healthy."""

    links: dict[tuple[str, str], LinkFault] = field(default_factory=dict)
    version: int = 0

    def get(self, source: str, target: str) -> LinkFault:
        return self.links.get((source, target), HEALTHY)

    def set(self, source: str, target: str, fault: LinkFault) -> None:
        if fault == HEALTHY:
            self.links.pop((source, target), None)
        else:
            self.links[(source, target)] = fault
        self.version += 1

    def clear(self) -> None:
        self.links.clear()
        self.version += 1


def _hex_endpoint(host: str, port: int) -> str:
    packed = socket.inet_aton(host)
    return f"{int.from_bytes(packed, 'little'):08X}:{port:04X}"


def socket_owner(local: tuple[str, int], remote: tuple[str, int], pids: dict[int, str]) -> str:
    """The name of the process in `pids` whose socket goes from `local` to `remote`, or CLIENT.

    Blocking (reads /proc): call it from a thread.
    """
    want_local, want_remote = _hex_endpoint(*local), _hex_endpoint(*remote)
    inode = ""
    # gRPC opens dual-stack sockets, listed in tcp6 with IPv4-mapped addresses (…FFFF0000 +
    # the IPv4 address): compare the last 8 hex digits of the address and the port.
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                if parts[1][-13:] == want_local and parts[2][-13:] == want_remote:
                    inode = parts[9]
                    break
        if inode:
            break
    if not inode or inode == "0":
        return CLIENT
    target = f"socket:[{inode}]"
    for pid, name in pids.items():
        with contextlib.suppress(OSError), os.scandir(f"/proc/{pid}/fd") as fds:
            for fd in fds:
                with contextlib.suppress(OSError):
                    if os.readlink(fd.path) == target:
                        return name
    return CLIENT


class _Connection:
    def __init__(self, source: str, target: str) -> None:
        self.source = source
        self.target = target
        self.frozen = False
        self.writers: list[asyncio.StreamWriter] = []
        self.tasks: list[asyncio.Task[None]] = []

    def abort(self) -> None:
        for writer in self.writers:
            transport = writer.transport
            with contextlib.suppress(Exception):
                transport.abort()
        for task in self.tasks:
            task.cancel()


class NodeProxy:
    """Listens on `listen` and forwards to the node `target` at `upstream`."""

    def __init__(
        self,
        target: str,
        upstream: str,
        table: FaultTable,
        pids: Callable[[], dict[int, str]],
        rng: random.Random,
    ) -> None:
        self.target = target
        self.upstream = upstream
        self._table = table
        self._pids = pids
        self._rng = rng
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
        self.address = ""
        self.connections_opened = 0

    async def start(self, port: int) -> str:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", port)
        host, bound = self._server.sockets[0].getsockname()[:2]
        self.address = f"{host}:{bound}"
        return self.address

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections):
            connection.abort()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    def refresh(self) -> None:
        """Applies the table to open connections: freeze on a fault, abort on heal or reset."""
        for connection in list(self._connections):
            mode = self._table.get(connection.source, connection.target).mode
            if mode is LinkMode.RESET or (connection.frozen and mode is LinkMode.OPEN):
                connection.abort()
                self._connections.discard(connection)
            elif mode is LinkMode.BLACKHOLE:
                connection.frozen = True

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        local = writer.get_extra_info("sockname")
        source = CLIENT
        if peer and local:
            source = await asyncio.to_thread(
                socket_owner, (peer[0], peer[1]), (local[0], local[1]), self._pids()
            )
        connection = _Connection(source, self.target)
        connection.writers.append(writer)
        fault = self._table.get(source, self.target)
        if fault.mode is LinkMode.RESET or (fault.loss and self._rng.random() < fault.loss):
            connection.abort()
            return
        self._connections.add(connection)
        self.connections_opened += 1
        if fault.mode is LinkMode.BLACKHOLE:
            connection.frozen = True
            await self._swallow(reader, connection)
            return
        host, _, port = self.upstream.rpartition(":")
        try:
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            connection.abort()
            self._connections.discard(connection)
            return
        connection.writers.append(up_writer)
        try:
            async with asyncio.TaskGroup() as tasks:
                connection.tasks = [
                    tasks.create_task(self._pump(reader, up_writer, connection)),
                    tasks.create_task(self._pump(up_reader, writer, connection)),
                ]
        except* (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            connection.abort()
            self._connections.discard(connection)

    async def _swallow(self, reader: asyncio.StreamReader, connection: _Connection) -> None:
        try:
            while await reader.read(65536):
                if self._table.get(connection.source, connection.target).mode is LinkMode.OPEN:
                    break
        except OSError:
            pass
        finally:
            connection.abort()
            self._connections.discard(connection)

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, connection: _Connection
    ) -> None:
        """Copies one direction, each chunk delivered no earlier than its delay, in order."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                if not data:
                    writer.close()
                    return
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if connection.frozen:
                    continue  # swallowed: the link is cut
                writer.write(data)
                await writer.drain()

        last_due = 0.0
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(deliver())
            while True:
                data = await reader.read(65536)
                fault = self._table.get(connection.source, connection.target)
                delay = fault.delay_ms + (
                    self._rng.uniform(0, fault.jitter_ms) if fault.jitter_ms else 0.0
                )
                if fault.loss and self._rng.random() < fault.loss:
                    delay += RETRANSMIT_MS
                last_due = max(last_due, loop.time() + delay / 1000)
                queue.put_nowait((last_due, data))
                if not data:
                    return


class ProxyMesh:
    """One NodeProxy per node, sharing one fault table."""

    def __init__(self, pids: Callable[[], dict[int, str]], rng: random.Random) -> None:
        self.table = FaultTable()
        self._pids = pids
        self._rng = rng
        self.proxies: dict[str, NodeProxy] = {}

    async def add(self, name: str, upstream: str, port: int) -> str:
        proxy = NodeProxy(name, upstream, self.table, self._pids, self._rng)
        self.proxies[name] = proxy
        return await proxy.start(port)

    def set_link(self, source: str, target: str, fault: LinkFault) -> None:
        self.table.set(source, target, fault)
        self.refresh()

    def heal(self) -> None:
        self.table.clear()
        self.refresh()

    def refresh(self) -> None:
        for proxy in self.proxies.values():
            proxy.refresh()

    async def close(self) -> None:
        for proxy in self.proxies.values():
            await proxy.close()

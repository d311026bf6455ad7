"""A virtual replica (State, Replicator, Writer over its own database) and its faults."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from iamstore.node.commits.clock import HybridClock
from iamstore.node.commits.codec import Commit
from iamstore.node.replication.gossip import GossipConfig, Replicator
from iamstore.node.replication.membership import Membership
from iamstore.node.replication.transport import (
    ExchangeMessage,
    ExchangeReply,
    MemoryNetwork,
    PushMessage,
    PushReply,
    SnapshotMessage,
    TransportError,
)
from iamstore.node.state import State, Writer
from iamstore.node.storage.database import Database


@dataclass
class ReplicaFaults:
    """Per-message fault rates; all decisions come from one seeded generator."""

    rng: random.Random
    loss: float = 0.0
    reply_loss: float = 0.0
    duplicate: float = 0.0
    delay: float = 0.0
    max_delay_s: float = 0.3

    def calm(self) -> None:
        self.loss = self.reply_loss = self.duplicate = self.delay = 0.0

    async def before_delivery(self, sender: str, receiver: str) -> None:
        if self.rng.random() < self.delay:
            await asyncio.sleep(self.rng.uniform(0, self.max_delay_s))
        if self.rng.random() < self.loss:
            raise TransportError(f"lost {sender}->{receiver}")


@dataclass
class VirtualReplica:
    """One node's database (its disk, kept across restarts) and what runs over it."""

    name: str
    peers: tuple[str, ...]
    db: Database
    wall_ms: Callable[[], int]
    rng: random.Random
    gossip: GossipConfig
    network: MemoryNetwork
    faults: ReplicaFaults
    on_commit: Callable[[Commit], None]
    # Called after every batch this replica applies (the model checker checks invariants there).
    on_apply: Callable[[VirtualReplica], None] | None = None
    state: State | None = None
    writer: Writer | None = None
    replicator: Replicator | None = None
    task: asyncio.Task[None] | None = None
    in_flight: int = 0
    drained: asyncio.Event = field(default_factory=asyncio.Event)
    accepting: bool = False
    restarts: int = 0
    digest_mismatches: int = 0
    refused_messages: int = 0
    snapshots_installed: int = 0
    tombstones_purged: int = 0
    _background: set[asyncio.Task[object]] = field(default_factory=set)

    @property
    def up(self) -> bool:
        return self.task is not None

    async def start(self) -> None:
        state = await State.load(self.db)
        clock = HybridClock(self.wall_ms)
        clock.witness_local(await self.db.max_hlc())
        state.on_change(self._recorded)
        self.replicator = Replicator(
            state=state,
            db=self.db,
            clock=clock,
            transport=self.network.transport(self.name),
            membership=Membership(self.name, self.name, self.peers),
            now_ms=self.wall_ms,
            rng=random.Random(self.rng.random()),
            config=self.gossip,
        )
        self.state, self.writer = state, Writer(state, self.name, clock)
        self.network.handlers[self.name] = self
        self.network.down.discard(self.name)
        self.accepting = True
        self.task = asyncio.create_task(self.replicator.run(), name=f"replicator {self.name}")

    async def stop(self) -> None:
        """Like a crash between two transactions: nothing in flight is half-applied."""
        if self.task is None or self.state is None or self.replicator is None:
            return
        self.network.down.add(self.name)
        self.accepting = False
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        if self.in_flight:
            self.drained.clear()
            await self.drained.wait()
        await self.state.apply_batch([])  # waits out a shielded apply still holding the lock
        self.digest_mismatches += self.replicator.stats.digest_mismatches
        self.refused_messages += self.replicator.stats.refused_messages
        self.snapshots_installed += self.replicator.stats.snapshots_installed
        self.tombstones_purged += self.replicator.stats.tombstones_purged
        self.task = None
        self.restarts += 1

    def _recorded(self, commits: Sequence[Commit]) -> None:
        for commit in commits:
            if commit.origin == self.name:
                self.on_commit(commit)
        if self.on_apply is not None:
            self.on_apply(self)

    async def _deliver(self, call: Callable[[Replicator], Any]) -> Any:
        if self.replicator is None or not self.accepting:
            raise TransportError(f"{self.name} is down")
        self.in_flight += 1
        try:
            reply = await call(self.replicator)
        finally:
            self.in_flight -= 1
            if not self.in_flight:
                self.drained.set()
        if self.faults.rng.random() < self.faults.reply_loss:
            raise TransportError(f"reply from {self.name} lost")
        return reply

    def _maybe_duplicate(self, call: Callable[[Replicator], Any]) -> None:
        if self.faults.rng.random() >= self.faults.duplicate:
            return

        async def again() -> None:
            await asyncio.sleep(self.faults.rng.uniform(0, self.faults.max_delay_s))
            with contextlib.suppress(TransportError):
                await self._deliver(call)

        task: asyncio.Task[object] = asyncio.create_task(again())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def handle_push(self, message: PushMessage) -> PushReply:
        self._maybe_duplicate(lambda r: r.handle_push(message))
        reply: PushReply = await self._deliver(lambda r: r.handle_push(message))
        return reply

    async def handle_exchange(self, message: ExchangeMessage) -> ExchangeReply:
        self._maybe_duplicate(lambda r: r.handle_exchange(message))
        reply: ExchangeReply = await self._deliver(lambda r: r.handle_exchange(message))
        return reply

    async def handle_stream_snapshot(self, message: SnapshotMessage) -> AsyncGenerator[bytes, None]:
        if self.replicator is None or not self.accepting:
            raise TransportError(f"{self.name} is down")
        self.in_flight += 1
        try:
            async for chunk in self.replicator.handle_stream_snapshot(message):
                if not self.accepting:
                    raise TransportError(f"{self.name} went down mid-stream")
                yield chunk
        finally:
            self.in_flight -= 1
            if not self.in_flight:
                self.drained.set()

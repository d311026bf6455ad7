"""Local writes: plan against the view, stamp with the clock, and go through `State.apply`.

Writes on one node are serialized by a lock, so each plan validates against exactly the
state its commit will be applied on: a failed plan raises before anything is written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from iamstore.node.commits.clock import HybridClock
from iamstore.node.commits.codec import Commit, encode_row
from iamstore.node.domain.entities import Change
from iamstore.node.domain.view import View
from iamstore.node.state.apply import State
from iamstore.wire.consistency import format_token

R = TypeVar("R")
T = TypeVar("T")


class Offload(Protocol):
    """Runs `work` off the event loop and gives its result (node/api/offload.py)."""

    def __call__(self, work: Callable[[], T]) -> Awaitable[T]: ...


@dataclass(frozen=True, slots=True)
class ConsistencyToken:
    """A causal consistency token: the write (origin, seq) and everything its node had applied
    when it acknowledged it, as a version vector. A replica that covers the vector holds the
    write and every write it may depend on (the group an AddUserToGroup joined, the policy an
    attachment names), whichever nodes took those."""

    origin: str
    seq: int
    # INVARIANT: holds (origin, seq), and never less than the writer's vector at the ack.
    vector: tuple[tuple[str, int], ...]

    def encode(self) -> str:
        return format_token(dict(self.vector))


class Writer:
    """Turns a planned write into this node's next commit, stamped by the hybrid clock."""

    def __init__(
        self,
        state: State,
        node_id: str,
        clock: HybridClock,
        seal: Callable[[Commit], Commit] | None = None,
    ) -> None:
        """`seal`: signs each commit with this node's key (node/replication/commitsig.py,
        `CommitSealer.seal`); None writes unsigned commits (in-memory replicas that check no
        signatures)."""
        self._state = state
        self._node_id = node_id
        self._clock = clock
        self._seal = seal

    async def write(
        self,
        actor: str,
        action: str,
        plan: Callable[[View], tuple[list[Change], R]],
    ) -> tuple[R, ConsistencyToken | None]:
        """Runs `plan` on the current view and commits its changes; None token if no change.

        The commit is shielded from cancellation: a caller that gives up (a cancelled RPC)
        must not interrupt a transaction between SQLite and the view, or the two would differ.
        """
        return await asyncio.shield(self._write(actor, action, plan))

    async def _write(
        self,
        actor: str,
        action: str,
        plan: Callable[[View], tuple[list[Change], R]],
    ) -> tuple[R, ConsistencyToken | None]:
        def make(view: View) -> tuple[Commit | None, R]:
            changes, result = plan(view)
            if not changes:
                return None, result
            seq = self._state.applied.get(self._node_id, 0) + 1
            commit = Commit(self._node_id, seq, self._clock.now(), actor, action, tuple(changes))
            if self._seal is not None:
                commit = self._seal(commit)
            return commit, result

        result, commit, vector = await self._state.write_local(make)
        if commit is None:
            return result, None
        return result, ConsistencyToken(self._node_id, commit.seq, tuple(sorted(vector.items())))

    async def write_split(
        self,
        actor: str,
        action: str,
        plan: Callable[[View], tuple[Sequence[Sequence[Change]], R]],
        bounds: CommitBounds,
        offload: Offload,
    ) -> tuple[R, ConsistencyToken | None, int]:
        """`write` for a plan of many rows (an account import), kept off the event loop.

        `plan` gives its changes in units that must land together (one entity's rows).
        `offload` runs it, and the packing of its units into consecutive commits within
        `bounds`, on a worker thread, while the apply lock holds the view still; each commit
        then travels to peers like any other, and reaches the view on its own, the event loop
        serving other callers between two (State.write_local_steps). Returns the result, the
        token of the last commit (None if nothing changed) and how many commits were written.
        """
        return await asyncio.shield(self._write_split(actor, action, plan, bounds, offload))

    async def _write_split(
        self,
        actor: str,
        action: str,
        plan: Callable[[View], tuple[Sequence[Sequence[Change]], R]],
        bounds: CommitBounds,
        offload: Offload,
    ) -> tuple[R, ConsistencyToken | None, int]:
        last_seq = 0  # this node's last commit: read under the apply lock, in `make`

        def cut(view: View) -> tuple[list[tuple[Change, ...]], R]:
            units, result = plan(view)
            return _pack(units, bounds), result

        async def make(view: View) -> tuple[list[tuple[Change, ...]], R]:
            nonlocal last_seq
            last_seq = self._state.applied.get(self._node_id, 0)
            return await offload(lambda: cut(view))

        def commit_of(changes: tuple[Change, ...]) -> Commit:
            # On the event loop, in order, under the same hold of the lock as `make`: the
            # clock and the sealer's chain of links are the loop's alone.
            nonlocal last_seq
            last_seq += 1
            commit = Commit(self._node_id, last_seq, self._clock.now(), actor, action, changes)
            return commit if self._seal is None else self._seal(commit)

        result, commits, vector = await self._state.write_local_steps(
            make, commit_of, bounds.per_transaction
        )
        if not commits:
            return result, None, 0
        token = ConsistencyToken(self._node_id, commits[-1].seq, tuple(sorted(vector.items())))
        return result, token, len(commits)


@dataclass(frozen=True, slots=True)
class CommitBounds:
    """How large each commit of a split write may be. Bytes keep a commit within what one
    gossip push carries; rows bound the work of applying it on the event loop (the view's
    indexes, and compiling the policy documents among its rows). `per_transaction` commits
    share one SQLite transaction (one sync to disk, off the loop, instead of one each)."""

    max_bytes: int
    max_rows: int
    per_transaction: int = 8


def _pack(units: Sequence[Sequence[Change]], bounds: CommitBounds) -> list[tuple[Change, ...]]:
    """`units` in order, packed into groups of at most `bounds.max_rows` rows and about
    `bounds.max_bytes` of encoded rows each.

    INVARIANT: a unit is never cut: one larger than the bounds is a group alone (the quotas
    bound how large one entity's rows are)."""
    groups: list[tuple[Change, ...]] = []
    current: list[Change] = []
    size = 0
    for unit in units:
        unit_bytes = sum(64 + (0 if c.row is None else len(encode_row(c.row))) for c in unit)
        over_bytes = size + unit_bytes > bounds.max_bytes
        if current and (over_bytes or len(current) + len(unit) > bounds.max_rows):
            groups.append(tuple(current))
            current, size = [], 0
        current += unit
        size += unit_bytes
    if current:
        groups.append(tuple(current))
    return groups

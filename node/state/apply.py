"""`State.apply`: merges commits into SQLite and the in-memory view, last writer wins per row.

Local writes and peer commits take this one path. A commit applies only as the next of its
origin (sequence = applied + 1), so every replica holds a prefix of every origin's log; each
row image wins only over an older (hlc, origin) stamp, so any delivery order across origins,
and any duplicate, converges to the same rows.

INVARIANT: the view holds exactly the rows SQLite holds, but while a split write brings its
stored commits in one at a time under the apply lock (`write_local_steps`); commits reach the
view only after their transaction committed, so a failed write leaves both unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from iamstore.node.commits.clock import HybridClock
from iamstore.node.commits.codec import Commit, StoredRow, decode_commit, decode_row, encode_row
from iamstore.node.commits.snapshot import SnapshotHeader, decode_stored_row, extend
from iamstore.node.domain.entities import Change
from iamstore.node.domain.view import View
from iamstore.node.storage.database import STAGING, Database, LogPurgedError

Version = tuple[int, str]  # (hlc, origin): a row's last-writer-wins register stamp

ChangeListener = Callable[[Sequence[Commit]], None]
R = TypeVar("R")
S = TypeVar("S")  # one step of a write made of several commits (`write_local_steps`)

# Rows read from SQLite at a time when a snapshot is sent or installed.
PAGE_ROWS = 2_000


@dataclass(frozen=True, slots=True)
class Export:
    """The replica frozen at one version vector (see `State.exported`)."""

    vector: dict[str, int]
    floors: dict[str, tuple[int, int]]  # this node's log floors
    pages: Callable[[], AsyncIterator[list[StoredRow]]]  # every row, a page at a time


class State:
    def __init__(self, db: Database, view: View) -> None:
        self.db = db
        self.view = view
        self._versions: dict[tuple[str, str], Version] = {}
        # Highest sequence applied per origin: the version vector.
        self.applied: dict[str, int] = {}
        self._listeners: list[ChangeListener] = []
        self._progress = asyncio.Condition()
        # INVARIANT: one apply at a time, and a local write plans and applies under the same
        # hold, so its plan validates against exactly the state its commit lands on.
        self._lock = asyncio.Lock()
        # Bumped whenever rows change; the digest is computed once per generation (Status and
        # anti-entropy ask for it often, and it reads every row).
        self._generation = 0
        self._digest: tuple[int, str] | None = None

    @classmethod
    async def load(cls, db: Database) -> State:
        """Rebuilds the view from the stored replica."""
        state = cls(db, View())
        versions, view = state._versions, state.view
        # Reading and indexing the rows allocates a few objects per row and frees none, so
        # the cycle collector would only rescan them again and again: it is paused meanwhile.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for table, key, hlc, origin, body in await db.load_rows():
                versions[(table, key)] = (hlc, origin)
                # INVARIANT: (table, key) is unique among stored rows: each is new to the view.
                if body is not None:  # a tombstone leaves a fresh view as it is
                    view.load(table, key, decode_row(table, body))
        finally:
            if collecting:
                gc.enable()
        state.applied = await db.max_seqs()
        return state

    def version_vector(self) -> dict[str, int]:
        return dict(self.applied)

    def covers(self, required: Mapping[str, int]) -> bool:
        return all(self.applied.get(origin, 0) >= seq for origin, seq in required.items())

    async def wait_until_covers(self, required: Mapping[str, int], timeout_s: float) -> bool:
        """Waits (bounded) until this replica has applied every (origin, seq) in `required`."""
        if self.covers(required):
            return True
        try:
            async with asyncio.timeout(timeout_s), self._progress:
                await self._progress.wait_for(lambda: self.covers(required))
        except TimeoutError:
            return False
        return True

    def digest(self) -> str:
        """A hash of every live row and its version: equal on two replicas iff they agree."""
        if self._digest is None or self._digest[0] != self._generation:
            self._digest = (self._generation, self._compute_digest())
        return self._digest[1]

    def _compute_digest(self) -> str:
        hasher = hashlib.sha256()
        # Tombstones are left out: they are purged at slightly different times on each
        # replica (node/replication/purge.py), and a tombstone and no row read the same.
        for (table, key), (hlc, origin) in sorted(self._versions.items()):
            row = self.view.get(table, key)
            if row is None:
                continue
            body = encode_row(row)
            hasher.update(f"{table}\0{key}\0{hlc}\0{origin}\0".encode())
            hasher.update(hashlib.sha256(body).digest())
        return hasher.hexdigest()

    def on_change(self, listener: ChangeListener) -> None:
        """Calls `listener(commits)` after every batch of newly applied commits."""
        self._listeners.append(listener)

    async def apply(self, commit: Commit) -> bool:
        """Applies one commit; False when it was applied before or is not its origin's next."""
        return bool(await self.apply_batch([commit]))

    async def apply_batch(self, commits: Iterable[Commit]) -> list[Commit]:
        """Applies, in one transaction, every commit that extends its origin's prefix.

        Returns the commits applied, in order. Duplicates and commits after a gap are skipped
        (anti-entropy sends the missing ones in order later).
        """
        async with self._lock:
            return await self._apply_batch(commits)

    async def write_local(
        self, make: Callable[[View], tuple[Commit | None, R]]
    ) -> tuple[R, Commit | None, dict[str, int]]:
        """Plans a local write against the current view and applies its commit, atomically.

        `make` returns the commit to apply (None when the write changes nothing) and the
        write's result; it runs under the apply lock, so no peer commit lands in between.
        Also returns the version vector right after the commit: everything the write was
        planned against, which its causal consistency token covers (state/writer.py).
        """
        async with self._lock:
            commit, result = make(self.view)
            if commit is not None:
                await self._apply_batch([commit])
            return result, commit, self.version_vector()

    async def write_local_steps(
        self,
        plan: Callable[[View], Awaitable[tuple[Sequence[S], R]]],
        commit_of: Callable[[S], Commit],
        per_transaction: int,
    ) -> tuple[R, list[Commit], dict[str, int]]:
        """`write_local` for a write too large to plan or apply in one go on the event loop (an
        account import): `plan` returns its steps, each of which `commit_of` turns into this
        node's next commit. They are stored `per_transaction` commits to a transaction, and
        each stored commit then reaches the view and the listeners on its own, the event loop
        free between two to serve other callers (reads, authorization, health checks).

        `plan` is awaited under the apply lock and may read the view from another thread: the
        view holds still meanwhile, since it changes only in `_install` and `install_staged`,
        both under this lock, and reading it changes nothing.
        INVARIANT: no other write, local or from a peer, lands between the plan and the last
        of its commits (they wait for the lock), so every step applies to exactly the state
        the plan was made against, as `write_local`'s single commit does.

        A plan that raises writes nothing. A failure while storing (a full disk) keeps the
        transactions stored before it, each of whole commits, and raises.
        """
        async with self._lock:
            steps, result = await plan(self.view)
            commits: list[Commit] = []
            for start in range(0, len(steps), per_transaction):
                batch = [commit_of(step) for step in steps[start : start + per_transaction]]
                origin, first = batch[0].origin, self.applied.get(batch[0].origin, 0) + 1
                if [(c.origin, c.seq) for c in batch] != [
                    (origin, seq) for seq in range(first, first + len(batch))
                ]:
                    raise RuntimeError(f"the commits of a write do not follow {origin}/{first - 1}")
                accepted, stamps = await self._store(batch)
                # INVARIANT: commits reach the view only after their transaction committed;
                # the view trails the database only while this lock is held.
                for stored in accepted:
                    self._install([stored], stamps)
                    async with self._progress:
                        self._progress.notify_all()
                    await asyncio.sleep(0)  # the other callers' turn, before the next commit
                commits += batch
            return result, commits, self.version_vector()

    async def promise(self, origin: str, clock: HybridClock) -> tuple[int, int]:
        """(seq, hlc): `origin` (this node) has stamped its commits up to seq at or below hlc,
        and will stamp every later one above it. Read under the apply lock, so that no commit
        is stamped but not yet applied (node/replication/purge.py)."""
        async with self._lock:
            return self.applied.get(origin, 0), clock.now()

    async def purge(
        self, acknowledged: Mapping[str, int], cutoff_hlc: int, tombstones_hlc: int
    ) -> int:
        """Drops log entries and tombstones every node has past the grace period (see
        node/replication/purge.py); returns how many tombstones were dropped. The version
        vector is unchanged: the log floor keeps counting the purged commits."""
        async with self._lock:
            dropped = await self.db.purge(acknowledged, cutoff_hlc, tombstones_hlc)
            self._generation += 1
            for stored in dropped:
                where = (stored.table, stored.key)
                if self._versions.get(where) == (stored.hlc, stored.origin):
                    del self._versions[where]
            return len(dropped)

    async def export(self) -> tuple[dict[str, int], list[StoredRow], dict[str, tuple[int, int]]]:
        """The vector, every stored row (tombstones too) and the log floors, read together."""
        async with self._lock:
            rows = [StoredRow(*record) for record in await self.db.load_rows()]
            return self.version_vector(), rows, await self.db.log_floors()

    @contextlib.asynccontextmanager
    async def exported(self) -> AsyncIterator[Export]:
        """The replica frozen at one version vector, to be read a page at a time while
        commits go on applying (a copy inside SQLite, taken under the apply lock)."""
        async with self._lock:
            vector, floors = self.version_vector(), await self.db.log_floors()
            frozen = await self.db.freeze_rows()
        try:
            yield Export(vector, floors, lambda: self._pages(frozen))
        finally:
            await asyncio.shield(self.db.drop_table(frozen))

    async def _pages(self, table: str) -> AsyncIterator[list[StoredRow]]:
        after = 0
        while True:
            after, rows = await self.db.table_page(table, after, PAGE_ROWS)
            if not rows:
                return
            yield rows

    async def install_staged(self, snapshot: SnapshotHeader) -> bool:
        """Replaces the replica with the snapshot staged in the database (`Database.stage`)
        plus this node's own log beyond it, atomically.

        Not `apply_batch`: a snapshot is not a commit extending each origin's prefix but a
        whole replica at another vector, whose purged commits this node can never apply one
        by one. Every staged row is decoded and checked first (CodecError: nothing changes);
        then rows, stamps, log floors and the vector change in one transaction, and the view
        is brought to the new rows by applying the difference. Listeners get it as one
        synthetic commit (origin "", seq 0), so indexes stay in step and nothing re-gossips
        it. False (nothing changed) when this node already covers the snapshot's vector.
        """
        async with self._lock:
            if self.covers(snapshot.vector):
                return False
            ahead = [o for o, seq in self.applied.items() if seq > snapshot.vector.get(o, 0)]
            try:
                logged = await self.db.commits_after(snapshot.vector, ahead, 2**62)
            except LogPurgedError:
                # This node purged commits the snapshot lacks: installing would lose them.
                return False
            vector, beyond = extend(snapshot.vector, [decode_commit(blob) for blob in logged])
            await self.db.stage_newer(beyond)
            versions: dict[tuple[str, str], Version] = {}
            changes: list[Change] = []
            async for page in self._pages(STAGING):
                for stored in page:
                    row = decode_stored_row(stored)
                    where, stamp = (stored.table, stored.key), (stored.hlc, stored.origin)
                    versions[where] = stamp
                    if self._versions.get(where) != stamp:
                        changes.append(Change(stored.table, stored.key, row))
            gone = [Change(t, k, None) for (t, k) in self._versions if (t, k) not in versions]
            await self.db.install_staged(snapshot.floors, vector)
            self._generation += 1
            self._versions = versions
            self.applied = vector
            changes = gone + changes
            for change in changes:
                self.view.apply(change)
            if changes:
                synthetic = Commit("", 0, 0, "snapshot", "InstallSnapshot", tuple(changes))
                for listener in self._listeners:
                    listener([synthetic])
            async with self._progress:
                self._progress.notify_all()
            return True

    async def _apply_batch(self, commits: Iterable[Commit]) -> list[Commit]:
        accepted, stamps = await self._store(commits)
        if not accepted:
            return []
        self._install(accepted, stamps)
        async with self._progress:
            self._progress.notify_all()
        return [commit for commit, _ in accepted]

    async def _store(
        self, commits: Iterable[Commit]
    ) -> tuple[list[tuple[Commit, list[Change]]], dict[tuple[str, str], Version]]:
        """Stores, in one transaction, every commit that extends its origin's prefix, with
        the row images that win; returns them and the winning stamps, for `_install`."""
        next_seq = dict(self.applied)
        stamps: dict[tuple[str, str], Version] = {}
        accepted: list[tuple[Commit, list[Change]]] = []
        for commit in commits:
            if commit.seq != next_seq.get(commit.origin, 0) + 1:
                continue
            next_seq[commit.origin] = commit.seq
            stamp: Version = (commit.hlc, commit.origin)
            winners: list[Change] = []
            for change in commit.changes:
                where = (change.table, change.key)
                current = stamps.get(where) or self._versions.get(where, (-1, ""))
                if stamp > current:
                    stamps[where] = stamp
                    winners.append(change)
            accepted.append((commit, winners))
        if accepted:
            await self.db.write_commits(accepted)
        return accepted, stamps

    def _install(
        self,
        accepted: Sequence[tuple[Commit, list[Change]]],
        stamps: Mapping[tuple[str, str], Version],
    ) -> None:
        """Brings stored commits into the vector, the view and the listeners, in order."""
        self._generation += 1
        for commit, winners in accepted:
            self.applied[commit.origin] = commit.seq
            stamp = (commit.hlc, commit.origin)
            for change in winners:
                # A later commit in this batch may have overwritten the row: keep the newest.
                where = (change.table, change.key)
                if stamps[where] == stamp:
                    self._versions[where] = stamp
                    self.view.apply(change)
        applied = [commit for commit, _ in accepted]
        for listener in self._listeners:
            listener(applied)

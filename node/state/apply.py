"""`State.apply`: merges commits into SQLite and the in-memory view, last writer wins per row.

Local writes and peer commits take this one path. A commit applies only as the next of its
origin (sequence = applied + 1), so every replica holds a prefix of every origin's log; each
row image wins only over an older (hlc, origin) stamp, so any delivery order across origins,
and any duplicate, converges to the same rows.

INVARIANT: the view holds exactly the rows SQLite holds; commits reach the view only after
their transaction committed, so a failed write leaves both unchanged.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from node.domain.entities import Change
from node.domain.view import View
from node.replication.codec import Commit, decode_commit, decode_row, encode_row
from node.replication.snapshot import Snapshot, rebase
from node.storage.database import Database, LogPurgedError, StoredRow

Version = tuple[int, str]  # (hlc, origin): a row's last-writer-wins register stamp

ChangeListener = Callable[[Sequence[Commit]], None]
R = TypeVar("R")


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
    ) -> tuple[R, Commit | None]:
        """Plans a local write against the current view and applies its commit, atomically.

        `make` returns the commit to apply (None when the write changes nothing) and the
        write's result; it runs under the apply lock, so no peer commit lands in between.
        """
        async with self._lock:
            commit, result = make(self.view)
            if commit is not None:
                await self._apply_batch([commit])
            return result, commit

    async def purge(self, acknowledged: Mapping[str, int], cutoff_hlc: int) -> int:
        """Drops log entries and tombstones every node has past the grace period (see
        node/replication/purge.py); returns how many tombstones were dropped. The version
        vector is unchanged: the log floor keeps counting the purged commits."""
        async with self._lock:
            dropped = await self.db.purge(acknowledged, cutoff_hlc)
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

    async def install_snapshot(self, snapshot: Snapshot) -> bool:
        """Replaces the replica with `snapshot` plus this node's own log beyond it, atomically.

        Not `apply_batch`: a snapshot is not a commit extending each origin's prefix but a
        whole replica at another vector, whose purged commits this node can never apply one
        by one. Rows, stamps, log floors and the vector change in one transaction; the view is
        then brought to the new rows by applying the difference, and listeners get it as one
        synthetic commit (origin "", seq 0), so indexes stay in step and nothing re-gossips it.
        False (nothing changed) when this node already covers the snapshot's vector.
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
            beyond = [decode_commit(blob) for blob in logged]
            rows, vector = rebase(snapshot, beyond)
            await self.db.replace_replica(
                [r.stored for r in rows.values()], snapshot.floors, vector
            )
            changes = [Change(t, k, None) for (t, k) in self._versions if (t, k) not in rows]
            changes += [
                Change(t, k, r.row)
                for (t, k), r in rows.items()
                if self._versions.get((t, k)) != (r.stored.hlc, r.stored.origin)
            ]
            self._versions = {w: (r.stored.hlc, r.stored.origin) for w, r in rows.items()}
            self.applied = vector
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
        if not accepted:
            return []
        await self.db.write_commits(accepted)
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
        async with self._progress:
            self._progress.notify_all()
        return applied

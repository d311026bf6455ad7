"""`State.apply`: merges a commit into SQLite and the in-memory view, last writer wins per row.

INVARIANT: the view holds exactly the rows SQLite holds; a commit reaches the view only after
its transaction committed, so a failed write leaves both unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from node.domain.entities import Change
from node.domain.view import View
from node.replication.codec import Commit, decode_row, encode_row
from node.storage.database import Database

Version = tuple[int, str]  # (hlc, origin): a row's last-writer-wins register stamp

ChangeListener = Callable[[Commit, list[Change]], None]


class State:
    def __init__(self, db: Database, view: View) -> None:
        self.db = db
        self.view = view
        self._versions: dict[tuple[str, str], Version] = {}
        # Highest sequence applied per origin: the version vector.
        self.applied: dict[str, int] = {}
        self._listeners: list[ChangeListener] = []

    @classmethod
    async def load(cls, db: Database) -> State:
        """Rebuilds the view from the stored replica."""
        state = cls(db, View())
        for stored in await db.load_rows():
            state._versions[(stored.table, stored.key)] = (stored.hlc, stored.origin)
            row = None if stored.body is None else decode_row(stored.table, stored.body)
            state.view.apply(Change(stored.table, stored.key, row))
        state.applied = await db.max_seqs()
        return state

    def digest(self) -> str:
        """A hash of every live row and its version: equal on two replicas iff they agree."""
        hasher = hashlib.sha256()
        for (table, key), (hlc, origin) in sorted(self._versions.items()):
            row = self.view.get(table, key)
            body = b"" if row is None else encode_row(row)
            hasher.update(f"{table}\0{key}\0{hlc}\0{origin}\0".encode())
            hasher.update(hashlib.sha256(body).digest())
        return hasher.hexdigest()

    def on_change(self, listener: ChangeListener) -> None:
        """Calls `listener(commit, winning_changes)` after every applied commit."""
        self._listeners.append(listener)

    async def apply(self, commit: Commit) -> bool:
        """Applies a commit once; returns False when it was already applied.

        Each row image wins only over an older (hlc, origin) stamp, so applying commits in
        any order, or twice, converges to the same rows.
        """
        if commit.seq <= self.applied.get(commit.origin, 0):
            return False
        stamp: Version = (commit.hlc, commit.origin)
        winners = [
            change
            for change in commit.changes
            if stamp > self._versions.get((change.table, change.key), (-1, ""))
        ]
        await self.db.write_commit(commit, winners)
        self.applied[commit.origin] = commit.seq
        for change in winners:
            self._versions[(change.table, change.key)] = stamp
            self.view.apply(change)
        for listener in self._listeners:
            listener(commit, winners)
        return True

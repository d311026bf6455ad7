"""This node's recent uses of passwords, access keys, services and actions: recorded in memory
on the request path, written now and then as the node's own usage stamps (node.domain.usage).

Recording is a dict store (no I/O, no lock, no replicated write per call); `flush` turns what
was recorded since the last flush into one commit of the stamps that moved on. The recorded
set is capped: beyond `max_pending` distinct (subject, action) pairs between two flushes, new
pairs are dropped until the next flush (counted in `dropped`); pairs already held keep
updating. Access keys are recorded by the authenticator (`Authenticator.usage`, one entry
per key this node has seen used), which the flush reads as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from iamstore.node.domain.entities import Change
from iamstore.node.domain.usage import (
    KEY,
    PASSWORD,
    Use,
    key_account,
    orphaned,
    purposes_of_action,
    stamps_to_write,
    subject_account,
)
from iamstore.node.domain.view import View
from iamstore.node.state.writer import Writer

# Stamps of deleted subjects one flush deletes at most (the rest go with the next flushes).
ORPHANS_PER_FLUSH = 10_000


class KeyUse(Protocol):
    """What the authenticator keeps of a key's last use on this node."""

    @property
    def access_key_id(self) -> str: ...
    @property
    def used_ms(self) -> int: ...
    @property
    def service(self) -> str: ...
    @property
    def region(self) -> str: ...


class UsageTracker:
    """Recent uses seen by this node, until a flush writes them as its stamps."""

    def __init__(
        self,
        node_id: str,
        *,
        region: str = "",
        max_pending: int = 100_000,
        resolution_ms: int = 60_000,
        max_stamps: int = 1_000_000,
    ) -> None:
        self.node_id = node_id
        self.region = region  # where this node's attempts happen (LastAuthenticatedRegion)
        self.max_pending = max_pending
        self.resolution_ms = resolution_ms
        self.max_stamps = max_stamps
        # (subject id, `service:Action` as attempted) -> time
        self._attempts: dict[tuple[str, str], int] = {}
        self._passwords: dict[str, int] = {}  # user id -> time
        # Sign-ins a flush has taken and is writing: still this node's to show until the
        # write is applied, or a read between the two would go back to an older time.
        self._passwords_writing: dict[str, int] = {}
        # Uses a flush did not write because their stamp moved on by less than the
        # resolution: written by a later flush once it has (at most `max_pending` of them).
        self._held: dict[tuple[str, str], Use] = {}
        self.dropped = 0  # attempts not recorded: the pending set was full
        self.refused = 0  # new stamps not written: this node's stamps reached `max_stamps`

    def attempted(self, subject_id: str, action: str, at_ms: int) -> None:
        """A user or role (by id) attempted `service:Action`, allowed or not (AWS counts every
        attempt). The request path's whole cost: one dict store and a length check
        (`scripts/bench lastaccessed` measures it)."""
        attempts = self._attempts
        key = (subject_id, action)
        attempts[key] = at_ms
        # INVARIANT: at most max_pending pairs. The store above grew the dict past the cap
        # only if the pair was new: that pair is taken back out (pairs held keep updating).
        if len(attempts) > self.max_pending:
            del attempts[key]
            self.dropped += 1

    def password_used(self, user_id: str, at_ms: int) -> None:
        """A user signed in with its password."""
        if len(self._passwords) < self.max_pending or user_id in self._passwords:
            self._passwords[user_id] = at_ms
        else:
            self.dropped += 1

    @property
    def pending(self) -> int:
        """Distinct uses held in memory until a flush writes them."""
        return len(self._attempts) + len(self._passwords) + len(self._held)

    def password_not_flushed(self, user_id: str) -> int | None:
        """The user's latest sign-in this node has not written as a stamp yet, if any."""
        pending = self._passwords.get(user_id)
        writing = self._passwords_writing.get(user_id)
        held = self._held.get((user_id, PASSWORD))
        times = [t for t in (pending, writing, held.used_ms if held else None) if t is not None]
        return max(times) if times else None

    def own_key_uses(self, view: View) -> dict[str, tuple[int, str, str]]:
        """This node's stamps of access keys, to start the authenticator's table from."""
        found: dict[str, tuple[int, str, str]] = {}
        for subject_id, purposes in view.usage_stamps.items():
            stamp = purposes.get(KEY, {}).get(self.node_id)
            if stamp is not None:
                found[subject_id] = (stamp.used_ms, stamp.service, stamp.region)
        return found

    def _take(self, view: View, keys: Iterable[KeyUse]) -> list[Use]:
        """Everything recorded since the last flush (and still held), as uses; the tables
        start afresh. Uses of users, roles and keys that no longer exist are dropped."""
        attempts, self._attempts = self._attempts, {}
        passwords, self._passwords = self._passwords, {}
        self._passwords_writing = dict(passwords)
        for (subject_id, purpose), held in self._held.items():
            if purpose == PASSWORD:
                writing = self._passwords_writing.get(subject_id, 0)
                self._passwords_writing[subject_id] = max(writing, held.used_ms)
        uses = list(self._held.values())
        self._held = {}
        for (subject_id, action), at_ms in attempts.items():
            account_id = subject_account(view, subject_id)
            if account_id is None:
                continue
            uses.extend(
                Use(subject_id, purpose, account_id, at_ms, region=self.region)
                for purpose in purposes_of_action(action)
            )
        for user_id, at_ms in passwords.items():
            account_id = subject_account(view, user_id)
            if account_id is not None:
                uses.append(Use(user_id, PASSWORD, account_id, at_ms))
        for key in keys:
            account_id = key_account(view, key.access_key_id)
            if account_id is not None:
                uses.append(
                    Use(key.access_key_id, KEY, account_id, key.used_ms, key.service, key.region)
                )
        return uses

    async def flush(self, writer: Writer, view: View, keys: Mapping[str, KeyUse]) -> int:
        """Writes this node's stamps that moved on since the last flush, as one commit (none
        when nothing moved); returns how many."""
        return await self._flush(writer, view, keys, self.resolution_ms)

    async def flush_all(self, writer: Writer, view: View, keys: Mapping[str, KeyUse]) -> int:
        """`flush` ignoring the resolution: every later use is written (shutdown)."""
        return await self._flush(writer, view, keys, 0)

    async def _flush(
        self, writer: Writer, view: View, keys: Mapping[str, KeyUse], resolution_ms: int
    ) -> int:
        uses = self._take(view, list(keys.values()))

        def plan(current: View) -> tuple[list[Change], int]:
            plan = stamps_to_write(current, self.node_id, uses, resolution_ms, self.max_stamps)
            self.refused += plan.refused
            for use in plan.held[: self.max_pending]:
                self._held.setdefault((use.subject_id, use.purpose), use)
            dead = orphaned(current, self.node_id, ORPHANS_PER_FLUSH)
            changes = [Change.put(stamp) for stamp in plan.stamps]
            return changes + [Change.delete(stamp) for stamp in dead], len(plan.stamps)

        try:
            written, _ = await writer.write("node", "RecordUsage", plan)
        finally:
            self._passwords_writing = {}
        return written

"""The node's audit stream: authentication failures, refusals and changes, as JSON lines.

Each event is kept in a bounded in-memory ring of its own account (what ListAuditEvents reads;
AuditCapacity says which ring) and queued for the writer task, which appends it to
DATA_DIR/audit.jsonl and flushes. Recording never blocks a request and never touches the disk
on the request path: the writer task, owned by the node's TaskGroup, does that, and writes
what is left when it is cancelled.
"""

from __future__ import annotations

import asyncio
import enum
import heapq
import json
import os
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from iamstore.node.datadir import open_private
from iamstore.node.domain.errors import InvalidInput

DEFAULT_CAPACITY = 10_000
DEFAULT_PAGE = 100
MAX_PAGE = 1000


class AuditDecision(enum.Enum):
    """What happened to the call: a change allowed and committed, a refusal, a bad signature."""

    ALLOW = "Allow"
    EXPLICIT_DENY = "ExplicitDeny"
    IMPLICIT_DENY = "ImplicitDeny"
    AUTHENTICATION_FAILURE = "AuthenticationFailure"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One audited fact. `account_id` is None when the caller's account is unknown."""

    seq: int  # per node, increasing: the ListAuditEvents marker
    time_ms: int
    node: str
    account_id: str | None
    principal: str
    action: str
    resource: str
    decision: AuditDecision
    statement: str | None = None  # the deciding statement, `kind:policy#index(sid)`
    source_ip: str | None = None
    error_code: str | None = None
    commit: str | None = None  # `origin:seq` of the change's commit

    def to_json(self) -> str:
        record = asdict(self)
        record["decision"] = self.decision.value
        return json.dumps(record, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """ListAuditEvents' filters; None matches everything. `principal` and `action` are exact
    (case-insensitive for the action, as IAM action names are)."""

    principal: str | None = None
    action: str | None = None
    decision: AuditDecision | None = None
    since_ms: int | None = None

    def matches(self, event: AuditEvent) -> bool:
        return (
            (self.principal is None or event.principal == self.principal)
            and (self.action is None or event.action.lower() == self.action.lower())
            and (self.decision is None or event.decision is self.decision)
            and (self.since_ms is None or event.time_ms >= self.since_ms)
        )


@dataclass(frozen=True, slots=True)
class AuditPage:
    events: tuple[AuditEvent, ...]
    is_truncated: bool
    marker: str | None  # the seq of the last event returned, to pass back as Marker


@dataclass(frozen=True, slots=True)
class AuditCapacity:
    """How many recent events the node keeps in memory (the file keeps them all).

    INVARIANT: nobody's events push out another's. Each account keeps its authenticated
    callers' events (changes and refusals) apart from the authentication failures attributed
    to it (anyone who knows an access key id can cause those), and failures whose account is
    unknown share one ring of their own, so unauthenticated noise never evicts a real event.
    """

    per_account: int = DEFAULT_CAPACITY
    failures_per_account: int = 1_000
    unattributed_failures: int = DEFAULT_CAPACITY
    # Rings of accounts that recorded nothing for longest are dropped beyond this many.
    accounts: int = 10_000


class _AccountEvents:
    """One account's two rings; each is in increasing `seq` order."""

    __slots__ = ("authenticated", "failures")

    def __init__(self, capacity: AuditCapacity) -> None:
        self.authenticated: deque[AuditEvent] = deque(maxlen=capacity.per_account)
        self.failures: deque[AuditEvent] = deque(maxlen=capacity.failures_per_account)


class AuditLog:
    """The rings and the file writer. `record` is synchronous and cheap; `run` writes."""

    def __init__(
        self,
        node_id: str,
        now_ms: Callable[[], int],
        path: Path | None = None,
        capacity: AuditCapacity | None = None,
    ) -> None:
        self.node_id = node_id
        self._now_ms = now_ms
        self._path = path
        self._capacity = capacity or AuditCapacity()
        self._accounts: OrderedDict[str, _AccountEvents] = OrderedDict()  # least recent first
        self._unattributed: deque[AuditEvent] = deque(maxlen=self._capacity.unattributed_failures)
        self._pending: list[AuditEvent] = []
        self._wake = asyncio.Event()
        self._seq = 0

    def record(
        self,
        *,
        account_id: str | None,
        principal: str,
        action: str,
        resource: str,
        decision: AuditDecision,
        statement: str | None = None,
        source_ip: str | None = None,
        error_code: str | None = None,
        commit: str | None = None,
    ) -> AuditEvent:
        self._seq += 1
        event = AuditEvent(
            self._seq,
            self._now_ms(),
            self.node_id,
            account_id,
            principal,
            action,
            resource,
            decision,
            statement,
            source_ip,
            error_code,
            commit,
        )
        self._ring_for(event).append(event)
        if self._path is not None:
            self._pending.append(event)
            self._wake.set()
        return event

    def _ring_for(self, event: AuditEvent) -> deque[AuditEvent]:
        if event.account_id is None:
            return self._unattributed
        rings = self._accounts.get(event.account_id)
        if rings is None:
            rings = self._accounts[event.account_id] = _AccountEvents(self._capacity)
            while len(self._accounts) > self._capacity.accounts:
                self._accounts.popitem(last=False)
        else:
            self._accounts.move_to_end(event.account_id)  # most recent last
        failure = event.decision is AuditDecision.AUTHENTICATION_FAILURE
        return rings.failures if failure else rings.authenticated

    def page(
        self,
        account_id: str,
        where: AuditFilter,
        marker: str | None = None,
        max_items: int | None = None,
        *,
        with_unattributed: bool = False,
    ) -> AuditPage:
        """`account_id`'s events (and, when asked, failures whose account is unknown), oldest
        first, after `marker`; at most `max_items` (default 100, at most 1000)."""
        after = _marker(marker)
        limit = min(max(max_items or DEFAULT_PAGE, 1), MAX_PAGE)
        rings: list[Iterable[AuditEvent]] = []
        own = self._accounts.get(account_id)
        if own is not None:
            rings += [own.authenticated, own.failures]
        if with_unattributed:
            rings.append(self._unattributed)
        found: list[AuditEvent] = []
        for event in heapq.merge(*rings, key=_by_seq):
            if event.seq > after and where.matches(event):
                if len(found) == limit:
                    return AuditPage(tuple(found), True, str(found[-1].seq))
                found.append(event)
        last = str(found[-1].seq) if found else (str(after) if after else None)
        return AuditPage(tuple(found), False, last)

    async def run(self) -> None:
        """Appends queued events to the file until cancelled; then writes the rest.

        INVARIANT: when `run` returns, every event recorded before it was cancelled is in the
        file, in order: a batch the writer thread has in hand is waited for (a cancelled
        await of the thread would leave it writing after the node stopped) before the rest.
        """
        writing: asyncio.Future[None] | None = None
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                batch, self._pending = self._pending, []
                writing = asyncio.ensure_future(asyncio.to_thread(self._append, batch))
                await asyncio.shield(writing)
        finally:
            if writing is not None and not writing.done():
                await asyncio.wait([writing])
            batch, self._pending = self._pending, []
            self._append(batch)

    def _append(self, events: Iterable[AuditEvent]) -> None:
        lines = "".join(event.to_json() + "\n" for event in events)
        if not lines or self._path is None:
            return
        # 0600 whatever the umask: failed sign-ins and refusals are nobody else's business.
        fd = open_private(self._path, os.O_WRONLY | os.O_APPEND)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(lines)
            out.flush()


def _by_seq(event: AuditEvent) -> int:
    return event.seq


def _marker(marker: str | None) -> int:
    if not marker:
        return 0
    if not marker.isdigit():
        raise InvalidInput(f"invalid marker `{marker}`", "Marker")
    return int(marker)

"""The node's audit stream: authentication failures, refusals and changes, as JSON lines.

Each event is kept in a bounded in-memory ring (what ListAuditEvents reads) and queued for
the writer task, which appends it to DATA_DIR/audit.jsonl and flushes. Recording never
blocks a request and never touches the disk on the request path: the writer task, owned by
the node's TaskGroup, does that, and writes what is left when it is cancelled.
"""

from __future__ import annotations

import asyncio
import enum
import json
import os
from collections import deque
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


class AuditLog:
    """The ring and the file writer. `record` is synchronous and cheap; `run` writes."""

    def __init__(
        self,
        node_id: str,
        now_ms: Callable[[], int],
        path: Path | None = None,
        capacity: int = DEFAULT_CAPACITY,
    ) -> None:
        self.node_id = node_id
        self._now_ms = now_ms
        self._path = path
        self._ring: deque[AuditEvent] = deque(maxlen=capacity)
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
        self._ring.append(event)
        if self._path is not None:
            self._pending.append(event)
            self._wake.set()
        return event

    def events(self) -> tuple[AuditEvent, ...]:
        return tuple(self._ring)

    def page(
        self,
        visible: Callable[[AuditEvent], bool],
        where: AuditFilter,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> AuditPage:
        """Oldest first, after `marker`; at most `max_items` (default 100, at most 1000)."""
        after = _marker(marker)
        limit = min(max(max_items or DEFAULT_PAGE, 1), MAX_PAGE)
        found: list[AuditEvent] = []
        for event in self._ring:
            if event.seq > after and visible(event) and where.matches(event):
                if len(found) == limit:
                    return AuditPage(tuple(found), True, str(found[-1].seq))
                found.append(event)
        last = str(found[-1].seq) if found else (str(after) if after else None)
        return AuditPage(tuple(found), False, last)

    async def run(self) -> None:
        """Appends queued events to the file until cancelled; then writes the rest."""
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                batch, self._pending = self._pending, []
                await asyncio.to_thread(self._append, batch)
        finally:
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


def _marker(marker: str | None) -> int:
    if not marker:
        return 0
    if not marker.isdigit():
        raise InvalidInput(f"invalid marker `{marker}`", "Marker")
    return int(marker)

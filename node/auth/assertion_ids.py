"""SAML assertion ids already used on this node, each kept until its assertion expires.

AssumeRoleWithSAML accepts an assertion once: its ID is claimed here before credentials are
issued. The record is this node's own memory, not replicated: within one node an assertion
is accepted at most once; across a cluster of N nodes a captured assertion could be redeemed
at most once per node, and only until it expires (the IdP's NotOnOrAfter, minutes). A
restarted node forgets its record, so the same bound holds per node start.
"""

from __future__ import annotations

import heapq


class ReplayRefused(Exception):
    """The assertion id was used before, or the record is full of unexpired ids."""


class AssertionIds:
    """Ids with their expiry; `claim` is check-and-record in one step (no await between)."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._capacity = capacity
        self._expiry: dict[str, float] = {}
        self._by_time: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._expiry)

    def _forget_expired(self, now: float) -> None:
        while self._by_time and self._by_time[0][0] <= now:
            expires, assertion_id = heapq.heappop(self._by_time)
            if self._expiry.get(assertion_id) == expires:
                del self._expiry[assertion_id]

    def claim(self, assertion_id: str, expires_at: float, now: float) -> None:
        """Records `assertion_id` until `expires_at`; ReplayRefused if it is already there."""
        self._forget_expired(now)
        if assertion_id in self._expiry:
            raise ReplayRefused("the SAML assertion was already used")
        if len(self._expiry) >= self._capacity:
            # Fail closed: an id that cannot be remembered cannot be accepted once only.
            raise ReplayRefused("too many SAML assertions in flight on this node; retry later")
        self._expiry[assertion_id] = expires_at
        heapq.heappush(self._by_time, (expires_at, assertion_id))

"""SAML assertion ids already used on this node, per provider, each kept until it expires.

AssumeRoleWithSAML accepts an assertion once: its (provider, ID) is claimed here before
credentials are issued. The record is this node's own memory, not replicated: within one node
an assertion is accepted at most once; across a cluster of N nodes a captured assertion could
be redeemed at most once per node, and only until it expires. A restarted node forgets its
record, so the same bound holds per node start.

Two tenants never touch each other's record: an id is recorded under its provider's ARN (an
IdP can sign any ID it likes, so another IdP's id must not make this one's a "replay"), and
each account holds at most `capacity` ids (filling one's share refuses only that account's
sign-ins). How long an entry is kept is bounded by the caller (node/auth/saml.py refuses an
assertion after `max_assertion_age_s` and never asks for longer), so a replay can never
succeed after its entry is dropped.
"""

from __future__ import annotations

import heapq


class ReplayRefused(Exception):
    """The assertion id was used before, or the account's share is full of unexpired ids."""


def _account(provider_arn: str) -> str:
    """The account field of `arn:aws:iam::ACCOUNT:saml-provider/NAME`."""
    parts = provider_arn.split(":", 5)
    return parts[4] if len(parts) == 6 else provider_arn


class AssertionIds:
    """Ids with their expiry; `claim` is check-and-record in one step (no await between)."""

    def __init__(self, capacity: int = 20_000) -> None:
        self._capacity = capacity  # per account
        # INVARIANT: every key of `_expiry` is counted once in `_per_account`, and every
        # entry of `_expiry` has a heap item with its expiry (stale items are skipped).
        self._expiry: dict[tuple[str, str], float] = {}
        self._per_account: dict[str, int] = {}
        self._by_time: list[tuple[float, tuple[str, str]]] = []

    def __len__(self) -> int:
        return len(self._expiry)

    def _forget_expired(self, now: float) -> None:
        while self._by_time and self._by_time[0][0] <= now:
            expires, key = heapq.heappop(self._by_time)
            if self._expiry.get(key) == expires:
                del self._expiry[key]
                account = _account(key[0])
                left = self._per_account[account] - 1
                if left:
                    self._per_account[account] = left
                else:
                    del self._per_account[account]

    def claim(self, provider_arn: str, assertion_id: str, expires_at: float, now: float) -> None:
        """Records `assertion_id` of `provider_arn` until `expires_at`; ReplayRefused if it is
        already there, or if the provider's account holds its whole share."""
        self._forget_expired(now)
        key = (provider_arn, assertion_id)
        if key in self._expiry:
            raise ReplayRefused("the SAML assertion was already used")
        account = _account(provider_arn)
        held = self._per_account.get(account, 0)
        if held >= self._capacity:
            # Fail closed: an id that cannot be remembered cannot be accepted once only.
            raise ReplayRefused(
                "too many SAML assertions in flight for this account on this node; retry later"
            )
        self._expiry[key] = expires_at
        self._per_account[account] = held + 1
        heapq.heappush(self._by_time, (expires_at, key))

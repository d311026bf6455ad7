"""MFA codes given to STS: each device's failed codes counted cluster-wide, slowed, locked.

GetSessionToken and AssumeRole check a code only while the device is not locked; a wrong code
is counted (this node's MfaFailures row of the device, replicated like any write) and
answered after the slow-down; a right one deletes the device's rows. The rules and the
cluster-wide bound are node.domain.mfa_failures'.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from iamstore.node.domain.entities import Change, MfaFailures
from iamstore.node.domain.mfa_failures import as_failures, as_row, combined, gate, one_more
from iamstore.node.domain.signin import Failures, Gate, SignInRules
from iamstore.node.domain.view import View

# AWS's answer to a wrong code; a locked device answers the same way, saying why.
INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code."
LOCKED = (
    "MultiFactorAuthentication failed: too many invalid codes for this MFA device; try again later"
)


class MfaAttempts:
    """One node's side of the count: its own rows, and failures whose write is in flight."""

    def __init__(
        self,
        node_id: str,
        rules: SignInRules,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.node_id = node_id
        self.rules = rules
        self._sleep = sleep
        # This node's newest count of a device while its row is being written: concurrent
        # failures on this node count on from it, not from the replica's older row.
        self._pending: dict[str, Failures] = {}

    def _counts(self, view: View, device_id: str) -> tuple[Failures, list[Failures]]:
        rows = view.mfa_failures.get(device_id, {})
        own_row = rows.get(self.node_id)
        own = self._pending.get(device_id) or (
            as_failures(own_row) if own_row is not None else Failures()
        )
        others = [as_failures(r) for node, r in rows.items() if node != self.node_id]
        return own, others

    def locked(self, view: View, device_id: str, now: float) -> bool:
        own, others = self._counts(view, device_id)
        return gate(combined((own, *others), now, self.rules), now) is Gate.LOCKED

    def failed(self, view: View, device_id: str, now: float) -> tuple[MfaFailures, float]:
        """Counts one failed code now; returns the node's new row and the slow-down.

        INVARIANT: the caller checks `locked`, the code and calls this with no await in
        between, so concurrent codes on this node are each counted before the next is checked.
        """
        own, others = self._counts(view, device_id)
        mine, wait = one_more(own, others, now, self.rules)
        self._pending[device_id] = mine
        return as_row(device_id, self.node_id, mine), wait

    def written(self, row: MfaFailures) -> None:
        """The row of `failed` is in the replica: the pending count is no longer needed."""
        pending = self._pending.get(row.device_id)
        if pending is not None and as_row(row.device_id, self.node_id, pending) == row:
            del self._pending[row.device_id]

    def forgotten(self, view: View, device_id: str) -> list[Change]:
        """A right code: the deletes of every node's count of the device."""
        self._pending.pop(device_id, None)
        return [Change.delete(row) for row in view.mfa_failures.get(device_id, {}).values()]

    async def slow_down(self, wait: float) -> None:
        if wait > 0:
            await self._sleep(wait)

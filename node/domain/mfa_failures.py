"""MFA code throttling (pure): failed codes of a device, counted across the cluster.

The rules are sign-in's (node.domain.signin: free failures, a doubling slow-down, a lock),
applied per MFA device instead of per user name, and counted cluster-wide: every node keeps
its own count of a device's failures in a replicated row (MfaFailures, one per device and
node, written only by that node), and a device's count is the sum of its rows that still
count. A node decides from its own count, which it knows at once, plus the other nodes'
rows as far as they have replicated; so a device locks everywhere once the cluster has seen
`lock_after` failures, and a guesser spread over N nodes gets at most `lock_after` checked
codes per node before the lock, whatever the replication lag: N times `lock_after` per lock
period at worst, `lock_after` plus what lands during one replication lag in practice.
"""

from __future__ import annotations

from collections.abc import Iterable

from iamstore.node.domain.entities import MfaFailures
from iamstore.node.domain.signin import Failures, Gate, SignInRules, current, delay


def as_failures(row: MfaFailures) -> Failures:
    """A row's count in the sign-in rules' terms (seconds)."""
    return Failures(row.count, row.last_ms / 1000, row.locked_until_ms / 1000)


def as_row(device_id: str, node_id: str, failures: Failures) -> MfaFailures:
    return MfaFailures(
        device_id,
        node_id,
        failures.count,
        int(failures.last_at * 1000),
        int(failures.locked_until * 1000),
    )


def combined(counts: Iterable[Failures], now: float, rules: SignInRules) -> Failures:
    """The device's failures over every node's count that still counts at `now`.

    The lock follows from the sum, not only from the lock a node wrote: counts made on both
    sides of a partition, none reaching `lock_after` alone, lock the device once they meet
    (for `lock_s` from the latest failure), as one node's count would have.
    """
    total, last_at, locked_until = 0, 0.0, 0.0
    for failures in counts:
        still = current(failures, now, rules)
        total += still.count
        last_at = max(last_at, still.last_at)
        locked_until = max(locked_until, still.locked_until)
    if total >= rules.lock_after:
        locked_until = max(locked_until, last_at + rules.lock_s)
    return Failures(total, last_at, locked_until)


def gate(device: Failures, now: float) -> Gate:
    return Gate.LOCKED if now < device.locked_until else Gate.OPEN


def one_more(
    own: Failures, others: Iterable[Failures], now: float, rules: SignInRules
) -> tuple[Failures, float]:
    """This node's count after one more failed code at `now`, and the slow-down to wait.

    The lock is decided on the device's whole count: this failure locks the device when the
    cluster's count reaches `lock_after`, as sign-in does per name. The lock is written into
    this node's row as well, so that it lasts its `lock_s` even when rules forget failures
    sooner than that.
    """
    mine = current(own, now, rules)
    mine = Failures(mine.count + 1, now, mine.locked_until)
    device = combined((mine, *others), now, rules)
    if device.count >= rules.lock_after:
        mine = Failures(mine.count, now, max(mine.locked_until, device.locked_until))
    return mine, delay(device, rules)

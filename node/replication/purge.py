"""The purge rule: which commit-log entries and tombstones every peer has, past the grace period.

A commit (origin, seq) may leave the log, and a tombstone it wrote may leave the replica, once
(1) every known, non-removed peer has acknowledged it: the peer's last reported version vector
covers seq, and (2) the grace period has passed since the commit's HLC time. Vectors are
learned from every push, push reply, exchange and exchange reply. A peer whose vector is not
known yet (just joined, or down since this node started) blocks every purge until it reports
or is removed.

Why the grace period as well: acknowledgement covers the commits peers know of, but a commit
older than a tombstone may still be in flight from a node that has not reported it (delayed
eager push); the grace period bounds that window, as Cassandra's gc_grace_seconds does.
Removed peers stop counting (node/replication/membership.py), and a peer that comes back
after its entries were purged finds its vector below a log floor and bootstraps from a
snapshot (node/replication/snapshot.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from node.replication.clock import COUNTER_BITS, COUNTER_MASK


@dataclass(frozen=True, slots=True)
class PurgeResult:
    commits_floor: dict[str, int]  # per origin, the log floor after the purge
    tombstones: int  # tombstones dropped by this purge


def acknowledged(
    own: Mapping[str, int], peers: Iterable[Mapping[str, int] | None]
) -> dict[str, int] | None:
    """The per-origin sequence every node has applied: the minimum over this node's vector and
    every peer's; None when some peer's vector is unknown (nothing may be purged)."""
    common = dict(own)
    for vector in peers:
        if vector is None:
            return None
        common = {origin: min(seq, vector.get(origin, 0)) for origin, seq in common.items()}
    return {origin: seq for origin, seq in common.items() if seq > 0}


def cutoff_hlc(now_ms: int, grace_ms: int) -> int:
    """The newest HLC stamp older than the grace period (inclusive, any logical counter)."""
    wall = now_ms - grace_ms
    if wall < 0:
        return -1
    return (wall << COUNTER_BITS) | COUNTER_MASK

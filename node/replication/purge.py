"""The purge rule: which commit-log entries and tombstones every peer has, past the grace period.

A commit (origin, seq) may leave the log, and a tombstone it wrote may leave the replica, once
(1) every known, non-removed peer has acknowledged it: the peer's last reported version vector
covers seq, and (2) the grace period has passed since the commit's HLC time. Vectors are
learned from every push, push reply, exchange and exchange reply. A peer whose vector is not
known yet (just joined, or down since this node started) blocks every purge until it reports
or is removed.

A tombstone needs more than its own commit being everywhere: every older write to its row
must be everywhere too, or a node that purged it would later apply such a write as new and
bring the row back, while nodes still holding the tombstone ignore it (the simulation found
this: seed 14). Acknowledgement says nothing of commits no node has reported yet, so each
member also promises, in every exchange, (seq, hlc): it has stamped its commits up to seq at or
below hlc and will stamp every later one above it. Promises are relayed with the exchanges. An
origin's commits at or below some HLC are then known to be everywhere when its promise's seq is
acknowledged by all, or from this node's own log (`stable_hlc`); a tombstone is dropped only at
or below that HLC for every member. The grace period still bounds commits of nodes that are no
longer members, as Cassandra's gc_grace_seconds does.
Removed peers stop counting (node/replication/membership.py), and a peer that comes back
after its entries were purged finds its vector below a log floor and bootstraps from a
snapshot (node/commits/snapshot.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from iamstore.node.commits.clock import COUNTER_BITS, COUNTER_MASK


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


# (seq, hlc): the origin has stamped its commits up to seq at or below hlc, later ones above.
Promise = tuple[int, int]


def merge_promises(known: dict[str, Promise], received: Mapping[str, Promise]) -> None:
    """Keeps each origin's newest promise (an origin's promises grow in both seq and hlc)."""
    for origin, promise in received.items():
        if promise > known.get(origin, (-1, -1)):
            known[origin] = promise


def stable_hlc(
    members: Iterable[str],
    acknowledged: Mapping[str, int],
    logged: Mapping[str, int],
    promises: Mapping[str, Promise],
) -> int:
    """The HLC at or below which every commit of every member is on every node (-1: none).

    Per member: its promise's hlc when every node has its promise's seq; else what this node's
    log tells (`Database.acknowledged_hlcs`); the lowest over all members bounds them all.
    """
    bound: int | None = None
    for origin in members:
        best = logged.get(origin, -1)
        promise = promises.get(origin)
        if promise is not None and promise[0] <= acknowledged.get(origin, 0):
            best = max(best, promise[1])
        bound = best if bound is None else min(bound, best)
    return -1 if bound is None else bound

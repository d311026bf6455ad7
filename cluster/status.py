"""What a local cluster's nodes say in their Status answers: states, convergence and lag."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from iamstore.client.results import StatusResponse


class NodeState(enum.Enum):
    UP = "up"  # answers Status
    UNRESPONSIVE = "unresponsive"  # its process runs but Status does not answer
    DOWN = "down"  # no process
    REMOVED = "removed"  # removed from the cluster (its process may still run, refused)


@dataclass(frozen=True, slots=True)
class NodeObservation:
    name: str
    address: str
    pid: int | None
    state: NodeState
    status: StatusResponse | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ClusterView:
    """Every node's Status at one moment, and what follows from comparing them.

    Removed nodes are listed but count for nothing: not for convergence, not for lag.
    """

    nodes: tuple[NodeObservation, ...]
    # Node ids of removed members, as the answering nodes list them (their commits still
    # count; their own replication delay does not).
    removed_ids: frozenset[str] = frozenset()

    @property
    def members(self) -> list[NodeObservation]:
        """The nodes that are not removed."""
        return [n for n in self.nodes if n.state is not NodeState.REMOVED]

    @property
    def answered(self) -> list[StatusResponse]:
        return [n.status for n in self.members if n.status is not None]

    @property
    def newest(self) -> dict[str, int]:
        """The highest sequence any member has applied, per origin."""
        newest: dict[str, int] = {}
        for status in self.answered:
            for origin, seq in status.version_vector.items():
                newest[origin] = max(newest.get(origin, 0), seq)
        return newest

    def lag_commits(self, status: StatusResponse) -> int:
        """Commits this node lacks compared with the most advanced member, over all origins."""
        return sum(seq - status.version_vector.get(o, 0) for o, seq in self.newest.items())

    def lag_ms(self, status: StatusResponse) -> int:
        """The last observed replication delay to this node, from any origin still a member."""
        delays = (ms for o, ms in status.lag_ms.items() if o not in self.removed_ids)
        return max(delays, default=0)

    @property
    def converged(self) -> bool:
        """Every member up, holding the same non-empty version vector and the same digest."""
        answered = self.answered
        if len(answered) != len(self.members) or not answered:
            return False
        first = answered[0]
        return bool(first.version_vector) and all(
            s.version_vector == first.version_vector and s.digest == first.digest for s in answered
        )

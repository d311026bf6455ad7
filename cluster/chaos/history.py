"""What a chaos run records: every operation, Status samples, listings, lag probes, faults."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Outcome(enum.Enum):
    OK = "ok"  # acknowledged
    FAIL = "fail"  # a definite refusal: nothing was written
    UNKNOWN = "unknown"  # timed out or unavailable: it may or may not have been written


@dataclass(frozen=True, slots=True)
class Op:
    """One call of the workload. Times are seconds since the run started."""

    worker: str
    node: str
    kind: str
    entity: str  # the name the call is about (user, policy ARN, …)
    start: float
    end: float
    outcome: Outcome
    request: dict[str, str] = field(default_factory=dict)
    result: dict[str, str] = field(default_factory=dict)
    error: str = ""
    # For an acknowledged write: origin node id -> sequence of its commit.
    token: dict[str, int] = field(default_factory=dict)
    write: bool = False
    # Whether the worker's model of `entity` was exact when this call was made.
    strict: bool = True


@dataclass(frozen=True, slots=True)
class StatusSample:
    time: float
    node: str
    version_vector: dict[str, int]
    digest: str


@dataclass(frozen=True, slots=True)
class Listing:
    """The user ids one node listed, at a token covering every write acknowledged before."""

    node: str
    start: float
    end: float
    user_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class LagSample:
    origin: str  # the node written on
    node: str  # the node it became visible on
    written: float  # when the write was acknowledged
    visible: float  # when the node answered with the write covered
    lag_ms: float


@dataclass(frozen=True, slots=True)
class StaleRead:
    op: Op
    expected: str


@dataclass(frozen=True, slots=True)
class DependencyRead:
    """A read on `reader` with only the token of a write made on `writer`, a write that
    depended on an entity made just before on `origin` (cluster/chaos/dependencies.py).
    `missing` says what the reader lacked ("" when it held both the write and what it
    depended on)."""

    scenario: str
    origin: str
    writer: str
    reader: str
    time: float
    missing: str = ""


@dataclass
class FaultRecord:
    kind: str
    targets: tuple[str, ...]
    start: float
    end: float | None = None
    detail: str = ""
    caught_up_s: float | None = None


@dataclass
class History:
    ops: list[Op] = field(default_factory=list)
    statuses: list[StatusSample] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    lags: list[LagSample] = field(default_factory=list)
    stale_reads: list[StaleRead] = field(default_factory=list)
    dependency_reads: list[DependencyRead] = field(default_factory=list)
    faults: list[FaultRecord] = field(default_factory=list)

    def acked_writes(self) -> list[Op]:
        return [op for op in self.ops if op.write and op.outcome is Outcome.OK]

    def under_fault(self, start: float, end: float) -> bool:
        """Whether any fault window overlaps [start, end] (an open window lasts forever)."""
        return bool(self.faults_during(start, end))

    def faults_during(self, start: float, end: float) -> list[str]:
        """The kinds of the fault windows overlapping [start, end], in injection order."""
        kinds = (
            f.kind for f in self.faults if f.start <= end and (f.end is None or f.end >= start)
        )
        return list(dict.fromkeys(kinds))


def merge_tokens(tokens: list[dict[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for token in tokens:
        for origin, seq in token.items():
            merged[origin] = max(merged.get(origin, 0), seq)
    return merged


def encode_token(token: dict[str, int]) -> str | None:
    if not token:
        return None
    return ",".join(f"{origin}:{seq}" for origin, seq in sorted(token.items()))


def decode_token(text: str | None) -> dict[str, int]:
    seen: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        origin, _, seq = item.rpartition(":")
        if origin and seq.isdigit():
            seen[origin] = max(seen.get(origin, 0), int(seq))
    return seen


def covers(vector: dict[str, int], token: dict[str, int]) -> bool:
    return all(vector.get(origin, 0) >= seq for origin, seq in token.items())

"""What recording one attempt for last-accessed data costs on the Authorize path.

Every Authorize decision about a user or role, and every IAM/STS call, records
(principal id, action) -> time in the node's UsageTracker (node/state/usage.py).
This times that record in three states of the tracker: the same few pairs again and again
(a busy steady state), pairs it does not hold yet (10,000 per flush period), and a full
tracker dropping new pairs;
each against a no-op method with the same arguments called in the same loop (the baseline,
measured in the same run). The difference is what recording adds per decision.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

from iamstore.node.state.usage import UsageTracker

Record = Callable[[str, str, int], None]


class _NoOp:
    """The baseline: a method call with the same arguments that does nothing."""

    def attempted(self, subject_id: str, action: str, at_ms: int) -> None:
        return None


@dataclass(frozen=True, slots=True)
class Cost:
    case: str
    baseline_ns: float
    record_ns: float

    @property
    def added_ns(self) -> float:
        return self.record_ns - self.baseline_ns


def _time(record: Record, pairs: list[tuple[str, str]], rounds: int) -> float:
    """Nanoseconds per call over `rounds` passes of `pairs` (best of three runs)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter_ns()
        for _ in range(rounds):
            for subject, action in pairs:
                record(subject, action, 1_700_000_000_000)
        best = min(best, (time.perf_counter_ns() - started) / (rounds * len(pairs)))
    return best


def _pairs(count: int, offset: int = 0) -> list[tuple[str, str]]:
    return [(f"AIDA{(i + offset):016d}", f"s3:GetObject{i % 7}") for i in range(count)]


def measure(calls: int) -> list[Cost]:
    noop = _NoOp().attempted
    hot = _pairs(16)
    rounds = max(calls // len(hot), 1)
    busy = UsageTracker("bench")
    costs = [Cost("same 16 pairs", _time(noop, hot, rounds), _time(busy.attempted, hot, rounds))]

    costs.append(Cost("new pairs", _time(noop, _pairs(WINDOW), 1), _time_fresh(calls)))

    full = UsageTracker("bench", max_pending=1_000)
    for subject, action in _pairs(1_000):
        full.attempted(subject, action, 0)
    beyond = _pairs(calls, offset=1_000)
    costs.append(Cost("full, dropping", _time(noop, beyond, 1), _time(full.attempted, beyond, 1)))
    return costs


# Distinct pairs one flush period brings (a tracker starts empty after each flush).
WINDOW = 10_000


def _time_fresh(calls: int) -> float:
    """Best of three runs, each recording `calls` pairs never held, in windows of WINDOW
    pairs on a tracker emptied between windows (as a flush empties it)."""
    best = float("inf")
    for run in range(3):
        elapsed = 0
        for start in range(0, calls, WINDOW):
            tracker = UsageTracker("bench")
            pairs = _pairs(min(WINDOW, calls - start), offset=run * calls + start)
            started = time.perf_counter_ns()
            for subject, action in pairs:
                tracker.attempted(subject, action, 1_700_000_000_000)
            elapsed += time.perf_counter_ns() - started
        best = min(best, elapsed / calls)
    return best


def render(costs: list[Cost]) -> str:
    header = f"{'case':<16}{'no-op ns':>10}{'record ns':>11}{'added ns':>10}{'vs no-op':>10}"
    lines = [header, "-" * len(header)]
    for cost in costs:
        lines.append(
            f"{cost.case:<16}{cost.baseline_ns:>10.0f}{cost.record_ns:>11.0f}"
            f"{cost.added_ns:>10.0f}{cost.record_ns / cost.baseline_ns:>9.2f}x"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench lastaccessed", description=__doc__)
    parser.add_argument("--calls", type=int, default=200_000, help="records per case")
    args = parser.parse_args(argv)
    if args.calls < 16:
        parser.error("--calls must be at least 16")
    print(render(measure(args.calls)))

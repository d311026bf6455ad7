"""Latency samples to the figures every benchmark prints: throughput, median, p99."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    calls: int
    seconds: float
    latencies_s: tuple[float, ...]

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    def percentile_ms(self, q: float) -> float:
        ordered = sorted(self.latencies_s)
        if not ordered:
            return 0.0
        index = min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))
        return ordered[index] * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_s) * 1000 if self.latencies_s else 0.0


def table(results: list[Result], baseline: Result, unit: str = "calls/s") -> str:
    """A plain-text table, each row with its throughput ratio to `baseline`."""
    header = f"{'benchmark':<28}{unit:>12}{'median ms':>11}{'p99 ms':>9}{'vs baseline':>13}"
    lines = [header, "-" * len(header)]
    for result in results:
        ratio = result.per_second / baseline.per_second if baseline.per_second else 0.0
        lines.append(
            f"{result.name:<28}{result.per_second:>12,.0f}{result.median_ms:>11.2f}"
            f"{result.percentile_ms(99):>9.2f}{ratio:>12.0%}"
        )
    return "\n".join(lines)

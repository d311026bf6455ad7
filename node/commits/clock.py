"""Hybrid logical clock: wall milliseconds plus a logical counter, packed in one integer.

A timestamp is `wall_ms << 16 | counter`, so plain integer order is HLC order. `now()` is
strictly increasing on one node; `witness()` folds in a remote timestamp so that causally
later events always get larger timestamps, bounding how far a remote clock can drag ours.
"""

from __future__ import annotations

from collections.abc import Callable

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1


def pack(wall_ms: int, counter: int) -> int:
    return (wall_ms << COUNTER_BITS) | counter


def wall_ms_of(hlc: int) -> int:
    return hlc >> COUNTER_BITS


class ClockSkewError(Exception):
    """A remote timestamp is further ahead of local time than the configured bound."""


class HybridClock:
    def __init__(self, wall_ms: Callable[[], int], max_drift_ms: int = 60_000) -> None:
        self._wall_ms = wall_ms
        self._max_drift_ms = max_drift_ms
        self._last = 0

    @property
    def last(self) -> int:
        return self._last

    def now(self) -> int:
        """A timestamp greater than every one this clock has issued or witnessed."""
        candidate = pack(self._wall_ms(), 0)
        self._last = candidate if candidate > self._last else self._last + 1
        return self._last

    def witness_local(self, stored: int) -> None:
        """Resumes after a restart: never issue a timestamp at or below one already stored."""
        self._last = max(self._last, stored)

    def witness(self, remote: int) -> None:
        """Moves the clock past `remote`, unless it is implausibly far in the future."""
        if wall_ms_of(remote) - self._wall_ms() > self._max_drift_ms:
            raise ClockSkewError(f"remote clock is {wall_ms_of(remote) - self._wall_ms()} ms ahead")
        if remote > self._last:
            self._last = remote

"""The bytes that unfinished request bodies may hold at once, over every HTTP connection."""

from __future__ import annotations


class BodyBudget:
    """A count of bytes taken and given back; `take` refuses what would pass the total.

    Used from the event loop only (no await between check and update), so no lock.
    """

    def __init__(self, total_bytes: int) -> None:
        self._total = total_bytes
        self._held = 0

    @property
    def held(self) -> int:
        return self._held

    def take(self, size: int) -> bool:
        """Takes `size` bytes if they fit; False (and nothing taken) if they do not."""
        if self._held + size > self._total:
            return False
        self._held += size
        return True

    def give_back(self, size: int) -> None:
        # INVARIANT: only bytes taken are given back, so `held` never goes below zero.
        assert 0 <= size <= self._held
        self._held -= size

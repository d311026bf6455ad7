"""An asyncio event loop on virtual time, and the failure a model check on it raises."""

from __future__ import annotations

import asyncio
import selectors


class ModelCheckFailure(AssertionError):
    """An invariant broke; the message names the seed that replays it."""


class _VirtualSelector(selectors.DefaultSelector):
    """Never sleeps: a wait for `timeout` seconds moves the loop's virtual clock instead."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = super().select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:
            raise ModelCheckFailure("deadlock: nothing is ready and no timer is pending")
        self.now += timeout
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop on virtual time: sleeps and timeouts cost no real time."""

    def __init__(self) -> None:
        self._virtual = _VirtualSelector()
        super().__init__(self._virtual)

    def time(self) -> float:
        return self._virtual.now

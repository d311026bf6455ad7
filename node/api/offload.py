"""Long, pure policy evaluations run on a worker thread, so the event loop keeps answering."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class EvaluationWorker:
    """Runs pure evaluations (no view, index or other loop state is read) off the event loop,
    one at a time per node; or a plan that reads the view while its caller holds it still
    (an account import's, under the apply lock: State.write_local_steps).

    One at a time: a second worker thread would only compete with the event loop for the
    interpreter lock, and the loop's share of it is what keeps gossip, health checks and other
    callers on time. Callers queue in arrival order.

    INVARIANT: at most one evaluation runs at any moment, also when its caller is cancelled:
    the thread cannot be stopped, so the slot stays taken until its work ends (it is bounded
    by the caps on its inputs) and the result is dropped.
    """

    def __init__(self) -> None:
        self._slot = asyncio.Semaphore(1)

    async def run(self, work: Callable[[], T]) -> T:
        async with self._slot:
            future = asyncio.get_running_loop().run_in_executor(None, work)
            try:
                return await asyncio.shield(future)
            finally:
                if not future.done():  # our caller was cancelled: wait for the thread
                    await asyncio.wait((future,))
                if future.done() and not future.cancelled():
                    future.exception()  # retrieved: a dropped result raises no warning

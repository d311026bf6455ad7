"""The evaluation worker runs one evaluation at a time, also when callers give up."""

from __future__ import annotations

import asyncio
import threading

from iamstore.node.api.offload import EvaluationWorker


async def test_one_evaluation_at_a_time_even_when_a_caller_is_cancelled() -> None:
    worker = EvaluationWorker()
    release = threading.Event()
    running: list[int] = []
    overlap: list[int] = []
    lock = threading.Lock()
    first_running = threading.Event()

    def work(tag: int) -> int:
        with lock:
            running.append(tag)
            if len(running) > 1:
                overlap.append(tag)
        if tag == 1:
            first_running.set()
        release.wait(30)
        with lock:
            running.remove(tag)
        return tag

    first = asyncio.create_task(worker.run(lambda: work(1)))
    assert await asyncio.to_thread(first_running.wait, 30)  # waited for, however slow the start
    second = asyncio.create_task(worker.run(lambda: work(2)))
    first.cancel()  # its thread cannot stop: the second must still wait for it
    await asyncio.sleep(0.2)  # time for a wrongly started second evaluation to show
    assert running == [1]
    release.set()
    assert await second == 2
    assert first.cancelled()
    assert overlap == []

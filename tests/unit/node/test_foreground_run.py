"""What `iamstore node run` does for its own process beyond serving: the collector's freeze."""

from __future__ import annotations

import asyncio
import gc

from iamstore.node.server import freeze_once_ready


async def test_what_the_node_loaded_is_frozen_once_it_serves() -> None:
    gc.unfreeze()
    try:
        ready = asyncio.Event()
        freezing = asyncio.create_task(freeze_once_ready(ready))
        await asyncio.sleep(0)
        assert gc.get_freeze_count() == 0  # still loading: nothing frozen yet
        loaded = [{"row": n} for n in range(1_000)]  # stands for the view built at start
        ready.set()
        await freezing
        assert gc.get_freeze_count() >= len(loaded)
    finally:
        gc.unfreeze()  # the rest of this test process keeps its collector as it was

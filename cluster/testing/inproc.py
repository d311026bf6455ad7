"""A node running in a background thread of this process, with its own event loop (for tests)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from types import TracebackType

from iamstore.node.config import NodeConfig
from iamstore.node.server import Node


class InProcessNode:
    def __init__(self, config: NodeConfig) -> None:
        self.config = config
        self.node: Node | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def address(self) -> str:
        if self.node is None or self.node.address is None:
            raise RuntimeError("the node is not serving")
        return self.node.address

    @property
    def credentials_file(self) -> Path:
        return self.config.root_credentials_path

    def start(self, timeout_s: float = 30.0) -> str:
        self._thread = threading.Thread(target=self._run, name="iamstore-node", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout_s):
            raise TimeoutError("in-process node did not start")
        if self._error is not None:
            raise self._error
        return self.address

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main())
        except BaseException as err:  # surfaced to start() / stop()
            self._error = err
            self._ready.set()
        finally:
            loop.close()

    async def _main(self) -> None:
        self.node = Node(self.config)
        serving = asyncio.create_task(self.node.serve())
        ready = asyncio.create_task(self.node.ready.wait())
        await asyncio.wait({serving, ready}, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if serving.done():
            # A node that failed to start (e.g. its data folder is in use) raises here, so
            # _run records the error before start() is woken.
            await serving
        self._ready.set()
        await serving

    def stop(self, timeout_s: float = 30.0) -> None:
        if self._loop is not None and self.node is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self.node.stop)
            self._thread.join(timeout_s)
        if self._error is not None:
            raise self._error

    def __enter__(self) -> InProcessNode:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

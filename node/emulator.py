"""`iamstore emulator`: one throwaway node for test suites, IAM and STS over HTTP.

Like moto and LocalStack, a made-up access key acts as the root of account 123456789012, so
`boto3.client("iam")` with dummy credentials just works; keys and sessions the emulator issued
act as themselves, with full authorization, and are refused once deleted (their ids carry
iamstore's checksum: node.access_key_ids). `POST /_iamstore/reset` wipes
everything: a fresh node takes over the same HTTP port (the old one's data is deleted), which
is quicker and more certain than undoing every table in place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from iamstore.node.config import NodeConfig
from iamstore.node.http.endpoint import ADMIN_PREFIX, HttpRequest, HttpResponse, QueryEndpoint
from iamstore.node.http.server import HttpServer
from iamstore.node.ids import IdSource
from iamstore.node.server import Node

log = logging.getLogger(__name__)

EMULATOR_ACCOUNT = "123456789012"
DEFAULT_HTTP_LISTEN = "127.0.0.1:4599"
RESET_PATH = ADMIN_PREFIX + "reset"


class _EmulatorIds(IdSource):
    """The bootstrapped account is 123456789012, as moto and LocalStack name theirs."""

    def __init__(self) -> None:
        super().__init__()
        self._first_account = True

    def account_id(self) -> str:
        if self._first_account:
            self._first_account = False
            return EMULATOR_ACCOUNT
        return super().account_id()


class _CurrentNode:
    """Forwards every request to whichever node is current (reset swaps it)."""

    def __init__(self) -> None:
        self.endpoint: QueryEndpoint | None = None

    async def handle(self, request: HttpRequest) -> HttpResponse:
        assert self.endpoint is not None
        return await self.endpoint.handle(request)

    def refuse(self, code: str, message: str) -> HttpResponse:
        assert self.endpoint is not None
        return self.endpoint.refuse(code, message)


class Emulator:
    """Runs until `stop()`; `ready` is set once the HTTP port answers (`url` is its URL)."""

    def __init__(
        self, http_listen: str = DEFAULT_HTTP_LISTEN, data_dir: Path | None = None
    ) -> None:
        self._http_listen = http_listen
        self._given_dir = data_dir
        self._root: Path | None = None
        self._generation = 0
        self._current = _CurrentNode()
        self._node: Node | None = None
        self._node_task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self.ready = asyncio.Event()
        self.url: str | None = None
        self.resets = 0

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        temporary = self._given_dir is None
        self._root = (
            Path(tempfile.mkdtemp(prefix="iamstore-emulator-"))
            if self._given_dir is None
            else self._given_dir
        )
        self._root.mkdir(parents=True, exist_ok=True)
        server = HttpServer(self._current, self._http_listen, extra=self._admin)
        try:
            await self._start_node(self._root / "node")
            self.url = f"http://{await server.start()}"
            self.ready.set()
            await self._stop.wait()
        finally:
            await server.close(1.0)
            await self._stop_node(self._node, self._node_task)
            if temporary:
                shutil.rmtree(self._root, ignore_errors=True)

    async def _start_node(self, data_dir: Path) -> None:
        config = NodeConfig(
            data_dir=data_dir,
            listen="127.0.0.1:0",
            bootstrap=True,
            emulator_account=EMULATOR_ACCOUNT,
            synchronous="OFF",  # a test fixture: durability across power loss is not asked
            grace_s=0.5,
        )
        node = Node(config, ids=_EmulatorIds())
        task = asyncio.create_task(node.serve())
        ready = asyncio.create_task(node.ready.wait())
        try:
            await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            # Cancelled while the node starts (the emulator stopping, a reset's caller gone):
            # nothing else owns the node yet, so stop it here, or its database stays open.
            ready.cancel()
            await asyncio.shield(self._stop_node(node, task))
            raise
        if not node.ready.is_set():
            ready.cancel()
            await task  # raises what stopped it
        self._node, self._node_task = node, task
        self._current.endpoint = node.query_endpoint

    @staticmethod
    async def _stop_node(node: Node | None, task: asyncio.Task[None] | None) -> None:
        if node is None or task is None:
            return
        node.stop()
        with contextlib.suppress(Exception):
            await task
        shutil.rmtree(node.config.data_dir, ignore_errors=True)

    async def reset(self) -> None:
        """Everything back to empty: a fresh node replaces the current one."""
        assert self._root is not None
        async with self._lock:
            old_node, old_task = self._node, self._node_task
            self._generation += 1
            await self._start_node(self._root / f"node-{self._generation}")
            await self._stop_node(old_node, old_task)
            self.resets += 1

    async def _admin(self, request: HttpRequest) -> HttpResponse | None:
        if not request.raw_path.startswith(ADMIN_PREFIX):
            return None
        if request.raw_path != RESET_PATH or request.method != "POST":
            return HttpResponse(404, b"not found\n", (("Content-Type", "text/plain"),))
        await self.reset()
        return HttpResponse(200, b"reset\n", (("Content-Type", "text/plain"),))


async def run_emulator(
    http_listen: str, data_dir: Path | None, on_ready: Callable[[str], None]
) -> None:
    """Runs an emulator in the foreground until SIGTERM or SIGINT."""
    import signal

    emulator = Emulator(http_listen, data_dir)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, emulator.stop)
    running = asyncio.create_task(emulator.run())
    ready = asyncio.create_task(emulator.ready.wait())
    await asyncio.wait({running, ready}, return_when=asyncio.FIRST_COMPLETED)
    if emulator.url is not None:
        on_ready(emulator.url)
    await running

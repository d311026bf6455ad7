"""The composition root: builds a node (node/build.py), then runs it until stopped.

Everything the node starts belongs to one TaskGroup and stops with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import random
import signal
import time
from collections.abc import Callable

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from iamstore.node import datadir
from iamstore.node.api import node_and_accounts
from iamstore.node.api.call import NodeComponents
from iamstore.node.build import BuiltNode, Injected, build
from iamstore.node.config import NodeConfig
from iamstore.node.domain.aws_policies import shared_catalog
from iamstore.node.http.endpoint import QueryEndpoint
from iamstore.node.ids import IdSource
from iamstore.node.metrics import NodeMetrics
from iamstore.node.replication.gossip import Replicator
from iamstore.node.replication.transport import Transport
from iamstore.node.storage.database import Database
from iamstore.wire.credentials import Credentials, write_credentials_file

log = logging.getLogger("iamstore.node")


# The largest message a node takes, checked by gRPC before any handler (so before
# authentication). IAM's largest fields are policy documents: AWS's model caps one at 131,072
# characters of U+0009..U+00FF, at most 2 bytes each in UTF-8, so 256 KiB. The largest legal
# call is a simulation at iamstore's caps (node/api/authz_limits.py): with its documents it
# stays within 4 MiB in practice (docs/security.md, "Bounded work"); anything larger is
# refused with RESOURCE_EXHAUSTED before a byte of it is read as a request. Peers pushing
# commits keep their pushes within half of it (replication/gossip.py, PUSH_BATCH_BYTES), so
# they fit when they share the client port; replies and snapshots travel on the asking
# peer's own channel, which takes more (replication/grpc_transport.py).
MAX_CLIENT_REQUEST_BYTES = 4 << 20
# What half-sent messages may hold before anyone is authenticated. gRPC reads a whole message
# before any handler (so before authentication), and opens each stream's flow-control window
# to the length its message announces: every stream of a connection may hold up to
# MAX_CLIENT_REQUEST_BYTES, for as long as its sender likes. So the node bounds, per
# connection, how many streams are open at once (a client queues further calls on its own
# side; 8 x 4 MiB = 32 MiB per connection); over all connections, how many calls are in hand
# at once (more are refused with RESOURCE_EXHAUSTED before their message is read; 256 x 4 MiB
# = 1 GiB at worst) and how many connections are open; and how long a connection lives (then
# it is told to go away, and closed after a grace: a half-sent message is not held for ever;
# clients reconnect on their own).
MAX_STREAMS_PER_CONNECTION = 8
MAX_CALLS_IN_HAND = 256
MAX_CONNECTIONS = 1000
MAX_CONNECTION_AGE_MS = 10 * 60 * 1000
CONNECTION_AGE_GRACE_MS = 2 * 60 * 1000
SERVER_OPTIONS = (
    ("grpc.so_reuseport", 0),
    ("grpc.max_receive_message_length", MAX_CLIENT_REQUEST_BYTES),
    ("grpc.max_send_message_length", 64 * 1024 * 1024),
    ("grpc.max_concurrent_streams", MAX_STREAMS_PER_CONNECTION),
    ("grpc.max_allowed_incoming_connections", MAX_CONNECTIONS),
    ("grpc.max_connection_age_ms", MAX_CONNECTION_AGE_MS),
    ("grpc.max_connection_age_grace_ms", CONNECTION_AGE_GRACE_MS),
)


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


async def bootstrap(components: NodeComponents, config: NodeConfig) -> None:
    """On an empty store: makes the management account and its root key, saved to a 0600 file.

    The credentials file is written before the commit: if the node dies in between, the next
    start finds no account and bootstraps again, overwriting the file.
    """

    def save(access_key_id: str, secret: str) -> None:
        write_credentials_file(config.root_credentials_path, Credentials(access_key_id, secret))

    account, _, _, _ = await node_and_accounts.create_account(
        components, "bootstrap", "", "management", True, before_commit=save
    )
    log.info(
        "bootstrapped account %s; root credentials in %s",
        account.account_id,
        config.root_credentials_path,
    )


class Node:
    """One running node. `serve()` runs until `stop()`; everything it starts, it stops."""

    def __init__(
        self,
        config: NodeConfig,
        ids: IdSource | None = None,
        wall_ms: Callable[[], int] = _wall_ms,
        rng: random.Random | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.config = config
        skew_ms = config.clock_skew_ms
        self._injected = Injected(
            ids=ids or IdSource(),
            wall_ms=wall_ms if not skew_ms else (lambda: wall_ms() + skew_ms),
            rng=rng or random.Random(),
            # Tests and in-memory clusters pass an in-memory transport; else peers talk gRPC.
            transport=transport,
        )
        self._stop = asyncio.Event()
        self.ready = asyncio.Event()
        # The node as built, once `serve` has built it (None before, and after a failed build).
        self.built: BuiltNode | None = None
        self.metrics_address: str | None = None
        self.http_url: str | None = None
        self._grpc_server: grpc.aio.Server | None = None  # stopped when `serve` ends

    # What tests and tools read of a built node (None until it is built).
    @property
    def address(self) -> str | None:
        return None if self.built is None else self.built.listening.address

    @property
    def peer_address(self) -> str | None:
        return None if self.built is None else self.built.listening.peer_address

    @property
    def components(self) -> NodeComponents | None:
        return None if self.built is None else self.built.components

    @property
    def replicator(self) -> Replicator | None:
        return None if self.built is None else self.built.components.replicator

    @property
    def metrics(self) -> NodeMetrics | None:
        return None if self.built is None else self.built.metrics

    @property
    def query_endpoint(self) -> QueryEndpoint | None:
        """The Query protocol front end (the emulator serves it on its own port)."""
        return None if self.built is None else self.built.query_endpoint

    def stop(self) -> None:
        self._stop.set()

    async def serve(self) -> None:
        config = self.config
        with datadir.claim(config.data_dir):
            # INVARIANT: the database file is 0600 before SQLite opens it, so the WAL and SHM
            # files SQLite creates beside it get the same mode; make_private checks them after.
            os.close(datadir.open_private(config.database_path, os.O_RDWR))
            db = await Database.open(config.database_path, config.synchronous)
            try:
                datadir.make_private(config.data_dir)
                server = self._grpc_server = grpc.aio.server(
                    options=SERVER_OPTIONS, maximum_concurrent_rpcs=MAX_CALLS_IN_HAND
                )
                self.built = await build(config, db, server, self._injected)
                await self._run(self.built)
            finally:
                # INVARIANT: the database closes however the server's stop ends (a second
                # cancellation, a failed stop): a connection left open keeps its thread.
                try:
                    await self._stop_grpc_server()
                finally:
                    await asyncio.shield(db.close())

    async def _stop_grpc_server(self) -> None:
        """Stops the gRPC server however `serve` ended: a failed start or a background task
        that raised skips its graceful stop. A server left running would keep answering on a
        closed database, and outlive its event loop (gRPC then fails when collecting it).
        Stopping a server already stopped does nothing."""
        server, self._grpc_server = self._grpc_server, None
        if server is not None:
            await server.stop(None)

    async def _run(self, built: BuiltNode) -> None:
        """Serves a built node until `stop()`, then shuts it down: every task it starts
        belongs to one TaskGroup."""
        config, components, server = self.config, built.components, built.grpc_server
        should_bootstrap = config.bootstrap if config.bootstrap is not None else not config.peers
        if should_bootstrap and not components.state.view.accounts:
            await bootstrap(components, config)
        # grpc_health exports its asyncio servicer as `health.aio` without re-exporting it.
        health_servicer = health.aio.HealthServicer()  # type: ignore[attr-defined]
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
        reflection.enable_server_reflection(built.reflected_names(), server)
        await server.start()
        if built.http_server is not None:
            scheme = "http" if config.tls_cert is None else "https"
            self.http_url = f"{scheme}://{await built.http_server.start()}"
            datadir.write_private(config.http_endpoint_path, (self.http_url + "\n").encode())
            log.info("aws query api (iam, sts) at %s", self.http_url)
        if config.metrics_port is not None:
            host = built.listening.metrics_host
            self.metrics_address = await built.metrics_server.start(host, config.metrics_port)
            log.info("metrics at http://%s/metrics", self.metrics_address)
        listening = built.listening
        datadir.write_private(config.endpoint_path, (listening.address + "\n").encode())
        await health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
        log.info(
            "node %s listening on %s%s (advertised as %s)%s",
            components.node_id,
            listening.address,
            "" if listening.peer_address is None else f", peers on {listening.peer_address}",
            listening.advertised,
            " with tls" if built.tls else "",
        )
        self.ready.set()
        try:
            async with asyncio.TaskGroup() as tasks:
                background = [
                    tasks.create_task(self._flush_usage(components)),
                    tasks.create_task(components.replicator.run()),
                    tasks.create_task(components.audit.run()),
                    # After readiness, so start-up does not wait for it; a request that needs
                    # AWS managed policies before it is done waits on the same lock instead
                    # of parsing the data again.
                    tasks.create_task(asyncio.to_thread(shared_catalog)),
                ]
                await self._stop.wait()
                await health_servicer.enter_graceful_shutdown()
                if built.http_server is not None:
                    await built.http_server.close(config.grace_s)
                await server.stop(config.grace_s)
                for task in background:
                    task.cancel()
        finally:
            try:  # before the transport closes, so peers may still get the last stamps
                await components.usage.flush_all(
                    components.writer, components.state.view, components.auth.usage
                )
            except Exception:
                log.exception("writing the last usage stamps failed")
            await built.metrics_server.close()
            await built.transport.close()

    async def _flush_usage(self, components: NodeComponents) -> None:
        """Writes this node's recent uses as its stamps, periodically (and on shutdown)."""
        while True:
            await asyncio.sleep(self.config.usage_flush_s)
            try:
                await components.usage.flush(
                    components.writer, components.state.view, components.auth.usage
                )
            except Exception:  # best effort: the next flush writes what this one missed
                log.exception("writing usage stamps failed")


async def run(config: NodeConfig) -> None:
    """Runs a node in the foreground until SIGTERM or SIGINT, then shuts it down cleanly."""
    node = Node(config)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, node.stop)
    freezing = asyncio.create_task(freeze_once_ready(node.ready))
    try:
        await node.serve()
    finally:
        freezing.cancel()


async def freeze_once_ready(ready: asyncio.Event) -> None:
    """Once the node serves, moves what it loaded out of the cycle collector's reach.

    The view built from the replica lives as long as the process. Left in the collector's
    oldest generation, every full collection rescans all of it: a pause on the event loop that
    grows with the data (hundreds of ms on a full account). Frozen, it is skipped; it is still
    freed by reference counting when rows change. This is the process's choice, made here in
    `run`, not in `Node`: nodes in a test process share one collector.
    """
    await ready.wait()
    gc.freeze()

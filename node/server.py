"""The composition root: builds storage, state, auth and the gRPC server, and owns every task."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import os
import secrets
import time
from collections.abc import Callable

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from client.wire.credentials import Credentials, write_credentials_file
from iamstore.v1 import iam_pb2, node_pb2
from node.api import iam_credentials, iam_identities, iam_policies, node_services
from node.api.context import NodeServices
from node.api.dispatch import Handler, method_handlers
from node.auth.authenticate import Authenticator
from node.auth.secretbox import SecretBox
from node.config import NodeConfig
from node.ids import IdSource
from node.replication.clock import HybridClock
from node.state import State, Writer
from node.storage.database import Database

log = logging.getLogger("iamstore.node")

IAM_HANDLERS: dict[str, Handler] = {
    **iam_identities.HANDLERS,
    **iam_policies.HANDLERS,
    **iam_credentials.HANDLERS,
}


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


async def _node_id(db: Database) -> str:
    node_id = await db.get_meta("node_id")
    if node_id is None:
        node_id = "n" + secrets.token_hex(6)
        await db.set_meta("node_id", node_id)
    return node_id


async def bootstrap(node: NodeServices, config: NodeConfig) -> None:
    """On an empty store: makes the management account and its root key, saved to a 0600 file.

    The credentials file is written before the commit: if the node dies in between, the next
    start finds no account and bootstraps again, overwriting the file.
    """

    def save(access_key_id: str, secret: str) -> None:
        write_credentials_file(config.root_credentials_path, Credentials(access_key_id, secret))

    account, _, _ = await node_services.create_account(
        node, "bootstrap", "", "management", True, before_commit=save
    )
    log.info(
        "bootstrapped account %s; root credentials in %s",
        account.account_id,
        config.root_credentials_path,
    )


class Node:
    """One running node. `serve()` runs until `stop()`; everything it starts, it stops."""

    def __init__(
        self, config: NodeConfig, ids: IdSource | None = None, wall_ms: Callable[[], int] = _wall_ms
    ) -> None:
        self.config = config
        self._ids = ids or IdSource()
        self._wall_ms = wall_ms
        self._stop = asyncio.Event()
        self.ready = asyncio.Event()
        self.address: str | None = None
        self.services: NodeServices | None = None

    def stop(self) -> None:
        self._stop.set()

    async def serve(self) -> None:
        config = self.config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        db = await Database.open(config.database_path, config.synchronous)
        try:
            await self._serve(db)
        finally:
            await db.close()

    async def _serve(self, db: Database) -> None:
        config = self.config
        node_id = await _node_id(db)
        state = await State.load(db)
        clock = HybridClock(self._wall_ms)
        clock.witness_local(await db.max_hlc())
        box = SecretBox.from_file(config.secrets_key_path)
        auth = Authenticator(state.view, box, host=config.host, region=config.region, now=_utcnow)
        auth.usage.update({u.access_key_id: u for u in await db.load_key_usage()})
        services = NodeServices(
            node_id=node_id,
            state=state,
            writer=Writer(state, node_id, clock),
            auth=auth,
            box=box,
            ids=self._ids,
            quotas=config.quotas,
            now_ms=self._wall_ms,
        )
        self.services = services
        if not state.view.accounts:
            await bootstrap(services, config)

        server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
        server.add_generic_rpc_handlers(
            (
                method_handlers(
                    iam_pb2.DESCRIPTOR.services_by_name["Iam"], iam_pb2, IAM_HANDLERS, services
                ),
                method_handlers(
                    node_pb2.DESCRIPTOR.services_by_name["Node"],
                    node_pb2,
                    node_services.NODE_HANDLERS,
                    services,
                ),
                method_handlers(
                    node_pb2.DESCRIPTOR.services_by_name["Accounts"],
                    node_pb2,
                    node_services.ACCOUNT_HANDLERS,
                    services,
                ),
            )
        )
        # grpc_health exports its asyncio servicer as `health.aio` without re-exporting it.
        health_servicer = health.aio.HealthServicer()  # type: ignore[attr-defined]
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
        reflection.enable_server_reflection(
            (
                iam_pb2.DESCRIPTOR.services_by_name["Iam"].full_name,
                node_pb2.DESCRIPTOR.services_by_name["Node"].full_name,
                node_pb2.DESCRIPTOR.services_by_name["Accounts"].full_name,
                health.SERVICE_NAME,
                reflection.SERVICE_NAME,
            ),
            server,
        )
        host, _, _ = config.listen.rpartition(":")
        port = server.add_insecure_port(config.listen)
        await server.start()
        self.address = f"{host}:{port}"
        _write_atomically(config.endpoint_path, self.address + "\n")
        await health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
        log.info("node %s listening on %s", node_id, self.address)
        self.ready.set()
        try:
            async with asyncio.TaskGroup() as tasks:
                flusher = tasks.create_task(self._flush_key_usage(db, auth))
                await self._stop.wait()
                await health_servicer.enter_graceful_shutdown()
                await server.stop(config.grace_s)
                flusher.cancel()
        finally:
            await db.save_key_usage(auth.usage.values())

    async def _flush_key_usage(self, db: Database, auth: Authenticator) -> None:
        while True:
            await asyncio.sleep(self.config.key_usage_flush_s)
            await db.save_key_usage(list(auth.usage.values()))


def _write_atomically(path: os.PathLike[str] | str, text: str) -> None:
    temporary = f"{os.fspath(path)}.tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


async def run(config: NodeConfig) -> None:
    """Runs a node in the foreground until SIGTERM or SIGINT, then shuts it down cleanly."""
    import signal

    node = Node(config)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, node.stop)
    await node.serve()

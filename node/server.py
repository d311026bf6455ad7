"""The composition root: builds storage, state, auth, replication and the gRPC server.

Everything the node starts belongs to one TaskGroup and stops with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import os
import random
import secrets
import signal
import time
from collections.abc import Callable

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from iamstore.node.api import (
    audit_service,
    authz,
    authz_simulators,
    iam_credentials,
    iam_federation,
    iam_identities,
    iam_mfa,
    iam_policies,
    node_services,
    signin,
    sts,
)
from iamstore.node.api.context import NodeServices
from iamstore.node.api.dispatch import Handler, method_handlers
from iamstore.node.api.peer_service import peer_handlers
from iamstore.node.audit import AuditLog
from iamstore.node.auth.admin import AdminGate
from iamstore.node.auth.authenticate import Authenticator
from iamstore.node.auth.authorize import Authorizer
from iamstore.node.auth.index import PolicyIndex
from iamstore.node.auth.secretbox import SecretBox
from iamstore.node.auth.sessions import SessionSealer
from iamstore.node.auth.webidentity import JwksCache
from iamstore.node.config import NodeConfig
from iamstore.node.ids import IdSource
from iamstore.node.metrics import MetricsServer, NodeMetrics
from iamstore.node.policy import Outcome
from iamstore.node.replication.clock import HybridClock
from iamstore.node.replication.gossip import Replicator
from iamstore.node.replication.grpc_transport import GrpcTransport
from iamstore.node.replication.membership import Membership
from iamstore.node.replication.peerauth import load_cluster_key
from iamstore.node.replication.peertls import TlsMaterial
from iamstore.node.replication.transport import Transport
from iamstore.node.state import State, Writer
from iamstore.node.storage.database import Database
from iamstore.v1 import authz_pb2, iam_pb2, node_pb2, peer_pb2
from iamstore.wire.credentials import Credentials, write_credentials_file

log = logging.getLogger("iamstore.node")

IAM_HANDLERS: dict[str, Handler] = {
    **iam_identities.HANDLERS,
    **iam_policies.HANDLERS,
    **iam_credentials.HANDLERS,
    **iam_mfa.HANDLERS,
    **iam_federation.HANDLERS,
}
AUTHZ_HANDLERS: dict[str, Handler] = {**authz.HANDLERS, **authz_simulators.HANDLERS}

# `--listen unix:PATH` serves on a Unix domain socket (gRPC's own address syntax).
UNIX_PREFIX = "unix:"

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
SERVER_OPTIONS = (
    ("grpc.so_reuseport", 0),
    ("grpc.max_receive_message_length", MAX_CLIENT_REQUEST_BYTES),
    ("grpc.max_send_message_length", 64 * 1024 * 1024),
)


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


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

    account, _, _, _ = await node_services.create_account(
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
        self,
        config: NodeConfig,
        ids: IdSource | None = None,
        wall_ms: Callable[[], int] = _wall_ms,
        rng: random.Random | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.config = config
        self._ids = ids or IdSource()
        skew_ms = config.clock_skew_ms
        self._wall_ms = wall_ms if not skew_ms else (lambda: wall_ms() + skew_ms)
        self._rng = rng or random.Random()
        # Tests and the simulation pass an in-memory transport; by default peers talk gRPC.
        self._transport = transport
        self._stop = asyncio.Event()
        self.ready = asyncio.Event()
        self.address: str | None = None
        self.peer_address: str | None = None
        self.services: NodeServices | None = None
        self.replicator: Replicator | None = None
        self.metrics: NodeMetrics | None = None
        self.metrics_address: str | None = None

    def stop(self) -> None:
        self._stop.set()

    def _utcnow(self) -> datetime.datetime:
        """The node's clock (skew included) as a datetime: signature dates are checked on it."""
        return datetime.datetime.fromtimestamp(self._wall_ms() / 1000, datetime.UTC)

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
        sealer = SessionSealer(config.secrets_key_path.read_bytes())
        cluster_key = load_cluster_key(config.cluster_key_path)
        auth = Authenticator(
            state.view,
            box,
            host=config.host,
            region=config.region,
            now=self._utcnow,
            keys_per_owner=config.quotas.access_keys_per_user,
            sealer=sealer,
        )
        auth.usage.update({u.access_key_id: u for u in await db.load_key_usage()})
        policy_index = PolicyIndex(state.view)
        state.on_change(policy_index.on_commits)
        authorizer = Authorizer(
            state.view,
            policy_index,
            now=self._utcnow,
            region=config.region,
            epoch_ms=self._wall_ms,
        )
        state.on_change(authorizer.on_commits)

        tls = _tls_material(config)
        server = grpc.aio.server(options=SERVER_OPTIONS)
        # Metrics are served over TCP on the listen host (loopback when listening on a socket).
        unix = config.listen.startswith(UNIX_PREFIX)
        host = "127.0.0.1" if unix else config.listen.rpartition(":")[0]
        self.address = _add_port(server, config.listen, tls, require_client_auth=False)
        if config.peer_listen is not None:
            # Peers get their own port: only there does gRPC ask for a client certificate.
            self.peer_address = _add_port(server, config.peer_listen, tls, require_client_auth=True)
        elif tls is not None and config.peers:
            log.warning("tls without --peer-listen: peers cannot present a client certificate")
        advertise = config.advertise or self.peer_address or self.address

        transport = self._transport or GrpcTransport(
            cluster_key,
            node_id,
            self._wall_ms,
            config.gossip.timeout_s,
            credentials=None if tls is None else tls.channel_credentials(),
        )
        replicator = Replicator(
            state=state,
            db=db,
            clock=clock,
            transport=transport,
            membership=Membership(node_id, advertise, config.peers),
            now_ms=self._wall_ms,
            rng=self._rng,
            config=config.gossip,
        )
        services = NodeServices(
            node_id=node_id,
            state=state,
            writer=Writer(state, node_id, clock),
            auth=auth,
            box=box,
            ids=self._ids,
            quotas=config.quotas,
            now_ms=self._wall_ms,
            address=advertise,
            at_least_timeout_s=config.at_least_timeout_s,
            replicator=replicator,
            policy_index=policy_index,
            authorizer=authorizer,
            sessions=sealer,
        )
        self.services = services
        self.replicator = replicator
        self.metrics = NodeMetrics.create(replicator, state, self._wall_ms)
        authorizer.observe = _decision_observer(self.metrics)  # admin calls' and Authorize's
        services.gate = AdminGate(authorizer)
        audit = AuditLog(node_id, self._wall_ms, config.audit_path, config.audit_capacity)
        services.audit = audit
        metrics_server = MetricsServer(self.metrics.registry)
        should_bootstrap = config.bootstrap if config.bootstrap is not None else not config.peers
        if should_bootstrap and not state.view.accounts:
            await bootstrap(services, config)

        health_servicer = self._add_services(
            server, services, replicator, cluster_key, None if tls is None else tls.ca
        )
        await server.start()
        if config.metrics_port is not None:
            self.metrics_address = await metrics_server.start(host.strip("[]"), config.metrics_port)
            log.info("metrics at http://%s/metrics", self.metrics_address)
        _write_atomically(config.endpoint_path, self.address + "\n")
        await health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
        log.info(
            "node %s listening on %s%s (advertised as %s)%s",
            node_id,
            self.address,
            "" if self.peer_address is None else f", peers on {self.peer_address}",
            advertise,
            " with tls" if tls is not None else "",
        )
        self.ready.set()
        try:
            async with asyncio.TaskGroup() as tasks:
                background = [
                    tasks.create_task(self._flush_key_usage(db, auth)),
                    tasks.create_task(replicator.run()),
                    tasks.create_task(audit.run()),
                ]
                await self._stop.wait()
                await health_servicer.enter_graceful_shutdown()
                await server.stop(config.grace_s)
                for task in background:
                    task.cancel()
        finally:
            await metrics_server.close()
            await transport.close()
            await db.save_key_usage(auth.usage.values())

    def _add_services(
        self,
        server: grpc.aio.Server,
        services: NodeServices,
        replicator: Replicator,
        cluster_key: bytes,
        client_ca: bytes | None,
    ) -> health.aio.HealthServicer:  # type: ignore[name-defined]
        iam = iam_pb2.DESCRIPTOR.services_by_name["Iam"]
        node = node_pb2.DESCRIPTOR.services_by_name["Node"]
        accounts = node_pb2.DESCRIPTOR.services_by_name["Accounts"]
        peer = peer_pb2.DESCRIPTOR.services_by_name["Peer"]
        jwks = JwksCache(
            allow_insecure_loopback=self.config.allow_insecure_loopback_issuer,
            timeout_s=self.config.oidc_fetch_timeout_s,
            local_jwks=dict(self.config.oidc_jwks),
        )
        server.add_generic_rpc_handlers(
            (
                # First: its unsigned AssumeRoleWithWebIdentity precedes the signed table.
                *sts.sts_handlers(services, jwks),
                signin.SignInService(services, self.config.signin_rules).handlers(),
                method_handlers(iam, iam_pb2, IAM_HANDLERS, services),
                method_handlers(node, node_pb2, node_services.NODE_HANDLERS, services),
                method_handlers(accounts, node_pb2, node_services.ACCOUNT_HANDLERS, services),
                peer_handlers(replicator, cluster_key, self._wall_ms, client_ca),
                method_handlers(authz.SERVICE, authz_pb2, AUTHZ_HANDLERS, services),
                audit_service.audit_handlers(services),
            )
        )
        # grpc_health exports its asyncio servicer as `health.aio` without re-exporting it.
        health_servicer = health.aio.HealthServicer()  # type: ignore[attr-defined]
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
        reflection.enable_server_reflection(
            (
                iam.full_name,
                node.full_name,
                accounts.full_name,
                peer.full_name,
                authz.SERVICE.full_name,
                sts.SERVICE.full_name,
                signin.SERVICE.full_name,
                audit_service.SERVICE.full_name,
                health.SERVICE_NAME,
                reflection.SERVICE_NAME,
            ),
            server,
        )
        return health_servicer

    async def _flush_key_usage(self, db: Database, auth: Authenticator) -> None:
        while True:
            await asyncio.sleep(self.config.key_usage_flush_s)
            await db.save_key_usage(list(auth.usage.values()))


_DECISION_LABELS = {
    Outcome.ALLOW: "allow",
    Outcome.EXPLICIT_DENY: "explicit_deny",
    Outcome.IMPLICIT_DENY: "implicit_deny",
}


def _decision_observer(metrics: NodeMetrics) -> Callable[[float, Outcome], None]:
    # Each outcome's counter child is looked up once: this runs for every decision.
    counters = {
        outcome: metrics.authorization_decisions.labels(decision=label)
        for outcome, label in _DECISION_LABELS.items()
    }
    seconds_spent = metrics.authorization_seconds.observe

    def observe(seconds: float, outcome: Outcome) -> None:
        seconds_spent(seconds)
        counters[outcome].inc()

    return observe


def _tls_material(config: NodeConfig) -> TlsMaterial | None:
    files = (config.tls_cert, config.tls_key, config.tls_ca)
    if all(f is None for f in files):
        return None
    if config.tls_cert is None or config.tls_key is None or config.tls_ca is None:
        raise ValueError("tls needs a certificate, its key and the ca, not only some of them")
    return TlsMaterial.load(config.tls_cert, config.tls_key, config.tls_ca)


def _add_port(
    server: grpc.aio.Server, listen: str, tls: TlsMaterial | None, *, require_client_auth: bool
) -> str:
    """Listens on `listen` (TLS when given material); the actual HOST:PORT, or `unix:PATH`."""
    host, _, _ = listen.rpartition(":")
    if tls is None:
        port = server.add_insecure_port(listen)
    else:
        credentials = tls.server_credentials(require_client_auth=require_client_auth)
        port = server.add_secure_port(listen, credentials)
    # A Unix socket has no port: gRPC answers 1 for it, and its address is its path.
    return listen if listen.startswith(UNIX_PREFIX) else f"{host}:{port}"


def _write_atomically(path: os.PathLike[str] | str, text: str) -> None:
    temporary = f"{os.fspath(path)}.tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


async def run(config: NodeConfig) -> None:
    """Runs a node in the foreground until SIGTERM or SIGINT, then shuts it down cleanly."""
    node = Node(config)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, node.stop)
    await node.serve()

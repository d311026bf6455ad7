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
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
from google.protobuf.message import Message
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from iamstore.node import datadir, exposure
from iamstore.node.api import (
    audit_service,
    authz,
    authz_context_keys,
    authz_simulators,
    iam_account_details,
    iam_account_settings,
    iam_certificates,
    iam_credentials,
    iam_federation,
    iam_identities,
    iam_mfa,
    iam_policies,
    iam_roles,
    iam_saml,
    iam_service_access,
    iam_tagging,
    iam_user_keys,
    node_services,
    signin,
    sts,
    sts_web_identity,
)
from iamstore.node.api.context import NodeServices, Peer
from iamstore.node.api.dispatch import Handler, method_handlers
from iamstore.node.api.mfa_attempts import MfaAttempts
from iamstore.node.api.peer_service import peer_handlers
from iamstore.node.api.sts_saml import SamlSignIn
from iamstore.node.audit import AuditLog
from iamstore.node.auth.admin import AdminGate
from iamstore.node.auth.authenticate import Authenticator
from iamstore.node.auth.authorize import Authorizer
from iamstore.node.auth.index import PolicyIndex
from iamstore.node.auth.saml import AWS_SAML_ENDPOINT, SamlPolicy
from iamstore.node.auth.secretbox import SecretBox
from iamstore.node.auth.sessions import SessionSealer
from iamstore.node.auth.webidentity import JwksCache
from iamstore.node.config import NodeConfig
from iamstore.node.domain.aws_policies import shared_catalog
from iamstore.node.http.endpoint import QueryEndpoint
from iamstore.node.http.model import grpc_backed
from iamstore.node.ids import IdSource
from iamstore.node.metrics import MetricsServer, NodeMetrics
from iamstore.node.policy import Outcome
from iamstore.node.replication.clock import HybridClock
from iamstore.node.replication.commitsig import CommitSealer, CommitVerifier, load_signing_key
from iamstore.node.replication.gossip import Replicator
from iamstore.node.replication.grpc_transport import GrpcTransport
from iamstore.node.replication.identity import (
    PeerSetupError,
    certified_id,
    introduce_own_key,
    own_member_key,
)
from iamstore.node.replication.membership import Membership
from iamstore.node.replication.peerauth import load_cluster_key
from iamstore.node.replication.peertls import TlsMaterial
from iamstore.node.replication.transport import Transport
from iamstore.node.state import State, Writer
from iamstore.node.storage.database import Database
from iamstore.v1 import authz_pb2, iam_pb2, node_pb2, peer_pb2, sts_pb2
from iamstore.wire.credentials import Credentials, write_credentials_file

if TYPE_CHECKING:
    from iamstore.node.http.server import HttpServer

log = logging.getLogger("iamstore.node")

IAM_HANDLERS: dict[str, Handler] = {
    **iam_identities.HANDLERS,
    **iam_policies.HANDLERS,
    **iam_credentials.HANDLERS,
    **iam_mfa.HANDLERS,
    **iam_federation.HANDLERS,
    **iam_saml.HANDLERS,
    **iam_roles.HANDLERS,
    **iam_tagging.HANDLERS,
    **iam_account_settings.HANDLERS,
    **iam_account_details.HANDLERS,
    **iam_service_access.HANDLERS,
    **iam_certificates.HANDLERS,
    **iam_user_keys.HANDLERS,
}
AUTHZ_HANDLERS: dict[str, Handler] = {
    **authz.HANDLERS,
    **authz_simulators.HANDLERS,
    **authz_context_keys.HANDLERS,
}

# `--listen unix:PATH` serves on a Unix domain socket (gRPC's own address syntax).
UNIX_PREFIX = exposure.UNIX_PREFIX

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


async def _node_id(db: Database, certified: str | None) -> str:
    """The node's id: the one its certificate names (under TLS), else one it made for itself.

    INVARIANT: under TLS the stored id and the certificate's are the same; a data folder
    started with another member's certificate is refused, not renamed.
    """
    node_id = await db.get_meta("node_id")
    if certified is not None and node_id is not None and node_id != certified:
        raise PeerSetupError(
            f"this data folder belongs to node `{node_id}` but the tls certificate names "
            f"`{certified}`: use that node's certificate, or an empty data folder"
        )
    if node_id is None:
        node_id = certified or "n" + secrets.token_hex(6)
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
        self.http_url: str | None = None
        # The Query protocol front end once serving (the emulator serves it on its own port).
        self.query_endpoint: QueryEndpoint | None = None
        self._grpc_server: grpc.aio.Server | None = None  # stopped when `serve` ends

    def stop(self) -> None:
        self._stop.set()

    def _utcnow(self) -> datetime.datetime:
        """The node's clock (skew included) as a datetime: signature dates are checked on it."""
        return datetime.datetime.fromtimestamp(self._wall_ms() / 1000, datetime.UTC)

    async def serve(self) -> None:
        config = self.config
        with datadir.claim(config.data_dir):
            # INVARIANT: the database file is 0600 before SQLite opens it, so the WAL and SHM
            # files SQLite creates beside it get the same mode; make_private checks them after.
            os.close(datadir.open_private(config.database_path, os.O_RDWR))
            db = await Database.open(config.database_path, config.synchronous)
            try:
                datadir.make_private(config.data_dir)
                await self._serve(db)
            finally:
                # INVARIANT: the database closes however the server's stop ends (a second
                # cancellation, a failed stop): a connection left open keeps its thread.
                try:
                    await self._stop_grpc_server()
                finally:
                    await asyncio.shield(db.close())

    async def _stop_grpc_server(self) -> None:
        """Stops the gRPC server however `_serve` ended: a failed start or a background task
        that raised skips its graceful stop. A server left running would keep answering on a
        closed database, and outlive its event loop (gRPC then fails when collecting it).
        Stopping a server already stopped does nothing."""
        server, self._grpc_server = self._grpc_server, None
        if server is not None:
            await server.stop(None)

    async def _serve(self, db: Database) -> None:
        config = self.config
        tls = _tls_material(config)
        serve_peers = self._check_peer_channel(tls)
        node_id = await _node_id(db, None if tls is None else certified_id(tls))
        state = await State.load(db)
        clock = HybridClock(self._wall_ms)
        clock.witness_local(await db.max_hlc())
        box = SecretBox.from_file(config.secrets_key_path)
        sealer = SessionSealer(_session_key(config))
        cluster_key = load_cluster_key(config.cluster_key_path)
        signing_key = load_signing_key(config.commit_key_path)
        commit_sealer = CommitSealer(signing_key)
        writer = Writer(state, node_id, clock, commit_sealer.seal)
        # Before anything else is written: a member's first commit introduces its key.
        await introduce_own_key(writer, own_member_key(signing_key, tls, node_id, self._wall_ms()))
        auth = Authenticator(
            state.view,
            box,
            host=config.host,
            region=config.region,
            now=self._utcnow,
            keys_per_owner=config.quotas.access_keys_per_user,
            sealer=sealer,
            unknown_keys_as_root_of=config.emulator_account,
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

        server = self._grpc_server = grpc.aio.server(options=SERVER_OPTIONS)
        # Metrics are served over TCP on the listen host (loopback when listening on a socket).
        unix = config.listen.startswith(UNIX_PREFIX)
        host = "127.0.0.1" if unix else config.listen.rpartition(":")[0]
        self.address = _add_port(server, config.listen, tls, require_client_auth=False)
        exposure.warn_if_plaintext_beyond_loopback(config.listen, tls is not None, log)
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
            seal=commit_sealer.seal,
            verifier=CommitVerifier(None if tls is None else tls.ca),
        )
        services = NodeServices(
            node_id=node_id,
            state=state,
            writer=writer,
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
            mfa_attempts=MfaAttempts(node_id, config.mfa_rules),
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

        peer_service = (
            peer_handlers(
                replicator,
                cluster_key,
                self._wall_ms,
                None if tls is None else tls.ca,
                previous_key=_read_if_present(config.previous_cluster_key_path),
            )
            if serve_peers
            else None
        )
        jwks = JwksCache(
            allow_insecure_loopback=self.config.allow_insecure_loopback_issuer,
            timeout_s=self.config.oidc_fetch_timeout_s,
            local_jwks=dict(self.config.oidc_jwks),
            allowed_networks=self.config.oidc_allowed_networks,
        )
        saml_sign_in = SamlSignIn(services, self._saml_policy())
        health_servicer = self._add_services(server, services, peer_service, jwks, saml_sign_in)
        await server.start()
        self.query_endpoint = self._query_endpoint(services, jwks, saml_sign_in)
        http_server = self._http_server(self.query_endpoint)
        if http_server is not None:
            scheme = "http" if config.tls_cert is None else "https"
            self.http_url = f"{scheme}://{await http_server.start()}"
            datadir.write_private(config.http_endpoint_path, (self.http_url + "\n").encode())
            log.info("aws query api (iam, sts) at %s", self.http_url)
        if config.metrics_port is not None:
            self.metrics_address = await metrics_server.start(host.strip("[]"), config.metrics_port)
            log.info("metrics at http://%s/metrics", self.metrics_address)
        datadir.write_private(config.endpoint_path, (self.address + "\n").encode())
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
                    # After readiness, so start-up does not wait for it; a request that needs
                    # AWS managed policies before it is done waits on the same lock instead
                    # of parsing the data again.
                    tasks.create_task(asyncio.to_thread(shared_catalog)),
                ]
                await self._stop.wait()
                await health_servicer.enter_graceful_shutdown()
                if http_server is not None:
                    await http_server.close(config.grace_s)
                await server.stop(config.grace_s)
                for task in background:
                    task.cancel()
        finally:
            await metrics_server.close()
            await transport.close()
            await db.save_key_usage(auth.usage.values())

    def _check_peer_channel(self, tls: TlsMaterial | None) -> bool:
        """Whether to serve the Peer service; raises PeerSetupError for a plaintext peer
        channel nobody asked for. Mutual TLS is the default; plaintext is a loud opt-in."""
        config = self.config
        if tls is not None or self._transport is not None:
            return True  # an injected transport (tests, simulation) carries no gRPC peers
        if config.insecure_peer_plaintext:
            log.warning(
                "INSECURE: peers talk in plaintext (--insecure-peer-plaintext): anyone on the "
                "network path reads the replica, and members are known only by the cluster "
                "key. For development only; give --tls-cert, --tls-key and --tls-ca instead"
            )
            return True
        if config.peers or config.peer_listen is not None:
            raise PeerSetupError(
                "peers need mutual tls: give --tls-cert, --tls-key and --tls-ca (or, for "
                "development only, --insecure-peer-plaintext)"
            )
        log.info("no tls material: this node serves clients only, no peers")
        return False

    def _saml_policy(self) -> SamlPolicy:
        endpoints = tuple(dict.fromkeys((AWS_SAML_ENDPOINT, *self.config.saml_endpoints)))
        return SamlPolicy(endpoints, self.config.saml_skew_s, self.config.saml_allow_sha1)

    def _add_services(
        self,
        server: grpc.aio.Server,
        services: NodeServices,
        peer_service: grpc.GenericRpcHandler[Any, Any] | None,
        jwks: JwksCache,
        saml_sign_in: SamlSignIn,
    ) -> health.aio.HealthServicer:  # type: ignore[name-defined]
        iam = iam_pb2.DESCRIPTOR.services_by_name["Iam"]
        node = node_pb2.DESCRIPTOR.services_by_name["Node"]
        accounts = node_pb2.DESCRIPTOR.services_by_name["Accounts"]
        peer = peer_pb2.DESCRIPTOR.services_by_name["Peer"]
        server.add_generic_rpc_handlers(
            (
                # First: its unsigned AssumeRoleWithWebIdentity precedes the signed table.
                *sts.sts_handlers(services, jwks, saml_sign_in),
                signin.SignInService(services, self.config.signin_rules).handlers(),
                method_handlers(iam, iam_pb2, IAM_HANDLERS, services),
                method_handlers(node, node_pb2, node_services.NODE_HANDLERS, services),
                method_handlers(accounts, node_pb2, node_services.ACCOUNT_HANDLERS, services),
                *(() if peer_service is None else (peer_service,)),
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

    def _query_endpoint(
        self, services: NodeServices, jwks: JwksCache, saml_sign_in: SamlSignIn
    ) -> QueryEndpoint:
        """IAM and STS over HTTP (AWS's Query protocol), answered by the gRPC handlers."""
        iam = grpc_backed(
            "iam",
            iam_pb2.DESCRIPTOR.services_by_name["Iam"],
            iam_pb2,
            IAM_HANDLERS,
            also=[(authz.SERVICE, authz_pb2, AUTHZ_HANDLERS)],
        )
        sts_service = grpc_backed("sts", sts.SERVICE, sts_pb2, sts.signed_handlers())

        async def web_identity(peer: Peer, request: Message) -> Message:
            return await sts_web_identity.assume_role_with_web_identity(
                services, jwks, peer, request
            )

        async def saml(peer: Peer, request: Message) -> Message:
            if not isinstance(request, sts_pb2.AssumeRoleWithSAMLRequest):
                raise TypeError("not an AssumeRoleWithSAMLRequest")
            return await saml_sign_in.assume(peer, request)

        # Unsigned, as in AWS: the token or the assertion is the credential. One SamlSignIn
        # serves both wires, so an assertion used over gRPC is refused over HTTP too.
        unsigned = {"AssumeRoleWithWebIdentity": web_identity, "AssumeRoleWithSAML": saml}
        return QueryEndpoint(services, (iam, sts_service), unsigned)

    def _http_server(self, endpoint: QueryEndpoint) -> HttpServer | None:
        config = self.config
        if config.http_listen is None:
            return None
        # Imported here: a node without an HTTP port does not load the HTTP library.
        from iamstore.node.http.server import HttpServer, server_ssl_context

        context = None
        if config.tls_cert is not None and config.tls_key is not None:
            context = server_ssl_context(config.tls_cert, config.tls_key)
        return HttpServer(endpoint, config.http_listen, ssl_context=context)

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


def _read_if_present(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def _session_key(config: NodeConfig) -> bytes:
    """The key session tokens are sealed with: `session.key` (rotated by `iamstore cluster
    rotate-keys`), else, for clusters made before it existed, the secrets key."""
    path = config.session_key_path
    return (path if path.exists() else config.secrets_key_path).read_bytes()


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


async def run(config: NodeConfig) -> None:
    """Runs a node in the foreground until SIGTERM or SIGINT, then shuts it down cleanly."""
    node = Node(config)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, node.stop)
    await node.serve()

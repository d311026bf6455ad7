"""Builds every component of a node, in dependency order, into one frozen `BuiltNode`.

Nothing here serves, starts a task or waits for a peer (node/server.py runs what this builds):
it opens the keys, loads the replica, binds the listening ports and wires the components
together, so that every component exists before anything that uses it, and the API's
`NodeComponents` is complete when it is made.
"""

from __future__ import annotations

import datetime
import enum
import logging
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
from google.protobuf.message import Message
from grpc_health.v1 import health
from grpc_reflection.v1alpha import reflection

from iamstore.node import exposure
from iamstore.node.api import (
    access_analyzer,
    account_import,
    audit_service,
    authz,
    authz_context_keys,
    authz_simulators,
    iam_account_details,
    iam_account_settings,
    iam_certificates,
    iam_credential_report,
    iam_credentials,
    iam_federation,
    iam_identities,
    iam_last_accessed,
    iam_mfa,
    iam_policies,
    iam_roles,
    iam_saml,
    iam_service_access,
    iam_tagging,
    iam_user_keys,
    node_and_accounts,
    signin,
    sts,
    sts_web_identity,
)
from iamstore.node.api.call import CallerConnection, NodeComponents
from iamstore.node.api.dispatch import Handler, method_handlers
from iamstore.node.api.import_staging import ImportStaging
from iamstore.node.api.mfa_attempts import MfaAttempts
from iamstore.node.api.offload import EvaluationWorker
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
from iamstore.node.auth.totp import UsedSteps
from iamstore.node.auth.webidentity import JwksCache
from iamstore.node.commits.clock import HybridClock
from iamstore.node.config import NodeConfig
from iamstore.node.http.endpoint import QueryEndpoint
from iamstore.node.http.model import grpc_backed
from iamstore.node.ids import IdSource
from iamstore.node.metrics import MetricsServer, NodeMetrics, UsageCollector
from iamstore.node.policy import Outcome
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
from iamstore.node.state.usage import UsageTracker
from iamstore.node.storage.database import Database, KeyUsage
from iamstore.v1 import authz_pb2, iam_pb2, node_pb2, peer_pb2, sts_pb2, transfer_pb2

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
    **iam_credential_report.HANDLERS,
    **iam_last_accessed.HANDLERS,
    **iam_certificates.HANDLERS,
    **iam_user_keys.HANDLERS,
}
AUTHZ_HANDLERS: dict[str, Handler] = {
    **authz.HANDLERS,
    **authz_simulators.HANDLERS,
    **authz_context_keys.HANDLERS,
    **access_analyzer.HANDLERS,
}

# `--listen unix:PATH` serves on a Unix domain socket (gRPC's own address syntax).
UNIX_PREFIX = exposure.UNIX_PREFIX

# Registered by their own libraries (grpc_health, grpc_reflection), listed by reflection.
LIBRARY_SERVICES = (health.SERVICE_NAME, reflection.SERVICE_NAME)


class CallAuthentication(enum.Enum):
    """How a served service knows who calls it."""

    # Every call signed with an access key (SigV4, node/auth/authenticate.py).
    SIGV4 = "sigv4"
    # The request carries its own credential: a web identity token, a SAML assertion, a
    # password (AssumeRoleWithWebIdentity, AssumeRoleWithSAML, SignIn), as in AWS.
    IN_REQUEST = "in-request"
    # Members only: the cluster key's MAC and, under TLS, the member's certificate
    # (node/replication/peerauth.py).
    PEER = "peer"


@dataclass(frozen=True, slots=True)
class ServedService:
    """One row of the table that both gRPC registration and reflection read.

    A service may take two rows (STS: its unsigned operations, then the signed ones); gRPC
    asks the handlers in order, so a row's handler answers only the methods it names.
    """

    name: str  # the fully qualified service name, as reflection lists it
    handler: grpc.GenericRpcHandler[Any, Any]
    authentication: CallAuthentication


@dataclass(frozen=True, slots=True)
class Listening:
    """Where the node listens; ports are bound when the node is built."""

    address: str  # clients: HOST:PORT, or unix:PATH
    peer_address: str | None  # peers' own port (--peer-listen), None when they share `address`
    advertised: str  # what members and Status callers are told
    metrics_host: str  # the host metrics are served on (loopback under a Unix socket)


@dataclass(frozen=True, slots=True)
class BuiltNode:
    """Every component of one node, built and wired, nothing started."""

    components: NodeComponents
    db: Database
    grpc_server: grpc.aio.Server
    services: tuple[ServedService, ...]
    listening: Listening
    tls: bool
    transport: Transport
    metrics: NodeMetrics
    metrics_server: MetricsServer
    query_endpoint: QueryEndpoint
    # None when the node has no --http-listen: only `server.run_node` reads it, to start and
    # stop it, so no handler ever checks for it.
    http_server: HttpServer | None

    def reflected_names(self) -> tuple[str, ...]:
        """What server reflection lists: each served service once, then the libraries'."""
        return (*dict.fromkeys(s.name for s in self.services), *LIBRARY_SERVICES)


@dataclass(frozen=True, slots=True)
class Injected:
    """What tests and the model checker replace: randomness, time, the peer transport."""

    ids: IdSource
    wall_ms: Callable[[], int]
    rng: random.Random
    # An in-memory transport (tests, the in-memory cluster); None: peers talk gRPC.
    transport: Transport | None


async def build(
    config: NodeConfig, db: Database, server: grpc.aio.Server, injected: Injected
) -> BuiltNode:
    """Builds a node on an open database and a gRPC server not yet started.

    The caller owns `server` (it stops it however this ends). The one write here is the
    member's own key, introduced before anything else is written.
    """
    wall_ms = injected.wall_ms

    def utcnow() -> datetime.datetime:
        """The node's clock (skew included): signature dates are checked on it."""
        return datetime.datetime.fromtimestamp(wall_ms() / 1000, datetime.UTC)

    tls = _tls_material(config)
    serve_peers = _check_peer_channel(config, tls, injected.transport)
    node_id = await _node_id(db, None if tls is None else certified_id(tls))
    state = await State.load(db)
    clock = HybridClock(wall_ms)
    clock.witness_local(await db.max_hlc())
    box = SecretBox.from_file(config.secrets_key_path)
    sealer = SessionSealer(_session_key(config))
    cluster_key = load_cluster_key(config.cluster_key_path)
    signing_key = load_signing_key(config.commit_key_path)
    commit_sealer = CommitSealer(signing_key)
    writer = Writer(state, node_id, clock, commit_sealer.seal)
    # Before anything else is written: a member's first commit introduces its key.
    await introduce_own_key(writer, own_member_key(signing_key, tls, node_id, wall_ms()))
    auth = Authenticator(
        state.view,
        box,
        host=config.host,
        region=config.region,
        now=utcnow,
        keys_per_owner=config.quotas.access_keys_per_user,
        sealer=sealer,
        unknown_keys_as_root_of=config.emulator_account,
    )
    usage = UsageTracker(
        node_id,
        region=config.region,
        max_pending=config.usage_max_pending,
        resolution_ms=config.usage_resolution_ms,
        max_stamps=config.usage_max_stamps,
    )
    # This node's own stamps, and what an older version kept in its local table.
    auth.usage.update({u.access_key_id: u for u in await db.load_key_usage()})
    for key_id, (used_ms, service, region) in usage.own_key_uses(state.view).items():
        known = auth.usage.get(key_id)
        if known is None or known.used_ms < used_ms:
            auth.usage[key_id] = KeyUsage(key_id, used_ms, service, region)
    # INVARIANT: the index, then the authorizer, then the replicator watch the state, in this
    # order, so a commit's policies are indexed before anything else sees the commit.
    metrics = NodeMetrics.create()
    metrics.registry.register(UsageCollector(usage))
    policy_index = PolicyIndex(state.view)
    state.on_change(policy_index.on_commits)
    authorizer = Authorizer(
        state.view,
        policy_index,
        now=utcnow,
        region=config.region,
        epoch_ms=wall_ms,
        observe=_decision_observer(metrics),  # admin calls' and Authorize's decisions
    )
    state.on_change(authorizer.on_commits)

    listening = _listen(config, server, tls)
    transport = injected.transport or GrpcTransport(
        cluster_key,
        node_id,
        wall_ms,
        config.gossip.timeout_s,
        credentials=None if tls is None else tls.channel_credentials(),
    )
    replicator = Replicator(
        state=state,
        db=db,
        clock=clock,
        transport=transport,
        membership=Membership(node_id, listening.advertised, config.peers),
        now_ms=wall_ms,
        rng=injected.rng,
        config=config.gossip,
        seal=commit_sealer.seal,
        verifier=CommitVerifier(None if tls is None else tls.ca),
    )
    metrics.watch_replication(replicator, state, wall_ms)
    components = NodeComponents(
        node_id=node_id,
        address=listening.advertised,
        state=state,
        writer=writer,
        auth=auth,
        box=box,
        ids=injected.ids,
        quotas=config.quotas,
        now_ms=wall_ms,
        at_least_timeout_s=config.at_least_timeout_s,
        replicator=replicator,
        policy_index=policy_index,
        authorizer=authorizer,
        sessions=sealer,
        gate=AdminGate(authorizer),
        audit=AuditLog(node_id, wall_ms, config.audit_path, config.audit_capacity),
        mfa_attempts=MfaAttempts(node_id, config.mfa_rules),
        mfa_steps=UsedSteps(),
        evaluations=EvaluationWorker(),
        usage=usage,
        credential_reports={},
        imports=ImportStaging(),
    )
    jwks = JwksCache(
        allow_insecure_loopback=config.allow_insecure_loopback_issuer,
        timeout_s=config.oidc_fetch_timeout_s,
        local_jwks=dict(config.oidc_jwks),
        allowed_networks=config.oidc_allowed_networks,
    )
    # One SamlSignIn serves both wires, so an assertion used over gRPC is refused over HTTP.
    saml_sign_in = SamlSignIn(components, _saml_policy(config))
    peer_service = (
        ServedService(
            peer_pb2.DESCRIPTOR.services_by_name["Peer"].full_name,
            peer_handlers(
                replicator,
                cluster_key,
                wall_ms,
                None if tls is None else tls.ca,
                previous_key=_read_if_present(config.previous_cluster_key_path),
            ),
            CallAuthentication.PEER,
        )
        if serve_peers
        else None
    )
    services = served_services(components, config, jwks, saml_sign_in, peer_service)
    server.add_generic_rpc_handlers(tuple(s.handler for s in services))
    query_endpoint = _query_endpoint(components, jwks, saml_sign_in)
    return BuiltNode(
        components=components,
        db=db,
        grpc_server=server,
        services=services,
        listening=listening,
        tls=tls is not None,
        transport=transport,
        metrics=metrics,
        metrics_server=MetricsServer(metrics.registry),
        query_endpoint=query_endpoint,
        http_server=_http_server(config, query_endpoint),
    )


def served_services(
    components: NodeComponents,
    config: NodeConfig,
    jwks: JwksCache,
    saml_sign_in: SamlSignIn,
    peer_service: ServedService | None,
) -> tuple[ServedService, ...]:
    """The table of what the node serves over gRPC, in the order gRPC asks the handlers."""
    iam = iam_pb2.DESCRIPTOR.services_by_name["Iam"]
    node = node_pb2.DESCRIPTOR.services_by_name["Node"]
    accounts = node_pb2.DESCRIPTOR.services_by_name["Accounts"]
    sigv4, in_request = CallAuthentication.SIGV4, CallAuthentication.IN_REQUEST
    return (
        # First: its unsigned AssumeRoleWithWebIdentity and AssumeRoleWithSAML precede the
        # signed table of the same service.
        ServedService(
            sts.SERVICE.full_name, sts.unsigned_handlers(components, jwks, saml_sign_in), in_request
        ),
        ServedService(sts.SERVICE.full_name, sts.signed_service(components), sigv4),
        ServedService(
            signin.SERVICE.full_name,
            signin.SignInService(components, config.signin_rules).handlers(),
            in_request,
        ),
        ServedService(
            iam.full_name, method_handlers(iam, iam_pb2, IAM_HANDLERS, components), sigv4
        ),
        ServedService(
            node.full_name,
            method_handlers(node, node_pb2, node_and_accounts.NODE_HANDLERS, components),
            sigv4,
        ),
        ServedService(
            accounts.full_name,
            method_handlers(accounts, node_pb2, node_and_accounts.ACCOUNT_HANDLERS, components),
            sigv4,
        ),
        *(() if peer_service is None else (peer_service,)),
        ServedService(
            authz.SERVICE.full_name,
            method_handlers(authz.SERVICE, authz_pb2, AUTHZ_HANDLERS, components),
            sigv4,
        ),
        ServedService(
            audit_service.SERVICE.full_name, audit_service.audit_handlers(components), sigv4
        ),
        ServedService(
            account_import.SERVICE.full_name,
            method_handlers(
                account_import.SERVICE, transfer_pb2, account_import.HANDLERS, components
            ),
            sigv4,
        ),
    )


def _listen(config: NodeConfig, server: grpc.aio.Server, tls: TlsMaterial | None) -> Listening:
    address = _add_port(server, config.listen, tls, require_client_auth=False)
    exposure.warn_if_plaintext_beyond_loopback(config.listen, tls is not None, log)
    peer_address = None
    if config.peer_listen is not None:
        # Peers get their own port: only there does gRPC ask for a client certificate.
        peer_address = _add_port(server, config.peer_listen, tls, require_client_auth=True)
    elif tls is not None and config.peers:
        log.warning("tls without --peer-listen: peers cannot present a client certificate")
    # Metrics are served over TCP on the listen host (loopback when listening on a socket).
    unix = config.listen.startswith(UNIX_PREFIX)
    metrics_host = "127.0.0.1" if unix else config.listen.rpartition(":")[0]
    return Listening(
        address=address,
        peer_address=peer_address,
        advertised=config.advertise or peer_address or address,
        metrics_host=metrics_host.strip("[]"),
    )


def _check_peer_channel(
    config: NodeConfig, tls: TlsMaterial | None, injected: Transport | None
) -> bool:
    """Whether to serve the Peer service; raises PeerSetupError for a plaintext peer
    channel nobody asked for. Mutual TLS is the default; plaintext is a loud opt-in."""
    if tls is not None or injected is not None:
        return True  # an injected transport (tests, in-memory clusters) carries no gRPC peers
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


def _saml_policy(config: NodeConfig) -> SamlPolicy:
    endpoints = tuple(dict.fromkeys((AWS_SAML_ENDPOINT, *config.saml_endpoints)))
    return SamlPolicy(endpoints, config.saml_skew_s, config.saml_allow_sha1)


def _query_endpoint(
    components: NodeComponents, jwks: JwksCache, saml_sign_in: SamlSignIn
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

    async def web_identity(connection: CallerConnection, request: Message) -> Message:
        return await sts_web_identity.assume_role_with_web_identity(
            components, jwks, connection, request
        )

    async def saml(connection: CallerConnection, request: Message) -> Message:
        if not isinstance(request, sts_pb2.AssumeRoleWithSAMLRequest):
            raise TypeError("not an AssumeRoleWithSAMLRequest")
        return await saml_sign_in.assume(connection, request)

    # Unsigned, as in AWS: the token or the assertion is the credential.
    unsigned = {"AssumeRoleWithWebIdentity": web_identity, "AssumeRoleWithSAML": saml}
    return QueryEndpoint(components, (iam, sts_service), unsigned)


def _http_server(config: NodeConfig, endpoint: QueryEndpoint) -> HttpServer | None:
    if config.http_listen is None:
        return None
    # Imported here: a node without an HTTP port does not load the HTTP library.
    from iamstore.node.http.server import HttpServer, server_ssl_context

    context = None
    if config.tls_cert is not None and config.tls_key is not None:
        context = server_ssl_context(config.tls_cert, config.tls_key)
    return HttpServer(endpoint, config.http_listen, ssl_context=context)


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

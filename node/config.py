"""The node's configuration: where it keeps data, where it listens, how it signs and limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from iamstore.node.audit import AuditCapacity
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.signin import SignInRules
from iamstore.node.replication.gossip import GossipConfig
from iamstore.wire.sigv4 import DEFAULT_HOST, DEFAULT_REGION

DATABASE_FILE = "iamstore.db"  # the replica, in the node's data folder


@dataclass(frozen=True, slots=True)
class NodeConfig:
    data_dir: Path
    listen: str = "127.0.0.1:7001"
    # The logical host and region every signature is scoped to (both sides must agree).
    host: str = DEFAULT_HOST
    region: str = DEFAULT_REGION
    quotas: Quotas = field(default_factory=Quotas)
    # SQLite's synchronous mode: FULL survives power loss; NORMAL survives only `kill -9`.
    synchronous: str = "FULL"
    # Last use of keys, passwords, services and actions (node/state/usage.py): how often this
    # node writes its recent uses as replicated stamps, how far a stamp's time must move on to
    # be written again, how many distinct (principal, action) pairs it holds between two
    # writes, and how many stamps of its own it keeps at most.
    usage_flush_s: float = 30.0
    usage_resolution_ms: int = 60_000
    usage_max_pending: int = 100_000
    usage_max_stamps: int = 1_000_000
    grace_s: float = 5.0
    # Replication: the addresses of other members to start from, and how to be reached.
    peers: tuple[str, ...] = ()
    advertise: str | None = None
    # Make the management account on an empty store: None means "only when running alone".
    bootstrap: bool | None = None
    gossip: GossipConfig = field(default_factory=GossipConfig)
    # How long a call carrying a consistency token may wait for this replica to cover it.
    at_least_timeout_s: float = 5.0
    # Serve Prometheus metrics over HTTP on this port of the listen host (0: any free port).
    metrics_port: int | None = None
    # Web identity: accept an `http://127.0.0.1` OIDC issuer (tests serve keys on loopback).
    # Off by default: in production every issuer and key set is fetched over https.
    allow_insecure_loopback_issuer: bool = False
    # How long fetching an OIDC provider's discovery document or key set may take.
    oidc_fetch_timeout_s: float = 5.0
    # (issuer URL, JWKS file): these issuers' signing keys are read from the file instead of
    # fetched (air-gapped clusters); every other issuer's keys are fetched over https.
    oidc_jwks: tuple[tuple[str, Path], ...] = ()
    # Networks (CIDRs) an OIDC issuer may be fetched from even though they are not public
    # (loopback, private, link-local...): air-gapped issuers. Nothing else private is reached.
    oidc_allowed_networks: tuple[str, ...] = ()
    # Recent audit events kept in memory for ListAuditEvents, per account and apart for
    # authentication failures (the file keeps them all).
    audit_capacity: AuditCapacity = field(default_factory=AuditCapacity)
    # SAML: the URLs this cluster's assertions may name as Recipient and Audience, besides
    # AWS's `https://signin.aws.amazon.com/saml` (which IdPs set up for AWS already use).
    saml_endpoints: tuple[str, ...] = ()
    # Accept SHA-1 signatures and digests in SAML assertions (old AD FS setups); off by default.
    saml_allow_sha1: bool = False
    # How far a SAML assertion's NotBefore/NotOnOrAfter may be off this node's clock.
    saml_skew_s: int = 300
    # Added to the real wall clock everywhere the node reads time (HLC, peer signing,
    # authorization context): chaos runs use it to skew one node's clock.
    clock_skew_ms: int = 0
    # How failed sign-ins slow down and then lock a user name on this node (never replicated).
    signin_rules: SignInRules = field(default_factory=SignInRules)
    # How failed MFA codes given to STS slow down and then lock an MFA device, counted
    # across the cluster (the hash limits of SignInRules do not apply to codes).
    mfa_rules: SignInRules = field(default_factory=SignInRules)
    # TLS: this node's certificate and key (PEM), shown to clients and peers, and the CA that
    # signs every member's certificate. All three or none; none serves plaintext.
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_ca: Path | None = None
    # A second HOST:PORT for the Peer service only. With TLS it demands a client certificate
    # signed by the CA (mutual TLS); peers must then be given (and advertised) this address.
    peer_listen: str | None = None
    # Development only: let peers talk without TLS (cluster-key MACs only). Without it, a node
    # with peers refuses to start unless it has TLS material (node/replication/peertls.py).
    insecure_peer_plaintext: bool = False
    # HOST:PORT for AWS's own wire protocol (IAM and STS over HTTP, the Query protocol);
    # None serves gRPC only. TLS, when configured, covers it with the same certificate.
    http_listen: str | None = None
    # Emulator mode (`iamstore emulator` only): made-up access keys (no iamstore node issued
    # them) act as the root of this account, which the node bootstraps. None everywhere else.
    emulator_account: str | None = None

    @property
    def database_path(self) -> Path:
        return self.data_dir / DATABASE_FILE

    @property
    def secrets_key_path(self) -> Path:
        """Seals secrets at rest; the same file on every member, which opens replicated keys."""
        return self.data_dir / "secrets.key"

    @property
    def root_credentials_path(self) -> Path:
        return self.data_dir / "root-credentials"

    @property
    def cluster_key_path(self) -> Path:
        """The key peers authenticate each other with; the same file on every member."""
        return self.data_dir / "cluster.key"

    @property
    def previous_cluster_key_path(self) -> Path:
        """The cluster key before the last rotation (optional): it admits nothing, but lets
        the node tell a removed member, which holds only that key, why it is refused."""
        return self.data_dir / "cluster.key.previous"

    @property
    def commit_key_path(self) -> Path:
        """This member's own commit-signing key (Ed25519), never copied to another member:
        beside its TLS certificate, which names it; without TLS, in the data folder."""
        folder = self.data_dir if self.tls_cert is None else self.tls_cert.parent
        return folder / "commit.key"

    @property
    def session_key_path(self) -> Path:
        """Seals STS session tokens; the same file on every member. Absent, the key is
        derived from the secrets key (clusters made before it existed)."""
        return self.data_dir / "session.key"

    @property
    def audit_path(self) -> Path:
        """Audit events as JSON lines, appended by the node (never replicated)."""
        return self.data_dir / "audit.jsonl"

    @property
    def http_endpoint_path(self) -> Path:
        """Written once the HTTP port listens: its URL (`http://HOST:PORT`, or https)."""
        return self.data_dir / "http-endpoint"

    @property
    def endpoint_path(self) -> Path:
        """Written once the node listens: its actual address (useful with port 0)."""
        return self.data_dir / "endpoint"

"""This node's identity among its peers: its node id as its certificate names it, and the
record of its commit-signing key that its first commit introduces."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from iamstore.node.domain.cluster import MemberKeyConflictError, introduce_member_key
from iamstore.node.domain.entities import MemberKey
from iamstore.node.replication.commitsig import certified_commit_key, raw_public_key
from iamstore.node.replication.peertls import PeerCertificateError, TlsMaterial
from iamstore.node.state import Writer


class PeerSetupError(Exception):
    """The node's peer channel or identity cannot be set up as configured (it refuses to
    start)."""


def own_member_key(
    signing_key: Ed25519PrivateKey, tls: TlsMaterial | None, node_id: str, now_ms: int
) -> MemberKey:
    """This node's key record; under TLS its certificate must name the key."""
    public_key = raw_public_key(signing_key)
    if tls is None:
        return MemberKey(node_id, public_key, b"", now_ms)
    if certified_commit_key(x509.load_pem_x509_certificate(tls.cert)) != public_key:
        raise PeerSetupError(
            "--tls-cert does not name this node's commit-signing key (commit.key beside it): "
            "issue the certificate for that key"
        )
    return MemberKey(node_id, public_key, tls.cert, now_ms)


async def introduce_own_key(writer: Writer, record: MemberKey) -> None:
    try:
        await writer.write(
            "node", "IntroduceMemberKey", lambda view: (introduce_member_key(view, record), None)
        )
    except MemberKeyConflictError as err:
        raise PeerSetupError(f"{err}: start this data folder with its own commit.key") from None


def certified_id(tls: TlsMaterial) -> str:
    try:
        return tls.node_id
    except PeerCertificateError as err:
        raise PeerSetupError(f"--tls-cert: {err}; issue it again naming the node id") from None

"""TLS between members: the node's server and peer-channel credentials, and the check that a
Peer call came with a client certificate the cluster's CA signed, naming the caller's node id.

A member's identity is its node id as its certificate names it (a URI subject alternative
name `urn:iamstore:node:ID`), never a field the caller asserts: the Peer service refuses a
call whose stated id differs, and a node takes its own id from its certificate.

gRPC asks a TLS client for its certificate only on a port made with
`require_client_auth=True` (with it off, no certificate is requested, so none is ever seen).
Clients present no certificate, so the node serves them on its main port and serves peers on a
second, mutual-TLS port (`peer_listen`). The Peer service checks the certificate itself as
well, so reaching it through the client port without one is refused, and the cluster-key MAC
is still required on top (defence in depth).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import grpc
from cryptography import x509
from cryptography.exceptions import InvalidSignature

PEM_CERT_KEY = "x509_pem_cert"
NODE_ID_URI_PREFIX = "urn:iamstore:node:"


class PeerCertificateError(Exception):
    """A Peer call without a client certificate signed by the cluster's CA."""


@dataclass(frozen=True, slots=True)
class TlsMaterial:
    """The PEM bytes of a node's certificate, its key and the cluster's CA."""

    cert: bytes
    key: bytes
    ca: bytes

    @classmethod
    def load(cls, cert: Path, key: Path, ca: Path) -> TlsMaterial:
        return cls(cert.read_bytes(), key.read_bytes(), ca.read_bytes())

    @property
    def node_id(self) -> str:
        """The node id this node's own certificate names; PeerCertificateError if none."""
        return certificate_node_id(x509.load_pem_x509_certificate(self.cert))

    def server_credentials(self, *, require_client_auth: bool) -> grpc.ServerCredentials:
        return grpc.ssl_server_credentials(
            [(self.key, self.cert)],
            root_certificates=self.ca,
            require_client_auth=require_client_auth,
        )

    def channel_credentials(self) -> grpc.ChannelCredentials:
        """For dialling peers: verifies them against the CA and shows our certificate."""
        return grpc.ssl_channel_credentials(
            root_certificates=self.ca, private_key=self.key, certificate_chain=self.cert
        )


def node_id_uri(node_id: str) -> str:
    return NODE_ID_URI_PREFIX + node_id


def certificate_node_id(cert: x509.Certificate) -> str:
    """The one node id `cert` names; PeerCertificateError when it names none, or several."""
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        names = None
    uris = [] if names is None else names.get_values_for_type(x509.UniformResourceIdentifier)
    ids = [u.removeprefix(NODE_ID_URI_PREFIX) for u in uris if u.startswith(NODE_ID_URI_PREFIX)]
    if len(ids) != 1 or not ids[0]:
        raise PeerCertificateError(
            f"certificate names no single node id (a `{NODE_ID_URI_PREFIX}ID` uri)"
        )
    return ids[0]


def verify_peer_certificate(
    ca_pem: bytes, auth_context: Mapping[str, Iterable[bytes]], now: datetime.datetime
) -> str:
    """Returns the node id the caller's certificate names, or raises PeerCertificateError.

    INVARIANT: passes only for a certificate issued directly by the CA, within its validity,
    with the clientAuth usage; gRPC has already checked that the caller holds its key.
    """
    pem = next(iter(auth_context.get(PEM_CERT_KEY, ())), None)
    if pem is None:
        raise PeerCertificateError("peer request without a client certificate")
    try:
        cert = x509.load_pem_x509_certificate(pem)
        ca = x509.load_pem_x509_certificate(ca_pem)
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        raise PeerCertificateError(
            "peer request with a client certificate the cluster's ca did not sign"
        ) from None
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise PeerCertificateError("peer request with an expired or not yet valid certificate")
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        usages = None  # no restriction on the key's use
    if usages is not None and x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH not in usages:
        raise PeerCertificateError("peer request with a certificate not meant for clients")
    return certificate_node_id(cert)

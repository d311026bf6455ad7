"""A TLS cluster on 127.0.0.1: clients verify nodes with the cluster's CA, nodes replicate over
mutual TLS, and the Peer service refuses callers without a certificate the CA signed."""

from __future__ import annotations

import datetime
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from iamstore.client import Client, IamError
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.local import CLUSTER_KEY, LocalCluster
from iamstore.cluster.tls import CA_KEY, create_ca, issue_node_certificate, node_files
from iamstore.node.replication.grpc_transport import REMOVE_MEMBER
from iamstore.node.replication.peerauth import sign_request
from iamstore.node.replication.peertls import (
    PeerCertificateError,
    TlsMaterial,
    verify_peer_certificate,
)
from iamstore.v1 import peer_pb2

CONVERGE_S = 30.0  # a bound on what a healthy cluster needs, not a timing claim


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    local = LocalCluster(tmp_path_factory.mktemp("tls") / "cluster", nodes=2, base_port=0, tls=True)
    try:
        local.start(timeout_s=30)
        local.wait_converged(CONVERGE_S)
        yield local
    finally:
        try:
            local.stop()
        finally:
            local.kill()


def root_client(cluster: LocalCluster, name: str, tls_ca: object) -> Client:
    credentials = resolve_credentials(credentials_file=str(cluster.credentials_file))
    return Client(
        cluster.node(name).listen,
        credentials=credentials,
        timeout=5,
        tls_ca=tls_ca,  # type: ignore[arg-type]
    )


# --- the cluster -------------------------------------------------------------------------------


@pytest.mark.slow
def test_tls_cluster_replicates_a_write_to_the_other_node(cluster: LocalCluster) -> None:
    assert cluster.ca_file is not None
    with root_client(cluster, "node1", cluster.ca_file) as one:
        one.create_user(user_name="tls-alice")
        token = one.consistency_token
    # The write travels node1 -> node2 over the mutual-TLS peer port only.
    with root_client(cluster, "node2", cluster.ca_file.read_bytes()) as two:
        user = two.get_user(user_name="tls-alice", at_least=token).user
    assert user.user_name == "tls-alice"
    assert cluster.wait_converged(CONVERGE_S).converged


@pytest.mark.slow
def test_client_without_tls_cannot_talk_to_a_tls_node(cluster: LocalCluster) -> None:
    with root_client(cluster, "node1", None) as plain, pytest.raises(IamError):
        plain.list_users()


@pytest.mark.slow
def test_client_with_another_ca_refuses_the_node(cluster: LocalCluster, tmp_path: Path) -> None:
    other_ca = create_ca(tmp_path / "other")
    with root_client(cluster, "node1", other_ca) as wrong, pytest.raises(IamError):
        wrong.list_users()


def _remove_member_call(
    cluster: LocalCluster,
    address: str,
    credentials: grpc.ChannelCredentials,
    caller: str = "test",
) -> peer_pb2.RemoveMemberResponse:
    """A correctly MAC'd (cluster key) Peer call that changes nothing: the address is no
    member, so a refusal can only come from the transport or the certificate check."""
    body = peer_pb2.RemoveMemberRequest(address="127.0.0.1:1").SerializeToString()
    key = (cluster.root / CLUSTER_KEY).read_bytes()
    signed = sign_request(
        key, REMOVE_MEMBER, caller, body, time.time_ns() // 1_000_000, os.urandom(16)
    )
    with grpc.secure_channel(address, credentials) as channel:
        rpc = channel.unary_unary(
            REMOVE_MEMBER,
            request_serializer=None,
            response_deserializer=peer_pb2.RemoveMemberResponse.FromString,
        )
        reply: peer_pb2.RemoveMemberResponse = rpc(body, metadata=signed.metadata, timeout=5)
        return reply


@pytest.mark.slow
def test_peer_call_with_a_ca_signed_certificate_is_served(cluster: LocalCluster) -> None:
    # The positive control for the refusals below: same call, with a member's certificate.
    files = node_files(cluster.node("node2").data_dir)
    credentials = grpc.ssl_channel_credentials(
        files.ca.read_bytes(), files.key.read_bytes(), files.cert.read_bytes()
    )
    caller = TlsMaterial.load(files.cert, files.key, files.ca).node_id
    assert caller == cluster.node_ids["node2"]
    reply = _remove_member_call(cluster, cluster.peer_addresses[0], credentials, caller)
    assert reply.removed is False


@pytest.mark.slow
def test_peer_port_refuses_a_caller_without_client_certificate(cluster: LocalCluster) -> None:
    assert cluster.ca_file is not None
    credentials = grpc.ssl_channel_credentials(cluster.ca_file.read_bytes())
    with pytest.raises(grpc.RpcError) as refused:
        _remove_member_call(cluster, cluster.peer_addresses[0], credentials)
    # The TLS handshake itself fails: the port requires a client certificate.
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


@pytest.mark.slow
def test_peer_service_on_the_client_port_refuses_a_caller_without_certificate(
    cluster: LocalCluster,
) -> None:
    assert cluster.ca_file is not None
    credentials = grpc.ssl_channel_credentials(cluster.ca_file.read_bytes())
    with pytest.raises(grpc.RpcError) as refused:
        _remove_member_call(cluster, cluster.addresses[0], credentials)
    error = refused.value
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "client certificate" in (error.details() or "")


@pytest.mark.slow
def test_peer_port_refuses_a_certificate_from_another_ca(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    create_ca(tmp_path / "rogue")
    rogue = issue_node_certificate(tmp_path / "rogue", tmp_path / "rogue-node", "node1")
    assert cluster.ca_file is not None
    credentials = grpc.ssl_channel_credentials(
        cluster.ca_file.read_bytes(), rogue.key.read_bytes(), rogue.cert.read_bytes()
    )
    with pytest.raises(grpc.RpcError) as refused:
        _remove_member_call(cluster, cluster.peer_addresses[0], credentials)
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


@pytest.mark.slow
def test_state_file_records_tls_and_a_reload_talks_tls(cluster: LocalCluster) -> None:
    reloaded = LocalCluster.load(cluster.root)
    assert reloaded.tls
    assert reloaded.ca_file == cluster.ca_file
    assert reloaded.peer_addresses == cluster.peer_addresses
    view = reloaded.observe(timeout_s=5)
    assert all(node.status is not None for node in view.nodes)


# --- certificates (no sockets) -----------------------------------------------------------------


def test_node_certificate_names_loopback_and_the_node_with_both_usages(tmp_path: Path) -> None:
    create_ca(tmp_path)
    files = issue_node_certificate(tmp_path, tmp_path / "node3", "node3")
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
    cert.verify_directly_issued_by(ca)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost", "node3"]
    [uri] = names.get_values_for_type(x509.UniformResourceIdentifier)
    assert uri.startswith("urn:iamstore:node:n")
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(usages) == {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH}
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert datetime.timedelta(days=364) < lifetime <= datetime.timedelta(days=366)
    for key in (files.key, tmp_path / CA_KEY):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600


def _auth_context(pem: bytes | None) -> dict[str, list[bytes]]:
    return {} if pem is None else {"x509_pem_cert": [pem]}


def test_peer_certificate_check(tmp_path: Path) -> None:
    create_ca(tmp_path / "ca")
    good = issue_node_certificate(tmp_path / "ca", tmp_path / "n1", "node1", node_id="n0123")
    ca = good.ca.read_bytes()
    now = datetime.datetime.now(datetime.UTC)
    assert verify_peer_certificate(ca, _auth_context(good.cert.read_bytes()), now) == "n0123"
    with pytest.raises(PeerCertificateError, match="without a client certificate"):
        verify_peer_certificate(ca, _auth_context(None), now)
    later = now + datetime.timedelta(days=400)
    with pytest.raises(PeerCertificateError, match="expired"):
        verify_peer_certificate(ca, _auth_context(good.cert.read_bytes()), later)
    create_ca(tmp_path / "rogue")
    rogue = issue_node_certificate(tmp_path / "rogue", tmp_path / "n2", "node1")
    with pytest.raises(PeerCertificateError, match="did not sign"):
        verify_peer_certificate(ca, _auth_context(rogue.cert.read_bytes()), now)

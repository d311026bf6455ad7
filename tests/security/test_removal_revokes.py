"""Removing a member revokes it: after `iamstore cluster remove node3`, node3's own files (its
certificate, keys and data folder) no longer let anyone exchange with the cluster, under its
id or a fresh one, write to it, or mint credentials it accepts."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from peer_fixtures import iamstore, tls_cluster

from iamstore.client import Client, Credentials, InvalidClientTokenIdError
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.local import CLUSTER_KEY, SESSION_KEY, LocalCluster
from iamstore.cluster.tls import node_files
from iamstore.node.auth.sessions import Session, SessionKind, SessionSealer, new_key_id, new_secret
from iamstore.node.commits.codec import Commit, encode_commit, seal_commit
from iamstore.node.domain.entities import AccessKey, Change
from iamstore.node.replication.commitsig import load_signing_key, signer
from iamstore.node.replication.grpc_transport import EXCHANGE, PUSH, GrpcTransport
from iamstore.node.replication.peerauth import sign_request
from iamstore.node.replication.peertls import TlsMaterial
from iamstore.node.replication.transport import ExchangeMessage, MemberRemovedError
from iamstore.v1 import peer_pb2 as pb

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    with tls_cluster(tmp_path_factory.mktemp("removal") / "c", 3) as local:
        yield local


def _root(cluster: LocalCluster, credentials: Credentials | None = None) -> Client:
    return Client(
        cluster.node("node1").listen,
        credentials=credentials
        or resolve_credentials(credentials_file=str(cluster.credentials_file)),
        timeout=10,
        tls_ca=cluster.ca_file,
    )


def _minted(session_key: bytes, account_id: str) -> Credentials:
    """A root session sealed with a session key, as a node holding that key would issue it."""
    now = int(time.time())
    session = Session(
        access_key_id=new_key_id(account_id),
        secret_access_key=new_secret(),
        kind=SessionKind.ROOT,
        account_id=account_id,
        principal_id=account_id,
        principal_name="",
        issued_at=now,
        expires_at=now + 3600,
    )
    token = SessionSealer(session_key).seal(session)
    return Credentials(session.access_key_id, session.secret_access_key, token)


def _peer_call(cluster: LocalCluster, folder: Path, method: str, body: bytes, stated: str) -> bytes:
    """A Peer call to node1 made with what `folder` (a node's data folder) holds."""
    files = node_files(folder)
    credentials = grpc.ssl_channel_credentials(
        files.ca.read_bytes(), files.key.read_bytes(), files.cert.read_bytes()
    )
    key = (folder / CLUSTER_KEY).read_bytes()
    signed = sign_request(key, method, stated, body, time.time_ns() // 1_000_000, os.urandom(16))
    with grpc.secure_channel(cluster.peer_addresses[0], credentials) as channel:
        reply: bytes = channel.unary_unary(
            method, request_serializer=None, response_deserializer=None
        )(body, metadata=signed.metadata, timeout=10)
        return reply


@dataclass(frozen=True, slots=True)
class Removed:
    """What node3 held, and a session issued, before `iamstore cluster remove node3`."""

    node3: Path
    node3_id: str
    account_id: str
    session_before: Credentials
    session_key_before: bytes


@pytest.fixture(scope="module")
def removed(cluster: LocalCluster) -> Removed:
    node3 = cluster.node("node3").data_dir
    node3_id = cluster.node_ids["node3"]
    with _root(cluster) as root:
        account_id = root.get_caller_identity().account
        issued = root.get_session_token(duration_seconds=3600).credentials
    before = Credentials(issued.access_key_id, issued.secret_access_key, issued.session_token)
    with _root(cluster, before) as session:  # the positive controls: all this works before
        assert session.get_caller_identity().account == account_id
    exchange = pb.ExchangeRequest(from_node=node3_id, max_commits=10).SerializeToString()
    reply = _peer_call(cluster, node3, EXCHANGE, exchange, node3_id)
    assert pb.ExchangeResponse.FromString(reply).commits
    session_key = (node3 / SESSION_KEY).read_bytes()

    done = iamstore("cluster", "remove", "node3", "--dir", str(cluster.root))
    assert done.returncode == 0, done.stderr
    assert "rotated the cluster key and the session-token key" in done.stdout
    return Removed(node3, node3_id, account_id, before, session_key)


def test_the_removed_nodes_files_exchange_under_no_id(
    cluster: LocalCluster, removed: Removed
) -> None:
    # Under a fresh id: its certificate names node3's id (and its cluster key is stale).
    fresh = pb.ExchangeRequest(from_node="nfresh0000001", max_commits=10).SerializeToString()
    with pytest.raises(grpc.RpcError) as refused:
        _peer_call(cluster, removed.node3, EXCHANGE, fresh, "nfresh0000001")
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "removed" in (refused.value.details() or "")
    # Under its own id.
    own = pb.ExchangeRequest(from_node=removed.node3_id, max_commits=10).SerializeToString()
    with pytest.raises(grpc.RpcError) as refused:
        _peer_call(cluster, removed.node3, EXCHANGE, own, removed.node3_id)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_the_removed_nodes_files_write_nothing(cluster: LocalCluster, removed: Removed) -> None:
    """A root access key, in a commit signed with node3's own commit key."""
    with _root(cluster) as root:
        vector = root.status().version_vector
    origin = removed.node3_id
    key_row = AccessKey("AKIAREMOVEDNODE00001", removed.account_id, "root", b"", "Active", 0)
    commit = Commit(origin, vector.get(origin, 0) + 1, time.time_ns() // 1_000_000 << 16,
                    "node3", "CreateAccessKey", (Change.put(key_row),))  # fmt: skip
    sealed = seal_commit(commit, signer(load_signing_key(removed.node3 / "commit.key")))
    push = pb.PushRequest(from_node=origin, commits=[encode_commit(sealed)])
    with pytest.raises(grpc.RpcError) as refused:
        _peer_call(cluster, removed.node3, PUSH, push.SerializeToString(), origin)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    with _root(cluster) as root:
        assert root.status().version_vector.get(origin, 0) == vector.get(origin, 0)


def test_the_removed_nodes_session_key_mints_nothing(
    cluster: LocalCluster, removed: Removed
) -> None:
    """A session minted with node3's copy of the session key, and one issued before the
    removal (rotation refuses every older session token)."""
    minted = _minted(removed.session_key_before, removed.account_id)
    for credentials in (minted, removed.session_before):
        with _root(cluster, credentials) as session, pytest.raises(InvalidClientTokenIdError):
            session.get_caller_identity()
    # The members agree on the new key: a session issued by node1 works on node2.
    with _root(cluster) as root:
        fresh = root.get_session_token(duration_seconds=900).credentials
    credentials = Credentials(fresh.access_key_id, fresh.secret_access_key, fresh.session_token)
    with Client(
        cluster.node("node2").listen, credentials=credentials, timeout=10, tls_ca=cluster.ca_file
    ) as other:
        assert other.get_caller_identity().account == removed.account_id


def test_the_removed_identity_is_refused_even_with_the_current_cluster_key(
    cluster: LocalCluster, removed: Removed, tmp_path: Path
) -> None:
    """Refused by identity (the node id its certificate names), not only because its keys are
    stale: node3's certificate with a key stolen from a member is still node3."""
    stolen = tmp_path / "node3-with-a-stolen-key"
    stolen.mkdir()
    node3 = removed.node3
    for file in (node_files(node3).cert, node_files(node3).key, node_files(node3).ca):
        (stolen / file.name).write_bytes(file.read_bytes())
    (stolen / CLUSTER_KEY).write_bytes((cluster.node("node1").data_dir / CLUSTER_KEY).read_bytes())
    node3_id = removed.node3_id
    exchange = pb.ExchangeRequest(from_node=node3_id, max_commits=10).SerializeToString()
    with pytest.raises(grpc.RpcError) as refused:
        _peer_call(cluster, stolen, EXCHANGE, exchange, node3_id)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "removed" in (refused.value.details() or "")
    # RemoveMember too: a removed identity cannot remove the others.
    remove = pb.RemoveMemberRequest(address=cluster.peer_addresses[1]).SerializeToString()
    with pytest.raises(grpc.RpcError) as refused:
        _peer_call(cluster, stolen, "/iamstore.v1.Peer/RemoveMember", remove, node3_id)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_the_removed_node_is_told_why_in_a_refusal_it_can_check(
    cluster: LocalCluster, removed: Removed
) -> None:
    """Its cluster key was rotated away, yet members MAC their refusal with the previous key,
    so the removed node believes it (and stops) while forged refusals stay unbelieved."""
    files = node_files(removed.node3)
    tls = TlsMaterial.load(files.cert, files.key, files.ca)
    transport = GrpcTransport(
        (removed.node3 / CLUSTER_KEY).read_bytes(),
        removed.node3_id,
        lambda: time.time_ns() // 1_000_000,
        credentials=tls.channel_credentials(),
    )
    try:
        with pytest.raises(MemberRemovedError, match="was removed from the cluster"):
            await transport.exchange(
                cluster.peer_addresses[0], ExchangeMessage(removed.node3_id, {}, 10)
            )
    finally:
        await transport.close()

"""Mutual TLS is the default between members, and a member's identity is the node id its
certificate names: not a metadata field it asserts, not its address."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from iamstore.cluster.local import LocalCluster
from iamstore.cluster.tls import NodeTls, create_ca, issue_node_certificate
from iamstore.node.config import NodeConfig
from iamstore.node.replication.grpc_transport import EXCHANGE
from iamstore.node.replication.identity import PeerSetupError
from iamstore.node.replication.peerauth import sign_request
from iamstore.node.server import Node
from iamstore.node.storage.database import Database
from iamstore.v1 import peer_pb2 as pb

NODE_ID = "n00000000000a"
OTHER_ID = "n00000000000b"


def _tls_config(data_dir: Path, files: NodeTls, **more: object) -> NodeConfig:
    return NodeConfig(
        data_dir=data_dir,
        listen="127.0.0.1:0",
        peer_listen="127.0.0.1:0",
        tls_cert=files.cert,
        tls_key=files.key,
        tls_ca=files.ca,
        synchronous="NORMAL",
        **more,  # type: ignore[arg-type]
    )


@pytest.fixture
async def tls_node(tmp_path: Path) -> AsyncIterator[tuple[Node, NodeTls]]:
    """A TLS node with the id NODE_ID, and another member's certificate (OTHER_ID)."""
    create_ca(tmp_path / "ca")
    own = issue_node_certificate(tmp_path / "ca", tmp_path / "own", "node1", node_id=NODE_ID)
    other = issue_node_certificate(tmp_path / "ca", tmp_path / "other", "node2", node_id=OTHER_ID)
    node = Node(_tls_config(tmp_path / "data", own, bootstrap=True))
    task = asyncio.create_task(node.serve())
    try:
        async with asyncio.timeout(30):
            await node.ready.wait()
        yield node, other
    finally:
        node.stop()
        await task


async def _exchange_as(node: Node, files: NodeTls, stated: str) -> pb.ExchangeResponse:
    assert node.peer_address is not None
    body = pb.ExchangeRequest(from_node=stated, max_commits=10).SerializeToString()
    key = node.config.cluster_key_path.read_bytes()
    signed = sign_request(key, EXCHANGE, stated, body, time.time_ns() // 1_000_000, os.urandom(16))
    credentials = grpc.ssl_channel_credentials(
        files.ca.read_bytes(), files.key.read_bytes(), files.cert.read_bytes()
    )
    async with grpc.aio.secure_channel(node.peer_address, credentials) as channel:
        rpc = channel.unary_unary(
            EXCHANGE, request_serializer=None, response_deserializer=pb.ExchangeResponse.FromString
        )
        reply: pb.ExchangeResponse = await rpc(body, metadata=signed.metadata, timeout=5)
        return reply


async def test_a_node_takes_its_id_from_its_certificate(tls_node: tuple[Node, NodeTls]) -> None:
    node, _ = tls_node
    assert node.components is not None
    assert node.components.node_id == NODE_ID


async def test_a_member_speaking_as_itself_is_served(tls_node: tuple[Node, NodeTls]) -> None:
    node, other = tls_node
    reply = await _exchange_as(node, other, OTHER_ID)
    assert reply.commits  # the positive control for the refusals below


@pytest.mark.parametrize("stated", [NODE_ID, "nfreshid00001"])
async def test_a_member_stating_another_id_than_its_certificate_is_refused(
    tls_node: tuple[Node, NodeTls], stated: str
) -> None:
    """Another member's id, or a fresh one: the certificate says who is calling."""
    node, other = tls_node
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await _exchange_as(node, other, stated)
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert f"names `{OTHER_ID}`" in (refused.value.details() or "")


async def test_a_data_folder_started_with_another_members_certificate_is_refused(
    tmp_path: Path,
) -> None:
    create_ca(tmp_path / "ca")
    files = issue_node_certificate(tmp_path / "ca", tmp_path / "n", "node1", node_id=NODE_ID)
    (tmp_path / "data").mkdir()
    db = await Database.open(tmp_path / "data" / "iamstore.db", "NORMAL")
    try:
        await db.set_meta("node_id", OTHER_ID)
    finally:
        await db.close()
    node = Node(_tls_config(tmp_path / "data", files))
    with pytest.raises(PeerSetupError, match=f"belongs to node `{OTHER_ID}`"):
        async with asyncio.timeout(30):
            await node.serve()


async def test_peers_without_tls_are_refused_unless_plaintext_is_asked_for(
    tmp_path: Path,
) -> None:
    node = Node(NodeConfig(data_dir=tmp_path / "a", listen="127.0.0.1:0", peers=("x:1",)))
    with pytest.raises(PeerSetupError, match="peers need mutual tls"):
        async with asyncio.timeout(30):
            await node.serve()


async def test_a_node_without_tls_serves_no_peers_by_default(tmp_path: Path) -> None:
    node = Node(NodeConfig(data_dir=tmp_path / "a", listen="127.0.0.1:0", bootstrap=True))
    task = asyncio.create_task(node.serve())
    try:
        async with asyncio.timeout(30):
            await node.ready.wait()
        assert node.address is not None
        async with grpc.aio.insecure_channel(node.address) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await channel.unary_unary(
                    EXCHANGE, request_serializer=None, response_deserializer=None
                )(b"", timeout=5)
        assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED
    finally:
        node.stop()
        await task


def iamstore(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-P", "-c", "from iamstore.client.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


@pytest.mark.slow
def test_node_run_refuses_peers_without_tls(tmp_path: Path) -> None:
    done = iamstore("node", "run", "--data-dir", str(tmp_path), "--listen", "127.0.0.1:0",
                    "--peers", "127.0.0.1:1")  # fmt: skip
    assert done.returncode != 0
    assert "peers need mutual tls" in done.stderr


@pytest.mark.slow
def test_cluster_up_makes_a_mutual_tls_cluster_by_default(tmp_path: Path) -> None:
    root = tmp_path / "cluster"
    try:
        done = iamstore("cluster", "up", "--nodes", "2", "--dir", str(root), "--base-port", "0")
        assert done.returncode == 0, done.stderr
        cluster = LocalCluster.load(root)
        assert cluster.tls
        assert cluster.peer_addresses != cluster.addresses  # peers on their mutual-TLS port
        certified = {name: cluster.node_ids[name] for name in cluster.names}
        view = cluster.observe(timeout_s=5)
        assert {n.name: n.status.node_id for n in view.nodes if n.status} == certified
    finally:
        iamstore("cluster", "down", "--dir", str(root), "--wipe")


async def test_a_plaintext_peer_channel_is_a_loud_opt_in(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = NodeConfig(
        data_dir=tmp_path / "a",
        listen="127.0.0.1:0",
        bootstrap=True,
        insecure_peer_plaintext=True,
    )
    node = Node(config)
    task = asyncio.create_task(node.serve())
    try:
        async with asyncio.timeout(30):
            await node.ready.wait()
    finally:
        node.stop()
        await task
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert any("INSECURE: peers talk in plaintext" in r.getMessage() for r in warnings)

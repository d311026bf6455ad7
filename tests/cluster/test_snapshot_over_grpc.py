"""Snapshots over real gRPC on 127.0.0.1: a new node bootstraps from a streamed snapshot of
many chunks, and from a peer of an earlier version that only has the one-message call."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path
from typing import Any

import grpc

from iamstore.client import AsyncClient
from iamstore.client.credentials import resolve_credentials
from iamstore.node.commits.codec import StoredRow
from iamstore.node.commits.snapshot import SnapshotDecoder, encode_snapshot
from iamstore.node.config import NodeConfig
from iamstore.node.replication.gossip import GossipConfig
from iamstore.node.replication.grpc_transport import SNAPSHOT, GrpcTransport
from iamstore.node.replication.peerauth import REPLY_MAC_KEY, ReplayGuard, reply_mac, verify_request
from iamstore.node.replication.transport import SnapshotMessage
from iamstore.node.server import Node
from iamstore.node.state import State
from iamstore.v1 import peer_pb2 as pb

CHUNK = 1024


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


GOSSIP = GossipConfig(interval_s=0.05, purge_grace_ms=1, snapshot_chunk=CHUNK)


def _config(data_dir: Path, peers: tuple[str, ...], bootstrap: bool) -> NodeConfig:
    return NodeConfig(
        data_dir=data_dir,
        listen="127.0.0.1:0",
        peers=peers,
        bootstrap=bootstrap,
        gossip=GOSSIP,
        synchronous="NORMAL",
        insecure_peer_plaintext=True,
    )


async def _same_vector(a: State, b: State) -> None:
    """Waits until neither replica has applied a commit the other lacks."""
    while a.version_vector() != b.version_vector():
        assert await a.wait_until_covers(b.version_vector(), 30)
        assert await b.wait_until_covers(a.version_vector(), 30)


async def test_a_new_node_bootstraps_from_a_snapshot_streamed_in_many_chunks(
    tmp_path: Path,
) -> None:
    first = Node(_config(tmp_path / "a", (), bootstrap=True))
    running = [asyncio.create_task(first.serve())]
    try:
        async with asyncio.timeout(60):
            await first.ready.wait()
            assert first.address is not None
            assert first.replicator is not None
            credentials = resolve_credentials(
                credentials_file=str(first.config.root_credentials_path)
            )
            async with AsyncClient(first.address, credentials=credentials) as iam:
                for i in range(150):
                    await iam.create_user(user_name=f"user-{i:03}", path="/streamed/")
            # Alone, the node purges its whole log once the (1 ms) grace has passed: a new
            # node can then only start from a snapshot.
            await asyncio.sleep(0.01)
            await first.replicator.purge()
            assert first.components is not None
            assert not await first.components.state.db.commits()

            second_dir = tmp_path / "b"
            second_dir.mkdir()
            for key in ("cluster.key", "secrets.key"):
                shutil.copy(first.config.data_dir / key, second_dir / key)
            second = Node(_config(second_dir, (first.address,), bootstrap=False))
            running.append(asyncio.create_task(second.serve()))
            await second.ready.wait()
            assert second.address is not None
            assert second.components is not None
            target = first.components.state.version_vector()
            assert await second.components.state.wait_until_covers(target, 30)

            assert second.replicator is not None
            stats = second.replicator.stats
            for _ in range(100):  # counted just after the install is visible
                if stats.snapshots_installed:
                    break
                await asyncio.sleep(0.01)
            assert stats.snapshots_installed == 1
            assert stats.bytes_received > 10 * CHUNK
            # The second node's own first commit (introducing its member key, written before
            # it joined) reaches the first one only after the install: the replicas agree
            # once their vectors do, not as soon as the second covers the first's.
            await _same_vector(first.components.state, second.components.state)
            assert second.components.state.digest() == first.components.state.digest()
            async with AsyncClient(second.address, credentials=credentials) as iam:
                users = (await iam.list_users(path_prefix="/streamed/", max_items=1000)).users
            assert len(users) == 150
    finally:
        for node in (first, *([second] if len(running) > 1 else [])):
            node.stop()
        await asyncio.gather(*running)


async def test_a_peer_without_the_stream_call_sends_its_whole_snapshot(tmp_path: Path) -> None:
    """A member of an earlier version answers StreamSnapshot with UNIMPLEMENTED."""
    rows = [StoredRow("account", f"k{i}", i + 1, "a", None) for i in range(50)]
    whole = encode_snapshot({"a": 50}, {"a": (50, 7)}, rows)
    asked: list[str] = []

    key = b"k" * 32
    replays = ReplayGuard()

    async def snapshot(body: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
        metadata = [(str(k), v) for k, v in context.invocation_metadata() or ()]
        verified = verify_request(key, SNAPSHOT, body, metadata, _now_ms(), replays)
        asked.append(pb.SnapshotRequest.FromString(body).from_node)
        answer = bytes(pb.SnapshotResponse(snapshot=whole).SerializeToString())
        context.set_trailing_metadata(((REPLY_MAC_KEY, reply_mac(key, verified.binding, answer)),))
        return answer

    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        (
            grpc.method_handlers_generic_handler(
                "iamstore.v1.Peer", {"Snapshot": grpc.unary_unary_rpc_method_handler(snapshot)}
            ),
        )
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    transport = GrpcTransport(key, "new-node", _now_ms)
    try:
        async with asyncio.timeout(30):
            decoder = SnapshotDecoder()
            received = [
                row
                async for chunk in transport.stream_snapshot(
                    f"127.0.0.1:{port}", SnapshotMessage("new-node", {})
                )
                for row in decoder.feed(chunk)
            ]
        assert decoder.finish().floors == {"a": (50, 7)}
        assert received == rows
        assert asked == ["new-node"]
    finally:
        await transport.close()
        await server.stop(None)

"""Every byte a node takes from a peer is authenticated and bound to the request it answers:
an on-path proxy holding no key cannot add to, splice, replay or forge what comes back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from peer_fixtures import now_ms, plaintext_peer_node
from peer_proxy import Context, PeerProxy

from iamstore.node.commits.codec import Commit, StoredRow, encode_commit
from iamstore.node.commits.snapshot import SnapshotDecoder, SnapshotEncoder
from iamstore.node.replication.grpc_transport import EXCHANGE, GrpcTransport
from iamstore.node.replication.peerauth import (
    MAX_SKEW_MS,
    PeerAuthError,
    ReplayGuard,
    sign_request,
)
from iamstore.node.replication.transport import (
    ExchangeMessage,
    MemberRemovedError,
    PushMessage,
    SnapshotMessage,
    TransportError,
)
from iamstore.node.server import Node
from iamstore.v1 import peer_pb2 as pb

CALLER = "nvictim000001"


@pytest.fixture
async def node(tmp_path: Path) -> AsyncIterator[Node]:
    async with plaintext_peer_node(tmp_path / "node") as running:
        yield running


@pytest.fixture
async def proxy(node: Node) -> AsyncIterator[PeerProxy]:
    assert node.address is not None
    on_path = PeerProxy(node.address)
    await on_path.start()
    try:
        yield on_path
    finally:
        await on_path.close()


def _transport(node: Node) -> GrpcTransport:
    return GrpcTransport(node.config.cluster_key_path.read_bytes(), CALLER, now_ms, 5.0)


def _exchange() -> ExchangeMessage:
    return ExchangeMessage(CALLER, {}, 1000)


def _forged_commit(node: Node) -> bytes:
    """What the attacker appends: the node's next commit, as the node itself would send it."""
    assert node.components is not None
    state = node.components.state
    seq = state.applied.get(node.components.node_id, 0) + 1
    return encode_commit(Commit(node.components.node_id, seq, 1 << 20, "attacker", "Forged", ()))


async def test_the_positive_control_an_untouched_exchange_through_the_proxy_is_accepted(
    node: Node, proxy: PeerProxy
) -> None:
    transport = _transport(node)
    try:
        reply = await transport.exchange(proxy.address, _exchange())
    finally:
        await transport.close()
    assert reply.commits  # the bootstrap's commits
    assert node.components is not None
    assert reply.version_vector == node.components.state.version_vector()


async def test_a_commit_appended_to_an_exchange_reply_is_refused(
    node: Node, proxy: PeerProxy
) -> None:
    forged = _forged_commit(node)

    def append(method: str, raw: bytes) -> bytes:
        reply = pb.ExchangeResponse.FromString(raw)
        reply.commits.append(forged)
        return bytes(reply.SerializeToString())

    proxy.rewrite = append
    transport = _transport(node)
    try:
        with pytest.raises(TransportError, match="refused its reply"):
            await transport.exchange(proxy.address, _exchange())
    finally:
        await transport.close()


async def test_a_reply_to_an_earlier_request_spliced_into_a_later_one_is_refused(
    node: Node, proxy: PeerProxy
) -> None:
    transport = _transport(node)
    try:
        await transport.push(proxy.address, PushMessage(CALLER, (), {}))
        # From now on the proxy answers every call with that first (authentic) reply.
        proxy.splice_from = 0
        with pytest.raises(TransportError, match="refused its reply"):
            await transport.push(proxy.address, PushMessage(CALLER, (), {}))
    finally:
        await transport.close()


async def test_a_replayed_request_is_refused(node: Node) -> None:
    assert node.address is not None
    body = pb.ExchangeRequest(from_node=CALLER, max_commits=10).SerializeToString()
    key = node.config.cluster_key_path.read_bytes()
    signed = sign_request(key, EXCHANGE, CALLER, body, now_ms(), b"\x01" * 16)
    async with grpc.aio.insecure_channel(node.address) as channel:
        rpc = channel.unary_unary(EXCHANGE, request_serializer=None, response_deserializer=None)
        await rpc(body, metadata=signed.metadata, timeout=5)  # the original is served
        with pytest.raises(grpc.aio.AioRpcError) as replayed:
            await rpc(body, metadata=signed.metadata, timeout=5)
    assert replayed.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "replayed" in (replayed.value.details() or "")


async def test_a_request_speaking_for_another_member_is_refused(node: Node) -> None:
    """The MAC'd caller id and the id inside the message must be the same node."""
    transport = _transport(node)
    assert node.address is not None
    try:
        with pytest.raises(TransportError, match=r"INVALID_ARGUMENT.*sent a message as"):
            await transport.push(node.address, PushMessage("nsomeoneelse1", (), {}))
    finally:
        await transport.close()


async def test_a_snapshot_stream_rewritten_with_a_recomputed_trailer_is_refused(
    node: Node, proxy: PeerProxy
) -> None:
    """The attacker decodes the stream, adds a row, and re-encodes it: the codec's own
    trailer (a row count and SHA-256) is then right, but no chunk carries a valid MAC."""

    def add_a_row(raw_chunks: list[bytes]) -> list[bytes]:
        decoder = SnapshotDecoder()
        rows: list[StoredRow] = []
        for raw in raw_chunks:
            rows += decoder.feed(pb.SnapshotChunk.FromString(raw).data)
        header = decoder.finish()
        rows.append(StoredRow("removed_member", "nforged", 1, "nforged", None))
        encoder = SnapshotEncoder(header.vector, header.floors)
        datas = [encoder.header(), *encoder.rows(rows), *encoder.end()]
        rewritten = []
        for index, data in enumerate(datas):
            chunk = pb.SnapshotChunk.FromString(raw_chunks[min(index, len(raw_chunks) - 1)])
            chunk.data = data  # its MAC (if any) stays as it was
            rewritten.append(bytes(chunk.SerializeToString()))
        return rewritten

    proxy.rewrite_stream = add_a_row
    transport = _transport(node)
    try:
        with pytest.raises(TransportError, match="refused a chunk"):
            async for _ in transport.stream_snapshot(proxy.address, SnapshotMessage(CALLER, {})):
                pass
    finally:
        await transport.close()


async def test_snapshot_chunks_reordered_are_refused(node: Node, proxy: PeerProxy) -> None:
    def swap_header_and_trailer(raw_chunks: list[bytes]) -> list[bytes]:
        return [raw_chunks[-1], *raw_chunks[1:-1], raw_chunks[0]]

    proxy.rewrite_stream = swap_header_and_trailer
    transport = _transport(node)
    try:
        with pytest.raises(TransportError, match="refused a chunk"):
            async for _ in transport.stream_snapshot(proxy.address, SnapshotMessage(CALLER, {})):
                pass
    finally:
        await transport.close()


async def test_a_forged_removed_from_the_cluster_refusal_does_not_stop_a_member(
    node: Node, proxy: PeerProxy
) -> None:
    """A member that hears "you were removed" stops replicating: only a refusal bound to its
    request by the cluster key may say so."""

    async def say_removed(method: str, context: Context) -> None:
        await context.abort(grpc.StatusCode.FAILED_PRECONDITION, "node was removed")

    proxy.refuse = say_removed
    transport = _transport(node)
    try:
        with pytest.raises(TransportError) as refused:
            await transport.exchange(proxy.address, _exchange())
    finally:
        await transport.close()
    assert not isinstance(refused.value, MemberRemovedError)


def test_the_replay_guard_is_bounded_and_forgets_only_what_the_window_refuses() -> None:
    guard = ReplayGuard(capacity=2)
    guard.admit("a" * 32, time_ms=1_000, now_ms=1_000)
    guard.admit("b" * 32, time_ms=1_000, now_ms=1_000)
    with pytest.raises(PeerAuthError, match="replayed"):
        guard.admit("a" * 32, time_ms=1_000, now_ms=1_000 + MAX_SKEW_MS)
    # Full: a new nonce is refused rather than remembered (fail closed)...
    with pytest.raises(PeerAuthError, match="too many"):
        guard.admit("c" * 32, time_ms=1_000, now_ms=1_000)
    # ...until the window has moved past the remembered ones (their requests are then
    # refused for their time alone).
    guard.admit("c" * 32, time_ms=70_000, now_ms=1_000 + MAX_SKEW_MS + 1)

"""The real peer transport: the Peer gRPC service, each request MAC'd with the cluster key and
each answer checked against the MAC bound to it (node/replication/peerauth.py) before any of
its bytes are decoded.

Channels reconnect quickly after a peer comes back (gRPC's default backoff grows to minutes).
"""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping
from typing import Any

import grpc
from google.protobuf.message import DecodeError

from iamstore.node.commits.snapshot import decode_snapshot, restream
from iamstore.node.replication.peerauth import (
    NONCE_BYTES,
    PeerAuthError,
    SignedRequest,
    is_authentic_refusal,
    sign_request,
    verify_chunk,
    verify_reply,
)
from iamstore.node.replication.transport import (
    ExchangeMessage,
    ExchangeReply,
    Member,
    MemberRemovedError,
    PushMessage,
    PushReply,
    SnapshotMessage,
    SnapshotReply,
    TransportError,
)
from iamstore.v1 import peer_pb2 as pb

PUSH = "/iamstore.v1.Peer/Push"
EXCHANGE = "/iamstore.v1.Peer/Exchange"
SNAPSHOT = "/iamstore.v1.Peer/Snapshot"
STREAM_SNAPSHOT = "/iamstore.v1.Peer/StreamSnapshot"
REMOVE_MEMBER = "/iamstore.v1.Peer/RemoveMember"

CHANNEL_OPTIONS = (
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
    ("grpc.keepalive_time_ms", 10_000),
    ("grpc.max_receive_message_length", 64 * 1024 * 1024),
    ("grpc.max_send_message_length", 64 * 1024 * 1024),
)


def _random_nonce() -> bytes:
    return os.urandom(NONCE_BYTES)


def _pairs(metadata: Iterable[Any] | None) -> list[tuple[str, str | bytes]]:
    return [(str(key), value) for key, value in metadata or ()]


def members_to_pb(members: Iterable[Member]) -> list[pb.Member]:
    return [pb.Member(node_id=m.node_id, address=m.address) for m in members]


def members_from_pb(members: Iterable[pb.Member]) -> tuple[Member, ...]:
    return tuple(Member(m.node_id, m.address) for m in members)


def promises_to_pb(promises: Mapping[str, tuple[int, int]]) -> dict[str, pb.Promise]:
    return {origin: pb.Promise(seq=seq, hlc=hlc) for origin, (seq, hlc) in promises.items()}


def promises_from_pb(promises: Mapping[str, pb.Promise]) -> dict[str, tuple[int, int]]:
    return {origin: (p.seq, p.hlc) for origin, p in promises.items()}


class GrpcTransport:
    def __init__(
        self,
        cluster_key: bytes,
        node_id: str,
        now_ms: Callable[[], int],
        timeout_s: float = 5.0,
        credentials: grpc.ChannelCredentials | None = None,
        nonce: Callable[[], bytes] = _random_nonce,
    ) -> None:
        """`credentials`: dial peers over (mutual) TLS; None dials them in plaintext."""
        self._key = cluster_key
        self._nonce = nonce
        self._credentials = credentials
        self._node_id = node_id
        self._now_ms = now_ms
        self._timeout_s = timeout_s
        self._channels: dict[str, grpc.aio.Channel] = {}

    def _channel(self, address: str) -> grpc.aio.Channel:
        channel = self._channels.get(address)
        if channel is None:
            if self._credentials is None:
                channel = grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS)
            else:
                channel = grpc.aio.secure_channel(
                    address, self._credentials, options=CHANNEL_OPTIONS
                )
            self._channels[address] = channel
        return channel

    def _sign(self, method: str, body: bytes) -> SignedRequest:
        return sign_request(self._key, method, self._node_id, body, self._now_ms(), self._nonce())

    def _error(
        self, method: str, address: str, signed: SignedRequest, err: grpc.aio.AioRpcError
    ) -> TransportError:
        code = err.code()
        details = err.details() or ""
        # The one use of FAILED_PRECONDITION on the Peer service (node/api/peer_service.py),
        # believed only with the MAC bound to our request: a forged one would stop gossip.
        if code == grpc.StatusCode.FAILED_PRECONDITION and is_authentic_refusal(
            self._key, signed.binding, code.name, details, _pairs(err.trailing_metadata())
        ):
            return MemberRemovedError(details or "removed from the cluster")
        return TransportError(f"{method} to {address}: {code.name} {details}")

    async def _call(self, address: str, method: str, request: Any, reply_type: Any) -> Any:
        body = request.SerializeToString()
        signed = self._sign(method, body)
        # Raw bytes in: nothing of the reply is decoded before its MAC checks out.
        rpc = self._channel(address).unary_unary(
            method, request_serializer=None, response_deserializer=None
        )
        try:
            call = rpc(body, metadata=signed.metadata, timeout=self._timeout_s)
            raw: bytes = await call
            trailing = await call.trailing_metadata()
        except grpc.aio.AioRpcError as err:
            raise self._error(method, address, signed, err) from None
        try:
            verify_reply(self._key, signed.binding, raw, _pairs(trailing))
            return reply_type.FromString(raw)
        except (PeerAuthError, DecodeError) as err:
            raise TransportError(f"{method} to {address}: refused its reply: {err}") from None

    async def push(self, address: str, message: PushMessage) -> PushReply:
        request = pb.PushRequest(
            from_node=message.from_node,
            commits=message.commits,
            version_vector=message.version_vector,
            members=members_to_pb(message.members),
        )
        reply = await self._call(address, PUSH, request, pb.PushResponse)
        return PushReply(dict(reply.version_vector), reply.applied)

    async def exchange(self, address: str, message: ExchangeMessage) -> ExchangeReply:
        request = pb.ExchangeRequest(
            from_node=message.from_node,
            version_vector=message.version_vector,
            max_commits=message.max_commits,
            members=members_to_pb(message.members),
            digest=message.digest,
            after=message.after,
            promises=promises_to_pb(message.promises),
        )
        reply = await self._call(address, EXCHANGE, request, pb.ExchangeResponse)
        return ExchangeReply(
            commits=tuple(reply.commits),
            version_vector=dict(reply.version_vector),
            members=members_from_pb(reply.members),
            digest=reply.digest,
            more=reply.more,
            purged=reply.purged,
            promises=promises_from_pb(reply.promises),
        )

    async def stream_snapshot(
        self, address: str, message: SnapshotMessage
    ) -> AsyncGenerator[bytes, None]:
        """No deadline on the call: the receiver bounds the wait for each chunk instead. From a
        peer of an earlier version (no StreamSnapshot), its whole-form snapshot, restreamed."""
        request = pb.SnapshotRequest(
            from_node=message.from_node, version_vector=message.version_vector
        )
        body = request.SerializeToString()
        signed = self._sign(STREAM_SNAPSHOT, body)
        rpc = self._channel(address).unary_stream(
            STREAM_SNAPSHOT, request_serializer=None, response_deserializer=None
        )
        call = rpc(body, metadata=signed.metadata)
        index = 0
        try:
            async for raw in call:
                try:
                    chunk = pb.SnapshotChunk.FromString(raw)
                    # INVARIANT: a chunk is handed on only once its MAC, bound to this request
                    # and to its position, checks out (no splicing, reordering or repeats).
                    verify_chunk(self._key, signed.binding, index, chunk.data, chunk.mac)
                except (PeerAuthError, DecodeError) as err:
                    raise TransportError(
                        f"{STREAM_SNAPSHOT} to {address}: refused a chunk: {err}"
                    ) from None
                index += 1
                yield bytes(chunk.data)
        except grpc.aio.AioRpcError as err:
            if err.code() != grpc.StatusCode.UNIMPLEMENTED or index:
                raise self._error(STREAM_SNAPSHOT, address, signed, err) from None
        else:
            return
        finally:
            call.cancel()
        reply = await self.snapshot(address, message)
        # Checked whole here (CodecError reaches the receiver, which refuses it), then fed to
        # the receiver like a stream.
        for restreamed in restream(decode_snapshot(reply.snapshot)):
            yield restreamed

    async def snapshot(self, address: str, message: SnapshotMessage) -> SnapshotReply:
        """The peer's whole-form snapshot in one message (Peer.Snapshot)."""
        request = pb.SnapshotRequest(
            from_node=message.from_node, version_vector=message.version_vector
        )
        reply = await self._call(address, SNAPSHOT, request, pb.SnapshotResponse)
        return SnapshotReply(bytes(reply.snapshot))

    async def remove_member(self, address: str, member_address: str, node_id: str = "") -> bool:
        """Asks the node at `address` to remove the member at `member_address` (with
        `node_id`, when known) from the cluster."""
        request = pb.RemoveMemberRequest(address=member_address, node_id=node_id)
        reply = await self._call(address, REMOVE_MEMBER, request, pb.RemoveMemberResponse)
        return bool(reply.removed)

    async def close(self) -> None:
        channels = list(self._channels.values())
        self._channels.clear()
        for channel in channels:
            await channel.close(None)

"""The Peer gRPC service: cluster-key authenticated, decoded, handed to the Replicator.

A request from outside the cluster, a replayed one, one whose stated node id is not the one
its certificate names, or a malformed one, is refused and logged; it never reaches the
replica half-applied. Every answer (reply, refusal, snapshot chunk) carries a MAC bound to
the request (node/replication/peerauth.py).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from google.protobuf.message import DecodeError

from iamstore.node.replication.gossip import PeerMessageError, Replicator
from iamstore.node.replication.grpc_transport import (
    members_from_pb,
    members_to_pb,
    promises_from_pb,
    promises_to_pb,
)
from iamstore.node.replication.peerauth import (
    REPLY_MAC_KEY,
    PeerAuthError,
    ReplayGuard,
    VerifiedRequest,
    chunk_mac,
    refusal_mac,
    reply_mac,
    verify_request,
)
from iamstore.node.replication.peertls import PeerCertificateError, verify_peer_certificate
from iamstore.node.replication.transport import (
    ExchangeMessage,
    MemberRemovedError,
    PushMessage,
    SnapshotMessage,
)
from iamstore.v1 import peer_pb2 as pb

log = logging.getLogger("iamstore.peer")

Context = grpc.aio.ServicerContext[Any, Any]


def peer_handlers(
    replicator: Replicator,
    cluster_key: bytes,
    now_ms: Callable[[], int],
    client_ca: bytes | None = None,
    previous_key: bytes | None = None,
) -> grpc.GenericRpcHandler[Any, Any]:
    """With `client_ca` (TLS), a call must also come with a client certificate it signed,
    naming (as its node id) the node id the call states.

    `previous_key` is the cluster key before the last rotation: it admits nothing, but a
    removed member (which holds only that one) is told, in a refusal MAC'd with it, that it
    was removed, so that it stops calling.
    """
    replays = ReplayGuard()

    def check_sender(request_from: str, caller: str) -> None:
        # INVARIANT: a member speaks only for itself; its stated id is authenticated (by its
        # certificate under TLS, by the cluster-key MAC otherwise).
        if request_from != caller:
            raise PeerMessageError(f"node `{caller}` sent a message as `{request_from}`")

    async def push(request: pb.PushRequest, caller: str) -> bytes:
        check_sender(request.from_node, caller)
        reply = await replicator.handle_push(
            PushMessage(
                from_node=request.from_node,
                commits=tuple(request.commits),
                version_vector=dict(request.version_vector),
                members=members_from_pb(request.members),
            )
        )
        response = pb.PushResponse(version_vector=reply.version_vector, applied=reply.applied)
        return bytes(response.SerializeToString())

    async def exchange(request: pb.ExchangeRequest, caller: str) -> bytes:
        check_sender(request.from_node, caller)
        reply = await replicator.handle_exchange(
            ExchangeMessage(
                from_node=request.from_node,
                version_vector=dict(request.version_vector),
                max_commits=max(1, min(request.max_commits, 10_000)),
                members=members_from_pb(request.members),
                digest=request.digest,
                after=dict(request.after),
                promises=promises_from_pb(request.promises),
            )
        )
        response = pb.ExchangeResponse(
            commits=reply.commits,
            version_vector=reply.version_vector,
            members=members_to_pb(reply.members),
            digest=reply.digest,
            more=reply.more,
            purged=reply.purged,
            promises=promises_to_pb(reply.promises),
        )
        return bytes(response.SerializeToString())

    async def snapshot(request: pb.SnapshotRequest, caller: str) -> bytes:
        check_sender(request.from_node, caller)
        reply = await replicator.handle_snapshot(
            SnapshotMessage(request.from_node, dict(request.version_vector))
        )
        return bytes(pb.SnapshotResponse(snapshot=reply.snapshot).SerializeToString())

    async def remove_member(request: pb.RemoveMemberRequest, caller: str) -> bytes:
        removed = await replicator.remove_member(
            request.address, request.node_id, actor=f"peer:{caller}"
        )
        log.info("remove member `%s` asked by %s: %s", request.address, caller, removed)
        return bytes(pb.RemoveMemberResponse(removed=removed).SerializeToString())

    async def refuse(
        context: Context,
        verified: VerifiedRequest | None,
        code: grpc.StatusCode,
        details: str,
        key: bytes = cluster_key,
    ) -> None:
        """Aborts the call; a refusal of an authenticated request is MAC'd for its caller."""
        trailing: tuple[tuple[str, str], ...] = ()
        if verified is not None:
            mac = refusal_mac(key, verified.binding, code.name, details)
            trailing = ((REPLY_MAC_KEY, mac),)
        await context.abort(code, details, trailing_metadata=trailing)

    async def refuse_stale_key(
        method: str,
        body: bytes,
        metadata: list[tuple[str, str | bytes]],
        certified: str | None,
        context: Context,
    ) -> None:
        """A request MAC'd with the previous cluster key: a removed member (by its certificate
        under TLS) is told so; any other caller is refused as unauthenticated."""
        assert previous_key is not None
        try:
            stale = verify_request(previous_key, method, body, metadata, now_ms(), replays)
            replicator.refuse_if_removed(certified or stale.node_id)
        except PeerAuthError:
            return  # not the previous key either: the caller refuses it as unauthenticated
        except MemberRemovedError as err:
            code = grpc.StatusCode.FAILED_PRECONDITION
            await refuse(context, stale, code, str(err), key=previous_key)
        detail = f"peer request from `{stale.node_id}` with a cluster key rotated away"
        log.warning("refused %s from %s: %s", method, context.peer(), detail)
        await refuse(context, None, grpc.StatusCode.UNAUTHENTICATED, detail)

    async def admit(
        method: str, request_type: Any, body: bytes, context: Context
    ) -> tuple[Any, VerifiedRequest]:
        """The checked request and who sent it; else the call is aborted."""
        metadata = [(str(k), v) for k, v in context.invocation_metadata() or ()]
        certified: str | None = None
        if client_ca is not None:
            now = datetime.datetime.fromtimestamp(now_ms() / 1000, datetime.UTC)
            try:
                certified = verify_peer_certificate(client_ca, context.auth_context(), now)
            except PeerCertificateError as err:
                log.warning("refused %s from %s: %s", method, context.peer(), err)
                await refuse(context, None, grpc.StatusCode.UNAUTHENTICATED, str(err))
        try:
            verified = verify_request(cluster_key, method, body, metadata, now_ms(), replays)
        except PeerAuthError as err:
            if previous_key is not None:
                await refuse_stale_key(method, body, metadata, certified, context)
            log.warning("refused %s from %s: %s", method, context.peer(), err)
            await refuse(context, None, grpc.StatusCode.UNAUTHENTICATED, str(err))
        try:
            # By identity, on every call (RemoveMember too): under TLS the id the certificate
            # names, whatever the call states; a removed identity can do nothing here.
            replicator.refuse_if_removed(certified or verified.node_id)
        except MemberRemovedError as err:
            await refuse(context, verified, grpc.StatusCode.FAILED_PRECONDITION, str(err))
        if certified is not None and verified.node_id != certified:
            detail = f"peer certificate names `{certified}`, not `{verified.node_id}`"
            log.warning("refused %s from %s: %s", method, context.peer(), detail)
            await refuse(context, None, grpc.StatusCode.UNAUTHENTICATED, detail)
        try:
            return request_type.FromString(body), verified
        except DecodeError:
            log.warning("refused a malformed %s from %s", method, context.peer())
            await refuse(
                context, verified, grpc.StatusCode.INVALID_ARGUMENT, "malformed peer message"
            )
        raise AssertionError("abort returns only by raising")  # pragma: no cover

    def behavior(
        method: str, request_type: Any, run: Callable[[Any, str], Awaitable[bytes]]
    ) -> Callable[[bytes, Context], Awaitable[bytes]]:
        async def handle(body: bytes, context: Context) -> bytes:
            request, verified = await admit(method, request_type, body, context)
            try:
                answer = await run(request, verified.node_id)
            except PeerMessageError as err:
                await refuse(context, verified, grpc.StatusCode.INVALID_ARGUMENT, str(err))
            except MemberRemovedError as err:
                # The one use of FAILED_PRECONDITION here: the caller maps it back (transport).
                await refuse(context, verified, grpc.StatusCode.FAILED_PRECONDITION, str(err))
            else:
                context.set_trailing_metadata(
                    ((REPLY_MAC_KEY, reply_mac(cluster_key, verified.binding, answer)),)
                )
                return answer
            raise AssertionError("abort returns only by raising")  # pragma: no cover

        return handle

    async def stream_snapshot(body: bytes, context: Context) -> AsyncIterator[bytes]:
        method = "/iamstore.v1.Peer/StreamSnapshot"
        request, verified = await admit(method, pb.SnapshotRequest, body, context)
        message = SnapshotMessage(request.from_node, dict(request.version_vector))
        try:
            check_sender(request.from_node, verified.node_id)
            # Each chunk is written before the next is read: gRPC's flow control paces the
            # sender to the receiver, so neither holds more than a few chunks.
            index = 0
            async for chunk in replicator.handle_stream_snapshot(message):
                mac = chunk_mac(cluster_key, verified.binding, index, chunk)
                index += 1
                yield bytes(pb.SnapshotChunk(data=chunk, mac=mac).SerializeToString())
        except PeerMessageError as err:
            await refuse(context, verified, grpc.StatusCode.INVALID_ARGUMENT, str(err))
        except MemberRemovedError as err:
            await refuse(context, verified, grpc.StatusCode.FAILED_PRECONDITION, str(err))

    table = {
        "Push": grpc.unary_unary_rpc_method_handler(
            behavior("/iamstore.v1.Peer/Push", pb.PushRequest, push)
        ),
        "Exchange": grpc.unary_unary_rpc_method_handler(
            behavior("/iamstore.v1.Peer/Exchange", pb.ExchangeRequest, exchange)
        ),
        "StreamSnapshot": grpc.unary_stream_rpc_method_handler(stream_snapshot),
        "Snapshot": grpc.unary_unary_rpc_method_handler(
            behavior("/iamstore.v1.Peer/Snapshot", pb.SnapshotRequest, snapshot)
        ),
        "RemoveMember": grpc.unary_unary_rpc_method_handler(
            behavior("/iamstore.v1.Peer/RemoveMember", pb.RemoveMemberRequest, remove_member)
        ),
    }
    return grpc.method_handlers_generic_handler("iamstore.v1.Peer", table)

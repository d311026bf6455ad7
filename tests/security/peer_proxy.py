"""An on-path attacker between members: a gRPC proxy holding no key that forwards Peer calls
byte for byte and lets a test rewrite what comes back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

Context = grpc.aio.ServicerContext[Any, Any]
# (method, raw reply) -> the raw reply to pass on
ReplyRewrite = Callable[[str, bytes], bytes]
# (raw chunks) -> the raw chunks to pass on
StreamRewrite = Callable[[list[bytes]], list[bytes]]
# (method, context) -> abort the call instead of forwarding it, or None to forward
Refusal = Callable[[str, Context], Awaitable[None]]

UNARY = ("Push", "Exchange", "Snapshot", "RemoveMember")


def _peer_metadata(context: Context) -> tuple[tuple[str, str | bytes], ...]:
    return tuple(
        (str(k), v) for k, v in context.invocation_metadata() or () if k.startswith("x-iamstore")
    )


class PeerProxy:
    """Forwards every Peer call to `upstream`; `rewrite`, `rewrite_stream` and `refuse` (when
    set) alter what goes back. `replies` keeps every (raw reply, trailing metadata) seen."""

    def __init__(self, upstream: str) -> None:
        self._channel = grpc.aio.insecure_channel(upstream)
        self._server = grpc.aio.server()
        self.address = ""
        self.rewrite: ReplyRewrite | None = None
        self.rewrite_stream: StreamRewrite | None = None
        self.refuse: Refusal | None = None
        self.replies: list[tuple[bytes, tuple[tuple[str, str | bytes], ...]]] = []
        self.splice_from: int | None = None  # answer with an earlier reply (and its trailer)

    def _unary(self, name: str) -> Callable[[bytes, Context], Awaitable[bytes]]:
        method = f"/iamstore.v1.Peer/{name}"

        async def handle(body: bytes, context: Context) -> bytes:
            if self.refuse is not None:
                await self.refuse(method, context)
            call = self._channel.unary_unary(
                method, request_serializer=None, response_deserializer=None
            )(body, metadata=_peer_metadata(context))
            raw: bytes = await call
            trailing = tuple((str(k), v) for k, v in await call.trailing_metadata() or ())
            self.replies.append((raw, trailing))
            if self.splice_from is not None:
                raw, trailing = self.replies[self.splice_from]
            if self.rewrite is not None:
                raw = self.rewrite(method, raw)
            context.set_trailing_metadata(trailing)
            return raw

        return handle

    async def _stream(self, body: bytes, context: Context) -> AsyncIterator[bytes]:
        method = "/iamstore.v1.Peer/StreamSnapshot"
        call = self._channel.unary_stream(
            method, request_serializer=None, response_deserializer=None
        )(body, metadata=_peer_metadata(context))
        chunks = [bytes(raw) async for raw in call]
        if self.rewrite_stream is not None:
            chunks = self.rewrite_stream(chunks)
        for chunk in chunks:
            yield chunk

    async def start(self) -> str:
        table: dict[str, grpc.RpcMethodHandler[Any, Any]] = {
            name: grpc.unary_unary_rpc_method_handler(self._unary(name)) for name in UNARY
        }
        table["StreamSnapshot"] = grpc.unary_stream_rpc_method_handler(self._stream)
        self._server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler("iamstore.v1.Peer", table),)
        )
        port = self._server.add_insecure_port("127.0.0.1:0")
        await self._server.start()
        self.address = f"127.0.0.1:{port}"
        return self.address

    async def close(self) -> None:
        await self._server.stop(None)
        await self._channel.close(None)

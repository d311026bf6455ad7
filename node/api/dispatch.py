"""Turns handlers into gRPC method handlers: authenticate the wire bytes, decode, validate, run.

Requests arrive as raw bytes (no deserializer) so the signature is checked over exactly the
bytes that were sent; only then is the message decoded. Every failure leaves as one AWS-style
error with its code in trailing metadata.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from google.protobuf.message import DecodeError, Message

from client.wire.errors import WireError
from client.wire.sigv4 import SignatureError
from node.api import validation
from node.api.context import Call, NodeServices, Peer
from node.auth.context import peer_ip
from node.domain.errors import IamError, InvalidAction, InvalidInput, NotYetReplicated

log = logging.getLogger(__name__)

Handler = Callable[[Call, Any], Awaitable[Message]]
TOKEN_KEY = "x-iam-consistency-token"
# A client asks for read-your-writes with the tokens of writes it has seen: "origin:seq,...".
AT_LEAST_KEY = "x-iam-at-least"


def parse_tokens(text: str) -> dict[str, int]:
    """`origin:seq,origin:seq` to the highest sequence required per origin."""
    required: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        origin, _, seq = item.rpartition(":")
        if not origin or not seq.isdigit():
            raise InvalidInput(f"invalid consistency token `{item}`", "AtLeast")
        required[origin] = max(required.get(origin, 0), int(seq))
    return required


def _peer(
    context: grpc.aio.ServicerContext[Any, Any], metadata: list[tuple[str, str | bytes]]
) -> Peer:
    agent = next((v for k, v in metadata if k == "user-agent"), None)
    tls = context.auth_context().get("transport_security_type") == [b"ssl"]
    return Peer(peer_ip(context.peer()), tls, agent if isinstance(agent, str) else None)


def _has_token(metadata: list[tuple[str, str | bytes]]) -> bool:
    return any(k == AT_LEAST_KEY for k, _ in metadata)


async def _wait_for_token(node: NodeServices, metadata: list[tuple[str, str | bytes]]) -> None:
    text = next((v for k, v in metadata if k == AT_LEAST_KEY), None)
    if text is None:
        return
    tokens = text if isinstance(text, str) else text.decode()
    required = parse_tokens(tokens)
    if not await node.state.wait_until_covers(required, node.at_least_timeout_s):
        raise NotYetReplicated(
            f"this node has not yet replicated `{tokens}` "
            f"(waited {node.at_least_timeout_s:g} s); retry, or ask the node that took the write"
        )


def method_handlers(
    service: Any, pb_module: Any, handlers: dict[str, Handler], node: NodeServices
) -> grpc.GenericRpcHandler[Any, Any]:
    """A generic handler serving every method of `service` that has a handler."""
    table: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}
    for method in service.methods:
        handler = handlers.get(method.name)
        if handler is None:  # tests/unit/node/test_dispatch.py keeps this list empty
            handler = _unimplemented(method.name)
        request_type = getattr(pb_module, method.input_type.name)
        table[method.name] = grpc.unary_unary_rpc_method_handler(
            _behavior(
                f"/{service.full_name}/{method.name}", method.name, request_type, handler, node
            )
        )
    return grpc.method_handlers_generic_handler(service.full_name, table)


def _unimplemented(operation: str) -> Handler:
    async def refuse(call: Call, request: Any) -> Message:
        raise InvalidAction(f"operation `{operation}` is not implemented by this node")

    return refuse


def _behavior(
    path: str, operation: str, request_type: Any, handler: Handler, node: NodeServices
) -> Callable[[bytes, grpc.aio.ServicerContext[Any, Any]], Awaitable[bytes]]:
    modelled = validation.is_modelled(operation)

    async def behavior(body: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
        try:
            metadata = _pairs(context.invocation_metadata())
            try:
                caller = node.auth.authenticate(path, body, metadata)
            except SignatureError as err:
                # The key may come from a write this replica has not applied yet: when the
                # caller names that write with a token, wait for it and try once more.
                if err.code != "InvalidClientTokenId" or not _has_token(metadata):
                    raise
                await _wait_for_token(node, metadata)
                caller = node.auth.authenticate(path, body, metadata)
            await _wait_for_token(node, metadata)
            try:
                request = request_type.FromString(body)
            except DecodeError:
                raise InvalidInput("the request body is not a valid message") from None
            if modelled:
                validation.validate(operation, request)
            call = Call(caller, node, operation, _peer(context, metadata))
            response = await handler(call, request)
            if call.token is not None:
                context.set_trailing_metadata(((TOKEN_KEY, call.token.encode()),))
            return bytes(response.SerializeToString())
        except IamError as err:
            error = WireError(err.code, err.message, err.field)
        except SignatureError as err:
            error = WireError(err.code, err.message)
        except Exception:
            log.exception("%s failed", operation)
            error = WireError("ServiceFailure", "an internal error occurred")
        context.set_trailing_metadata(error.trailers())
        await context.abort(error.status(), error.message)
        raise AssertionError("abort returns only by raising")  # pragma: no cover

    return behavior


def _pairs(metadata: Any) -> list[tuple[str, str | bytes]]:
    return [(str(item[0]), item[1]) for item in metadata or ()]


def registrar(table: dict[str, Handler]) -> Callable[[str], Callable[[Handler], Handler]]:
    """A decorator factory filling `table` with handlers by operation name."""

    def register(operation: str) -> Callable[[Handler], Handler]:
        def add(handler: Handler) -> Handler:
            table[operation] = handler
            return handler

        return add

    return register


def opt_str(message: Message, name: str) -> str | None:
    return str(getattr(message, name)) if message.HasField(name) else None


def opt_int(message: Message, name: str) -> int | None:
    return int(getattr(message, name)) if message.HasField(name) else None


def opt_bool(message: Message, name: str) -> bool | None:
    return bool(getattr(message, name)) if message.HasField(name) else None

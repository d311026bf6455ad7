"""A fake iamstore node for client tests: a grpc.aio server on 127.0.0.1:0 that verifies each
call's SigV4 signature and answers with canned responses or AWS-style errors in trailers."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

import grpc
import grpc.aio
import pytest
from google.protobuf.message import Message

from iamstore.client import Credentials
from iamstore.wire.errors import WireError
from iamstore.wire.sigv4 import (
    DEFAULT_HOST,
    DEFAULT_REGION,
    SignatureError,
    parse_grpc_auth,
    verify_grpc,
)

ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CREDENTIALS = Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY)

M = TypeVar("M", bound=Message)
if TYPE_CHECKING:  # the grpc stubs are generic, the runtime classes are not
    Context = grpc.aio.ServicerContext[bytes, bytes]
    Handler = grpc.RpcMethodHandler[bytes, bytes]
    HandlerBase = grpc.GenericRpcHandler[bytes, bytes]
else:
    HandlerBase = grpc.GenericRpcHandler
Answer = Message | WireError | Callable[[bytes], Message | WireError]


@dataclass
class ReceivedCall:
    method: str
    body: bytes
    metadata: dict[str, str]


@dataclass
class FakeNode:
    """Answers by method name ("CreateUser"); queued answers are used in order, the last repeats."""

    endpoint: str = ""
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    calls: list[ReceivedCall] = field(default_factory=list)

    def answer(self, method_name: str, *answers: Answer) -> None:
        self.answers[method_name] = list(answers)

    def requests(self, method_name: str, request_type: type[M]) -> list[M]:
        """The decoded requests the node received for one method, in order."""
        return [
            request_type.FromString(call.body)
            for call in self.calls
            if call.method.endswith("/" + method_name)
        ]

    async def handle(self, method: str, body: bytes, context: Context) -> bytes:
        metadata = {key: str(value) for key, value in context.invocation_metadata() or ()}
        self.calls.append(ReceivedCall(method, body, metadata))
        try:
            parsed = parse_grpc_auth(list(metadata.items()))
            verify_grpc(
                parsed,
                secret_access_key=SECRET_ACCESS_KEY,
                method_path=method,
                body=body,
                host=DEFAULT_HOST,
                region=DEFAULT_REGION,
                now=datetime.now(UTC),
            )
        except SignatureError as error:
            return await _abort(context, WireError("SignatureDoesNotMatch", str(error)))
        queue = self.answers.get(method.rsplit("/", 1)[1])
        if not queue:
            return await _abort(context, WireError("InvalidAction", f"no answer for `{method}`"))
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(answer) and not isinstance(answer, Message | WireError):
            answer = answer(body)
        if isinstance(answer, WireError):
            return await _abort(context, answer)
        return answer.SerializeToString()

    def service(self, details: grpc.HandlerCallDetails) -> Handler:
        method = details.method

        async def unary(body: bytes, context: Context) -> bytes:
            return await self.handle(method, body, context)

        return grpc.unary_unary_rpc_method_handler(unary)


async def _abort(context: Context, error: WireError) -> bytes:
    context.set_trailing_metadata(error.trailers())
    await context.abort(error.status(), error.message)
    raise AssertionError("abort returns only by raising")


class _Handler(HandlerBase):
    def __init__(self, node: FakeNode) -> None:
        self._node = node

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> Handler:
        return self._node.service(handler_call_details)


@pytest.fixture
async def node() -> AsyncIterator[FakeNode]:
    fake = FakeNode()
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((_Handler(fake),))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    fake.endpoint = f"127.0.0.1:{port}"
    try:
        yield fake
    finally:
        await server.stop(None)


@pytest.fixture
def dead_endpoint() -> str:
    """An address nothing listens on: connecting to it fails with UNAVAILABLE."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"127.0.0.1:{port}"

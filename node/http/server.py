"""The HTTP/1.1 listener (aiohttp's low-level server) in the node's own event loop.

aiohttp was chosen over httptools and h11 (docs/http.md, "Choice of server"): a maintained
C parser (llhttp), keep-alive, TLS and limits on request lines and headers, with nothing of a
web framework. Everything a caller sends before authentication is bounded here: header count
and sizes, body size (IAM's largest legal request), and time (a connection that does not
finish a request head in time, or a body that trickles in, is closed).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from iamstore.node.api.call import CallerConnection
from iamstore.node.http.body_budget import BodyBudget
from iamstore.node.http.endpoint import HttpRequest, HttpResponse

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """What one caller may make the node hold or wait for before it is authenticated."""

    # IAM's largest legal request: a 131,072-character policy document whose every character
    # is 4 UTF-8 bytes, each percent-encoded (12 bytes), plus the other parameters.
    max_body_bytes: int = 2 * 1024 * 1024
    # What unfinished bodies hold at once over all connections (8 of the largest): a body
    # whose next bytes would pass it is refused with 503 ServiceUnavailable, which SDKs retry.
    max_unfinished_body_bytes: int = 16 * 1024 * 1024
    # What aiohttp buffers per connection ahead of the reader (it pauses reading at twice
    # this): 1,000 connections x 32 KiB = 32 MiB at most, besides the bodies above.
    read_buffer_bytes: int = 16 * 1024
    # Request line (a GET or presigned URL carries a session token) and each header line.
    max_line_bytes: int = 16 * 1024
    max_headers: int = 64
    # From connect (or the end of the previous response) to a complete request head.
    head_timeout_s: float = 10.0
    # Reading the whole body once the head has arrived.
    body_timeout_s: float = 30.0
    # An idle keep-alive connection is closed after this long.
    keepalive_timeout_s: float = 30.0
    # After refusing a request, how long unread body bytes are drained so the client still
    # reads the refusal (aiohttp's lingering close; its default, 10 s, is a slow client's gift).
    lingering_s: float = 2.0
    # Open connections at once; more are closed on arrival (file descriptors are the node's,
    # shared with gRPC and peers).
    max_connections: int = 1000


ExtraRoute = Callable[[HttpRequest], Awaitable[HttpResponse | None]]


class Endpoint(Protocol):
    """What the listener serves (a QueryEndpoint, or the emulator's stand-in for one)."""

    async def handle(self, request: HttpRequest) -> HttpResponse: ...

    def refuse(self, code: str, message: str) -> HttpResponse: ...


class _GuardedServer(web.Server):
    """aiohttp's server, closing connections that never send a complete request head, and
    making room for a new connection by closing the oldest idle one when full.

    aiohttp bounds idle keep-alive connections but not the first request's head; a caller
    trickling bytes (slowloris) would otherwise hold a connection for ever.
    """

    def __init__(
        self, handler: Any, head_timeout_s: float, max_connections: int, **kwargs: Any
    ) -> None:
        super().__init__(handler, **kwargs)
        self._head_timeout_s = head_timeout_s
        self._max_connections = max_connections
        # Connections that have sent at least one complete request head.
        self.started: set[RequestHandler] = set()
        # Connections whose request is being handled (one at a time per connection).
        self.busy: set[RequestHandler] = set()

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        if len(self._connections) > self._max_connections:
            # Full: the oldest connection with no request in hand (silent since it connected,
            # or idle between keep-alive requests) makes room, so connections that only hold
            # a slot never keep out a caller who uses one; an SDK reconnects an idle one it
            # loses. Only when every one has a request in hand is the newcomer refused.
            # INVARIANT: a request in hand is never cut to admit a connection.
            idle = next(
                (
                    held
                    for held in self._connections
                    if held is not handler and held not in self.busy
                ),
                None,
            )
            if idle is None:
                handler.force_close()
                transport.close()
                return
            idle.force_close()
        self._loop.call_later(self._head_timeout_s, self._close_if_silent, handler)

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        super().connection_lost(handler, exc)
        self.started.discard(handler)

    def _close_if_silent(self, handler: RequestHandler) -> None:
        if handler not in self.started and handler in self._connections:
            handler.force_close()

    async def shutdown(self, timeout: float | None = None) -> None:  # noqa: ASYNC109 (aiohttp's signature)
        # aiohttp waits the whole grace for a connection idle between keep-alive requests, as
        # nothing wakes its reader: SDKs keep such connections, so every stop took the full
        # grace. Those are closed at once; only requests in hand get the grace.
        for handler in list(self._connections):
            if handler not in self.busy:
                handler.force_close()
        await super().shutdown(timeout)


class HttpServer:
    """Serves a QueryEndpoint on HOST:PORT; `start` returns the bound address."""

    def __init__(
        self,
        endpoint: Endpoint,
        listen: str,
        *,
        ssl_context: ssl.SSLContext | None = None,
        limits: HttpLimits | None = None,
        extra: ExtraRoute | None = None,
    ) -> None:
        self._endpoint = endpoint
        self._listen = listen
        self._ssl = ssl_context
        self._limits = limits or HttpLimits()
        self._extra = extra
        self._server: _GuardedServer | None = None
        self._listener: asyncio.Server | None = None
        self._bodies = BodyBudget(self._limits.max_unfinished_body_bytes)

    async def start(self) -> str:
        limits = self._limits
        self._server = _GuardedServer(
            self._handle,
            limits.head_timeout_s,
            limits.max_connections,
            max_line_size=limits.max_line_bytes,
            max_field_size=limits.max_line_bytes,
            max_headers=limits.max_headers,
            keepalive_timeout=limits.keepalive_timeout_s,
            lingering_time=limits.lingering_s,
            read_bufsize=limits.read_buffer_bytes,
            # Never inflate a body: a small gzip bomb would pass the size limit.
            auto_decompress=False,
            access_log=None,
        )
        host, _, port = self._listen.rpartition(":")
        self._listener = await asyncio.get_running_loop().create_server(
            self._server, host.strip("[]"), int(port), ssl=self._ssl
        )
        bound = self._listener.sockets[0].getsockname()
        shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        return f"{shown}:{bound[1]}"

    @property
    def unfinished_body_bytes(self) -> int:
        """The bytes of request bodies being read now (within `max_unfinished_body_bytes`)."""
        return self._bodies.held

    async def close(self, grace_s: float = 5.0) -> None:
        if self._listener is not None:
            self._listener.close()
        if self._server is not None:
            await self._server.shutdown(grace_s)
        if self._listener is not None:
            await self._listener.wait_closed()

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        assert self._server is not None
        self._server.started.add(request.protocol)
        self._server.busy.add(request.protocol)
        try:
            return await self._respond(request)
        finally:
            self._server.busy.discard(request.protocol)

    async def _respond(self, request: web.BaseRequest) -> web.StreamResponse:
        try:
            body = await self._read_body(request)
        except _Refused as refused:
            return _to_aiohttp(self._endpoint.refuse(refused.code, refused.message), close=True)
        transport = request.transport
        peername = transport.get_extra_info("peername") if transport is not None else None
        # aws:SourceIp: the HTTP peer itself (a proxy in front would have to be trusted
        # explicitly before any forwarded-for header could be believed).
        source_ip = str(peername[0]) if isinstance(peername, tuple) else None
        headers: dict[str, list[str]] = {}
        for name, value in request.raw_headers:
            headers.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
        user_agent = headers.get("user-agent", [None])[0]
        raw_path, _, raw_query = request.raw_path.partition("?")
        http_request = HttpRequest(
            method=request.method,
            raw_path=raw_path,
            raw_query=raw_query,
            headers=headers,
            body=body,
            peer=CallerConnection(source_ip, self._ssl is not None, user_agent),
        )
        response: HttpResponse | None = None
        if self._extra is not None:
            response = await self._extra(http_request)
        if response is None:
            response = await self._endpoint.handle(http_request)
        return _to_aiohttp(response)

    async def _read_body(self, request: web.BaseRequest) -> bytes:
        limit = self._limits.max_body_bytes
        if request.headers.get("Content-Encoding", "identity").lower() != "identity":
            raise _Refused("InvalidParameterValue", "content encodings are not accepted")
        declared = request.content_length
        if declared is not None and declared > limit:
            raise _Refused("RequestEntityTooLarge", f"the body exceeds {limit} bytes")
        content = request.content
        if content.is_eof():
            # The whole body has arrived with the head (every small request): take it as it
            # is, without arming a timer that could not fire.
            body = content.read_nowait(-1)
            if len(body) > limit:
                raise _Refused("RequestEntityTooLarge", f"the body exceeds {limit} bytes")
            return body
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self._limits.body_timeout_s):
                while True:
                    chunk = await content.readany()
                    if not chunk:
                        break
                    if size + len(chunk) > limit:
                        raise _Refused("RequestEntityTooLarge", f"the body exceeds {limit} bytes")
                    # INVARIANT: every byte kept of an unfinished body is taken from the
                    # shared budget, and given back below however reading ends.
                    if not self._bodies.take(len(chunk)):
                        raise _Refused(
                            "ServiceUnavailable",
                            "too many request bodies are arriving at once; retry later",
                        )
                    size += len(chunk)
                    chunks.append(chunk)
        except TimeoutError:
            raise _Refused("RequestTimeout", "the body did not arrive in time") from None
        finally:
            self._bodies.give_back(size)
        return b"".join(chunks)


class _Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _to_aiohttp(response: HttpResponse, *, close: bool = False) -> web.Response:
    # `Server`: not aiohttp's name and version. The endpoint's headers have distinct names.
    headers = {"Server": "iamstore", **dict(response.headers)}
    result = web.Response(status=response.status, body=response.body, headers=headers)
    if close:
        result.force_close()
    return result


def server_ssl_context(cert: Path, key: Path) -> ssl.SSLContext:
    """TLS for the HTTP port: the node's own certificate and key, TLS 1.2 or later."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context

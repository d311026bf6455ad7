"""The HTTP listener's bounds on what a caller holds before authentication: slow heads, slow
bodies, oversized bodies (served on 127.0.0.1 with an endpoint that only echoes)."""

from __future__ import annotations

import asyncio
from typing import Any

from iamstore.node.http.endpoint import HttpRequest, HttpResponse
from iamstore.node.http.server import HttpLimits, HttpServer


class _Echo:
    def __init__(self) -> None:
        self.seen: list[HttpRequest] = []

    async def handle(self, request: HttpRequest) -> HttpResponse:
        self.seen.append(request)
        return HttpResponse(200, b"ok:" + request.body)

    def refuse(self, code: str, message: str) -> HttpResponse:
        status = {"RequestEntityTooLarge": 413, "ServiceUnavailable": 503}.get(code, 400)
        return HttpResponse(status, code.encode())


async def _serve(limits: HttpLimits) -> tuple[HttpServer, _Echo, int]:
    echo = _Echo()
    server = HttpServer(echo, "127.0.0.1:0", limits=limits)
    address = await server.start()
    return server, echo, int(address.rpartition(":")[2])


async def _read_all(reader: asyncio.StreamReader) -> bytes:
    async with asyncio.timeout(20):  # a bound for the test itself, not a timing assertion
        return await reader.read()


async def test_a_connection_that_never_finishes_its_head_is_closed() -> None:
    server, echo, port = await _serve(HttpLimits(head_timeout_s=0.2))
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST / HTTP/1.1\r\nHost: x\r\n")  # and then nothing more
        await writer.drain()
        assert await _read_all(reader) == b""
        assert echo.seen == []
        writer.close()
    finally:
        await server.close()


async def test_a_body_that_trickles_in_is_refused() -> None:
    server, echo, port = await _serve(HttpLimits(body_timeout_s=0.2))
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nAction=")
        await writer.drain()
        answer = await _read_all(reader)
        assert answer.startswith(b"HTTP/1.1 400")
        assert b"RequestTimeout" in answer
        assert echo.seen == []
        writer.close()
    finally:
        await server.close()


async def test_a_body_larger_than_the_limit_is_refused_even_without_a_length() -> None:
    server, echo, port = await _serve(HttpLimits(max_body_bytes=1000))
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        chunk = b"a" * 600
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
        writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
        await writer.drain()
        answer = await _read_all(reader)
        assert answer.startswith(b"HTTP/1.1 413")
        assert echo.seen == []
        writer.close()
    finally:
        await server.close()


async def test_a_request_within_the_limits_is_served_with_its_peer() -> None:
    server, echo, port = await _serve(HttpLimits())
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /?a=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: t/1\r\nContent-Length: 4\r\n"
            b"Connection: close\r\n\r\nbody"
        )
        await writer.drain()
        answer = await _read_all(reader)
        assert answer.endswith(b"ok:body")
        seen: Any = echo.seen[0]
        assert (seen.raw_path, seen.raw_query, seen.peer.ip) == ("/", "a=1", "127.0.0.1")
        assert seen.peer.user_agent == "t/1"
        assert seen.peer.tls is False
        writer.close()
    finally:
        await server.close()


async def test_a_connection_beyond_the_limit_takes_the_place_of_the_oldest_idle_one() -> None:
    # Connections that only hold a slot (silent, or idle between requests) must not keep out
    # a caller who uses one: the oldest idle one is closed to let the newcomer in.
    server, echo, port = await _serve(HttpLimits(max_connections=2))
    try:
        oldest_reader, oldest = await asyncio.open_connection("127.0.0.1", port)
        oldest.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # then idles, kept alive
        await oldest.drain()
        async with asyncio.timeout(20):  # a bound for the test itself, not a timing assertion
            assert (await oldest_reader.readuntil(b"ok:")).startswith(b"HTTP/1.1 200")
        _, silent = await asyncio.open_connection("127.0.0.1", port)  # sends nothing
        newcomer_reader, newcomer = await asyncio.open_connection("127.0.0.1", port)
        assert await _read_all(oldest_reader) == b""  # closed to make room
        newcomer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert (await _read_all(newcomer_reader)).startswith(b"HTTP/1.1 200")
        assert len(echo.seen) == 2
        for writer in (oldest, silent, newcomer):
            writer.close()
    finally:
        await server.close()


async def test_a_connection_beyond_the_limit_is_refused_when_each_has_a_request_in_hand() -> None:
    held = _Held()
    server = HttpServer(held, "127.0.0.1:0", limits=HttpLimits(max_connections=1))
    port = int((await server.start()).rpartition(":")[2])
    try:
        busy_reader, busy = await asyncio.open_connection("127.0.0.1", port)
        busy.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        await busy.drain()
        await held.arrived.wait()
        refused_reader, refused = await asyncio.open_connection("127.0.0.1", port)
        assert await _read_all(refused_reader) == b""  # the request in hand is never cut
        held.release.set()
        assert (await _read_all(busy_reader)).startswith(b"HTTP/1.1 200")
        busy.close()
        refused.close()
    finally:
        held.release.set()
        await server.close()


async def test_unfinished_bodies_share_one_budget_over_all_connections() -> None:
    # aiohttp reads at most 8 KiB ahead of the handler here, so no body of 50 KB arrives whole
    # before it is read: each is read chunk by chunk, from the budget.
    limits = HttpLimits(max_unfinished_body_bytes=100_000, read_buffer_bytes=4096)
    server, echo, port = await _serve(limits)
    try:
        first_reader, first = await asyncio.open_connection("127.0.0.1", port)
        first.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 90001\r\n\r\n" + b"a" * 90_000)
        await first.drain()
        for _ in range(2000):  # until the node holds it (a bound, not a timing assertion)
            if server.unfinished_body_bytes >= 90_000:
                break
            await asyncio.sleep(0.01)
        assert server.unfinished_body_bytes >= 90_000
        # Another caller's body would pass the budget: refused, retryable, nothing served.
        second_reader, second = await asyncio.open_connection("127.0.0.1", port)
        second.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n" + b"b" * 50_000)
        await second.drain()
        refused = await _read_all(second_reader)
        assert refused.startswith(b"HTTP/1.1 503")
        assert b"ServiceUnavailable" in refused
        assert echo.seen == []
        # The first body completes and is served; its bytes go back to the budget.
        first.write(b"a")
        await first.drain()
        async with asyncio.timeout(20):
            assert (await first_reader.readuntil(b"ok:a")).startswith(b"HTTP/1.1 200")
        assert server.unfinished_body_bytes == 0
        third_reader, third = await asyncio.open_connection("127.0.0.1", port)
        third.write(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\nConnection: close\r\n\r\n"
            + b"c" * 50_000
        )
        await third.drain()
        assert (await _read_all(third_reader)).startswith(b"HTTP/1.1 200")
        assert len(echo.seen) == 2
        for writer in (first, second, third):
            writer.close()
    finally:
        await server.close()


class _Held(_Echo):
    """An endpoint whose answers wait until the test lets them go."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = asyncio.Event()
        self.release = asyncio.Event()

    async def handle(self, request: HttpRequest) -> HttpResponse:
        self.arrived.set()
        await self.release.wait()
        return await super().handle(request)


async def test_a_stop_closes_idle_keep_alive_connections_and_finishes_requests_in_hand() -> None:
    # SDKs keep idle connections open between calls; a stop must not wait out its grace for
    # them, and must still let a request already in hand be answered.
    held = _Held()
    server = HttpServer(held, "127.0.0.1:0", limits=HttpLimits(keepalive_timeout_s=600))
    port = int((await server.start()).rpartition(":")[2])
    closing: asyncio.Task[None] | None = None
    try:
        idle_reader, idle_writer = await asyncio.open_connection("127.0.0.1", port)
        busy_reader, busy_writer = await asyncio.open_connection("127.0.0.1", port)
        idle_writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na")
        held.release.set()
        await idle_writer.drain()
        async with asyncio.timeout(20):  # a bound for the test itself, not a timing assertion
            assert (await idle_reader.readuntil(b"ok:a")).startswith(b"HTTP/1.1 200")
        held.release.clear()
        held.arrived.clear()
        busy_writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nb")
        await busy_writer.drain()
        await held.arrived.wait()

        closing = asyncio.create_task(server.close(grace_s=30))
        assert await _read_all(idle_reader) == b""  # closed by the stop, not after its grace
        assert not closing.done()  # the request in hand holds the stop
        held.release.set()
        answer = await _read_all(busy_reader)
        assert answer.startswith(b"HTTP/1.1 200")
        assert answer.endswith(b"ok:b")
        async with asyncio.timeout(20):
            await closing
        idle_writer.close()
        busy_writer.close()
    finally:
        held.release.set()
        if closing is None:
            await server.close()
        else:
            await closing

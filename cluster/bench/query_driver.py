"""A lean load driver for AWS's Query protocol: raw HTTP/1.1 keep-alive, SigV4 precomputed.

`scripts/bench http` drives iamstore and moto with this one driver. A driver that costs more
CPU per call than the server it measures hides the server's speed (on two cores, the driver
and the server each want one), so every call here does only what a SigV4 request needs: the
form body, the SHA-256 of the body and of the canonical request, and one HMAC with a signing
key derived once per (day, service). The canonical request is the one iamstore.wire.sigv4
builds for the same three signed headers (tests/unit/cluster/test_query_driver.py checks it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import time
from urllib.parse import quote, urlsplit

from iamstore.wire.sigv4 import ALGORITHM, credential_scope, signing_key

VERSIONS = {"iam": "2010-05-08", "sts": "2011-06-15"}
FORM = "application/x-www-form-urlencoded; charset=utf-8"
SIGNED_HEADERS = "content-type;host;x-amz-date"
# A response head larger than this is not what either server sends; refuse it.
_MAX_HEAD_BYTES = 64 * 1024


class QueryCallError(Exception):
    """A call answered with anything but 200, or a response the driver cannot read."""


class QueryDriver:
    """Signs and sends Query requests over a pool of keep-alive connections to one server."""

    def __init__(
        self,
        url: str,
        access_key_id: str,
        secret_access_key: str,
        region: str = "us-east-1",
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname is None or parts.port is None:
            raise ValueError(f"the driver speaks plain http to host:port, not `{url}`")
        self._address = (parts.hostname, parts.port)
        self._host = parts.netloc
        self._access_key_id = access_key_id
        self._secret_access_key = secret_access_key
        self._region = region
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        # (date stamp, service) -> (credential scope, signing key): derived once a day.
        self._keys: dict[tuple[str, str], tuple[str, bytes]] = {}
        self._clock_second = -1
        self._amz_date = ""

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()
        for _, writer in idle:
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(*self._address)

    def _now_amz_date(self) -> str:
        second = int(time.time())
        if second != self._clock_second:
            self._clock_second = second
            self._amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(second))
        return self._amz_date

    def _scope_and_key(self, date_stamp: str, service: str) -> tuple[str, bytes]:
        cached = self._keys.get((date_stamp, service))
        if cached is None:
            cached = (
                credential_scope(date_stamp, self._region, service),
                signing_key(self._secret_access_key, date_stamp, self._region, service),
            )
            self._keys[(date_stamp, service)] = cached
        return cached

    def request_bytes(self, service: str, action: str, params: dict[str, str]) -> bytes:
        """The whole signed request: head and form body."""
        fields = {"Action": action, "Version": VERSIONS[service], **params}
        body = "&".join(
            f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in fields.items()
        ).encode()
        amz_date = self._now_amz_date()
        scope, key = self._scope_and_key(amz_date[:8], service)
        # INVARIANT: equal to wire.sigv4.canonical_request("POST", "/", "", the three headers
        # below, sha256(body)): the header values need no trimming and the names are sorted.
        canonical = (
            f"POST\n/\n\ncontent-type:{FORM}\nhost:{self._host}\nx-amz-date:{amz_date}\n\n"
            f"{SIGNED_HEADERS}\n{hashlib.sha256(body).hexdigest()}"
        )
        to_sign = (
            f"{ALGORITHM}\n{amz_date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        )
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        head = (
            f"POST / HTTP/1.1\r\nHost: {self._host}\r\nContent-Type: {FORM}\r\n"
            f"X-Amz-Date: {amz_date}\r\nAuthorization: {ALGORITHM} "
            f"Credential={self._access_key_id}/{scope}, SignedHeaders={SIGNED_HEADERS}, "
            f"Signature={signature}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    async def call(self, service: str, action: str, **params: str) -> bytes:
        """The response body of one call; QueryCallError unless the server answered 200."""
        request = self.request_bytes(service, action, params)
        reused = bool(self._idle)
        reader, writer = self._idle.pop() if reused else await self._connect()
        try:
            writer.write(request)
            status, body, keep_alive = await _read_response(reader)
        except asyncio.IncompleteReadError as err:
            writer.close()
            if not reused or err.partial:
                raise
            # The server closed an idle kept-alive connection before reading the request.
            reader, writer = await self._connect()
            writer.write(request)
            status, body, keep_alive = await _read_response(reader)
        except BaseException:
            writer.close()
            raise
        if keep_alive:
            self._idle.append((reader, writer))
        else:
            writer.close()
        if status != 200:
            raise QueryCallError(f"{action} answered {status}: {body[:300]!r}")
        return body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, whether the connection stays open) of one HTTP/1.1 response."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        raise QueryCallError("the response head is too large") from None
    if len(head) > _MAX_HEAD_BYTES:
        raise QueryCallError("the response head is too large")
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    status = int(rest[:3])
    length: int | None = None
    chunked = False
    keep_alive = version == "HTTP/1.1"
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding":
            chunked = "chunked" in value.lower()
        elif name == "connection":
            keep_alive = value.strip().lower() == "keep-alive" or (
                keep_alive and value.strip().lower() != "close"
            )
    if chunked:
        body = await _read_chunked(reader)
    elif length is not None:
        body = await reader.readexactly(length)
    else:  # delimited by the end of the connection
        body = await reader.read()
        keep_alive = False
    return status, body, keep_alive


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                pass
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)

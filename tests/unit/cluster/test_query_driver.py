"""The bench's lean Query driver signs as SigV4 does and reads the responses servers send."""

from __future__ import annotations

import asyncio
import datetime
import hashlib

import pytest

from iamstore.cluster.bench.query_driver import QueryDriver, _read_response
from iamstore.node.http.signature import read_signature, verify
from iamstore.wire.sigv4 import (
    SignatureError,
    canonical_request,
    compute_signature,
    credential_scope,
    signing_key,
    string_to_sign,
)

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _split(request: bytes) -> tuple[dict[str, list[str]], bytes]:
    head, _, body = request.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST / HTTP/1.1"
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(": ")
        headers.setdefault(name.lower(), []).append(value)
    return headers, body


def _verify(request: bytes, secret: str) -> None:
    headers, body = _split(request)
    signature = read_signature(headers, {})
    assert signature is not None
    verify(
        signature,
        secret_access_key=secret,
        method="POST",
        raw_path="/",
        raw_query="",
        headers=headers,
        body=body,
        region="us-east-1",
        service="iam",
        now=datetime.datetime.now(datetime.UTC),
        max_skew=datetime.timedelta(minutes=5),
    )


def test_requests_verify_as_the_node_verifies_them() -> None:
    driver = QueryDriver("http://127.0.0.1:8080", "AKIDEXAMPLE", SECRET)
    request = driver.request_bytes("iam", "GetUser", {"UserName": "a b+c"})
    headers, body = _split(request)
    assert body == b"Action=GetUser&Version=2010-05-08&UserName=a%20b%2Bc"
    assert headers["content-length"] == [str(len(body))]
    _verify(request, SECRET)


def test_signature_equals_the_shared_sigv4_primitives() -> None:
    driver = QueryDriver("http://127.0.0.1:8080", "AKIDEXAMPLE", SECRET)
    headers, body = _split(driver.request_bytes("sts", "GetCallerIdentity", {}))
    amz_date = headers["x-amz-date"][0]
    signed = [(name, headers[name][0]) for name in ("content-type", "host", "x-amz-date")]
    request = canonical_request("POST", "/", "", signed, hashlib.sha256(body).hexdigest())
    scope = credential_scope(amz_date[:8], "us-east-1", "sts")
    key = signing_key(SECRET, amz_date[:8], "us-east-1", "sts")
    expected = compute_signature(key, string_to_sign(amz_date, scope, request.text))
    assert headers["authorization"][0].endswith(f"Signature={expected}")


def test_a_wrong_secret_does_not_verify() -> None:
    driver = QueryDriver("http://127.0.0.1:8080", "AKIDEXAMPLE", SECRET)
    request = driver.request_bytes("iam", "GetUser", {"UserName": "alice"})
    with pytest.raises(SignatureError):
        _verify(request, SECRET + "x")


def _reader(data: bytes) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    return reader


async def test_reads_length_delimited_and_chunked_responses() -> None:
    plain = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    assert await _read_response(_reader(plain)) == (200, b"hello", True)
    chunked = (
        b"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    assert await _read_response(_reader(chunked)) == (403, b"abcde", False)
    old = b"HTTP/1.0 200 OK\r\n\r\nuntil the end"
    assert await _read_response(_reader(old)) == (200, b"until the end", False)


def test_refuses_anything_but_plain_http() -> None:
    with pytest.raises(ValueError, match="plain http"):
        QueryDriver("https://127.0.0.1:8443", "AKIDEXAMPLE", SECRET)

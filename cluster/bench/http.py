"""`scripts/bench http`: GetUser, CreateUser, GetCallerIdentity and AssumeRole over AWS's
Query protocol (HTTP) against the same calls over gRPC, one node, in the same run.

The HTTP load comes from a lean driver (aiohttp keep-alive connections, requests signed with
iamstore.wire.sigv4's primitives), not boto3, whose own cost per call would hide the server's.
Both paths keep `concurrency` calls in flight; the node runs as its own process.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import hashlib
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

import aiohttp

from iamstore.client import AsyncClient, Credentials
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.bench.rpc import _measure
from iamstore.cluster.bench.stats import Result, table
from iamstore.cluster.local import free_ports
from iamstore.cluster.process import NodeProcess
from iamstore.wire.sigv4 import (
    authorization_header,
    canonical_request,
    compute_signature,
    credential_scope,
    format_amz_date,
    signing_key,
    string_to_sign,
)

_VERSIONS = {"iam": "2010-05-08", "sts": "2011-06-15"}
_FORM = "application/x-www-form-urlencoded; charset=utf-8"


class QueryDriver:
    """Signs and sends Query requests over keep-alive connections; raises on any error."""

    def __init__(self, url: str, credentials: Credentials, region: str = "us-east-1") -> None:
        self._url = url.rstrip("/") + "/"
        self._host = url.split("://", 1)[1].rstrip("/")
        self._credentials = credentials
        self._region = region
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64))

    async def close(self) -> None:
        await self._session.close()

    async def call(self, service: str, action: str, **params: str) -> str:
        fields = {"Action": action, "Version": _VERSIONS[service], **params}
        body = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in fields.items())
        data = body.encode()
        amz_date = format_amz_date(datetime.datetime.now(datetime.UTC))
        headers = [("content-type", _FORM), ("host", self._host), ("x-amz-date", amz_date)]
        request = canonical_request("POST", "/", "", headers, hashlib.sha256(data).hexdigest())
        scope = credential_scope(amz_date[:8], self._region, service)
        key = signing_key(self._credentials.secret_access_key, amz_date[:8], self._region, service)
        signature = compute_signature(key, string_to_sign(amz_date, scope, request.text))
        sent = {
            "Content-Type": _FORM,
            "X-Amz-Date": amz_date,
            "Authorization": authorization_header(
                self._credentials.access_key_id, scope, request.signed_headers, signature
            ),
        }
        async with self._session.post(self._url, data=data, headers=sent) as response:
            text = await response.text()
            if response.status != 200:
                raise RuntimeError(f"{action} answered {response.status}: {text[:300]}")
            return text


async def _setup(client: AsyncClient) -> tuple[Credentials, str]:
    """A user allowed sts:AssumeRole and a role trusting the account: AssumeRole's caller."""
    account = (await client.get_caller_identity()).account
    await client.create_user(user_name="bench-reader")
    await client.create_user(user_name="bench-assumer")
    await client.put_user_policy(
        user_name="bench-assumer",
        policy_name="assume",
        policy_document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"sts:AssumeRole","Resource":"*"}]}',
    )
    trust = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
        f'{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"sts:AssumeRole"}}]}}'
    )
    role = (await client.create_role(role_name="bench", assume_role_policy_document=trust)).role
    key = (await client.create_access_key(user_name="bench-assumer")).access_key
    assert key.secret_access_key is not None
    return Credentials(key.access_key_id, key.secret_access_key), role.arn


async def _run(
    address: str, url: str, credentials: Credentials, duration_s: float, concurrency: int
) -> tuple[list[tuple[Result, Result]], Result]:
    async with AsyncClient(address, credentials=credentials) as root:
        assumer, role_arn = await _setup(root)
        async with AsyncClient(address, credentials=assumer) as user:
            http = QueryDriver(url, credentials)
            http_user = QueryDriver(url, assumer)
            try:
                await _measure("warm-up", lambda i: http.call("sts", "GetCallerIdentity"), 1, 4)
                pairs: list[
                    tuple[
                        str, Callable[[int], Awaitable[object]], Callable[[int], Awaitable[object]]
                    ]
                ] = [
                    (
                        "GetUser",
                        lambda i: root.get_user(user_name="bench-reader"),
                        lambda i: http.call("iam", "GetUser", UserName="bench-reader"),
                    ),
                    (
                        "CreateUser (fsync'd)",
                        lambda i: root.create_user(user_name=f"grpc-{i}"),
                        lambda i: http.call("iam", "CreateUser", UserName=f"http-{i}"),
                    ),
                    (
                        "GetCallerIdentity",
                        lambda i: root.get_caller_identity(),
                        lambda i: http.call("sts", "GetCallerIdentity"),
                    ),
                    (
                        "AssumeRole",
                        lambda i: user.assume_role(role_arn=role_arn, role_session_name=f"g{i}"),
                        lambda i: http_user.call(
                            "sts", "AssumeRole", RoleArn=role_arn, RoleSessionName=f"h{i}"
                        ),
                    ),
                ]
                results = []
                for name, over_grpc, over_http in pairs:
                    grpc_result = await _measure(f"{name} gRPC", over_grpc, duration_s, concurrency)
                    http_result = await _measure(f"{name} HTTP", over_http, duration_s, concurrency)
                    results.append((grpc_result, http_result))
                single = await _measure(
                    "GetCallerIdentity HTTP x1",
                    lambda i: http.call("sts", "GetCallerIdentity"),
                    duration_s,
                    1,
                )
                return results, single
            finally:
                await http.close()
                await http_user.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench http", description=__doc__)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per benchmark")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    (port,) = free_ports(1)
    with tempfile.TemporaryDirectory(prefix="iamstore-bench-") as tmp:
        node = NodeProcess(Path(tmp) / "node", extra_args=("--http-listen", f"127.0.0.1:{port}"))
        with node:
            assert node.address is not None
            credentials = resolve_credentials(credentials_file=str(node.credentials_file))
            pairs, single = asyncio.run(
                _run(
                    node.address,
                    f"http://127.0.0.1:{port}",
                    Credentials(credentials.access_key_id, credentials.secret_access_key),
                    args.duration,
                    args.concurrency,
                )
            )
    print(
        f"http benchmark: {args.duration:.0f} s each, {args.concurrency} calls in flight, "
        "node in its own process; each HTTP row's ratio is to the gRPC row above it\n"
    )
    out = table([], pairs[0][0]).splitlines()
    for grpc_result, http_result in pairs:
        out.append(table([grpc_result, http_result], grpc_result).splitlines()[2])
        out.append(table([grpc_result, http_result], grpc_result).splitlines()[3])
    print("\n".join(out))
    print(
        f"\nGetCallerIdentity over HTTP, 1 in flight: p50 {single.median_ms:.2f} ms "
        "(goal: under 2 ms); HTTP/gRPC throughput goal: at least 80%"
    )

"""`scripts/bench http`: GetUser, CreateUser, GetCallerIdentity and AssumeRole over AWS's
Query protocol (HTTP) against the same calls over gRPC, one node, in the same run.

The HTTP load comes from a lean driver (aiohttp keep-alive connections, requests signed with
iamstore.wire.sigv4's primitives), not boto3, whose own cost per call would hide the server's.
Both paths keep `concurrency` calls in flight; the node runs as its own process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import hashlib
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

import aiohttp

from iamstore.client import AsyncClient, Credentials
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.bench.moto import moto_server
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


Calls = dict[str, Callable[[int], Awaitable[object]]]


async def _moto_calls(moto: QueryDriver) -> Calls:
    """The same four calls against moto (which takes any key: it checks no signature)."""
    await moto.call("iam", "CreateUser", UserName="bench-reader")
    trust = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
        '{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}'
    )
    await moto.call("iam", "CreateRole", RoleName="bench", AssumeRolePolicyDocument=trust)
    role_arn = "arn:aws:iam::123456789012:role/bench"
    return {
        "GetUser": lambda i: moto.call("iam", "GetUser", UserName="bench-reader"),
        "CreateUser (fsync'd)": lambda i: moto.call("iam", "CreateUser", UserName=f"moto-{i}"),
        "GetCallerIdentity": lambda i: moto.call("sts", "GetCallerIdentity"),
        "AssumeRole": lambda i: moto.call(
            "sts", "AssumeRole", RoleArn=role_arn, RoleSessionName=f"m{i}"
        ),
    }


async def _run(
    address: str,
    url: str,
    credentials: Credentials,
    duration_s: float,
    concurrency: int,
    moto_url: str | None,
) -> tuple[list[list[Result]], Result]:
    async with AsyncClient(address, credentials=credentials) as root:
        assumer, role_arn = await _setup(root)
        moto_driver = None if moto_url is None else QueryDriver(moto_url, Credentials("t", "t"))
        moto = {} if moto_driver is None else await _moto_calls(moto_driver)
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
                    row = [
                        await _measure(f"{name} gRPC", over_grpc, duration_s, concurrency),
                        await _measure(f"{name} HTTP", over_http, duration_s, concurrency),
                    ]
                    if name in moto:
                        row.append(
                            await _measure(f"{name} moto", moto[name], duration_s, concurrency)
                        )
                    results.append(row)
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
                if moto_driver is not None:
                    await moto_driver.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench http", description=__doc__)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per benchmark")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--moto-venv",
        type=Path,
        default=Path(".venv-moto"),
        help="where moto[server] is installed (made on first use)",
    )
    parser.add_argument("--no-moto", action="store_true", help="skip the moto baseline")
    args = parser.parse_args(argv)
    (port,) = free_ports(1)
    with contextlib.ExitStack() as stack:
        moto_url = None if args.no_moto else stack.enter_context(moto_server(args.moto_venv))
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="iamstore-bench-"))
        node = stack.enter_context(
            NodeProcess(Path(tmp) / "node", extra_args=("--http-listen", f"127.0.0.1:{port}"))
        )
        assert node.address is not None
        credentials = resolve_credentials(credentials_file=str(node.credentials_file))
        rows, single = asyncio.run(
            _run(
                node.address,
                f"http://127.0.0.1:{port}",
                Credentials(credentials.access_key_id, credentials.secret_access_key),
                args.duration,
                args.concurrency,
                moto_url,
            )
        )
    print(
        f"http benchmark: {args.duration:.0f} s each, {args.concurrency} calls in flight, "
        "iamstore and moto each in a process of their own; ratios are to the gRPC row above\n"
    )
    out = table([], rows[0][0]).splitlines()
    for row in rows:
        out.extend(table(row, row[0]).splitlines()[2:])
    print("\n".join(out))
    print(
        f"\nGetCallerIdentity over HTTP, 1 in flight: p50 {single.median_ms:.2f} ms "
        "(goal: under 2 ms)"
    )
    for row in rows:
        http = row[1].per_second
        line = f"{row[0].name.removesuffix(' gRPC')}: HTTP {http / row[0].per_second:.0%} of gRPC"
        if len(row) > 2 and row[2].per_second:
            line += f", {http / row[2].per_second:.1f}x moto"
        print(line)
    print("goals: HTTP at least 80% of gRPC; GetUser at least 10x moto")

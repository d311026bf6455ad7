"""`scripts/bench http`: GetUser, CreateUser, GetCallerIdentity and AssumeRole over AWS's
Query protocol (HTTP) against the same calls over gRPC, one node, in the same run.

The HTTP load comes from one lean driver for iamstore and moto alike (cluster/bench/
query_driver.py: raw HTTP/1.1 keep-alive, SigV4 with a signing key derived once a day), not
boto3, whose own cost per call would hide the server's. Every path keeps `concurrency` calls in
flight; the node and moto each run as a process of their own, and each line reports the CPU
the server and the driver spent per call, which shared machines do not distort as they do
throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from iamstore.client import AsyncClient, Credentials
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.bench.cpu import process_cpu_s
from iamstore.cluster.bench.moto import MotoServer, moto_server
from iamstore.cluster.bench.query_driver import QueryDriver
from iamstore.cluster.bench.rpc import _measure
from iamstore.cluster.bench.stats import Result
from iamstore.cluster.local import free_ports
from iamstore.cluster.process import NodeProcess

Call = Callable[[int], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Costed:
    """A benchmark's figures and the CPU each side spent per call (None where unknown)."""

    result: Result
    server_cpu_us: float | None
    driver_cpu_us: float | None


async def _costed(
    name: str, call: Call, duration_s: float, concurrency: int, server_pid: int | None
) -> Costed:
    """`_measure`, with the CPU the server process and this (driver) process used per call."""
    server_before, driver_before = process_cpu_s(server_pid), process_cpu_s()
    result = await _measure(name, call, duration_s, concurrency)
    server_after, driver_after = process_cpu_s(server_pid), process_cpu_s()

    def per_call(before: float | None, after: float | None) -> float | None:
        if before is None or after is None or not result.calls:
            return None
        return (after - before) / result.calls * 1e6

    return Costed(
        result, per_call(server_before, server_after), per_call(driver_before, driver_after)
    )


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


Calls = dict[str, Call]


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
    node_pid: int | None,
    moto: MotoServer | None,
) -> tuple[list[list[Costed]], Costed]:
    async with AsyncClient(address, credentials=credentials) as root:
        assumer, role_arn = await _setup(root)
        moto_driver = None if moto is None else QueryDriver(moto.url, "t", "t")
        moto_calls = {} if moto_driver is None else await _moto_calls(moto_driver)
        async with AsyncClient(address, credentials=assumer) as user:
            http = QueryDriver(url, credentials.access_key_id, credentials.secret_access_key)
            http_user = QueryDriver(url, assumer.access_key_id, assumer.secret_access_key)
            try:
                # Every path warmed up alike: connections open, code paths run once.
                for warm_up in (
                    lambda i: root.get_user(user_name="bench-reader"),
                    lambda i: http.call("iam", "GetUser", UserName="bench-reader"),
                    *([moto_calls["GetUser"]] if moto_calls else []),
                ):
                    await _measure("warm-up", warm_up, 1, concurrency)
                pairs: list[tuple[str, Call, Call]] = [
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
                        await _costed(f"{name} gRPC", over_grpc, duration_s, concurrency, node_pid),
                        await _costed(f"{name} HTTP", over_http, duration_s, concurrency, node_pid),
                    ]
                    if name in moto_calls and moto is not None:
                        row.append(
                            await _costed(
                                f"{name} moto", moto_calls[name], duration_s, concurrency, moto.pid
                            )
                        )
                    results.append(row)
                single = await _costed(
                    "GetCallerIdentity HTTP x1",
                    lambda i: http.call("sts", "GetCallerIdentity"),
                    duration_s,
                    1,
                    node_pid,
                )
                return results, single
            finally:
                await http.close()
                await http_user.close()
                if moto_driver is not None:
                    await moto_driver.close()


def _microseconds(value: float | None) -> str:
    return "?" if value is None else f"{value:,.0f}"


def _table(rows: list[list[Costed]]) -> str:
    """One line per path of each operation, its throughput ratio to the gRPC line."""
    header = (
        f"{'benchmark':<28}{'calls/s':>9}{'median ms':>11}{'p99 ms':>9}{'vs gRPC':>9}"
        f"{'server CPU µs/call':>20}{'driver CPU µs/call':>20}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        baseline = row[0].result.per_second
        for costed in row:
            result = costed.result
            ratio = result.per_second / baseline if baseline else 0.0
            lines.append(
                f"{result.name:<28}{result.per_second:>9,.0f}{result.median_ms:>11.2f}"
                f"{result.percentile_ms(99):>9.2f}{ratio:>9.0%}"
                f"{_microseconds(costed.server_cpu_us):>20}"
                f"{_microseconds(costed.driver_cpu_us):>20}"
            )
    return "\n".join(lines)


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
        moto = None if args.no_moto else stack.enter_context(moto_server(args.moto_venv))
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
                node.pid,
                moto,
            )
        )
    print(
        f"http benchmark: {args.duration:.0f} s each, {args.concurrency} calls in flight, "
        "iamstore and moto each in a process of their own, driven by one lean driver "
        "(this process); CPU per call is each process's user+system time over the run\n"
    )
    print(_table(rows))
    print(
        f"\nGetCallerIdentity over HTTP, 1 in flight: p50 {single.result.median_ms:.2f} ms "
        "(goal: under 2 ms)"
    )
    for row in rows:
        grpc_row, http_row = row[0], row[1]
        name = grpc_row.result.name.removesuffix(" gRPC")
        line = f"{name}: HTTP {http_row.result.per_second / grpc_row.result.per_second:.0%} of gRPC"
        if len(row) > 2 and row[2].result.per_second:
            line += f", {http_row.result.per_second / row[2].result.per_second:.1f}x moto"
            moto_cpu, http_cpu = row[2].server_cpu_us, http_row.server_cpu_us
            if moto_cpu and http_cpu:
                # Load-independent: how many iamstore calls one moto call's CPU pays for.
                line += f" (server CPU per call {moto_cpu / http_cpu:.1f}x less than moto's)"
        print(line)
    print("goals: HTTP at least 80% of gRPC; GetUser at least 10x moto")

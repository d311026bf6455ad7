"""`scripts/bench rpc`: signed GetUser and CreateUser against a signed no-op Ping, same server.

The node runs as its own process; the load comes from one client process keeping
`concurrency` calls in flight. Every call, the baseline's too, is signed and verified, so the
ratio shows what the operation itself costs on top of a call.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from iamstore.client import AsyncClient
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.bench.stats import Result, table
from iamstore.cluster.process import NodeProcess


async def _measure(
    name: str, call: Callable[[int], Awaitable[object]], duration_s: float, concurrency: int
) -> Result:
    latencies: list[float] = []
    counter = iter(range(10**9))
    deadline = time.perf_counter() + duration_s

    async def worker() -> None:
        while time.perf_counter() < deadline:
            i = next(counter)
            start = time.perf_counter()
            await call(i)
            latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    async with asyncio.TaskGroup() as tasks:
        for _ in range(concurrency):
            tasks.create_task(worker())
    return Result(name, len(latencies), time.perf_counter() - started, tuple(latencies))


async def _run(
    address: str, credentials_file: Path, duration_s: float, concurrency: int
) -> list[Result]:
    credentials = resolve_credentials(credentials_file=str(credentials_file))
    async with AsyncClient(address, credentials=credentials) as client:
        await client.create_user(user_name="bench-reader")
        await _measure("warm-up", lambda i: client.ping(), 1.0, concurrency)

        async def ping(i: int) -> object:
            return await client.ping()

        async def get_user(i: int) -> object:
            return await client.get_user(user_name="bench-reader")

        async def create_user(i: int) -> object:
            return await client.create_user(user_name=f"bench-{i}")

        return [
            await _measure("Ping (signed no-op)", ping, duration_s, concurrency),
            await _measure("GetUser", get_user, duration_s, concurrency),
            await _measure("CreateUser (fsync'd)", create_user, duration_s, concurrency),
        ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench rpc", description=__doc__)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per benchmark")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="iamstore-bench-") as tmp:
        node = NodeProcess(Path(tmp) / "node")
        with node:
            assert node.address is not None
            results = asyncio.run(
                _run(node.address, node.credentials_file, args.duration, args.concurrency)
            )
    print(
        f"rpc benchmark: {args.duration:.0f} s each, {args.concurrency} calls in flight, "
        "node in its own process\n"
    )
    print(table(results, results[0]))
    goal = results[1].per_second / results[0].per_second
    print(f"\nGetUser throughput is {goal:.0%} of the no-op's (goal: at least 80%)")

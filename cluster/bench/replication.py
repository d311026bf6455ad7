"""`scripts/bench replication`: lag to every node, catch-up after an absence, idle gossip CPU.

Real node processes on loopback (LocalCluster). Lag is timed from a write's acknowledgement on
node1 until every other node answers a Ping carrying the write's consistency token (the node
holds the call until its replica covers the token, so no polling interval blurs the figure);
catch-up, from the moment a stopped node serves again until it answers a Ping carrying the
tokens of every commit written while it was away.
The baseline, measured in the same run, is a plain signed Ping round trip: the analytic bound
for eager push is about one such round trip plus the apply; for anti-entropy alone it is about
log2(N) gossip intervals.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from iamstore.client import (
    AsyncClient,
    Credentials,
    InvalidClientTokenIdError,
    NotYetReplicatedError,
)
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.bench.stats import Result
from iamstore.cluster.local import LocalCluster
from iamstore.node.replication.gossip import GossipConfig

GOSSIP_INTERVAL_S = GossipConfig().interval_s
GOAL_P50_MS, GOAL_P99_MS, GOAL_CATCH_UP_S, GOAL_IDLE_CORE = 20.0, 100.0, 2.0, 0.05


@dataclass(frozen=True, slots=True)
class LagFigures:
    nodes: int
    baseline: Result  # signed Ping round trips to one node
    lag: Result  # acknowledgement on node1 -> visible on every other node


@contextlib.contextmanager
def _cluster(size: int) -> Iterator[LocalCluster]:
    with tempfile.TemporaryDirectory(prefix="iamstore-bench-") as tmp:
        cluster = LocalCluster(Path(tmp), size, base_port=0)  # free ports
        try:
            cluster.start()
            yield cluster
        finally:
            cluster.stop()


def _clients(cluster: LocalCluster) -> tuple[Credentials, list[AsyncClient]]:
    credentials = resolve_credentials(credentials_file=str(cluster.credentials_file))
    return credentials, [AsyncClient(a, credentials=credentials) for a in cluster.addresses]


async def _settled(clients: list[AsyncClient], timeout_s: float = 30.0) -> dict[str, int]:
    """Waits until every node reports the same version vector; returns it."""
    async with asyncio.timeout(timeout_s):
        while True:
            try:
                vectors = [(await c.status()).version_vector for c in clients]
            except InvalidClientTokenIdError:
                vectors = []  # a node that has not yet received the root key
            if vectors and all(v == vectors[0] for v in vectors):
                return dict(vectors[0])
            await asyncio.sleep(0.05)


async def _lag(cluster: LocalCluster, samples: int) -> LagFigures:
    _, clients = _clients(cluster)
    writer, others = clients[0], clients[1:]
    try:
        await _settled(clients)
        pings: list[float] = []
        for _ in range(max(50, samples)):
            start = time.perf_counter()
            await others[0].ping()
            pings.append(time.perf_counter() - start)
        lags: list[float] = []
        started = time.perf_counter()
        for i in range(samples):
            await writer.create_user(user_name=f"lag-{i}")
            acknowledged = time.perf_counter()
            token = writer.consistency_token
            await asyncio.gather(*(c.ping(at_least=token) for c in others))
            lags.append(time.perf_counter() - acknowledged)
            await asyncio.sleep(0.01)  # one write at a time: the lag of a write, not a queue
        seconds = time.perf_counter() - started
        return LagFigures(
            len(clients),
            Result("signed Ping round trip", len(pings), sum(pings), tuple(pings)),
            Result(f"{len(clients)} nodes: visible everywhere", samples, seconds, tuple(lags)),
        )
    finally:
        for client in clients:
            await client.close()


async def _write_commits(client: AsyncClient, count: int, concurrency: int) -> float:
    """`count` commits: new users up to 1,000 under AWS's 5,000-user quota, then tags on them."""
    users = min(count, 4_000)

    async def run(calls: Iterator[int], call: Callable[[int], Awaitable[object | None]]) -> None:
        async def worker() -> None:
            for i in calls:
                await call(i)

        async with asyncio.TaskGroup() as tasks:
            for _ in range(concurrency):
                tasks.create_task(worker())

    async def create(i: int) -> object:
        return await client.create_user(user_name=f"catch-up-{i}")

    async def tag(i: int) -> None:
        tags = [{"Key": "commit", "Value": str(i)}]
        await client.tag_user(user_name=f"catch-up-{i % users}", tags=tags)

    started = time.perf_counter()
    await run(iter(range(users)), create)
    await run(iter(range(users, count)), tag)
    return time.perf_counter() - started


@dataclass(frozen=True, slots=True)
class CatchUp:
    write_s: float  # writing the commits on node1 while node3 was away
    from_serving_s: tuple[float, ...]  # per return: from serving again to caught up
    from_spawn_s: tuple[float, ...]  # per return: from its process starting to caught up
    # Per return: CPU seconds node3 spent from serving to caught up (its work, which a busy
    # machine does not inflate the way it inflates wall time).
    cpu_s: tuple[float, ...]


async def _catch_up(cluster: LocalCluster, commits: int, returns: int) -> CatchUp:
    """node3 away while node1 takes `commits` writes, then back `returns` times, each time
    from the same copy of its data folder as it was when it stopped."""
    credentials, clients = _clients(cluster)
    absent = cluster.nodes[-1]
    try:
        await _settled(clients)
        await clients[-1].close()
        absent.stop()
        write_s = await _write_commits(clients[0], commits, concurrency=64)
        target = (await clients[0].status()).version_vector
        # The returning node holds a call carrying these tokens until its replica covers them:
        # no polling, and no observer's load on the node while it catches up.
        tokens = ",".join(f"{origin}:{seq}" for origin, seq in target.items())
        away = absent.data_dir.with_name("node3-away")
        shutil.copytree(absent.data_dir, away)
        from_serving, from_spawn, cpu = [], [], []
        for _ in range(returns):
            shutil.rmtree(absent.data_dir)
            shutil.copytree(away, absent.data_dir)
            # Wall-clock times: the node writes its endpoint file the moment it serves, and that
            # file's modification time says when, to the microsecond (start() polls for it).
            spawned = time.time()
            await asyncio.to_thread(absent.start)
            serving = absent.endpoint_file.stat().st_mtime
            pid = absent.pid
            if pid is None:
                raise RuntimeError("node3 did not start")
            cpu_serving = _cpu_seconds(pid)
            async with AsyncClient(absent.listen, credentials=credentials) as back:
                async with asyncio.timeout(120):
                    while True:
                        try:
                            await back.ping(at_least=tokens)
                            break
                        except NotYetReplicatedError:
                            continue  # the node waits up to its at-least timeout per call
            done = time.time()
            cpu.append(_cpu_seconds(pid) - cpu_serving)
            from_serving.append(done - serving)
            from_spawn.append(done - spawned)
            await asyncio.to_thread(absent.stop)
        return CatchUp(write_s, tuple(from_serving), tuple(from_spawn), tuple(cpu))
    finally:
        for client in clients[:-1]:
            await client.close()


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc/<pid>/stat (fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _idle_cpu(cluster: LocalCluster, seconds: float) -> list[float]:
    """Each node's share of one core over `seconds` of an idle cluster."""
    pids = [n.pid for n in cluster.nodes if n.pid is not None]
    before = [_cpu_seconds(p) for p in pids]
    started = time.perf_counter()
    time.sleep(seconds)
    elapsed = time.perf_counter() - started
    return [(_cpu_seconds(p) - b) / elapsed for p, b in zip(pids, before, strict=True)]


LAG_HEADER = (
    f"{'nodes':>5}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'ping p50':>10}"
    f"{'p50/ping':>10}{'gossip bound ms':>17}"
)


def _lag_row(f: LagFigures) -> str:
    ping = f.baseline.median_ms
    bound = math.ceil(math.log2(f.nodes)) * GOSSIP_INTERVAL_S * 1000
    return (
        f"{f.nodes:>5}{f.lag.median_ms:>9.2f}{f.lag.percentile_ms(99):>9.2f}"
        f"{max(f.lag.latencies_s) * 1000:>9.2f}{ping:>10.2f}"
        f"{f.lag.median_ms / ping if ping else 0:>9.1f}x{bound:>17.0f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench replication", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer samples and commits")
    parser.add_argument("--sizes", default="3,5,7", help="cluster sizes for the lag table")
    parser.add_argument("--samples", type=int, default=None, help="writes timed per size")
    parser.add_argument("--commits", type=int, default=None, help="commits to catch up on")
    parser.add_argument("--idle-seconds", type=float, default=None)
    parser.add_argument(
        "--returns", type=int, default=5, help="times the away node comes back (catch-up runs)"
    )
    args = parser.parse_args(argv)
    samples = args.samples or (40 if args.quick else 300)
    commits = args.commits or (2_000 if args.quick else 10_000)
    idle_s = args.idle_seconds or (3.0 if args.quick else 10.0)
    sizes = [int(s) for s in args.sizes.split(",")]

    print(f"replication benchmark: real node processes on 127.0.0.1, {samples} writes per size")
    print(
        f"gossip interval {GOSSIP_INTERVAL_S * 1000:.0f} ms, eager push fanout "
        f"{GossipConfig().fanout}; bound: eager push ~ one Ping round trip + apply, "
        "anti-entropy alone ~ log2(N) intervals\n"
    )
    print(LAG_HEADER, "-" * len(LAG_HEADER), sep="\n", flush=True)
    idle_size, idle = 0, [0.0]
    for size in sizes:
        with _cluster(size) as cluster:
            figures = asyncio.run(_lag(cluster, samples))
            print(_lag_row(figures), flush=True)
            if figures.nodes == 5:
                print(
                    f"   5 nodes: p50 {figures.lag.median_ms:.1f} ms (goal <= {GOAL_P50_MS:.0f}), "
                    f"p99 {figures.lag.percentile_ms(99):.1f} ms (goal <= {GOAL_P99_MS:.0f})",
                    flush=True,
                )
            if size == 5 or (size == sizes[-1] and 5 not in sizes):
                idle_size, idle = size, _idle_cpu(cluster, idle_s)
    shares = ", ".join(f"{share:.1%}" for share in idle)
    print(
        f"\nidle gossip CPU, {idle_size} nodes over {idle_s:.0f} s: {shares} of a core "
        f"(max {max(idle):.1%}, goal <= {GOAL_IDLE_CORE:.0%})",
        flush=True,
    )
    with _cluster(3) as cluster:
        caught = asyncio.run(_catch_up(cluster, commits, args.returns))
    serving, spawn = caught.from_serving_s, caught.from_spawn_s
    print(
        f"\ncatch-up of {commits:,} commits ({commits / caught.write_s:,.0f} writes/s on node1, "
        f"64 in flight), node3 back {len(serving)} times from the same data:\n"
        f"  after the node serves: median {statistics.median(serving):.2f} s, "
        f"max {max(serving):.2f} s (goal <= {GOAL_CATCH_UP_S:.0f} s); "
        f"each: {', '.join(f'{t:.2f}' for t in serving)}\n"
        f"  after its process started: median {statistics.median(spawn):.2f} s\n"
        f"  CPU of the returning node while catching up: median "
        f"{statistics.median(caught.cpu_s):.2f} s "
        f"({statistics.median(caught.cpu_s) / commits * 1e6:.0f} µs per commit)"
    )

"""`iamstore chaos run`: a cluster on a faulty network, a workload, faults, checks, a report."""

from __future__ import annotations

import asyncio
import json
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from iamstore.client import AsyncClient, IamError
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.chaos import checks
from iamstore.cluster.chaos.dependencies import DependencyProbes
from iamstore.cluster.chaos.faults import FAULT_KINDS, NETWORK_FAULTS, ChaosCluster
from iamstore.cluster.chaos.history import (
    History,
    LagSample,
    Listing,
    StatusSample,
    decode_token,
    encode_token,
    merge_tokens,
)
from iamstore.cluster.chaos.netns import NetnsUnavailable, probe
from iamstore.cluster.chaos.network import NETWORKS
from iamstore.cluster.chaos.replicas import replica_violations
from iamstore.cluster.chaos.workload import Clients, Worker

CONVERGE_BOUND_S = 30.0
PROBE_INTERVAL_S = 0.25  # between two lag probes, over all nodes
DEFAULT_FAULTS = ("partition", "kill", "pause", "delay", "loss", "skew")


@dataclass(frozen=True, slots=True)
class ChaosConfig:
    nodes: int = 3
    duration_s: float = 60.0
    # None: DEFAULT_FAULTS, less those the network cannot inject.
    faults: tuple[str, ...] | None = None
    seed: int = 1
    workers_per_node: int = 2
    root: Path | None = None
    network: str = "proxy"  # one of NETWORKS

    @property
    def fault_kinds(self) -> tuple[str, ...]:
        if self.faults is not None:
            return self.faults
        return tuple(k for k in DEFAULT_FAULTS if k in NETWORK_FAULTS.get(self.network, ()))


class _Run:
    def __init__(self, config: ChaosConfig, cluster: ChaosCluster, rng: random.Random) -> None:
        self.config = config
        self.cluster = cluster
        self.rng = rng
        self.history = History()
        self.stop = asyncio.Event()
        self.loop = asyncio.get_running_loop()
        self.t0 = self.loop.time()
        credentials = resolve_credentials(credentials_file=str(cluster.local.credentials_file))
        self.clients = Clients(cluster.addresses, credentials, timeout=3.0)
        self.observer = self.clients.make()

    def now(self) -> float:
        return self.loop.time() - self.t0

    async def statuses(self) -> None:
        while not self.stop.is_set():
            for name, client in self.observer.items():
                try:
                    status = await client.status()
                except IamError:
                    continue
                self.history.statuses.append(
                    StatusSample(self.now(), name, dict(status.version_vector), status.digest)
                )
            await asyncio.sleep(0.2)

    async def list_user_ids(self, client: AsyncClient, at_least: str | None) -> frozenset[str]:
        ids: set[str] = set()
        marker: str | None = None
        while True:
            page = await client.list_users(marker=marker, max_items=1000, at_least=at_least)
            ids.update(user.user_id for user in page.users)
            if not page.is_truncated or not page.marker:
                return frozenset(ids)
            marker = page.marker

    async def listings(self) -> None:
        """Lists users with a token covering every write acknowledged so far."""
        while not self.stop.is_set():
            start = self.now()
            token = merge_tokens([op.token for op in self.history.acked_writes()])
            for name, client in self.observer.items():
                try:
                    ids = await self.list_user_ids(client, encode_token(token))
                except IamError:
                    continue
                self.history.listings.append(Listing(name, start, self.now(), ids))
            await asyncio.sleep(1.0)

    async def lag_probes(self, probers: dict[str, AsyncClient]) -> None:
        """Writes on every node in turn, then waits (with the write's token) until each other
        node has it. Each node is probed by a loop of its own, so a node that hangs (paused,
        blackholed) holds back only its own probes, not the samples of a fault's window."""
        every_s = PROBE_INTERVAL_S * len(probers)  # one probe per interval in all
        async with asyncio.TaskGroup() as tasks:
            for index, origin in enumerate(sorted(probers)):
                start_s = index * PROBE_INTERVAL_S
                tasks.create_task(self._probe_from(origin, probers, every_s, start_s, tasks))

    async def _probe_from(
        self, origin: str, probers: dict[str, AsyncClient], every_s: float, start_s: float,
        tasks: asyncio.TaskGroup,
    ) -> None:  # fmt: skip
        client = probers[origin]
        await asyncio.sleep(start_s)
        count = 0
        while not self.stop.is_set():
            before = decode_token(client.consistency_token)
            count += 1
            try:
                tag = {"Key": f"probe-{origin}", "Value": str(count)}
                await client.tag_user(user_name="lag-probe", tags=[tag])
            except IamError:
                await asyncio.sleep(0.2)
                continue
            written = self.now()
            after = decode_token(client.consistency_token)
            token = {o: s for o, s in after.items() if s > before.get(o, 0)}
            if token:
                for name in probers:
                    if name != origin:
                        tasks.create_task(self._await_visible(origin, name, token, written))
            await asyncio.sleep(every_s)

    async def _await_visible(
        self, origin: str, name: str, token: dict[str, int], written: float
    ) -> None:
        client = self.observer[name]
        deadline = written + CONVERGE_BOUND_S
        while self.now() < deadline:
            try:
                await client.status(at_least=encode_token(token))
            except IamError:
                await asyncio.sleep(0.05)
                continue
            visible = self.now()
            lag = (visible - written) * 1000
            self.history.lags.append(LagSample(origin, name, written, visible, lag))
            return

    async def faults(self) -> None:
        kinds = list(self.config.fault_kinds)
        duration = self.config.duration_s
        baseline = 0.15 * duration
        await asyncio.sleep(baseline)
        # Each fault holds for 60% of its slot, then a healthy rest; the last fault's heal
        # ends the workload, so that convergence is measured from the moment it heals.
        slot = (duration - baseline) / max(1, len(kinds) - 0.4)
        for index, kind in enumerate(kinds):
            started = self.now()
            record = await self.cluster.inject(kind, self.rng, self.now)
            self.history.faults.append(record)
            await asyncio.sleep(max(0.5, 0.6 * slot - (self.now() - started)))
            await self.cluster.heal(record)
            record.end = self.now()
            if index < len(kinds) - 1:
                await asyncio.sleep(max(0.5, started + slot - self.now()))
        self.stop.set()

    async def converge(self) -> float | None:
        """Seconds from the last fault's end until every node holds one vector and digest."""
        healed = max((f.end or 0.0 for f in self.history.faults), default=self.now())
        while self.now() - healed < CONVERGE_BOUND_S:
            finals = await self.vectors()
            self.history.statuses += [
                StatusSample(self.now(), name, dict(final.version_vector), final.digest)
                for name, final in finals.items()
            ]  # they also time the last fault's catch-up
            if len(finals) == len(self.observer) and checks.converged(finals):
                return round(self.now() - healed, 3)
            await asyncio.sleep(0.05)
        return None

    async def vectors(self) -> dict[str, checks.NodeFinal]:
        finals = {}
        for name, client in self.observer.items():
            try:
                status = await client.status()
            except IamError:
                continue
            finals[name] = checks.NodeFinal(dict(status.version_vector), status.digest,
                                            status.node_id)  # fmt: skip
        return finals

    async def observe(self, workers: list[Worker]) -> dict[str, checks.NodeFinal]:
        finals = await self.vectors()
        users = checks.expected_users(self.history)
        policies = checks.expected_policies(self.history)
        samples = [(w, u) for w in workers for u in w.users if u.present]
        for name, final in finals.items():
            client = self.observer[name]
            final.user_ids = await self.list_user_ids(client, None)
            for user in users:
                final.users[user] = await _user_state(client, user)
            for arn in policies:
                versions = await client.list_policy_versions(policy_arn=arn)
                default = next(
                    (v.version_id for v in versions.versions if v.is_default_version), ""
                )
                final.policies[arn] = checks.PolicyState(
                    frozenset(v.version_id or "" for v in versions.versions), default or ""
                )
            for worker, sampled in samples:
                resource = f"arn:aws:s3:::{worker.bucket}/object"
                answer = await client.authorize(
                    principal_arn=sampled.arn, action="s3:GetObject", resource_arn=resource
                )
                final.decisions[f"{sampled.arn} s3:GetObject {resource}"] = answer.decision
        return finals


async def _user_state(client: AsyncClient, name: str) -> checks.UserState | None:
    try:
        user = (await client.get_user(user_name=name)).user
    except IamError as err:
        if err.code == "NoSuchEntity":
            return None
        raise
    groups = await client.list_groups_for_user(user_name=name)
    attached = await client.list_attached_user_policies(user_name=name)
    keys = await client.list_access_keys(user_name=name)
    return checks.UserState(
        user.user_id,
        frozenset(g.group_name or "" for g in groups.groups),
        frozenset(p.policy_arn or "" for p in attached.attached_policies),
        frozenset(k.access_key_id or "" for k in keys.access_key_metadata),
    )


async def run_chaos(config: ChaosConfig) -> dict[str, Any]:
    """Runs one chaos run and returns its report (see `report`).

    With `network="netns"`, raises NetnsUnavailable (with the reason) where network
    namespaces cannot be made; whatever the run made is deleted however it ends.
    """
    if config.network not in NETWORKS:
        raise click.UsageError(f"unknown network `{config.network}` (known: {', '.join(NETWORKS)})")
    unknown = [k for k in config.fault_kinds if k not in FAULT_KINDS]
    if unknown:
        raise click.UsageError(f"unknown fault `{unknown[0]}` (known: {', '.join(FAULT_KINDS)})")
    unsupported = [k for k in config.fault_kinds if k not in NETWORK_FAULTS[config.network]]
    if unsupported:
        raise click.UsageError(
            f"fault `{unsupported[0]}` needs `--network proxy` (`tc netem` is not available)"
        )
    rng = random.Random(config.seed)
    with tempfile.TemporaryDirectory(prefix="iamstore-chaos-") as scratch:
        cluster = ChaosCluster(config.root or Path(scratch), config.nodes, rng, config.network)
        try:
            await cluster.start()
            history, finals, convergence_s = await _run(config, cluster, rng)
        finally:
            await cluster.shutdown()
        # Every node stopped: each replica, as its node left it on disk, against the invariants.
        data_dirs = {name: cluster.local.node(name).data_dir for name in cluster.names}
        stored = await replica_violations(data_dirs)
        return report(config, history, finals, convergence_s, stored)


async def _run(
    config: ChaosConfig, cluster: ChaosCluster, rng: random.Random
) -> tuple[History, dict[str, checks.NodeFinal], float | None]:
    run = _Run(config, cluster, rng)
    try:
        first = run.observer[cluster.names[0]]
        created = await first.create_user(user_name="lag-probe")
        del created
        workers = [
            Worker(
                f"w{i}{k}",
                name,
                run.clients.make(),
                run.history,
                random.Random(rng.random()),
                run.now,
            )
            for i, name in enumerate(cluster.names, start=1)
            for k in range(config.workers_per_node)
        ]
        probers = run.clients.make()
        # A generator of its own, so the probes leave the faults' draws as they were.
        dependencies = DependencyProbes(
            cluster.names, run.clients.single, run.history,
            random.Random(f"dependencies-{config.seed}"), run.now,
        )  # fmt: skip
        async with asyncio.TaskGroup() as tasks:
            for worker in workers:
                tasks.create_task(worker.run(run.stop))
            tasks.create_task(run.statuses())
            tasks.create_task(run.listings())
            tasks.create_task(run.lag_probes(probers))
            tasks.create_task(dependencies.run(run.stop))
            await run.faults()
        convergence_s = await run.converge()
        finals = await run.observe(workers)
        checks.catch_up_times(run.history)
        return run.history, finals, convergence_s
    finally:
        await run.clients.close()


def report(
    config: ChaosConfig,
    history: History,
    finals: dict[str, checks.NodeFinal],
    convergence_s: float | None,
    stored_violations: list[str],
) -> dict[str, Any]:
    healthy, faulty = checks.lag_split(history)
    details = {
        "lost_writes": checks.lost_writes(history, finals),
        "resurrections": checks.resurrections(history, finals),
        "prefix_violations": checks.prefix_violations(history, finals),
        "decision_disagreements": checks.decision_disagreements(finals),
        "stale_token_reads": checks.stale_token_reads(history),
        "token_dependency_misses": checks.token_dependency_misses(history),
        "replica_invariants": stored_violations,
    }
    return {
        "seed": config.seed,
        "nodes": config.nodes,
        "network": config.network,
        "duration_s": config.duration_s,
        "faults": [
            {
                "kind": f.kind,
                "targets": list(f.targets),
                "start": round(f.start, 3),
                "end": None if f.end is None else round(f.end, 3),
                "detail": f.detail,
                "caught_up_s": f.caught_up_s,
            }
            for f in history.faults
        ],
        "acked_writes": len(history.acked_writes()),
        # Reads that answered whether a replica covering a write's token held what the write
        # depended on (a check that never ran could not have failed).
        "token_dependency_reads": len(history.dependency_reads),
        **{key: len(found) for key, found in details.items()},
        "converged": convergence_s is not None and checks.converged(finals),
        "convergence_s": convergence_s,
        "lag_ms": {
            "healthy": checks.percentiles(healthy),
            "under_fault": checks.percentiles(faulty),
            "by_fault": {
                kind: checks.percentiles(lags)
                for kind, lags in checks.lag_by_fault(history).items()
            },
        },
        # Every lag probe: [seconds since start when written, lag ms, node it reached].
        "lag_samples": [
            [round(sample.written, 3), round(sample.lag_ms, 1), sample.node]
            for sample in history.lags
        ],
    } | _violations(details)


def _violations(details: dict[str, list[str]]) -> dict[str, Any]:
    """Only a failing run carries the details of what it found (a clean report has none)."""
    found = {key: items[:20] for key, items in details.items() if items}
    return {"violations": found} if found else {}


def summary(result: dict[str, Any]) -> str:
    lag = result["lag_ms"]
    rows = [
        ("seed", result["seed"]),
        ("nodes", result["nodes"]),
        ("network", result["network"]),
        ("duration_s", result["duration_s"]),
        ("faults", ", ".join(f"{f['kind']}@{f['start']:.1f}s" for f in result["faults"])),
        ("acked_writes", result["acked_writes"]),
        ("lost_writes", result["lost_writes"]),
        ("resurrections", result["resurrections"]),
        ("prefix_violations", result["prefix_violations"]),
        ("decision_disagreements", result["decision_disagreements"]),
        ("stale_token_reads", result["stale_token_reads"]),
        ("token_dependency_reads", result["token_dependency_reads"]),
        ("token_dependency_misses", result["token_dependency_misses"]),
        ("replica_invariants", result["replica_invariants"]),
        ("converged", result["converged"]),
        ("convergence_s", result["convergence_s"]),
        ("lag healthy p50/p95/p99 ms",
         "/".join(str(lag["healthy"][p]) for p in ("p50", "p95", "p99"))),
        ("lag under fault p50/p95/p99 ms",
         "/".join(str(lag["under_fault"][p]) for p in ("p50", "p95", "p99"))),
    ]  # fmt: skip
    rows += [
        (f"  under {kind}", "/".join(str(lag_ms[p]) for p in ("p50", "p95", "p99")))
        for kind, lag_ms in lag.get("by_fault", {}).items()
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name.ljust(width)}  {value}" for name, value in rows]
    for key, found in result.get("violations", {}).items():
        lines += [f"! {key}: {item}" for item in found[:5]]
    return "\n".join(lines)


def clean(result: dict[str, Any]) -> bool:
    counts = ("lost_writes", "resurrections", "prefix_violations", "decision_disagreements",
              "stale_token_reads", "token_dependency_misses", "replica_invariants")  # fmt: skip
    return bool(result["converged"]) and all(result[key] == 0 for key in counts)


@click.group("chaos")
def chaos_group() -> None:
    """Real faults against a real local cluster, with a recorded history and checks."""


@chaos_group.command("run")
@click.option("--nodes", type=click.IntRange(2, 50), default=3, show_default=True)
@click.option("--duration", type=click.FloatRange(min=1.0), default=60.0, show_default=True,
              help="Seconds.")  # fmt: skip
@click.option("--faults", default=None,
              help=f"Comma-separated, of: {', '.join(FAULT_KINDS)}  "
              f"[default: {','.join(DEFAULT_FAULTS)}; without delay under netns]")  # fmt: skip
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--network", type=click.Choice(NETWORKS), default="proxy", show_default=True,
              help="Peer traffic through loopback fault proxies, or between network "
              "namespaces with packet-filter faults (needs root).")  # fmt: skip
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False, path_type=Path))
def run_command(
    nodes: int, duration: float, faults: str | None, seed: int, network: str,
    report_file: Path | None, plot_file: Path | None,
) -> None:  # fmt: skip
    """Run the chaos suite once; exits 1 when an invariant is violated, 2 when the network
    cannot be made."""
    kinds = None if faults is None else tuple(f.strip() for f in faults.split(",") if f.strip())
    config = ChaosConfig(nodes, duration, kinds, seed, network=network)
    try:
        result = asyncio.run(run_chaos(config))
    except NetnsUnavailable as err:
        click.echo(f"network namespaces are not available: {err}", err=True)
        raise SystemExit(2) from None
    click.echo(summary(result))
    if report_file is not None:
        report_file.write_text(json.dumps(result, indent=2) + "\n")
    if plot_file is not None:
        from iamstore.cluster.chaos.plot import plot_lag

        plot_lag(result, plot_file)
        click.echo(f"plot written to {plot_file}")
    if not clean(result):
        click.echo(f"invariants violated; replay with --seed {seed}", err=True)
        raise SystemExit(1)


@chaos_group.command("probe")
def probe_command() -> None:
    """Tell whether `--network netns` can run here; exits 1 with the reason where it cannot."""
    try:
        backend = probe()
    except NetnsUnavailable as err:
        click.echo(f"network namespaces are not available: {err}")
        raise SystemExit(1) from None
    click.echo(f"network namespaces are available (faults with {backend.value})")

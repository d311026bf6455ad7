"""The named, listed set of faults, and a local cluster whose peer traffic crosses the proxies."""

from __future__ import annotations

import asyncio
import os
import random
import signal
from collections.abc import Callable
from pathlib import Path

from cluster.chaos.history import FaultRecord
from cluster.chaos.proxy import HEALTHY, LinkFault, LinkMode, ProxyMesh
from cluster.local import LocalCluster, free_ports

# Every fault a run can inject, by the name `--faults` takes.
FAULT_KINDS = (
    "partition",  # a random minority cut off from the rest, both ways
    "oneway",  # a random node cannot reach the others; they still reach it
    "kill",  # SIGKILL one node, restart it at the end of the window
    "pause",  # SIGSTOP one node, SIGCONT at the end
    "restart",  # rolling restart (SIGTERM, start) of every node
    "delay",  # every peer link: delay and jitter
    "loss",  # every peer link: 10% of connections refused and of chunks retransmitted
    "blackhole",  # links into one node swallow everything
    "reset",  # links into one node abort every connection
    "skew",  # one node restarted with its clock shifted by seconds
)
SKEW_MS = 3_000


class ChaosCluster:
    """A LocalCluster whose nodes know each other only by their proxies' addresses."""

    def __init__(self, root: Path, nodes: int, rng: random.Random) -> None:
        ports = free_ports(2 * nodes)
        self.local = LocalCluster.on_ports(root, ports[:nodes])
        self.proxy_ports = ports[nodes:]
        self.names = self.local.names
        self.mesh = ProxyMesh(self._pids, rng)
        self.proxy_addresses = {
            n: f"127.0.0.1:{p}" for n, p in zip(self.names, self.proxy_ports, strict=True)
        }
        self.skew_ms = dict.fromkeys(self.names, 0)
        self.paused: set[str] = set()

    def _pids(self) -> dict[int, str]:
        return {pid: name for name in self.names if (pid := self.local.pid(name)) is not None}

    def _configure(self, name: str) -> None:
        node = self.local.node(name)
        peers = ",".join(a for n, a in self.proxy_addresses.items() if n != name)
        bootstrap = "--bootstrap" if name == self.names[0] else "--no-bootstrap"
        node.extra_args = (
            "--peers", peers, "--advertise", self.proxy_addresses[name], bootstrap,
            "--clock-skew-ms", str(self.skew_ms[name]), "--log-level", "WARNING",
        )  # fmt: skip

    @property
    def addresses(self) -> dict[str, str]:
        """Where clients reach each node: directly, not through the peer proxies."""
        return {name: self.local.node(name).listen for name in self.names}

    async def start(self) -> None:
        for name, port in zip(self.names, self.proxy_ports, strict=True):
            await self.mesh.add(name, self.local.node(name).listen, port)
            self._configure(name)
        await asyncio.to_thread(self.local.start, 60.0)

    async def restart(self, name: str, *, kill: bool) -> None:
        if kill:
            await asyncio.to_thread(self.local.kill_node, name)
        else:
            await asyncio.to_thread(self.local.stop_node, name, 15.0)
        self._configure(name)
        await asyncio.to_thread(self.local.start_node, name, 60.0)

    def signal(self, name: str, sig: signal.Signals) -> None:
        pid = self.local.pid(name)
        if pid is not None:
            os.kill(pid, sig)
        if sig is signal.SIGSTOP:
            self.paused.add(name)
        elif sig is signal.SIGCONT:
            self.paused.discard(name)

    async def shutdown(self) -> None:
        """Resumes paused nodes, stops every node (kill -9 if it will not stop), closes proxies."""
        for name in list(self.paused):
            self.signal(name, signal.SIGCONT)
        try:
            await asyncio.to_thread(self.local.stop, 10.0)
        except Exception:
            pass
        finally:
            self.local.kill()
            await self.mesh.close()

    # --- faults --------------------------------------------------------------------------

    def _links(self, sources: list[str], targets: list[str], fault: LinkFault) -> None:
        for source in sources:
            for target in targets:
                if source != target:
                    self.mesh.table.set(source, target, fault)
        self.mesh.refresh()

    async def inject(self, kind: str, rng: random.Random, now: Callable[[], float]) -> FaultRecord:
        """Starts fault `kind`; `heal` ends it."""
        names = list(self.names)
        victim = rng.choice(names)
        cut = LinkFault(LinkMode.BLACKHOLE)
        record = FaultRecord(kind, (victim,), now())
        if kind == "partition":
            minority = rng.sample(names, max(1, (len(names) - 1) // 2))
            majority = [n for n in names if n not in minority]
            self._links(minority, majority, cut)
            self._links(majority, minority, cut)
            record.targets = tuple(sorted(minority))
        elif kind == "oneway":
            self._links([victim], names, cut)
            record.detail = f"{victim} -> others cut"
        elif kind == "kill":
            await asyncio.to_thread(self.local.kill_node, victim)
        elif kind == "pause":
            self.signal(victim, signal.SIGSTOP)
        elif kind == "restart":
            record.targets = tuple(names)
            for name in names:
                await self.restart(name, kill=False)
        elif kind == "delay":
            self._links(names, names, LinkFault(delay_ms=50, jitter_ms=50))
            record.targets, record.detail = tuple(names), "50 ms + 0-50 ms jitter"
        elif kind == "loss":
            self._links(names, names, LinkFault(loss=0.1))
            record.targets, record.detail = tuple(names), "10%"
        elif kind == "blackhole":
            self._links(names, [victim], cut)
        elif kind == "reset":
            self._links(names, [victim], LinkFault(LinkMode.RESET))
        elif kind == "skew":
            self.skew_ms[victim] = rng.choice([-SKEW_MS, SKEW_MS])
            record.detail = f"{self.skew_ms[victim]:+d} ms"
            await self.restart(victim, kill=False)
        else:
            raise ValueError(f"unknown fault `{kind}` (known: {', '.join(FAULT_KINDS)})")
        return record

    async def heal(self, record: FaultRecord) -> None:
        self._links(list(self.names), list(self.names), HEALTHY)
        victim = record.targets[0]
        if record.kind == "kill":
            await asyncio.to_thread(self.local.start_node, victim, 60.0)
        elif record.kind == "pause":
            self.signal(victim, signal.SIGCONT)
        elif record.kind == "skew":
            self.skew_ms[victim] = 0
            await self.restart(victim, kill=False)

"""The named, listed set of faults, and a local cluster whose peer links can be made faulty."""

from __future__ import annotations

import asyncio
import os
import random
import signal
from collections.abc import Callable
from pathlib import Path

from iamstore.cluster.chaos.history import FaultRecord
from iamstore.cluster.chaos.network import NETWORKS, NamespaceNetwork, PeerNetwork, ProxyNetwork
from iamstore.cluster.chaos.proxy import HEALTHY, LinkFault, LinkMode
from iamstore.cluster.local import LocalCluster

# Every fault a run can inject, by the name `--faults` takes. Under network namespaces, loss
# drops 10% of packets on every peer link instead, and delay is not available (it needs
# `tc netem`).
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
NETWORK_FAULTS = {"proxy": FAULT_KINDS, "netns": tuple(k for k in FAULT_KINDS if k != "delay")}


class ChaosCluster:
    """A LocalCluster whose nodes reach each other only through a faulty peer network:
    `proxy` (loopback fault proxies) or `netns` (network namespaces, see `network`)."""

    def __init__(self, root: Path, nodes: int, rng: random.Random, network: str = "proxy") -> None:
        names = [f"node{i}" for i in range(1, nodes + 1)]
        self.network: PeerNetwork
        if network == "proxy":
            self.network = ProxyNetwork(names, rng, self._pids)
        elif network == "netns":
            self.network = NamespaceNetwork(root, names)
        else:
            raise ValueError(f"unknown network `{network}` (known: {', '.join(NETWORKS)})")
        self.local = LocalCluster.on_addresses(root, [self.network.listen(n) for n in names])
        self.names = self.local.names
        self.skew_ms = dict.fromkeys(self.names, 0)
        self.paused: set[str] = set()

    def _pids(self) -> dict[int, str]:
        return {pid: name for name in self.names if (pid := self.local.pid(name)) is not None}

    def _configure(self, name: str) -> None:
        node = self.local.node(name)
        network = self.network
        peers = ",".join(network.peer_address(n) for n in self.names if n != name)
        bootstrap = "--bootstrap" if name == self.names[0] else "--no-bootstrap"
        node.extra_args = (
            "--peers", peers, "--advertise", network.peer_address(name), bootstrap,
            *network.node_args(name),
            "--clock-skew-ms", str(self.skew_ms[name]), "--log-level", "WARNING",
            # The faults act on TCP between the nodes; peer TLS is not what these runs test.
            "--insecure-peer-plaintext",
        )  # fmt: skip
        node.wrapper = network.wrapper(name)

    @property
    def addresses(self) -> dict[str, str]:
        """Where clients reach each node: on a path no fault touches."""
        return {name: self.local.node(name).listen for name in self.names}

    async def start(self) -> None:
        await self.network.start()
        for name in self.names:
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
        """Resumes paused nodes, stops every node (kill -9 if it will not stop), then takes
        the peer network down (proxies closed, namespaces deleted)."""
        for name in list(self.paused):
            self.signal(name, signal.SIGCONT)
        try:
            await asyncio.to_thread(self.local.stop, 10.0)
        except Exception:
            pass
        finally:
            self.local.kill()
            await self.network.close()

    # --- faults --------------------------------------------------------------------------

    async def set_links(self, sources: list[str], targets: list[str], fault: LinkFault) -> None:
        """Gives every link from a source to a (different) target `fault`."""
        for source in sources:
            for target in targets:
                if source != target:
                    self.network.table.set(source, target, fault)
        await self.network.apply()

    async def inject(self, kind: str, rng: random.Random, now: Callable[[], float]) -> FaultRecord:
        """Starts fault `kind`; `heal` ends it."""
        names = list(self.names)
        victim = rng.choice(names)
        cut = LinkFault(LinkMode.BLACKHOLE)
        record = FaultRecord(kind, (victim,), now())
        if kind == "partition":
            minority = rng.sample(names, max(1, (len(names) - 1) // 2))
            majority = [n for n in names if n not in minority]
            await self.set_links(minority, majority, cut)
            await self.set_links(majority, minority, cut)
            record.targets = tuple(sorted(minority))
        elif kind == "oneway":
            await self.set_links([victim], names, cut)
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
            await self.set_links(names, names, LinkFault(delay_ms=50, jitter_ms=50))
            record.targets, record.detail = tuple(names), "50 ms + 0-50 ms jitter"
        elif kind == "loss":
            await self.set_links(names, names, LinkFault(loss=0.1))
            record.targets = tuple(names)
            record.detail = "10% of packets" if self.network.kind == "netns" else "10%"
        elif kind == "blackhole":
            await self.set_links(names, [victim], cut)
        elif kind == "reset":
            await self.set_links(names, [victim], LinkFault(LinkMode.RESET))
        elif kind == "skew":
            self.skew_ms[victim] = rng.choice([-SKEW_MS, SKEW_MS])
            record.detail = f"{self.skew_ms[victim]:+d} ms"
            await self.restart(victim, kill=False)
        else:
            raise ValueError(f"unknown fault `{kind}` (known: {', '.join(FAULT_KINDS)})")
        return record

    async def heal(self, record: FaultRecord) -> None:
        await self.set_links(list(self.names), list(self.names), HEALTHY)
        victim = record.targets[0]
        if record.kind == "kill":
            await asyncio.to_thread(self.local.start_node, victim, 60.0)
        elif record.kind == "pause":
            self.signal(victim, signal.SIGCONT)
        elif record.kind == "skew":
            self.skew_ms[victim] = 0
            await self.restart(victim, kill=False)

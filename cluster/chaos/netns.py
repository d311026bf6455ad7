"""Network namespaces for a chaos run: one per node on a private bridge, faults, cleanup.

Each run makes its own namespaces, named `iamstore-PID-TAG-…` after the process that owns
them (PID) and a random tag, so parallel runs never collide and a later run can tell the
leftovers of a dead one (its PID is gone) and remove them. A "switch" namespace holds a
bridge with one veth per node; the node's end is `eth0` in its namespace, addressed
10.77.0.N/24. Nothing is added to the namespace the run started in: no address, no route, no
interface (every link is created inside the switch namespace and moved straight into the
node's). Faults are packet-filter rules inside the node namespaces (see `netrules`).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from iamstore.cluster.chaos.netrules import Action, Backend, Rule, rules_for, script
from iamstore.cluster.chaos.proxy import FaultTable

PREFIX = "iamstore-"
SUBNET = "10.77.0"  # node i is 10.77.0.i; each run's bridge is its own, so runs may share it
PEER_PORT = 7100
COMMAND_TIMEOUT_S = 15.0
_OWNED = re.compile(rf"^{re.escape(PREFIX)}(\d+)-[0-9a-f]+-")


class NetnsError(Exception):
    """A namespace command failed."""


class NetnsUnavailable(Exception):
    """Network namespaces cannot be made here; the message says why (a test's skip reason)."""


# Runs one command with optional stdin; raises NetnsError when it fails. Injected in tests.
Runner = Callable[[Sequence[str], str | None], str]


def run_command(argv: Sequence[str], stdin: str | None = None) -> str:
    try:
        done = subprocess.run(
            list(argv), input=stdin, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise NetnsError(f"`{' '.join(argv)}`: {err}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise NetnsError(f"`{' '.join(argv)}` failed: {detail[-1] if detail else done.returncode}")
    return done.stdout


@dataclass(frozen=True, slots=True)
class Topology:
    """The names and addresses of one run's namespaces (pure: nothing is made here)."""

    run: str  # PID-TAG
    nodes: tuple[str, ...]

    @classmethod
    def create(cls, nodes: Iterable[str], pid: int | None = None) -> Topology:
        nodes = tuple(nodes)
        if not 1 <= len(nodes) <= 250:
            raise ValueError(f"a namespace run takes 1 to 250 nodes, not {len(nodes)}")
        return cls(f"{os.getpid() if pid is None else pid}-{secrets.token_hex(3)}", nodes)

    @property
    def switch(self) -> str:
        return f"{PREFIX}{self.run}-switch"

    def namespace(self, node: str) -> str:
        return f"{PREFIX}{self.run}-{node}"

    @property
    def namespaces(self) -> tuple[str, ...]:
        return (self.switch, *(self.namespace(n) for n in self.nodes))

    def address(self, node: str) -> str:
        return f"{SUBNET}.{self.nodes.index(node) + 1}"

    @property
    def addresses(self) -> dict[str, str]:
        return {node: self.address(node) for node in self.nodes}

    def peer_address(self, node: str) -> str:
        return f"{self.address(node)}:{PEER_PORT}"

    def setup_commands(self) -> list[list[str]]:
        """Every `ip` command that builds the run's network, in order."""
        switch = self.switch
        commands = [["ip", "netns", "add", ns] for ns in self.namespaces]
        commands += [
            ["ip", "-n", switch, "link", "add", "br0", "type", "bridge"],
            ["ip", "-n", switch, "link", "set", "br0", "up"],
        ]
        for index, node in enumerate(self.nodes, start=1):
            ns, port = self.namespace(node), f"p{index}"
            commands += [
                # Made in the switch namespace, its peer end moved at once into the node's.
                ["ip", "-n", switch, "link", "add", port, "type", "veth",
                 "peer", "name", "eth0", "netns", ns],
                ["ip", "-n", switch, "link", "set", port, "master", "br0", "up"],
                ["ip", "-n", ns, "addr", "add", f"{self.address(node)}/24", "dev", "eth0"],
                ["ip", "-n", ns, "link", "set", "eth0", "up"],
                ["ip", "-n", ns, "link", "set", "lo", "up"],
            ]  # fmt: skip
        return commands


def owned_namespaces(names: Iterable[str]) -> dict[str, int]:
    """Namespace name -> the PID of the run that made it, for the names this module made."""
    return {name: int(m.group(1)) for name in names if (m := _OWNED.match(name))}


def stale_namespaces(names: Iterable[str], alive: Callable[[int], bool]) -> list[str]:
    """The namespaces of runs whose process is gone."""
    return sorted(name for name, pid in owned_namespaces(names).items() if not alive(pid))


def _pid_alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def list_namespaces(runner: Runner = run_command) -> list[str]:
    # `ip netns list` prints "NAME" or "NAME (id: N)" per line.
    return [line.split()[0] for line in runner(["ip", "netns", "list"], None).splitlines() if line]


def remove_namespaces(names: Iterable[str], runner: Runner = run_command) -> None:
    """Kills every process in each namespace, then deletes it; best effort, never raises."""
    for name in names:
        with contextlib.suppress(NetnsError, ValueError):
            for pid in runner(["ip", "netns", "pids", name], None).split():
                with contextlib.suppress(OSError):
                    os.kill(int(pid), signal.SIGKILL)
        with contextlib.suppress(NetnsError):
            runner(["ip", "netns", "del", name], None)


def remove_stale(runner: Runner = run_command) -> list[str]:
    """Deletes the namespaces that runs which died without cleaning up left behind."""
    stale = stale_namespaces(list_namespaces(runner), _pid_alive)
    remove_namespaces(stale, runner)
    return stale


# The probe's rules use every match a chaos run needs (port, random drop, reset).
_PROBE_RULES = (
    Rule("10.77.0.2", Action.DROP, PEER_PORT),
    Rule("10.77.0.3", Action.RESET, PEER_PORT),
    Rule("10.77.0.4", Action.LOSS, percent=10),
)


def probe(runner: Runner = run_command) -> Backend:
    """The packet filter to use, after making (and deleting) one namespace with a veth, a
    bridge and rules in it; raises NetnsUnavailable with the reason where that cannot be done."""
    if os.geteuid() != 0:
        raise NetnsUnavailable(f"network namespaces need root (running as uid {os.geteuid()})")
    if shutil.which("ip") is None:
        raise NetnsUnavailable("`ip` (iproute2) is not installed")
    backends = [b for b in Backend if shutil.which(b.command[0]) is not None]
    if not backends:
        raise NetnsUnavailable("neither `nft` (nftables) nor `iptables-restore` is installed")
    name = f"{PREFIX}{os.getpid()}-{secrets.token_hex(3)}-probe"
    try:
        runner(["ip", "netns", "add", name], None)
        runner(
            ["ip", "-n", name, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1"],
            None,
        )
        runner(["ip", "-n", name, "link", "add", "br0", "type", "bridge"], None)
        errors = []
        for backend in backends:
            try:
                runner(["ip", "netns", "exec", name, *backend.command],
                       script(backend, _PROBE_RULES))  # fmt: skip
                return backend
            except NetnsError as err:
                errors.append(str(err))
        raise NetnsUnavailable("no packet filter works in a namespace: " + "; ".join(errors))
    except NetnsError as err:
        raise NetnsUnavailable(f"cannot make a network namespace: {err}") from None
    finally:
        remove_namespaces([name], runner)


class NetnsLab:
    """One run's namespaces: `create`, run nodes in them (`wrapper`), `apply` faults, `destroy`.

    `destroy` is safe to call at any point, also after a failed `create`, and more than once.
    """

    def __init__(self, topology: Topology, backend: Backend, runner: Runner = run_command) -> None:
        self.topology = topology
        self.backend = backend
        self._run = runner

    def create(self) -> None:
        remove_stale(self._run)
        try:
            for command in self.topology.setup_commands():
                self._run(command, None)
        except NetnsError:
            self.destroy()
            raise

    def wrapper(self, node: str) -> tuple[str, ...]:
        """The command prefix that runs a program in `node`'s namespace (`ip` execs it, so the
        program keeps the pid it was started with)."""
        return ("ip", "netns", "exec", self.topology.namespace(node))

    def apply(self, table: FaultTable) -> None:
        """Replaces every node's rules with the ones `table` calls for (empty: healed)."""
        addresses = self.topology.addresses
        for node in self.topology.nodes:
            rules = rules_for(node, table, addresses, PEER_PORT)
            self._run([*self.wrapper(node), *self.backend.command], script(self.backend, rules))

    def destroy(self) -> None:
        remove_namespaces(self.topology.namespaces, self._run)

    def leftovers(self) -> list[str]:
        """This run's namespaces that still exist (empty after `destroy`)."""
        return [n for n in list_namespaces(self._run) if n in self.topology.namespaces]

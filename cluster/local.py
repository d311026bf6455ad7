"""A local cluster: N node processes on one machine, sharing one cluster key and secrets key.

The cluster is described by a small state file (`cluster.json`: names, addresses, pids) in its
folder, so a later process (the `iamstore cluster` commands) can find, observe, stop and
restart the nodes that an earlier one started in the background.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import socket
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from iamstore.client import Client, IamError
from iamstore.client.credentials import resolve_credentials
from iamstore.client.results import StatusResponse
from iamstore.cluster.process import NodeProcess, NodeProcessError, process_running
from iamstore.cluster.status import ClusterView, NodeObservation, NodeState
from iamstore.cluster.tls import (
    CA_CERT,
    CA_KEY,
    create_ca,
    issue_node_certificate,
    new_node_id,
    node_files,
)

CLUSTER_KEY = "cluster.key"
SECRETS_KEY = "secrets.key"
SESSION_KEY = "session.key"
PREVIOUS_CLUSTER_KEY = "cluster.key.previous"
# What `rotate_keys` replaces: what lets a holder act as the cluster (talk to members, mint
# session tokens). The secrets key stays: it opens the replica's sealed secrets at rest.
ROTATED_KEYS = (CLUSTER_KEY, SESSION_KEY)
STATE_FILE = "cluster.json"


class ClusterError(Exception):
    """A local-cluster operation that cannot be done (no state file, unknown node, timeout)."""


def _write_secret(path: Path, data: bytes) -> None:
    """Writes a key file (mode 0600) whole or not at all: a rotation cut short leaves the old."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Ports nothing listens on right now (the OS picks them; all sockets held until the end,
    so the ports are distinct). Another program may still take one before a node binds it."""
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((host, 0))
            ports.append(int(sock.getsockname()[1]))
        return ports


def node_index(name: str, size: int) -> int:
    """`node2` or `2` -> 1 (the node's position), checked against the cluster's size."""
    digits = name.removeprefix("node")
    if not digits.isdigit() or not 1 <= int(digits) <= size:
        raise ClusterError(f"no node `{name}` in this cluster (node1…node{size})")
    return int(digits) - 1


class LocalCluster:
    """Nodes `node1`…`nodeN` under `root`, node i listening on 127.0.0.1:(base_port + i);
    `base_port=0` picks free ports, and `on_ports` takes them one by one.

    node1 bootstraps the management account (its `root-credentials` file is the cluster's);
    the others start empty and receive everything by replication. Nodes run in their own
    session, so they outlive the process that started them.

    With `tls`, the cluster has its own CA (`ca.pem` in `root`); each node serves clients over
    TLS with a certificate it signed (naming the node's id), and serves peers on a second
    (free) port that requires a client certificate from the same CA (mutual TLS). Without it,
    nodes run with `--insecure-peer-plaintext` (development only).
    """

    def __init__(self, root: Path, nodes: int, base_port: int, tls: bool = False) -> None:
        if nodes < 1:
            raise ClusterError(f"a cluster needs at least one node, not `{nodes}`")
        ports = (
            free_ports(nodes) if base_port == 0 else [base_port + i for i in range(1, nodes + 1)]
        )
        self._init(root, [f"127.0.0.1:{port}" for port in ports], [None] * nodes, tls)

    @classmethod
    def on_ports(
        cls, root: Path, ports: list[int], tls: bool = False, http_ports: list[int] | None = None
    ) -> LocalCluster:
        """node1 on ports[0], node2 on ports[1], …; HTTP on `http_ports` (default: free ones)."""
        cluster = cls.on_addresses(root, [f"127.0.0.1:{port}" for port in ports], tls)
        if http_ports is not None:
            cluster.http_addresses = [f"127.0.0.1:{port}" for port in http_ports]
            cluster._configure_nodes()
        return cluster

    @classmethod
    def on_addresses(cls, root: Path, addresses: list[str], tls: bool = False) -> LocalCluster:
        """node1 listening on addresses[0] (HOST:PORT or unix:PATH), node2 on addresses[1], …"""
        if not addresses:
            raise ClusterError("a cluster needs at least one node")
        cluster = cls.__new__(cls)
        cluster._init(root, addresses, [None] * len(addresses), tls)
        return cluster

    def _init(
        self,
        root: Path,
        addresses: list[str],
        pids: list[int | None],
        tls: bool = False,
        peer_addresses: list[str] | None = None,
        http_addresses: list[str] | None = None,
    ) -> None:
        # Absolute, so each node's command line names its folder unambiguously (see
        # `process_running`).
        self.root = root.resolve()
        self.tls = tls
        self.nodes = [
            NodeProcess(self.root / f"node{i}", listen=address)
            for i, address in enumerate(addresses, start=1)
        ]
        if tls and peer_addresses is None:
            peer_addresses = [f"127.0.0.1:{port}" for port in free_ports(len(addresses))]
        # The mutual-TLS ports peers gossip on (TLS only; otherwise peers use `addresses`).
        self.peer_addresses = peer_addresses or list(addresses)
        # Each node's HOST:PORT for IAM and STS over HTTP (AWS's Query protocol).
        self.http_addresses = http_addresses or [
            f"127.0.0.1:{port}" for port in free_ports(len(addresses))
        ]
        # Pids of nodes started by another process (from the state file); our own children
        # are tracked by their NodeProcess.
        self._pids = dict(zip(self.names, pids, strict=True))
        # Each node's id once seen in its Status (origins in version vectors are node ids).
        self.node_ids: dict[str, str] = {}
        # Nodes removed from the cluster (`remove`): never started again by `start`.
        self.removed: set[str] = set()
        # OIDC issuers whose key sets every node reads from a local file (`--oidc-jwks`).
        self.oidc_jwks: dict[str, Path] = {}
        self._configure_nodes()

    def _configure_nodes(self) -> None:
        """Each node's command line: its peers, who bootstraps, tls files, local key sets."""
        for index, node in enumerate(self.nodes):
            own = self.peer_addresses[index]
            peers = ",".join(a for a in self.peer_addresses if a != own)
            bootstrap = "--bootstrap" if index == 0 else "--no-bootstrap"
            node.extra_args = ("--peers", peers, bootstrap)
            node.extra_args += ("--http-listen", self.http_addresses[index])
            if self.tls:
                files = node_files(node.data_dir)
                node.extra_args += (
                    *("--peer-listen", own),
                    *("--tls-cert", str(files.cert), "--tls-key", str(files.key)),
                    *("--tls-ca", str(files.ca)),
                )
            else:
                node.extra_args += ("--insecure-peer-plaintext",)
            for issuer, path in sorted(self.oidc_jwks.items()):
                node.extra_args += ("--oidc-jwks", f"{issuer}={path}")

    def use_oidc_jwks(self, key_sets: Iterable[tuple[str, Path]]) -> None:
        """Every node reads these issuers' keys from local files (kept in the state file)."""
        self.oidc_jwks = {issuer: path.resolve() for issuer, path in key_sets}
        self._configure_nodes()

    @classmethod
    def load(cls, root: Path) -> LocalCluster:
        """The cluster whose state file is in `root`."""
        path = root / STATE_FILE
        try:
            saved = json.loads(path.read_text())
            addresses = [str(n["address"]) for n in saved["nodes"]]
            pids = [None if n.get("pid") is None else int(n["pid"]) for n in saved["nodes"]]
            ids = {str(n["name"]): str(n["node_id"]) for n in saved["nodes"] if n.get("node_id")}
            removed = {str(n["name"]) for n in saved["nodes"] if n.get("removed")}
            tls = bool(saved.get("tls", False))
            peer_addresses = [str(n["peer_address"]) for n in saved["nodes"]] if tls else None
            # A state file from before HTTP ports has none: the nodes get free ones.
            http = [n.get("http_address") for n in saved["nodes"]]
            http_addresses = [str(a) for a in http] if all(http) else None
        except FileNotFoundError:
            raise ClusterError(f"no cluster in `{root}` (no {STATE_FILE})") from None
        except (ValueError, KeyError, TypeError) as err:
            raise ClusterError(f"unreadable state file `{path}`: {err}") from None
        cluster = cls.__new__(cls)
        cluster._init(root, addresses, pids, tls, peer_addresses, http_addresses)
        cluster.node_ids.update(ids)
        cluster.removed = removed
        cluster.use_oidc_jwks((str(i), Path(f)) for i, f in saved.get("oidc_jwks", {}).items())
        return cluster

    @property
    def names(self) -> list[str]:
        return [f"node{i}" for i in range(1, len(self.nodes) + 1)]

    @property
    def credentials_file(self) -> Path:
        return self.nodes[0].credentials_file

    @property
    def addresses(self) -> list[str]:
        return [n.listen for n in self.nodes]

    def http_url(self, name: str) -> str:
        """The node's IAM and STS endpoint URL (`--endpoint-url` of boto3 and the aws CLI)."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.http_addresses[node_index(name, len(self.nodes))]}"

    @property
    def ca_file(self) -> Path | None:
        """The CA certificate clients verify the nodes with (None: the cluster is plaintext)."""
        return self.root / CA_CERT if self.tls else None

    def address_names(self) -> dict[str, str]:
        """Client and peer address -> node name (peers know each other by peer address)."""
        names = dict(zip(self.peer_addresses, self.names, strict=True))
        names.update(zip(self.addresses, self.names, strict=True))
        return names

    @property
    def state_file(self) -> Path:
        return self.root / STATE_FILE

    def node(self, name: str) -> NodeProcess:
        return self.nodes[node_index(name, len(self.nodes))]

    def canonical_name(self, name: str) -> str:
        """`2` or `node2` -> `node2`."""
        return self.names[node_index(name, len(self.nodes))]

    def origin_names(self) -> dict[str, str]:
        """Node id -> node name, for the nodes whose id is known."""
        return {node_id: name for name, node_id in self.node_ids.items()}

    def pid(self, name: str) -> int | None:
        node = self.node(name)
        return node.pid if node.pid is not None else self._pids[self.canonical_name(name)]

    def is_running(self, name: str) -> bool:
        name = self.canonical_name(name)
        pid = self.pid(name)
        return pid is not None and process_running(pid, str(self.node(name).data_dir))

    def save(self) -> None:
        """Writes the state file atomically: the nodes, their addresses, folders and pids."""
        described: dict[str, object] = {
            "nodes": [
                {
                    "name": name,
                    "address": node.listen,
                    "peer_address": peer_address,
                    "http_address": http_address,
                    "data_dir": str(node.data_dir),
                    "log": str(node.log_file),
                    "pid": self.pid(name) if self.is_running(name) else None,
                    "node_id": self.node_ids.get(name),
                    "removed": name in self.removed,
                }
                for name, node, peer_address, http_address in zip(
                    self.names, self.nodes, self.peer_addresses, self.http_addresses, strict=True
                )
            ],
            "root_credentials": str(self.credentials_file),
            "tls": self.tls,
            "oidc_jwks": {issuer: str(path) for issuer, path in self.oidc_jwks.items()},
        }
        if self.ca_file is not None:
            described["ca"] = str(self.ca_file)
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = self.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(described, indent=2) + "\n")
        os.replace(temporary, self.state_file)

    def prepare(self) -> None:
        """Creates the shared keys once, and gives every node its copy."""
        self.root.mkdir(parents=True, exist_ok=True)
        keys = {
            CLUSTER_KEY: os.urandom(32),
            SECRETS_KEY: AESGCM.generate_key(bit_length=256),
            SESSION_KEY: AESGCM.generate_key(bit_length=256),
        }
        for name, data in keys.items():
            if not (self.root / name).exists():
                _write_secret(self.root / name, data)
        if self.tls and not (self.root / CA_CERT).exists():
            create_ca(self.root)
        for node_name, node in zip(self.names, self.nodes, strict=True):
            node.data_dir.mkdir(parents=True, exist_ok=True)
            for name in keys:
                if not (node.data_dir / name).exists():
                    shutil.copy2(self.root / name, node.data_dir / name)
            if self.tls and not node_files(node.data_dir).cert.exists():
                # The certificate fixes the node's id: peers know the node by it.
                node_id = new_node_id()
                issue_node_certificate(self.root, node.data_dir, node_name, node_id=node_id)
                self.node_ids[node_name] = node_id

    # --- whole cluster -------------------------------------------------------------------

    def start(self, timeout_s: float = 30.0) -> None:
        """Starts every node not removed (at once) and waits until node1 has bootstrapped the
        account."""
        self.prepare()
        members = [
            n for name, n in zip(self.names, self.nodes, strict=True) if name not in self.removed
        ]
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            futures = [pool.submit(node.start, timeout_s) for node in members]
        errors = [f.exception() for f in futures if f.exception() is not None]
        if errors:
            self.kill()
            raise ClusterError(f"a node did not start: {errors[0]}")
        deadline = time.monotonic() + timeout_s
        while not self.credentials_file.exists():
            if time.monotonic() > deadline:
                self.kill()
                raise ClusterError("node1 did not bootstrap the account")
            time.sleep(0.05)
        self.save()

    def stop(self, timeout_s: float = 15.0) -> dict[str, int | None]:
        """SIGTERM to every node, then waits; their exit statuses (None: not our child)."""
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            exits = list(pool.map(lambda n: self.stop_node(n, timeout_s), self.names))
        self.save()
        return dict(zip(self.names, exits, strict=True))

    def kill(self) -> None:
        for name in self.names:
            self.kill_node(name)

    # --- one node ------------------------------------------------------------------------

    def start_node(self, name: str, timeout_s: float = 30.0) -> str:
        """Starts a stopped node again on its address; returns once it listens."""
        name = self.canonical_name(name)
        if self.is_running(name):
            raise ClusterError(f"`{name}` is already running (pid {self.pid(name)})")
        if name in self.removed:
            raise ClusterError(
                f"`{name}` was removed from the cluster: its peers would refuse it "
                "(give it an empty data folder to add a new member)"
            )
        self.prepare()
        try:
            address = self.node(name).start(timeout_s)
        except NodeProcessError as err:
            raise ClusterError(f"`{name}` did not start: {err}") from None
        self.save()
        return address

    def stop_node(self, name: str, timeout_s: float = 15.0) -> int | None:
        """SIGTERM and wait for the exit; the exit status when the node is our child."""
        name = self.canonical_name(name)
        node = self.node(name)
        if node.pid is not None:
            try:
                return node.stop(timeout_s)
            except NodeProcessError as err:
                raise ClusterError(f"`{name}`: {err}") from None
        pid = self._pids[name]
        if pid is None or not self.is_running(name):
            return None
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while self.is_running(name):
            if time.monotonic() > deadline:
                self.kill_node(name)
                raise ClusterError(f"`{name}` did not stop within {timeout_s} s; killed it")
            time.sleep(0.05)
        self._pids[name] = None
        return None

    def rotate_keys(self, timeout_s: float = 30.0) -> list[str]:
        """Replaces the cluster key and the session-token key on every member (not on removed
        nodes: that is the point), restarting the running members so they load them; returns
        their names. Session tokens issued before are refused from then on.

        The running members stop together and start again together: members holding
        different cluster keys cannot talk, so a rolling change would only stretch that out.
        """
        running = [n for n in self.names if n not in self.removed and self.is_running(n)]
        for name in running:
            self.stop_node(name, timeout_s)
        members = [n for name, n in zip(self.names, self.nodes, strict=True)
                   if name not in self.removed]  # fmt: skip
        # The old cluster key stays beside the new one as `cluster.key.previous`: it admits
        # nothing, but members can tell a removed node (which has only it) that it was removed.
        previous = (self.root / CLUSTER_KEY).read_bytes()
        for node in members:
            _write_secret(node.data_dir / PREVIOUS_CLUSTER_KEY, previous)
        for file in ROTATED_KEYS:
            data = os.urandom(32)
            _write_secret(self.root / file, data)
            for node in members:
                _write_secret(node.data_dir / file, data)
        for name in running:
            self.start_node(name, timeout_s)
        self.save()
        return running

    def kill_node(self, name: str) -> None:
        """SIGKILL: the node gets no chance to flush or say goodbye."""
        name = self.canonical_name(name)
        node = self.node(name)
        if node.pid is not None:
            node.kill()
            return
        pid = self._pids[name]
        if pid is not None and self.is_running(name):
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 5.0
            while self.is_running(name) and time.monotonic() < deadline:
                time.sleep(0.02)
        self._pids[name] = None

    # --- observing -----------------------------------------------------------------------

    def observe(self, timeout_s: float = 2.0) -> ClusterView:
        """Asks every node for its Status (as the management root)."""
        credentials = resolve_credentials(credentials_file=str(self.credentials_file))

        def one(name: str, node: NodeProcess) -> NodeObservation:
            pid = self.pid(name)
            running = self.is_running(name)
            if not running:
                return NodeObservation(name, node.listen, None, NodeState.DOWN, None)
            try:
                with Client(
                    node.listen, credentials=credentials, timeout=timeout_s, tls_ca=self.ca_file
                ) as client:
                    status = client.status()
            except IamError as err:
                return NodeObservation(
                    name, node.listen, pid, NodeState.UNRESPONSIVE, None, str(err)
                )
            return NodeObservation(name, node.listen, pid, NodeState.UP, status)

        with ThreadPoolExecutor(len(self.nodes)) as pool:
            observed = list(pool.map(one, self.names, self.nodes))
        self.node_ids.update((n.name, n.status.node_id) for n in observed if n.status)
        removed_ids, removed = self._removed_members(n.status for n in observed)
        return ClusterView(
            tuple(
                dataclasses.replace(n, state=NodeState.REMOVED) if n.name in removed else n
                for n in observed
            ),
            removed_ids,
        )

    def _removed_members(
        self, statuses: Iterable[StatusResponse | None]
    ) -> tuple[frozenset[str], set[str]]:
        """The removed node ids the nodes list, and the names of every removed node: those
        `remove` recorded and those any node lists (by node id, or by peer address)."""
        by_id = self.origin_names()
        by_address = self.address_names()
        ids: set[str] = set()
        names = set(self.removed)
        for status in statuses:
            for member in () if status is None else status.removed_members:
                if member.node_id:
                    ids.add(member.node_id)
                name = by_id.get(member.node_id) or by_address.get(member.address)
                if name is not None:
                    names.add(name)
        ids.update(self.node_ids[n] for n in names if n in self.node_ids)
        return frozenset(ids), names

    def wait_converged(self, timeout_s: float = 30.0) -> ClusterView:
        """Polls every node's Status until all agree (same version vector and digest)."""
        deadline = time.monotonic() + timeout_s
        while True:
            view = self.observe()
            if view.converged:
                return view
            if time.monotonic() > deadline:
                behind = [n.name for n in view.nodes if n.state is not NodeState.UP]
                detail = f" ({', '.join(behind)} not up)" if behind else ""
                raise ClusterError(f"the cluster did not converge within {timeout_s} s{detail}")
            time.sleep(0.05)

    def remove_files(self) -> None:
        """Deletes what the cluster wrote under its folder (nodes' data, keys, state file)."""
        for node in self.nodes:
            shutil.rmtree(node.data_dir, ignore_errors=True)
        for name in (CLUSTER_KEY, SECRETS_KEY, SESSION_KEY, STATE_FILE, CA_CERT, CA_KEY):
            (self.root / name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.root.rmdir()  # only when nothing else is left in it

    def __enter__(self) -> LocalCluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.stop()
        finally:
            self.kill()

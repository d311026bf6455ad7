"""A local cluster: N node processes on one machine, sharing one cluster key and secrets key."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from types import TracebackType

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cluster.process import NodeProcess

CLUSTER_KEY = "cluster.key"
SECRETS_KEY = "secrets.key"


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


class LocalCluster:
    """Nodes `node1`…`nodeN` under `root`, listening on base_port+1…base_port+N.

    node1 bootstraps the management account (its `root-credentials` file is the cluster's);
    the others start empty and receive everything by replication.
    """

    def __init__(self, root: Path, nodes: int, base_port: int) -> None:
        self.root = root
        self.nodes = [
            NodeProcess(root / f"node{i}", listen=f"127.0.0.1:{base_port + i}")
            for i in range(1, nodes + 1)
        ]
        addresses = [n.listen for n in self.nodes]
        for index, node in enumerate(self.nodes):
            peers = ",".join(a for a in addresses if a != node.listen)
            bootstrap = "--bootstrap" if index == 0 else "--no-bootstrap"
            node.extra_args = ("--peers", peers, bootstrap)

    @property
    def credentials_file(self) -> Path:
        return self.nodes[0].credentials_file

    @property
    def addresses(self) -> list[str]:
        return [n.listen for n in self.nodes]

    def prepare(self) -> None:
        """Creates the shared keys once, and gives every node its copy."""
        self.root.mkdir(parents=True, exist_ok=True)
        keys = {CLUSTER_KEY: os.urandom(32), SECRETS_KEY: AESGCM.generate_key(bit_length=256)}
        for name, data in keys.items():
            if not (self.root / name).exists():
                _write_secret(self.root / name, data)
        for node in self.nodes:
            node.data_dir.mkdir(parents=True, exist_ok=True)
            for name in keys:
                if not (node.data_dir / name).exists():
                    shutil.copy2(self.root / name, node.data_dir / name)

    def start(self, timeout_s: float = 30.0) -> None:
        self.prepare()
        for node in self.nodes:
            node.start(timeout_s)
        deadline = time.monotonic() + timeout_s
        while not self.credentials_file.exists():
            if time.monotonic() > deadline:
                raise TimeoutError("node1 did not bootstrap the account")
            time.sleep(0.05)

    def stop(self) -> None:
        for node in self.nodes:
            try:
                node.stop()
            finally:
                node.kill()

    def __enter__(self) -> LocalCluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

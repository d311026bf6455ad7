"""What the peer and removal attacks share: a node serving the Peer service in this process,
a real TLS cluster of node processes, and the `iamstore` command line."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from iamstore.cluster.local import LocalCluster
from iamstore.node.config import NodeConfig
from iamstore.node.replication.gossip import GossipConfig
from iamstore.node.server import Node

CONVERGE_S = 60.0  # a bound on what a healthy cluster needs, not a timing claim


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@asynccontextmanager
async def plaintext_peer_node(data_dir: Path) -> AsyncIterator[Node]:
    """A bootstrapped node whose Peer service is reached without TLS (cluster-key MACs only),
    so a test can speak to it as a member or as an attacker on the path."""
    config = NodeConfig(
        data_dir=data_dir,
        listen="127.0.0.1:0",
        bootstrap=True,
        gossip=GossipConfig(interval_s=0.05),
        synchronous="NORMAL",
        insecure_peer_plaintext=True,
    )
    running = Node(config)
    task = asyncio.create_task(running.serve())
    try:
        async with asyncio.timeout(30):
            await running.ready.wait()
        yield running
    finally:
        running.stop()
        await task


def iamstore(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-P", "-c", "from iamstore.client.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@contextmanager
def tls_cluster(root: Path, nodes: int) -> Iterator[LocalCluster]:
    """A mutual-TLS cluster of node processes, converged; stopped and killed however it ends."""
    local = LocalCluster(root, nodes=nodes, base_port=0, tls=True)
    try:
        local.start(timeout_s=30)
        local.wait_converged(CONVERGE_S)
        yield local
    finally:
        try:
            LocalCluster.load(local.root).stop()
        finally:
            local.kill()
            LocalCluster.load(local.root).kill()

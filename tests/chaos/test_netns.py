"""Faults between network namespaces, for real: a partition holds a write back until healed, a
loss rule drops its share of packets, a short chaos run stays clean, and nothing is left over.

Skipped, with the reason, where namespaces cannot be made (not root, no `ip`, no packet filter).
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from iamstore.client import AsyncClient, IamError, NoSuchEntityError
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.chaos.faults import NETWORK_FAULTS, ChaosCluster
from iamstore.cluster.chaos.netns import (
    NetnsLab,
    NetnsUnavailable,
    Topology,
    list_namespaces,
    probe,
)
from iamstore.cluster.chaos.netrules import Backend
from iamstore.cluster.chaos.network import NamespaceNetwork
from iamstore.cluster.chaos.proxy import HEALTHY, FaultTable, LinkFault, LinkMode
from iamstore.cluster.chaos.run import ChaosConfig, clean, run_chaos

pytestmark = pytest.mark.slow

BOUND_S = 30.0  # how long a healed link may take to deliver what it held back
DATAGRAMS = 2000
RECEIVER = """
import socket, sys
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
sock.bind((sys.argv[1], 9000))
print("ready", flush=True)
sock.settimeout(10.0)
count = 0
try:
    sock.recv(64)  # the first datagram; then stop after one quiet second
    count = 1
    sock.settimeout(1.0)
    while True:
        sock.recv(64)
        count += 1
except TimeoutError:
    pass
print(count, flush=True)
"""
SENDER = """
import socket, sys, time
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    sock.sendto(b"x", (sys.argv[1], 9000))
    if i % 50 == 49:
        time.sleep(0.005)  # paced, so only the rule drops datagrams, not a full buffer
"""


@pytest.fixture(scope="module")
def backend() -> Backend:
    try:
        return probe()
    except NetnsUnavailable as err:
        pytest.skip(str(err))


@pytest.fixture
def root() -> Iterator[Path]:
    # A short folder: each node's Unix socket path must fit in 107 bytes.
    with tempfile.TemporaryDirectory(prefix="iamstore-netns-") as folder:
        yield Path(folder)


def _ours() -> list[str]:
    """The namespaces this process made that still exist."""
    return [n for n in list_namespaces() if n.startswith(f"iamstore-{os.getpid()}-")]


def _received(lab: NetnsLab, count: int) -> int:
    """Datagrams node2 receives of `count` that node1 sends it."""
    receiver = subprocess.Popen(
        [*lab.wrapper("node2"), sys.executable, "-c", RECEIVER, lab.topology.address("node2")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert receiver.stdout is not None
        assert receiver.stdout.readline().strip() == "ready"
        subprocess.run(
            [*lab.wrapper("node1"), sys.executable, "-c", SENDER,
             lab.topology.address("node2"), str(count)],
            check=True, timeout=60,
        )  # fmt: skip
        out, _ = receiver.communicate(timeout=30)
        return int(out.strip())
    finally:
        receiver.kill()
        receiver.wait()


@pytest.mark.timeout(180)
@pytest.mark.parametrize("kind", list(Backend))
def test_a_loss_rule_drops_its_share_of_packets(backend: Backend, kind: Backend) -> None:
    del backend  # probed: namespaces can be made here
    lab = NetnsLab(Topology.create(["node1", "node2"]), kind)
    try:
        lab.create()
        try:
            lab.apply(FaultTable())
        except Exception as err:  # this filter is not installed or not usable here
            pytest.skip(f"{kind.value} does not work in a namespace here: {err}")
        healthy = _received(lab, DATAGRAMS)
        table = FaultTable()
        table.set("node1", "node2", LinkFault(loss=0.3))
        lab.apply(table)
        lossy = _received(lab, DATAGRAMS)
    finally:
        lab.destroy()
    assert healthy >= 0.99 * DATAGRAMS  # the path itself loses (almost) nothing
    # 30% of 2000: a standard deviation is about 20 datagrams, so these bounds never flake.
    assert 0.2 * DATAGRAMS < DATAGRAMS - lossy < 0.4 * DATAGRAMS, lossy
    assert lab.leftovers() == []


async def _visible(client: AsyncClient, token: str, bound_s: float) -> bool:
    """Whether the node has applied the write behind `token` within `bound_s`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bound_s
    while loop.time() < deadline:
        try:
            await client.status(at_least=token)
            return True
        except IamError:
            await asyncio.sleep(0.1)
    return False


async def _partition_then_heal(root: Path) -> None:
    cluster = ChaosCluster(root, 3, random.Random(1), network="netns")
    assert isinstance(cluster.network, NamespaceNetwork)
    namespaces = cluster.network.topology.namespaces
    clients: dict[str, AsyncClient] = {}
    try:
        await cluster.start()
        credentials = resolve_credentials(credentials_file=str(cluster.local.credentials_file))
        clients.update(
            (name, AsyncClient(address, credentials=credentials, timeout=10.0))
            for name, address in cluster.addresses.items()
        )
        assert set(namespaces) <= set(list_namespaces())
        node1, node2, node3 = (clients[n] for n in cluster.names)
        await node1.create_user(user_name="before")
        token = node1.consistency_token or ""
        assert await _visible(node3, token, BOUND_S)  # healthy: it replicates everywhere

        cut = LinkFault(LinkMode.BLACKHOLE)
        await cluster.set_links(["node3"], ["node1", "node2"], cut)
        await cluster.set_links(["node1", "node2"], ["node3"], cut)
        await node1.create_user(user_name="during")
        token = node1.consistency_token or ""
        assert await _visible(node2, token, BOUND_S)  # the majority still replicates
        # node3 is reachable (its socket answers) but its peers are not: the write stays out.
        for _ in range(10):
            with pytest.raises(NoSuchEntityError):
                await node3.get_user(user_name="during")
            await asyncio.sleep(0.3)

        await cluster.set_links(list(cluster.names), list(cluster.names), HEALTHY)
        assert await _visible(node3, token, BOUND_S)
        assert (await node3.get_user(user_name="during")).user.user_name == "during"
    finally:
        for client in clients.values():
            await client.close()
        await cluster.shutdown()
    assert not set(namespaces) & set(list_namespaces())


@pytest.mark.timeout(180)
def test_a_partitioned_node_misses_a_write_until_healed(backend: Backend, root: Path) -> None:
    del backend  # probed: namespaces can be made here
    asyncio.run(asyncio.wait_for(_partition_then_heal(root), timeout=150))
    assert _ours() == []


@pytest.mark.timeout(240)
def test_a_short_netns_chaos_run_is_clean_and_leaves_nothing(root: Path, backend: Backend) -> None:
    del backend  # probed: namespaces can be made here
    faults = NETWORK_FAULTS["netns"]
    config = ChaosConfig(
        nodes=3, duration_s=30.0, faults=faults, seed=7, root=root, network="netns"
    )
    result = asyncio.run(asyncio.wait_for(run_chaos(config), timeout=200))
    assert _ours() == []
    assert result["network"] == "netns"
    assert [f["kind"] for f in result["faults"]] == list(faults)
    assert result["acked_writes"] > 100
    assert clean(result), result

"""Prometheus metrics: each node serves its own registry over HTTP, and a scrape reads it."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from prometheus_client.parser import text_string_to_metric_families

from iamstore.node.config import NodeConfig
from iamstore.node.replication.gossip import GossipConfig
from iamstore.node.replication.transport import MemoryNetwork
from iamstore.node.server import Node


@pytest.fixture
async def nodes(tmp_path: Path) -> AsyncIterator[list[Node]]:
    network = MemoryNetwork()
    keys = {"secrets.key": AESGCM.generate_key(bit_length=256), "cluster.key": os.urandom(32)}
    names = ["m-0", "m-1"]
    started: list[Node] = []
    tasks: list[asyncio.Task[None]] = []
    for index, name in enumerate(names):
        (tmp_path / name).mkdir()
        for file, data in keys.items():
            (tmp_path / name / file).write_bytes(data)
        config = NodeConfig(
            data_dir=tmp_path / name,
            listen="127.0.0.1:0",
            peers=tuple(n for n in names if n != name),
            advertise=name,
            bootstrap=index == 0,
            gossip=GossipConfig(interval_s=0.05),
            synchronous="NORMAL",
            metrics_port=0,
        )
        node = Node(config, transport=network.transport(name))
        tasks.append(asyncio.create_task(node.serve()))
        await node.ready.wait()
        assert node.replicator is not None
        network.handlers[name] = node.replicator
        started.append(node)
    try:
        yield started
    finally:
        for node in started:
            node.stop()
        await asyncio.gather(*tasks)


async def _get(address: str, path: str) -> tuple[str, str]:
    host, _, port = address.rpartition(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {address}\r\n\r\n".encode())
    await writer.drain()
    response = (await reader.read()).decode()
    writer.close()
    await writer.wait_closed()
    head, _, body = response.partition("\r\n\r\n")
    return head.splitlines()[0], body


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_each_node_serves_its_own_replication_metrics(nodes: list[Node]) -> None:
    first, second = nodes
    assert first.components is not None
    assert second.components is not None
    origin = first.components.node_id
    assert await second.components.state.wait_until_covers(
        first.components.state.version_vector(), timeout_s=10
    )
    assert first.metrics_address is not None
    assert second.metrics_address is not None
    assert first.metrics_address != second.metrics_address

    status, body = await _get(second.metrics_address, "/metrics")
    assert status == "HTTP/1.1 200 OK"
    samples = _samples(body)
    applied = first.components.state.version_vector()[origin]
    assert samples[("iamstore_commits_applied_from_peers_total", ())] >= applied
    assert samples[("iamstore_commits_received_total", ())] >= applied
    assert samples[("iamstore_applied_sequence", (("origin", origin),))] == applied
    assert ("iamstore_replication_lag_seconds", (("origin", origin),)) in samples
    assert samples[("iamstore_peers", (("state", "alive"),))] == 1
    assert samples[("iamstore_peers", (("state", "dead"),))] == 0
    assert samples[("iamstore_digest_mismatches_total", ())] == 0
    assert samples[("iamstore_gossip_bytes_total", (("direction", "received"),))] > 0
    # Defined before any question is asked (the root's own calls ask none).
    assert samples[("iamstore_authorization_seconds_count", ())] == 0

    _, first_body = await _get(first.metrics_address, "/metrics")
    assert ("iamstore_commits_applied_from_peers_total", ()) in _samples(first_body)
    # The second node wrote only its own key's introduction (its first commit).
    second_commits = second.components.state.applied.get(second.components.node_id, 0)
    assert second_commits == 1
    assert _samples(first_body)[("iamstore_commits_applied_from_peers_total", ())] <= 1


async def test_an_observed_authorization_shows_in_the_next_scrape(nodes: list[Node]) -> None:
    node = nodes[0]
    assert node.metrics is not None
    assert node.metrics_address is not None
    node.metrics.authorization_seconds.observe(0.0003)
    node.metrics.authorization_decisions.labels(decision="allow").inc()
    _, body = await _get(node.metrics_address, "/metrics")
    samples = _samples(body)
    assert samples[("iamstore_authorization_seconds_count", ())] == 1
    assert samples[("iamstore_authorization_seconds_bucket", (("le", "0.0005"),))] == 1
    assert samples[("iamstore_authorization_seconds_bucket", (("le", "0.00025"),))] == 0
    assert samples[("iamstore_authorization_decisions_total", (("decision", "allow"),))] == 1


async def test_other_paths_are_not_found(nodes: list[Node]) -> None:
    assert nodes[0].metrics_address is not None
    status, _ = await _get(nodes[0].metrics_address, "/secrets")
    assert status == "HTTP/1.1 404 Not Found"

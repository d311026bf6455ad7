"""The chaos suite's token-dependency probes and stored-replica checks, on an in-process
cluster of real nodes: each finds what it looks for, and says so when it is missing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from iamstore.client import AsyncClient
from iamstore.cluster.chaos import dependencies
from iamstore.cluster.chaos.dependencies import SCENARIOS, DependencyProbes
from iamstore.cluster.chaos.history import History
from iamstore.cluster.chaos.replicas import replica_violations
from iamstore.cluster.chaos.workload import policy_document
from iamstore.cluster.testing.memory import MemoryCluster
from iamstore.node.commits.clock import HybridClock
from iamstore.node.domain.entities import Change, PolicyVersion
from iamstore.node.state import State, Writer
from iamstore.node.storage.database import Database


def _probes(cluster: MemoryCluster, history: History) -> DependencyProbes:
    names = {cluster.peer_name(i): i for i in range(3)}

    def make(node: str) -> AsyncClient:
        return cluster.client(names[node], timeout=10.0)

    return DependencyProbes(sorted(names), make, history, random.Random(1), lambda: 0.0)


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_each_probe_finds_the_dependency_on_a_third_node(
    cluster: MemoryCluster, scenario: str
) -> None:
    probes = _probes(cluster, History())
    probes.count = SCENARIOS.index(scenario) + 10
    missing = await probes.probe(scenario, "mem-0", "mem-1", "mem-2")
    assert missing == ""


async def test_a_reader_without_the_group_is_reported_as_lacking_it(
    cluster: MemoryCluster,
) -> None:
    async with cluster.client(1) as reader:
        missing = await dependencies._missing_group(reader, "never-made", None)
    assert missing == "group `never-made` (the membership's group)"


async def test_stored_replicas_are_checked_against_the_invariants(
    cluster: MemoryCluster, tmp_path: Path
) -> None:
    async with cluster.client(0) as client:
        document = policy_document("b", "Allow")
        await client.create_policy(policy_name="p", policy_document=document)
    assert await cluster.converged()
    await cluster.stop()
    data_dirs = {cluster.peer_name(i): tmp_path / cluster.peer_name(i) for i in range(3)}
    assert await replica_violations(data_dirs) == []
    # A version row that disagrees with the default pointer's copy breaks an invariant.
    db = await Database.open(tmp_path / "mem-2" / "iamstore.db")
    try:
        state = await State.load(db)
        (policy_id,) = state.view.defaults
        other = PolicyVersion(policy_id, "v1", '{"Statement": []}', 1)
        writer = Writer(state, "corrupter", HybridClock(lambda: 2_000_000_000_000))
        await writer.write("test", "corrupt", lambda view: ([Change.put(other)], None))
    finally:
        await db.close()
    found = await replica_violations(data_dirs)
    assert len(found) == 1
    assert found[0].startswith("mem-2: `arn:aws:iam::")
    assert "default `v1` is not one of its versions" in found[0]
    missing = await replica_violations({"gone": tmp_path / "nowhere"})
    assert missing == [f"gone: no database at {tmp_path / 'nowhere' / 'iamstore.db'}"]

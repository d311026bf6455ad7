"""A chaos run of about two minutes on 3 real nodes: every fault kind, one seed, clean checks."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from iamstore.cluster.chaos.faults import FAULT_KINDS
from iamstore.cluster.chaos.run import ChaosConfig, clean, run_chaos

pytestmark = pytest.mark.slow

REPORT_KEYS = {
    "seed", "nodes", "network", "duration_s", "faults", "acked_writes", "lost_writes",
    "resurrections", "prefix_violations", "decision_disagreements", "stale_token_reads",
    "token_dependency_reads", "token_dependency_misses", "replica_invariants",
    "converged", "convergence_s", "lag_ms", "lag_samples",
}  # fmt: skip
GOLDEN_SEED = 7  # the seed of the first full run; keep it replayable


def _node_processes(root: Path) -> list[int]:
    """Pids of live processes whose command line names a folder under `root`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(root).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.timeout(360)
def test_every_fault_kind_leaves_every_invariant_clean(tmp_path: Path) -> None:
    root = tmp_path / "chaos"
    config = ChaosConfig(nodes=3, duration_s=90.0, faults=FAULT_KINDS, seed=GOLDEN_SEED, root=root)
    try:
        result = asyncio.run(asyncio.wait_for(run_chaos(config), timeout=300))
    finally:
        for pid in _node_processes(root):  # nothing may outlive the run
            os.kill(pid, 9)
    # The keys plus the raw lag samples the plot draws; "violations" only on failure.
    assert set(result) == REPORT_KEYS, result.get("violations")
    assert result["network"] == "proxy"
    assert all(len(sample) == 3 for sample in result["lag_samples"])
    assert [f["kind"] for f in result["faults"]] == list(FAULT_KINDS)
    assert all(f["end"] is not None and f["end"] >= f["start"] for f in result["faults"])
    assert result["acked_writes"] > 100
    # The token-dependency probes answered (a check that never ran could not have failed);
    # clean() then also needs none of them to have missed, and every stored replica to keep
    # the invariants.
    assert result["token_dependency_reads"] > 10
    assert clean(result), result
    assert result["convergence_s"] is not None
    assert result["convergence_s"] <= 30
    assert result["lag_ms"]["healthy"]["p50"] is not None
    # Lag under each fault kind: every window saw at least one probe.
    assert set(result["lag_ms"]["by_fault"]) == set(FAULT_KINDS)
    assert _node_processes(root) == []

"""The chaos plot: a PNG of lag over time with the fault windows shaded."""

from __future__ import annotations

from pathlib import Path

from iamstore.cluster.chaos.plot import plot_lag


def test_plot_writes_a_png_with_every_fault_window(tmp_path: Path) -> None:
    result = {
        "seed": 3, "nodes": 2, "duration_s": 4.0, "acked_writes": 10,
        "faults": [{"kind": "partition", "start": 1.0, "end": 2.0},
                   {"kind": "kill", "start": 2.5, "end": None}],
        "lag_samples": [[0.5, 12.0, "node1"], [1.5, 900.0, "node2"], [3.0, 0.0, "node1"]],
    }  # fmt: skip
    path = tmp_path / "lag.png"
    plot_lag(result, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 5_000

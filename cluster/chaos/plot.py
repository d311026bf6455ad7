"""The chaos run's picture: write-to-visible lag over time, fault windows shaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot_lag(result: dict[str, Any], path: Path) -> None:
    """Writes a PNG of every lag sample, log scale, with each fault's window shaded."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:  # matplotlib comes with the dev extra only
        raise SystemExit("--plot needs matplotlib: pip install -e '.[dev]'") from None
    figure, axes = pyplot.subplots(figsize=(11, 4.5))
    colours = pyplot.get_cmap("tab10")
    for index, fault in enumerate(result["faults"]):
        end = fault["end"] if fault["end"] is not None else result["duration_s"]
        axes.axvspan(fault["start"], end, color=colours(index % 10), alpha=0.15)
        axes.text(fault["start"], 1.0, f" {fault['kind']}", transform=axes.get_xaxis_transform(),
                  va="top", fontsize=8, rotation=90)  # fmt: skip
    nodes = sorted({node for _, _, node in result["lag_samples"]})
    for index, node in enumerate(nodes):
        samples = [(t, lag) for t, lag, n in result["lag_samples"] if n == node]
        axes.scatter([t for t, _ in samples], [max(lag, 0.1) for _, lag in samples],
                     s=6, color=colours(index % 10), label=node)  # fmt: skip
    axes.set_yscale("log")
    axes.set_xlabel("seconds since start")
    axes.set_ylabel("write-to-visible lag (ms)")
    axes.set_title(
        f"iamstore chaos: {result['nodes']} nodes, seed {result['seed']}, "
        f"{result['acked_writes']} acknowledged writes"
    )
    axes.legend(loc="upper left", markerscale=2, fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    pyplot.close(figure)

"""Runs one benchmark by name: `python -m iamstore.cluster.bench rpc [options]`."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("rpc", "replication", "policy", "http", "tokens", "validation", "lastaccessed")


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHMARKS:
        print(f"usage: scripts/bench {{{','.join(BENCHMARKS)}}} [options]", file=sys.stderr)
        raise SystemExit(2)
    module = importlib.import_module(f"iamstore.cluster.bench.{sys.argv[1]}")
    module.main(sys.argv[2:])


if __name__ == "__main__":
    main()

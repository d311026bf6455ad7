"""Runs one benchmark by name: `python -m iamstore.cluster.bench rpc [options]`."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = (
    "rpc",
    "replication",
    "policy",
    "http",
    "tokens",
    "validation",
    "lastaccessed",
    "import",
    "importloop",
)
# A benchmark whose name is not a module name (`import` is a keyword).
MODULES = {"import": "account_import", "importloop": "import_loop"}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHMARKS:
        print(f"usage: scripts/bench {{{','.join(BENCHMARKS)}}} [options]", file=sys.stderr)
        raise SystemExit(2)
    name = MODULES.get(sys.argv[1], sys.argv[1])
    module = importlib.import_module(f"iamstore.cluster.bench.{name}")
    module.main(sys.argv[2:])


if __name__ == "__main__":
    main()

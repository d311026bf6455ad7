"""`scripts/gencoverage [--check]`: writes the coverage table into docs/api.md, or with
--check fails when the committed table differs from what the model and the protos give now."""

from __future__ import annotations

import sys

from iamcoverage import DOC, updated


def main() -> int:
    current = DOC.read_text()
    wanted = updated(current)
    if "--check" in sys.argv[1:]:
        if wanted != current:
            print("gencoverage: docs/api.md's coverage table is stale; run scripts/gencoverage",
                  file=sys.stderr)  # fmt: skip
            return 1
        return 0
    DOC.write_text(wanted)
    print(f"gencoverage: wrote the coverage table in {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

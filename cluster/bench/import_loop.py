"""`scripts/bench importloop`: how long an account import's last part keeps a node's event loop
from other callers, and why. The last part of a full account (AWS's default quotas) is planned
and written through the node's own path (Writer.write_split with the evaluation worker, the
policy index compiling as commits land) while a probe task on the same loop wakes every
millisecond; the longest gaps between its wake-ups are printed with the interpreter's garbage
collections that ran meanwhile, for several bounds on the rows of one commit.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import tempfile
import time
from pathlib import Path

from iamstore.client import _operations as operations
from iamstore.client._convert import build_request
from iamstore.client.account_file import read_documents
from iamstore.cluster.bench.account_gen import Sizes, generate
from iamstore.node.api.account_import import COMMIT_BOUNDS, StagedCounts, check_part, merge
from iamstore.node.api.import_staging import StagedPart
from iamstore.node.api.offload import EvaluationWorker
from iamstore.node.auth.index import PolicyIndex
from iamstore.node.commits.clock import HybridClock
from iamstore.node.domain.account_import import plan_entities
from iamstore.node.domain.entities import Account, Change
from iamstore.node.domain.rules import Quotas
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.state import State, Writer
from iamstore.node.state.writer import CommitBounds
from iamstore.node.storage.database import Database
from iamstore.v1 import transfer_pb2

ACCOUNT = "123456789012"
NOW_MS = 1_700_000_000_000
PROBE_S = 0.001


class _Collections:
    """The garbage collections that run while it is installed, with how long each took."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []  # (generation, seconds)
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((info["generation"], time.perf_counter() - self._started))


async def _one_run(scale: float, max_rows: int) -> str:
    with tempfile.TemporaryDirectory(prefix="iamstore-bench-") as tmp:
        db = await Database.open(Path(tmp) / "db.sqlite")
        try:
            state = await State.load(db)
            index = PolicyIndex(state.view)
            state.on_change(index.on_commits)
            writer = Writer(state, "n1", HybridClock(lambda: NOW_MS))
            account = Account(ACCOUNT, "imported", 0, False)
            await writer.write("root", "CreateAccount", lambda view: ([Change.put(account)], None))
            text = json.dumps(generate(ACCOUNT, Sizes().scaled(scale)))
            ctx = WriteContext(ACCOUNT, NOW_MS, Quotas(), lambda prefix: prefix, "n1")
            parts: list[StagedPart] = []
            for lists, _ in read_documents([("account.json", text)]).parts(1_500_000):
                request = build_request(
                    operations.IMPORT_ACCOUNT, {"import_id": "i", "account_id": ACCOUNT, **lists}
                )
                assert isinstance(request, transfer_pb2.ImportAccountRequest)
                parts.append(check_part(request, ctx, StagedCounts.of(parts)))
            gaps: list[float] = []
            done = asyncio.Event()

            async def probe() -> None:
                last = time.perf_counter()
                while not done.is_set():
                    await asyncio.sleep(PROBE_S)
                    now = time.perf_counter()
                    gaps.append(now - last - PROBE_S)
                    last = now

            collections = _Collections()
            gc.callbacks.append(collections)
            prober = asyncio.create_task(probe())
            started = time.perf_counter()
            try:
                _, _, commits = await writer.write_split(
                    "root",
                    "ImportAccount",
                    lambda view: plan_entities(view, ctx, merge(parts, ctx), False),
                    CommitBounds(COMMIT_BOUNDS.max_bytes, max_rows, COMMIT_BOUNDS.per_transaction),
                    EvaluationWorker().run,
                )
            finally:
                elapsed = time.perf_counter() - started
                done.set()
                await prober
                gc.callbacks.remove(collections)
        finally:
            await db.close()
    longest = sorted(gaps, reverse=True)[:5]
    full = sorted((s for g, s in collections.pauses if g == 2), reverse=True)
    return (
        f"{max_rows:>8} {commits:>8} {elapsed:>8.1f} "
        f"{', '.join(f'{g * 1000:,.0f}' for g in longest):>28}   "
        f"{len(full)}: {', '.join(f'{s * 1000:,.0f}' for s in full[:4])}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench importloop", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full account")
    parser.add_argument(
        "--rows", type=int, nargs="*", default=[COMMIT_BOUNDS.max_rows, 128, 256, 100_000]
    )
    args = parser.parse_args(argv)
    print(
        "the last part of an account import, planned and written in-process; "
        f"a probe wakes every {PROBE_S * 1000:.0f} ms on the same event loop\n"
    )
    print(
        f"{'max rows':>8} {'commits':>8} {'seconds':>8} {'longest loop gaps, ms':>28}   "
        "full collections (gen 2): how many, longest ms"
    )
    for max_rows in args.rows:
        print(asyncio.run(_one_run(args.scale, max_rows)))

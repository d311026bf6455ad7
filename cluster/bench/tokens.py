"""Causal consistency tokens: their size on the wire and the cost of checking one.

A write's token is its node's whole version vector (node/state/writer.py): one `origin:seq`
entry per node that ever wrote. This prints, for 3, 7 and 25 origins, the token's bytes and
the time to parse it and check it against a replica's vector (what every call with
`at_least` pays), as ratios to a one-origin token (what a token naming only the write itself
cost) measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from dataclasses import dataclass

from iamstore.cluster.testing.inline_sqlite import open_memory_database
from iamstore.node.state import State
from iamstore.wire.consistency import format_token, parse_token

ORIGIN_COUNTS = (1, 3, 7, 25)


@dataclass(frozen=True, slots=True)
class TokenCost:
    origins: int
    token_bytes: int
    check_us: float  # parse + covers, per token, in microseconds


def _vector(origins: int, rng: random.Random) -> dict[str, int]:
    # Node ids as the server makes them (`n` + 12 hex digits), sequences of a busy cluster.
    return {f"n{rng.getrandbits(48):012x}": rng.randint(100_000, 9_999_999) for _ in range(origins)}


async def _measure(origins: int, rounds: int, rng: random.Random) -> TokenCost:
    db = await open_memory_database()
    try:
        state = await State.load(db)
        vector = _vector(origins, rng)
        state.applied = {origin: seq + 1 for origin, seq in vector.items()}
        token = format_token(vector)
        started = time.perf_counter()
        for _ in range(rounds):
            if not state.covers(parse_token(token)):
                raise AssertionError("the replica covers every token of this benchmark")
        elapsed = time.perf_counter() - started
        return TokenCost(origins, len(token.encode()), elapsed / rounds * 1e6)
    finally:
        await db.close()


def measure(rounds: int, seed: int = 0) -> list[TokenCost]:
    rng = random.Random(seed)
    return [asyncio.run(_measure(n, rounds, rng)) for n in ORIGIN_COUNTS]


def render(costs: list[TokenCost]) -> str:
    baseline = costs[0]
    header = f"{'origins':>8}{'token bytes':>13}{'check us':>10}{'bytes vs 1':>12}{'time vs 1':>11}"
    lines = [header, "-" * len(header)]
    for cost in costs:
        lines.append(
            f"{cost.origins:>8}{cost.token_bytes:>13}{cost.check_us:>10.2f}"
            f"{cost.token_bytes / baseline.token_bytes:>11.1f}x"
            f"{cost.check_us / baseline.check_us:>10.1f}x"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench tokens", description=__doc__)
    parser.add_argument("--rounds", type=int, default=50_000, help="checks per origin count")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    print(render(measure(args.rounds)))


if __name__ == "__main__":
    main()

"""The token benchmark measures what it says: one entry per origin, sizes that grow with them."""

from __future__ import annotations

from iamstore.cluster.bench.tokens import ORIGIN_COUNTS, measure, render


def test_token_sizes_grow_with_origins_and_stay_small() -> None:
    costs = measure(rounds=5)
    assert [c.origins for c in costs] == list(ORIGIN_COUNTS)
    sizes = [c.token_bytes for c in costs]
    assert sizes == sorted(sizes)
    assert sizes[-1] < 1024  # 25 origins: a few hundred bytes of gRPC metadata
    assert "25" in render(costs)

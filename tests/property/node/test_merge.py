"""Merge properties of `State.apply_batch`: any delivery order, duplication, or loss-then-retry
of commits from several origins gives the same replica (same digest, same visible names)."""

from __future__ import annotations

import asyncio
import random
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from iamstore.node.commits.codec import Commit
from iamstore.node.domain.entities import Change, EntityField, Group, Membership, User
from iamstore.node.state import State
from iamstore.node.storage.database import Database

ACCOUNT = "123456789012"
IDS = ["AIDA1", "AIDA2", "AIDA3"]
NAMES = ["alice", "Alice", "bob"]

changes = st.one_of(
    st.builds(
        lambda i, n, t: Change.put(User(IDS[i], ACCOUNT, NAMES[n], "/", t)),
        st.integers(0, 2),
        st.integers(0, 2),
        st.integers(0, 3),
    ),
    st.builds(lambda i: Change("user", IDS[i], None), st.integers(0, 2)),
    st.builds(lambda i: Change.put(Membership("AGPA1", IDS[i])), st.integers(0, 2)),
    st.builds(lambda i: Change("membership", f"AGPA1/{IDS[i]}", None), st.integers(0, 2)),
    st.just(Change.put(Group("AGPA1", ACCOUNT, "devs", "/", 0))),
    # field rows (UpdateUser's rename, TagUser's tags) laid over whichever user row is there
    st.builds(
        lambda i, n, t: Change.put(EntityField("user", IDS[i], "name", NAMES[n], t)),
        st.integers(0, 2),
        st.integers(0, 2),
        st.integers(0, 3),
    ),
    st.builds(
        lambda i, v, t: Change.put(EntityField("user", IDS[i], "tag:k", v, t)),
        st.integers(0, 2),
        st.sampled_from(["x", None]),
        st.integers(0, 3),
    ),
    st.builds(
        lambda i, t: Change("entity_field", f"user|{IDS[i]}|{t}|name", None),
        st.integers(0, 2),
        st.integers(0, 3),
    ),
)


@st.composite
def histories(draw: st.DrawFn) -> list[Commit]:
    """Commits of three origins; each origin's HLCs increase, and origins' clocks interleave."""
    commits: list[Commit] = []
    for origin in ("n1", "n2", "n3"):
        hlc = 0
        for seq in range(1, draw(st.integers(0, 5)) + 1):
            hlc += draw(st.integers(1, 3))
            batch = tuple(draw(st.lists(changes, min_size=1, max_size=3)))
            commits.append(Commit(origin, seq, hlc, "actor", "Op", batch))
    return commits


async def _replay(deliveries: list[list[Commit]]) -> tuple[str, dict[str, str | None]]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "db.sqlite", synchronous="OFF")
        try:
            state = await State.load(db)
            for batch in deliveries:
                await state.apply_batch(batch)
            # The composed users (row plus field rows) each name shows, tags included.
            names = {
                name: (None if (u := state.view.users.named(ACCOUNT, name)) is None else repr(u))
                for name in NAMES
            }
            return state.digest(), names
        finally:
            await db.close()


def _deliver_until_complete(commits: list[Commit], rng: random.Random) -> list[list[Commit]]:
    """Shuffled, duplicated, partial batches, retried until every commit got through in
    per-origin order (as anti-entropy would resend what a gap made the receiver skip)."""
    deliveries: list[list[Commit]] = []
    for _ in range(4):
        pool = commits + rng.sample(commits, k=len(commits) // 2)
        rng.shuffle(pool)
        deliveries.extend(pool[i : i + 3] for i in range(0, len(pool), 3))
    deliveries.append(sorted(commits, key=lambda c: (c.origin, c.seq)))
    return deliveries


@settings(max_examples=40, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_any_delivery_order_converges(commits: list[Commit], rng: random.Random) -> None:
    in_order = [sorted(commits, key=lambda c: (c.origin, c.seq))]
    reference = asyncio.run(_replay(in_order))
    shuffled = asyncio.run(_replay(_deliver_until_complete(commits, rng)))
    assert shuffled == reference


@settings(max_examples=20, deadline=None)
@given(histories())
def test_applying_everything_twice_changes_nothing(commits: list[Commit]) -> None:
    once = [sorted(commits, key=lambda c: (c.origin, c.seq))]
    assert asyncio.run(_replay(once + once)) == asyncio.run(_replay(once))


def test_same_name_created_on_two_nodes_resolves_to_the_earliest_creation() -> None:
    """README conflict table: the earlier (create time, id) keeps the name on every replica."""
    first = Commit(
        "n1", 1, 10 << 16, "a", "CreateUser", (Change.put(User("AIDA2", ACCOUNT, "alice", "/", 5)),)
    )
    second = Commit(
        "n2", 1, 11 << 16, "a", "CreateUser", (Change.put(User("AIDA1", ACCOUNT, "Alice", "/", 7)),)
    )
    one = asyncio.run(_replay([[first], [second]]))
    other = asyncio.run(_replay([[second], [first]]))
    assert one == other
    assert "AIDA2" in (one[1]["alice"] or "")

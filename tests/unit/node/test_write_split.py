"""`Writer.write_split`: a large write as consecutive commits of bounded size, all or none."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from iamstore.node.commits.clock import HybridClock
from iamstore.node.commits.codec import Commit, decode_commit, encode_commit
from iamstore.node.domain.entities import Change, User
from iamstore.node.domain.errors import InvalidInput
from iamstore.node.domain.view import View
from iamstore.node.state import State, Writer
from iamstore.node.storage.database import Database

ACCOUNT = "123456789012"


@pytest.fixture
async def state(tmp_path: Path) -> AsyncIterator[State]:
    db = await Database.open(tmp_path / "db.sqlite")
    try:
        yield await State.load(db)
    finally:
        await db.close()


def _users(count: int) -> list[Change]:
    return [Change.put(User(f"AIDA{n:016d}", ACCOUNT, f"user-{n}", "/", 1)) for n in range(count)]


async def test_a_large_write_becomes_consecutive_bounded_commits(state: State) -> None:
    seen: list[int] = []
    state.on_change(lambda commits: seen.extend(c.seq for c in commits))
    writer = Writer(state, "n1", HybridClock(lambda: 1_000))
    result, token, commits = await writer.write_split(
        "root", "ImportAccount", lambda view: (_users(300), "done"), max_commit_bytes=4_000
    )
    assert result == "done"
    assert commits > 5
    assert seen == list(range(1, commits + 1))  # one batch, in order, nothing skipped
    assert token is not None
    assert token.seq == commits
    assert state.view.users.count(ACCOUNT) == 300
    blobs = [encode_commit(c) for c in await _log(state)]
    assert max(len(blob) for blob in blobs) < 8_000


async def test_a_plan_that_fails_writes_nothing(state: State) -> None:
    writer = Writer(state, "n1", HybridClock(lambda: 1_000))

    def refuse(view: View) -> tuple[list[Change], None]:
        raise InvalidInput("no")

    with pytest.raises(InvalidInput):
        await writer.write_split("root", "ImportAccount", refuse, max_commit_bytes=4_000)
    assert state.applied == {}


async def test_nothing_to_write_makes_no_commit(state: State) -> None:
    writer = Writer(state, "n1", HybridClock(lambda: 1_000))
    _, token, commits = await writer.write_split(
        "root", "ImportAccount", lambda view: ([], None), max_commit_bytes=4_000
    )
    assert (token, commits) == (None, 0)
    assert state.applied == {}


async def _log(state: State) -> list[Commit]:
    blobs = await state.db.commits_after({}, ["n1"], 10_000)
    return [decode_commit(blob) for blob in blobs]

"""`Writer.write_split`: a large write planned off the event loop and applied as consecutive
bounded commits, the loop serving other tasks between two."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from iamstore.node.api.offload import EvaluationWorker
from iamstore.node.commits.clock import HybridClock
from iamstore.node.commits.codec import Commit, decode_commit, encode_commit
from iamstore.node.domain.entities import Change, User
from iamstore.node.domain.errors import InvalidInput
from iamstore.node.domain.view import View
from iamstore.node.state import State, Writer
from iamstore.node.state.writer import CommitBounds
from iamstore.node.storage.database import Database

ACCOUNT = "123456789012"
SMALL = CommitBounds(max_bytes=4_000, max_rows=1_000)
# How long a test waits for something that should happen at once; only reached on failure.
PATIENCE_S = 30


@pytest.fixture
async def state(tmp_path: Path) -> AsyncIterator[State]:
    db = await Database.open(tmp_path / "db.sqlite")
    try:
        yield await State.load(db)
    finally:
        await db.close()


def _users(count: int, first: int = 0) -> list[Change]:
    return [
        Change.put(User(f"AIDA{n:016d}", ACCOUNT, f"user-{n}", "/", 1))
        for n in range(first, first + count)
    ]


def _one_by_one(changes: list[Change]) -> list[list[Change]]:
    """Changes as units of one: any may land in a commit of its own."""
    return [[change] for change in changes]


def _writer(state: State) -> Writer:
    return Writer(state, "n1", HybridClock(lambda: 1_000))


async def test_a_large_write_becomes_consecutive_bounded_commits(state: State) -> None:
    seen: list[int] = []
    state.on_change(lambda commits: seen.extend(c.seq for c in commits))
    result, token, commits = await _writer(state).write_split(
        "root",
        "ImportAccount",
        lambda view: (_one_by_one(_users(300)), "done"),
        SMALL,
        EvaluationWorker().run,
    )
    assert result == "done"
    assert commits > 5
    assert seen == list(range(1, commits + 1))  # in order, nothing skipped
    assert token is not None
    assert token.seq == commits
    assert state.view.users.count(ACCOUNT) == 300
    blobs = [encode_commit(c) for c in await _log(state)]
    assert len(blobs) == commits
    assert max(len(blob) for blob in blobs) < 8_000


async def test_a_commit_holds_at_most_max_rows_rows(state: State) -> None:
    bounds = CommitBounds(max_bytes=1 << 20, max_rows=7)
    _, _, commits = await _writer(state).write_split(
        "root",
        "ImportAccount",
        lambda view: (_one_by_one(_users(50)), None),
        bounds,
        EvaluationWorker().run,
    )
    logged = await _log(state)
    assert commits == len(logged) == 8  # 7 commits of 7 rows, then 1
    assert [len(c.changes) for c in logged] == [7] * 7 + [1]


async def test_a_unit_is_never_cut_across_commits(state: State) -> None:
    """Units of 5 rows, at most 7 rows a commit: one unit per commit, never 7 + a cut."""
    bounds = CommitBounds(max_bytes=1 << 20, max_rows=7)
    users = _users(20)
    units = [users[start : start + 5] for start in range(0, 20, 5)]
    await _writer(state).write_split(
        "root", "ImportAccount", lambda view: (units, None), bounds, EvaluationWorker().run
    )
    assert [list(c.changes) for c in await _log(state)] == units


async def test_a_unit_larger_than_the_bounds_is_a_commit_alone(state: State) -> None:
    bounds = CommitBounds(max_bytes=1 << 20, max_rows=7)
    users = _users(13)
    units = [users[:1], users[1:11], users[11:]]
    await _writer(state).write_split(
        "root", "ImportAccount", lambda view: (units, None), bounds, EvaluationWorker().run
    )
    assert [len(c.changes) for c in await _log(state)] == [1, 10, 2]


async def test_other_tasks_run_while_the_plan_runs_and_between_commits(state: State) -> None:
    """The plan runs on a worker thread: it waits for a task on the event loop to have run,
    which could never happen if it ran on the loop itself. Then a task that counts its turns
    gets some between each two commits of the write."""
    events: list[str] = []
    state.on_change(lambda commits: events.extend(f"commit {c.seq}" for c in commits))
    loop_ran = threading.Event()

    def plan(view: View) -> tuple[list[list[Change]], None]:
        if not loop_ran.wait(PATIENCE_S):
            raise AssertionError("the event loop ran nothing while the plan ran")
        return _one_by_one(_users(200)), None

    async def other_caller() -> None:
        loop_ran.set()
        while True:
            events.append("tick")
            await asyncio.sleep(0)

    ticker = asyncio.create_task(other_caller())
    try:
        _, _, commits = await _writer(state).write_split(
            "root", "ImportAccount", plan, SMALL, EvaluationWorker().run
        )
    finally:
        ticker.cancel()
    assert commits > 3
    committed = [i for i, event in enumerate(events) if event.startswith("commit")]
    assert len(committed) == commits
    for before, after in itertools.pairwise(committed):
        assert "tick" in events[before + 1 : after], events[before : after + 1]


async def test_no_other_write_lands_between_the_plan_and_its_last_commit(state: State) -> None:
    """A write asked for while a split write is planning waits for its last commit, and is
    planned against the state that write left: the plan's checks still hold when it lands."""
    writer = _writer(state)
    planning = threading.Event()
    release = threading.Event()

    def slow_plan(view: View) -> tuple[list[list[Change]], None]:
        planning.set()
        if not release.wait(PATIENCE_S):
            raise AssertionError("never released")
        return _one_by_one(_users(100)), None

    seen_by_other: list[int] = []

    def other_plan(view: View) -> tuple[list[Change], None]:
        seen_by_other.append(view.users.count(ACCOUNT))
        return _users(1, first=1_000), None

    large = asyncio.create_task(
        writer.write_split("root", "ImportAccount", slow_plan, SMALL, EvaluationWorker().run)
    )
    await asyncio.to_thread(planning.wait, PATIENCE_S)
    other = asyncio.create_task(writer.write("root", "CreateUser", other_plan))
    await asyncio.sleep(0.05)  # the other write's chance to cut in, had it one
    assert not other.done()
    assert seen_by_other == []
    release.set()
    _, _, commits = await large
    await other
    assert seen_by_other == [100]
    actions = [c.action for c in await _log(state)]
    assert actions == ["ImportAccount"] * commits + ["CreateUser"]


async def test_a_storage_failure_midway_leaves_the_view_as_the_database(state: State) -> None:
    """Commits stored before the failure are in the view too; the failed transaction's are in
    neither; the next write goes on from the last stored commit."""
    bounds = CommitBounds(max_bytes=1 << 20, max_rows=1, per_transaction=4)
    store = state.db.write_commits
    calls = 0

    async def failing_second_time(commits: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("disk full")
        await store(commits)

    state.db.write_commits = failing_second_time  # type: ignore[method-assign]
    with pytest.raises(OSError, match="disk full"):
        await _writer(state).write_split(
            "root",
            "ImportAccount",
            lambda view: (_one_by_one(_users(10)), None),
            bounds,
            EvaluationWorker().run,
        )
    assert [len(c.changes) for c in await _log(state)] == [1, 1, 1, 1]
    assert state.applied == {"n1": 4}
    assert state.view.users.count(ACCOUNT) == 4
    reloaded = await State.load(state.db)
    assert reloaded.digest() == state.digest()
    await _writer(state).write("root", "CreateUser", lambda view: (_users(1, first=99), None))
    assert state.applied == {"n1": 5}


async def test_a_plan_that_fails_writes_nothing(state: State) -> None:
    def refuse(view: View) -> tuple[list[list[Change]], None]:
        raise InvalidInput("no")

    with pytest.raises(InvalidInput):
        await _writer(state).write_split(
            "root", "ImportAccount", refuse, SMALL, EvaluationWorker().run
        )
    assert state.applied == {}
    # The lock was let go: the next write goes through.
    await _writer(state).write("root", "CreateUser", lambda view: (_users(1), None))
    assert state.applied == {"n1": 1}


async def test_nothing_to_write_makes_no_commit(state: State) -> None:
    _, token, commits = await _writer(state).write_split(
        "root", "ImportAccount", lambda view: ([], None), SMALL, EvaluationWorker().run
    )
    assert (token, commits) == (None, 0)
    assert state.applied == {}


async def _log(state: State) -> list[Commit]:
    blobs = await state.db.commits_after({}, ["n1"], 10_000)
    return [decode_commit(blob) for blob in blobs]

"""`State.apply`: SQLite and the view move together; a commit applies once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from iamstore.node.commits.codec import Commit
from iamstore.node.domain.entities import Change, Group, Membership, User
from iamstore.node.state import State
from iamstore.node.storage.database import Database

ACCOUNT = "123456789012"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "db.sqlite")
    try:
        yield database
    finally:
        await database.close()


def _user(uid: str, name: str) -> User:
    return User(uid, ACCOUNT, name, "/", 1)


async def test_apply_updates_view_and_survives_reload(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "db.sqlite")
    state = await State.load(db)
    alice = _user("AIDA1", "alice")
    group = Group("AGPA1", ACCOUNT, "devs", "/", 1)
    await state.apply(
        Commit(
            "n1",
            1,
            10,
            "root",
            "x",
            (Change.put(alice), Change.put(group), Change.put(Membership("AGPA1", "AIDA1"))),
        )
    )
    assert state.view.users.named(ACCOUNT, "ALICE") == alice
    assert state.view.members.of("AGPA1") == {"AIDA1"}
    await db.close()

    db = await Database.open(tmp_path / "db.sqlite")
    reloaded = await State.load(db)
    assert reloaded.view.users.named(ACCOUNT, "alice") == alice
    assert reloaded.view.members.to("AIDA1") == {"AGPA1"}
    assert reloaded.applied == {"n1": 1}
    await db.close()


async def test_a_commit_applies_once(db: Database) -> None:
    state = await State.load(db)
    commit = Commit("n1", 1, 10, "root", "x", (Change.put(_user("AIDA1", "a")),))
    assert await state.apply(commit) is True
    assert await state.apply(commit) is False
    assert len(await db.commits()) == 1


async def test_older_row_image_loses_to_newer(db: Database) -> None:
    """Last writer wins on (hlc, origin): a late-arriving older write changes nothing."""
    state = await State.load(db)
    newer = _user("AIDA1", "renamed")
    older = _user("AIDA1", "original")
    await state.apply(Commit("n2", 1, 20, "root", "UpdateUser", (Change.put(newer),)))
    await state.apply(Commit("n1", 1, 10, "root", "CreateUser", (Change.put(older),)))
    assert state.view.users.get("AIDA1") == newer


async def test_the_digest_follows_every_apply(db: Database) -> None:
    state = await State.load(db)
    empty = state.digest()
    alice = _user("AIDA1", "alice")
    await state.apply(Commit("n1", 1, 10, "t", "CreateUser", (Change.put(alice),)))
    created = state.digest()
    assert created != empty
    assert state.digest() == created  # asked again with nothing applied in between
    await state.apply(Commit("n1", 2, 20, "t", "DeleteUser", (Change.delete(alice),)))
    assert state.digest() == empty  # a tombstone reads as no row
    assert (await State.load(db)).digest() == state.digest()

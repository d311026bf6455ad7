"""SQLite storage: migrations, one transaction at a time, commits and rows together."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from iamstore.node.commits.codec import Commit
from iamstore.node.domain.entities import Change, User
from iamstore.node.storage.database import Database, KeyUsage, StorageError
from iamstore.node.storage.schema import SCHEMA_VERSION


def _newer_schema(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")


def _not_sqlite(path: Path) -> None:
    path.write_bytes(b"not an sqlite database, but long enough to be read as one" * 20)


def _commit(seq: int, name: str) -> Commit:
    user = User(f"AIDA{seq:017d}", "123456789012", name, "/", 1000 + seq)
    return Commit(
        "n1", seq, seq << 16, "arn:aws:iam::123456789012:root", "CreateUser", (Change.put(user),)
    )


async def test_concurrent_key_usage_flush_and_commits_do_not_nest_transactions(
    tmp_path: Path,
) -> None:
    """Golden case from the rpc benchmark: a flush used to BEGIN inside a running commit."""
    db = await Database.open(tmp_path / "db.sqlite")
    try:
        usage = [KeyUsage(f"AKIA{i:016d}", i, "iam", "us-east-1") for i in range(20)]
        await asyncio.gather(
            *(
                db.write_commits([(_commit(i, f"u{i}"), _commit(i, f"u{i}").changes)])
                for i in range(1, 101)
            ),
            *(db.save_key_usage(usage) for _ in range(50)),
        )
        assert await db.max_seqs() == {"n1": 100}
        assert len(await db.load_rows()) == 100
        assert len(await db.load_key_usage()) == 20
    finally:
        await db.close()


async def test_a_failed_commit_writes_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "db.sqlite")
    try:
        await db.write_commits([(_commit(1, "a"), _commit(1, "a").changes)])
        with pytest.raises(Exception, match="UNIQUE"):
            # the same (origin, seq) again: the log insert fails after the row upsert
            await db.write_commits([(_commit(1, "b"), _commit(2, "b").changes)])
        rows = await db.load_rows()
        assert [key for _, key, *_ in rows] == [_commit(1, "a").changes[0].key]
    finally:
        await db.close()


async def test_schema_is_migrated_once_and_newer_schemas_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    db = await Database.open(path)
    await db.set_meta("node_id", "n1")
    await db.close()
    db = await Database.open(path)  # reopening applies no migration twice
    assert await db.get_meta("node_id") == "n1"
    await db._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    await db.close()
    with pytest.raises(StorageError, match="newer"):
        await Database.open(path)


@pytest.mark.parametrize(
    ("spoil", "error"),
    [(_not_sqlite, sqlite3.DatabaseError), (_newer_schema, StorageError)],
    ids=["not-sqlite", "newer-schema"],
)
async def test_an_open_that_fails_half_way_closes_its_connection(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    spoil: Callable[[Path], None],
    error: type[Exception],
) -> None:
    """Golden case: a data folder whose database was not SQLite left its connection (and the
    connection's thread) open until garbage collection."""
    path = tmp_path / "db.sqlite"
    spoil(path)
    opened: list[aiosqlite.Connection] = []
    connect = aiosqlite.connect

    def recording_connect(database: Path, **kwargs: Any) -> aiosqlite.Connection:
        opened.append(connect(database, **kwargs))
        return opened[-1]

    monkeypatch.setattr(aiosqlite, "connect", recording_connect)
    with pytest.raises(error):
        await Database.open(path)
    assert len(opened) == 1
    try:
        with pytest.raises(ValueError, match=r"no active connection|closed"):
            await opened[0].execute("SELECT 1")
    finally:
        await opened[0].close()  # leaves nothing behind if the test fails

"""An in-memory SQLite database whose calls run inline on the event loop's own thread."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Generator, Sequence
from types import TracebackType
from typing import Any

from iamstore.node.storage.database import Database


class _Cursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()


class _Statement:
    """What `execute` returns: awaitable, and an async context manager giving the cursor."""

    def __init__(self, conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> None:
        self._conn, self._sql, self._params = conn, sql, params

    async def _run(self) -> _Cursor:
        await asyncio.sleep(0)  # a database call is a suspension point, as with a thread
        return _Cursor(self._conn.execute(self._sql, self._params))

    def __await__(self) -> Generator[Any, None, _Cursor]:
        return self._run().__await__()

    async def __aenter__(self) -> _Cursor:
        return await self._run()

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class InlineConnection:
    """The part of aiosqlite's connection that `Database` uses, run on the loop's own thread.

    Threads would make the order in which replicas' database calls finish depend on the OS
    scheduler; inline calls keep a run a pure function of its seed.
    """

    def __init__(self) -> None:
        self._conn = sqlite3.connect(":memory:", isolation_level=None)

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    def execute(self, sql: str, params: Sequence[object] = ()) -> _Statement:
        return _Statement(self._conn, sql, params)

    async def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        await asyncio.sleep(0)
        self._conn.executemany(sql, rows)

    async def close(self) -> None:
        self._conn.close()


async def open_memory_database() -> Database:
    # InlineConnection offers the subset of aiosqlite's Connection that Database calls.
    db = Database(InlineConnection())  # type: ignore[arg-type]
    await db._migrate()  # what Database.open does after connecting
    return db

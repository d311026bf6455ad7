"""What every test tier shares: in-memory databases closed when their test ends, and an SQLite
connection left unclosed failing the suite on every supported Python, not only on 3.13."""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import sys
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from iamstore.cluster.testing.inline_sqlite import open_memory_database
from iamstore.node.storage.database import Database


@pytest.fixture
async def memory_database() -> AsyncIterator[Callable[[], Awaitable[Database]]]:
    """Opens in-memory databases for one test; every one is closed when the test ends."""
    async with contextlib.AsyncExitStack() as opened:

        async def open_one() -> Database:
            db = await open_memory_database()
            opened.push_async_callback(db.close)
            return db

        yield open_one


if sys.version_info < (3, 13):

    class _WarnsWhenLeaked(sqlite3.Connection):
        """Python 3.13's ResourceWarning for a connection collected without `close()`, on the
        versions before it; with `filterwarnings = error` a leak then fails wherever it runs."""

        _closed = False

        def close(self) -> None:
            self._closed = True
            super().close()

        def __del__(self) -> None:
            if not self._closed:
                warnings.warn(f"unclosed database in {self!r}", ResourceWarning, stacklevel=1)

    def pytest_configure(config: pytest.Config) -> None:
        # aiosqlite and the in-memory test database both look `sqlite3.connect` up per call.
        sqlite3.connect = functools.partial(sqlite3.connect, factory=_WarnsWhenLeaked)  # type: ignore[assignment]

"""The node's SQLite database: open, migrate, load the replica, append commits atomically."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import aiosqlite

from iamstore.node.commits.codec import Commit, StoredRow, encode_commit, encode_row
from iamstore.node.domain.entities import Change
from iamstore.node.storage.row_format import (
    ROW_FORMAT,
    ROW_FORMAT_KEY,
    RowFormatError,
    RowRecord,
    rekey_fields,
    stored_format,
    upgrade_policies,
)
from iamstore.node.storage.schema import MIGRATIONS, SCHEMA_VERSION


class StorageError(Exception):
    """The database is unusable: newer schema or row format than this code, or corrupt."""


class LogPurgedError(Exception):
    """The commit log was purged beyond a peer's version vector: it needs a snapshot."""


class DuplicateRowError(Exception):
    """A staged snapshot names the same (table, key) twice."""


# The upsert that makes a stored row a last-writer-wins register on (hlc, origin).
_NEWER_WINS = (
    "ON CONFLICT (tbl, key) DO UPDATE SET hlc = excluded.hlc, "
    "origin = excluded.origin, body = excluded.body "
    "WHERE excluded.hlc > {table}.hlc "
    "OR (excluded.hlc = {table}.hlc AND excluded.origin > {table}.origin)"
)
# Snapshot rows being received: a temporary table (never on disk for long, gone with the
# connection), so a stream that breaks off leaves nothing behind.
STAGING = "temp.snapshot_staging"


# A stored row as SQLite gives it is a RowRecord, (table, key, hlc, origin, body): start-up
# reads every row once, and building a StoredRow for each would cost a third of the read.


@dataclass(frozen=True, slots=True)
class KeyUsage:
    access_key_id: str
    used_ms: int
    service: str
    region: str


def _body(change: Change) -> bytes | None:
    return None if change.row is None else encode_row(change.row)


class Database:
    """One writer connection. Every commit is one transaction: its winning rows and its log entry.

    `synchronous=FULL` makes an acknowledged commit survive power loss as well as `kill -9`.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        # INVARIANT: one transaction at a time on the one connection. Coroutines interleave at
        # every await, so without this lock a second BEGIN could land inside a first one.
        self._lock = asyncio.Lock()
        self._frozen = 0  # names the temporary copies `freeze_rows` makes

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                await self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise

    @classmethod
    async def open(cls, path: Path, synchronous: str = "FULL") -> Database:
        conn = await aiosqlite.connect(path, isolation_level=None)
        # INVARIANT: a connection is closed on every path that does not return it. The first
        # PRAGMA is what fails on a file that is not SQLite, the migration on a newer schema.
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute(f"PRAGMA synchronous={synchronous}")
            await conn.execute("PRAGMA foreign_keys=ON")
            db = cls(conn)
            await db._migrate()
            await db._upgrade_row_format()
        except RowFormatError as err:
            await conn.close()
            raise StorageError(str(err)) from None
        except BaseException:
            await asyncio.shield(conn.close())
            raise
        return db

    async def close(self) -> None:
        await self._conn.close()

    async def _migrate(self) -> None:
        async with self._conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"database schema version {version} is newer than this node ({SCHEMA_VERSION})"
            )
        for number in range(version, SCHEMA_VERSION):
            async with self._transaction() as conn:
                for statement in MIGRATIONS[number]:
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version={number + 1}")

    async def _upgrade_row_format(self) -> None:
        """Checks the stored rows' format, rewrites an older one into the current format,
        and stamps it (node/storage/row_format.py); RowFormatError for a newer one."""
        stamp = await self.get_meta(ROW_FORMAT_KEY)
        if stamp == str(ROW_FORMAT):
            return
        async with self._transaction() as conn:
            async with conn.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM rows) AND NOT EXISTS (SELECT 1 FROM commits)"
            ) as cursor:
                found = await cursor.fetchone()
            policies = await self._rows_of(conn, "policy")
            stored = stored_format(stamp, bool(found and found[0]), (r[4] for r in policies))
            if stored == 1:
                versions = {r[1]: r for r in await self._rows_of(conn, "policy_version")}
                pointers = await self._rows_of(conn, "policy_default")
                defaults = frozenset(r[1] for r in pointers if r[4] is not None)
                upsert = (
                    "INSERT INTO rows (tbl, key, hlc, origin, body) VALUES (?, ?, ?, ?, ?) "
                    + _NEWER_WINS.format(table="rows")
                )
                for record in upgrade_policies(policies, versions, defaults):
                    await conn.execute(upsert, record)
            if stored <= 2:
                old_keys, rekeyed = rekey_fields(await self._rows_of(conn, "entity_field"))
                await conn.executemany(
                    "DELETE FROM rows WHERE tbl = 'entity_field' AND key = ?",
                    [(key,) for key in old_keys],
                )
                await conn.executemany(
                    "INSERT INTO rows (tbl, key, hlc, origin, body) VALUES (?, ?, ?, ?, ?) "
                    + _NEWER_WINS.format(table="rows"),
                    rekeyed,
                )
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (ROW_FORMAT_KEY, str(ROW_FORMAT)),
            )

    @staticmethod
    async def _rows_of(conn: aiosqlite.Connection, table: str) -> list[RowRecord]:
        async with conn.execute(
            "SELECT tbl, key, hlc, origin, body FROM rows WHERE tbl = ?", (table,)
        ) as cursor:
            return cast(list[RowRecord], await cursor.fetchall())

    async def get_meta(self, key: str) -> str | None:
        async with self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def set_meta(self, key: str, value: str) -> None:
        async with self._transaction() as conn:
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    async def load_rows(self) -> list[RowRecord]:
        """Every stored row, tombstones too, as plain tuples."""
        async with self._conn.execute("SELECT tbl, key, hlc, origin, body FROM rows") as cursor:
            return cast(list[RowRecord], await cursor.fetchall())

    async def max_seqs(self) -> dict[str, int]:
        """The highest commit sequence applied per origin: stored, or purged below the floor."""
        async with self._conn.execute(
            "SELECT origin, MAX(seq) FROM (SELECT origin, seq FROM commits "
            "UNION ALL SELECT origin, seq FROM log_floor) GROUP BY origin"
        ) as cursor:
            return {str(origin): int(seq) for origin, seq in await cursor.fetchall()}

    async def max_hlc(self) -> int:
        async with self._conn.execute(
            "SELECT MAX((SELECT COALESCE(MAX(hlc), 0) FROM commits), "
            "(SELECT COALESCE(MAX(hlc), 0) FROM log_floor))"
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def log_floors(self) -> dict[str, tuple[int, int]]:
        """Per origin, the (seq, hlc) of the newest commit purged from the log."""
        async with self._conn.execute("SELECT origin, seq, hlc FROM log_floor") as cursor:
            return {str(o): (int(s), int(h)) for o, s, h in await cursor.fetchall()}

    async def acknowledged_hlcs(self, acknowledged: Mapping[str, int]) -> dict[str, int]:
        """Per origin, an HLC at or below which all its commits are within `acknowledged`, as
        far as this log tells: just below commit seq+1's stamp when it is logged here, else
        the stamp of commit seq itself (logged, or the log floor); origins it cannot tell
        about are left out."""
        bounds: dict[str, int] = {}
        for origin, seq in acknowledged.items():
            async with self._conn.execute(
                "SELECT seq, hlc FROM commits WHERE origin = ? AND seq IN (?, ?) "
                "UNION ALL SELECT seq, hlc FROM log_floor WHERE origin = ? AND seq = ?",
                (origin, seq, seq + 1, origin, seq),
            ) as cursor:
                stamps = {int(s): int(h) for s, h in await cursor.fetchall()}
            if seq + 1 in stamps:
                bounds[origin] = stamps[seq + 1] - 1
            elif seq in stamps:
                bounds[origin] = stamps[seq]
        return bounds

    async def purge(
        self, acknowledged: Mapping[str, int], cutoff_hlc: int, tombstones_hlc: int
    ) -> list[StoredRow]:
        """Drops, per origin, the log prefix up to `acknowledged[origin]` no newer than
        `cutoff_hlc`, then every tombstone whose commit is in a purged prefix and whose stamp
        is at most `tombstones_hlc` (node/replication/purge.py says why it is lower).

        One transaction; returns the tombstones dropped. Within one origin HLCs grow with the
        sequence number, so "seq <= acknowledged and hlc <= cutoff" is a prefix of its log
        and a tombstone stamped (hlc, origin) was purged with it iff hlc <= the floor's hlc.
        """
        async with self._transaction() as conn:
            for origin, seq in sorted(acknowledged.items()):
                async with conn.execute(
                    "SELECT seq, hlc FROM commits WHERE origin = ? AND seq <= ? AND hlc <= ? "
                    "ORDER BY seq DESC LIMIT 1",
                    (origin, seq, cutoff_hlc),
                ) as cursor:
                    newest = await cursor.fetchone()
                if newest is None:
                    continue
                await conn.execute(
                    "DELETE FROM commits WHERE origin = ? AND seq <= ?", (origin, newest[0])
                )
                await self._raise_floor(conn, origin, int(newest[0]), int(newest[1]))
            where = (
                "FROM rows WHERE body IS NULL AND hlc <= ? AND hlc <= "
                "COALESCE((SELECT f.hlc FROM log_floor f WHERE f.origin = rows.origin), -1)"
            )
            bound = (min(cutoff_hlc, tombstones_hlc),)
            async with conn.execute("SELECT tbl, key, hlc, origin, body " + where, bound) as cursor:
                dropped = [StoredRow(*row) for row in await cursor.fetchall()]
            await conn.execute("DELETE " + where, bound)
        return dropped

    @staticmethod
    async def _raise_floor(conn: aiosqlite.Connection, origin: str, seq: int, hlc: int) -> None:
        await conn.execute(
            "INSERT INTO log_floor (origin, seq, hlc) VALUES (?, ?, ?) "
            "ON CONFLICT (origin) DO UPDATE SET seq = MAX(seq, excluded.seq), "
            "hlc = MAX(hlc, excluded.hlc)",
            (origin, seq, hlc),
        )

    # --- snapshots: sending ----------------------------------------------------------------

    async def freeze_rows(self) -> str:
        """Copies every stored row into a new temporary table and returns its name.

        The copy is one statement inside SQLite (no row passes through Python), so a snapshot
        can then be read page by page while writes go on, and still be one consistent state.
        """
        self._frozen += 1
        name = f"temp.frozen_{self._frozen}"
        async with self._transaction() as conn:
            await conn.execute(
                f"CREATE TABLE {name} AS SELECT tbl, key, hlc, origin, body FROM rows"
            )
        return name

    async def table_page(self, name: str, after: int, limit: int) -> tuple[int, list[StoredRow]]:
        """Up to `limit` rows of a frozen copy (or the staging table) past position `after`,
        and the position of the last one."""
        async with self._conn.execute(
            f"SELECT rowid, tbl, key, hlc, origin, body FROM {name} "
            "WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (after, limit),
        ) as cursor:
            found = list(await cursor.fetchall())
        if not found:
            return after, []
        return int(found[-1][0]), [StoredRow(*row[1:]) for row in found]

    async def drop_table(self, name: str) -> None:
        """Drops a frozen copy (or the staging table) when done with it."""
        async with self._transaction() as conn:
            await conn.execute(f"DROP TABLE IF EXISTS {name}")

    # --- snapshots: receiving ------------------------------------------------------------

    async def begin_staging(self) -> None:
        """An empty staging table for a snapshot being received.

        INVARIANT: one snapshot is received at a time (the anti-entropy loop asks for them).
        """
        async with self._transaction() as conn:
            await conn.execute(f"DROP TABLE IF EXISTS {STAGING}")
            await conn.execute(
                f"CREATE TABLE {STAGING} (tbl TEXT NOT NULL, key TEXT NOT NULL, "
                "hlc INTEGER NOT NULL, origin TEXT NOT NULL, body BLOB, PRIMARY KEY (tbl, key))"
            )

    async def stage(self, rows: Sequence[StoredRow]) -> None:
        """Adds received snapshot rows; DuplicateRowError when one is staged already."""
        try:
            async with self._transaction() as conn:
                await conn.executemany(
                    f"INSERT INTO {STAGING} (tbl, key, hlc, origin, body) VALUES (?, ?, ?, ?, ?)",
                    [(r.table, r.key, r.hlc, r.origin, r.body) for r in rows],
                )
        except sqlite3.IntegrityError as err:
            raise DuplicateRowError(f"snapshot holds a row twice: {err}") from None

    async def stage_newer(self, commits: Sequence[Commit]) -> None:
        """Lays this node's own commits over the staged snapshot: each row image replaces the
        staged one when its (hlc, origin) is newer, as `write_commits` does for `rows`."""
        images = [
            (c.table, c.key, commit.hlc, commit.origin, _body(c))
            for commit in commits
            for c in commit.changes
        ]
        async with self._transaction() as conn:
            await conn.executemany(
                f"INSERT INTO {STAGING} (tbl, key, hlc, origin, body) VALUES (?, ?, ?, ?, ?) "
                + _NEWER_WINS.format(table="snapshot_staging"),
                images,
            )

    async def install_staged(
        self, floors: Mapping[str, tuple[int, int]], vector: Mapping[str, int]
    ) -> None:
        """Installs the staged snapshot, in one transaction: its rows become the whole
        replica, the log keeps only commits above each floor and within `vector`, the floors
        rise, and the staging table goes."""
        async with self._transaction() as conn:
            await conn.execute("DELETE FROM rows")
            await conn.execute(
                f"INSERT INTO rows (tbl, key, hlc, origin, body) "
                f"SELECT tbl, key, hlc, origin, body FROM {STAGING}"
            )
            async with conn.execute("SELECT DISTINCT origin FROM commits") as cursor:
                logged = {str(row[0]) for row in await cursor.fetchall()}
            for origin in sorted(logged | floors.keys()):
                floor_seq = floors.get(origin, (0, 0))[0]
                await conn.execute(
                    "DELETE FROM commits WHERE origin = ? AND (seq <= ? OR seq > ?)",
                    (origin, floor_seq, vector.get(origin, 0)),
                )
            for origin, (seq, hlc) in sorted(floors.items()):
                await self._raise_floor(conn, origin, seq, hlc)
            await conn.execute(f"DROP TABLE {STAGING}")

    async def write_commits(self, commits: Sequence[tuple[Commit, Sequence[Change]]]) -> None:
        """Stores commits (log entries and their winning row images) in one transaction."""
        rows: list[tuple[str, str, int, str, bytes | None]] = []
        log: list[tuple[str, int, int, str, str, bytes]] = []
        for commit, winners in commits:
            rows.extend(
                (
                    c.table,
                    c.key,
                    commit.hlc,
                    commit.origin,
                    None if c.row is None else encode_row(c.row),
                )
                for c in winners
            )
            log.append(
                (
                    commit.origin,
                    commit.seq,
                    commit.hlc,
                    commit.actor,
                    commit.action,
                    encode_commit(commit),
                )
            )
        async with self._transaction() as conn:
            await conn.executemany(
                "INSERT INTO rows (tbl, key, hlc, origin, body) VALUES (?, ?, ?, ?, ?) "
                + _NEWER_WINS.format(table="rows"),
                rows,
            )
            await conn.executemany(
                "INSERT INTO commits (origin, seq, hlc, actor, action, body) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                log,
            )

    async def commits_after(
        self, version_vector: Mapping[str, int], origins: Iterable[str], limit: int
    ) -> list[bytes]:
        """Encoded commits newer than `version_vector`, oldest first per origin, at most `limit`.

        Raises LogPurgedError when the log no longer holds the next commit the vector needs
        from some origin in `origins` (the caller must bootstrap from a snapshot instead).
        """
        found: list[bytes] = []
        floors = await self.log_floors()
        origins = list(origins)
        for origin in origins:
            floor = floors.get(origin, (0, 0))[0]
            if version_vector.get(origin, 0) < floor:
                raise LogPurgedError(
                    f"log of `{origin}` purged through {floor}, beyond your vector "
                    f"({version_vector.get(origin, 0)})"
                )
        for origin in origins:
            if len(found) >= limit:
                break
            async with self._conn.execute(
                "SELECT body FROM commits WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?",
                (origin, version_vector.get(origin, 0), limit - len(found)),
            ) as cursor:
                found.extend(bytes(row[0]) for row in await cursor.fetchall())
        return found

    async def commits(self, origin: str | None = None) -> list[tuple[str, int, int, str, str]]:
        """The commit log (origin, seq, hlc, actor, action), oldest first: the audit trail."""
        query = "SELECT origin, seq, hlc, actor, action FROM commits"
        params: tuple[str, ...] = ()
        if origin is not None:
            query += " WHERE origin = ?"
            params = (origin,)
        async with self._conn.execute(query + " ORDER BY hlc", params) as cursor:
            rows = await cursor.fetchall()
        return [(str(o), int(s), int(h), str(a), str(x)) for o, s, h, a, x in rows]

    async def load_key_usage(self) -> list[KeyUsage]:
        async with self._conn.execute(
            "SELECT access_key_id, used_ms, service, region FROM key_usage"
        ) as cursor:
            return [KeyUsage(*row) for row in await cursor.fetchall()]

    async def save_key_usage(self, usage: Iterable[KeyUsage]) -> None:
        async with self._transaction() as conn:
            await conn.executemany(
                "INSERT INTO key_usage (access_key_id, used_ms, service, region) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (access_key_id) DO UPDATE SET "
                "used_ms = excluded.used_ms, service = excluded.service, "
                "region = excluded.region",
                [(u.access_key_id, u.used_ms, u.service, u.region) for u in usage],
            )

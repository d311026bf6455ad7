"""The versioned SQLite schema: migration n takes the database from user_version n-1 to n."""

from __future__ import annotations

# Each entry is one migration's statements, applied in one transaction.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        # Node-local facts (node id, bootstrap state); never replicated.
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        # The replica: every row is a last-writer-wins register on (hlc, origin);
        # body is the msgpack row image, NULL for a tombstone.
        """CREATE TABLE rows (
            tbl TEXT NOT NULL,
            key TEXT NOT NULL,
            hlc INTEGER NOT NULL,
            origin TEXT NOT NULL,
            body BLOB,
            PRIMARY KEY (tbl, key)
        ) WITHOUT ROWID""",
        # The commit log: the audit trail of changes and what replication gossips; body is
        # the whole commit in the wire codec, served to peers as it is.
        """CREATE TABLE commits (
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            hlc INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (origin, seq)
        ) WITHOUT ROWID""",
        # When each access key was last used, as seen by this node (GetAccessKeyLastUsed).
        """CREATE TABLE key_usage (
            access_key_id TEXT PRIMARY KEY,
            used_ms INTEGER NOT NULL,
            service TEXT NOT NULL,
            region TEXT NOT NULL
        ) WITHOUT ROWID""",
    ),
    (
        # Per origin, the newest commit purged from the log (see node/replication/purge.py):
        # commits up to `seq` are gone, so the version vector and max HLC count it, and a
        # peer whose vector is below it must bootstrap from a snapshot.
        """CREATE TABLE log_floor (
            origin TEXT PRIMARY KEY,
            seq INTEGER NOT NULL,
            hlc INTEGER NOT NULL
        ) WITHOUT ROWID""",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)

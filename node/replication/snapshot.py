"""Snapshots: a replica's every row (live and tombstone, with stamps) and version vector.

A node that is new, or whose version vector is below a peer's log floor (the commits it needs
were purged), asks a peer for a snapshot and installs it with `State.install_snapshot`. The
wire form is one msgpack value, `[version, vector, floors, rows]`, checked whole before
anything is installed: a malformed or unknown-version snapshot is refused and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import msgpack

from node.domain.entities import Row
from node.replication.codec import CodecError, Commit, decode_row, encode_row
from node.storage.database import StoredRow

SNAPSHOT_VERSION = 1

Key = tuple[str, str]  # (table, key)


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    stored: StoredRow
    row: Row | None  # decoded body; None for a tombstone


@dataclass(frozen=True, slots=True)
class Snapshot:
    vector: dict[str, int]
    # Per origin, (seq, hlc) below which the receiver's log holds nothing: the snapshot's
    # vector, stamped with the sender's purge floor HLC (a safe lower bound for tombstones).
    floors: dict[str, tuple[int, int]]
    rows: tuple[SnapshotRow, ...]


def encode_snapshot(
    vector: Mapping[str, int], floors: Mapping[str, tuple[int, int]], rows: Iterable[StoredRow]
) -> bytes:
    """The wire form of a replica; `floors` are the sender's own log floors."""
    wire_floors = {o: [seq, floors.get(o, (0, 0))[1]] for o, seq in vector.items()}
    wire_rows = [[r.table, r.key, r.hlc, r.origin, r.body] for r in rows]
    packed = [SNAPSHOT_VERSION, dict(vector), wire_floors, wire_rows]
    return msgpack.packb(packed, use_bin_type=True)  # type: ignore[no-any-return]


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def decode_snapshot(data: bytes) -> Snapshot:
    """Checks and decodes a whole snapshot; anything malformed raises CodecError."""
    try:
        items = msgpack.unpackb(data, raw=False, strict_map_key=False)
    except (ValueError, TypeError, msgpack.UnpackException) as err:
        raise CodecError(f"undecodable snapshot: {err}") from None
    if not isinstance(items, list) or len(items) != 4:
        raise CodecError("malformed snapshot envelope")
    version, vector, floors, rows = items
    if version != SNAPSHOT_VERSION:
        raise CodecError(f"unknown snapshot version `{version}`")
    if not (isinstance(vector, dict) and isinstance(floors, dict) and isinstance(rows, list)):
        raise CodecError("malformed snapshot body")
    if not all(isinstance(o, str) and _is_count(s) for o, s in vector.items()):
        raise CodecError("malformed snapshot version vector")
    decoded_floors: dict[str, tuple[int, int]] = {}
    for origin, floor in floors.items():
        if not (isinstance(floor, list) and len(floor) == 2 and all(map(_is_count, floor))):
            raise CodecError(f"malformed snapshot floor for `{origin}`")
        if vector.get(origin) != floor[0]:
            raise CodecError(f"snapshot floor for `{origin}` disagrees with its vector")
        decoded_floors[str(origin)] = (floor[0], floor[1])
    decoded_rows: list[SnapshotRow] = []
    seen: set[Key] = set()
    for item in rows:
        if not (isinstance(item, list) and len(item) == 5):
            raise CodecError("malformed snapshot row")
        table, key, hlc, origin, body = item
        if not (isinstance(table, str) and isinstance(key, str) and isinstance(origin, str)):
            raise CodecError("malformed snapshot row key")
        if not _is_count(hlc) or not (body is None or isinstance(body, bytes)):
            raise CodecError(f"malformed snapshot row `{table}/{key}`")
        if (table, key) in seen:
            raise CodecError(f"snapshot holds `{table}/{key}` twice")
        seen.add((table, key))
        row = None if body is None else decode_row(table, body)
        if row is not None and row.key != key:
            raise CodecError(f"snapshot row key `{key}` does not match its row")
        decoded_rows.append(SnapshotRow(StoredRow(table, key, hlc, origin, body), row))
    return Snapshot(dict(vector), decoded_floors, tuple(decoded_rows))


def rebase(
    snapshot: Snapshot, local: Sequence[Commit]
) -> tuple[dict[Key, SnapshotRow], dict[str, int]]:
    """The replica after installing `snapshot` and re-applying this node's own log beyond it.

    `local` is this node's logged commits newer than the snapshot's vector, oldest first per
    origin. Each extends its origin's prefix (or is dropped, as `State.apply` would) and wins
    per row on (hlc, origin), so nothing this node holds beyond the snapshot is lost.
    """
    rows = {(r.stored.table, r.stored.key): r for r in snapshot.rows}
    vector = dict(snapshot.vector)
    for commit in local:
        if commit.seq != vector.get(commit.origin, 0) + 1:
            continue
        vector[commit.origin] = commit.seq
        stamp = (commit.hlc, commit.origin)
        for change in commit.changes:
            where = (change.table, change.key)
            current = rows.get(where)
            if current is not None and (current.stored.hlc, current.stored.origin) >= stamp:
                continue
            body = None if change.row is None else encode_row(change.row)
            stored = StoredRow(change.table, change.key, commit.hlc, commit.origin, body)
            rows[where] = SnapshotRow(stored, change.row)
    return rows, vector

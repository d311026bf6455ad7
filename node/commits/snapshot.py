"""Snapshots: a replica's every row (live and tombstone, with stamps) and version vector.

A node that is new, or whose version vector is below a peer's log floor (the commits it needs
were purged), asks a peer for a snapshot and installs it with `State.install_staged`.

The stream form (version 2) is a sequence of chunks, each one msgpack value, so neither side
ever holds the encoded snapshot whole (the sender reads rows a page at a time from a copy
frozen inside SQLite; the receiver stages each chunk's rows in a temporary table):

    [2, "header", vector, floors]
    [2, "rows", [[table, key, hlc, origin, body], ...]]      (any number of these)
    [2, "end", row_count, sha256]

`sha256` covers every chunk before the trailer, each prefixed by its length (8 bytes, big
endian). `SnapshotDecoder` checks each chunk as it arrives; the receiver stages rows and
installs nothing until the trailer checked out, so a truncated, reordered or corrupted stream
is refused and changes nothing.

The whole form (version 1), one msgpack value `[1, vector, floors, rows]`, is what members of
earlier versions send and ask for (the unary Peer.Snapshot call, at most one 64 MB message).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import msgpack

from iamstore.node.commits.codec import CodecError, Commit, StoredRow, decode_row
from iamstore.node.domain.entities import Row

SNAPSHOT_VERSION = 1  # the whole form
STREAM_VERSION = 2  # the chunked form
# Bytes of rows per chunk: far below gRPC's message limit, large enough to amortize a call.
CHUNK_BYTES = 1 << 20

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
    decoded_floors = _decode_floors(vector, floors)
    decoded_rows: list[SnapshotRow] = []
    seen: set[Key] = set()
    for item in rows:
        stored = _decode_stored(item)
        if (stored.table, stored.key) in seen:
            raise CodecError(f"snapshot holds `{stored.table}/{stored.key}` twice")
        seen.add((stored.table, stored.key))
        decoded_rows.append(SnapshotRow(stored, decode_stored_row(stored)))
    return Snapshot(dict(vector), decoded_floors, tuple(decoded_rows))


def decode_stored_row(stored: StoredRow) -> Row | None:
    """The row a stored image holds (None for a tombstone), checked against its key."""
    row = None if stored.body is None else decode_row(stored.table, stored.body)
    if row is not None and row.key != stored.key:
        raise CodecError(f"snapshot row key `{stored.key}` does not match its row")
    return row


@dataclass(frozen=True, slots=True)
class SnapshotHeader:
    vector: dict[str, int]
    # Per origin, (seq, hlc) below which the receiver's log holds nothing (see Snapshot).
    floors: dict[str, tuple[int, int]]


def _framed(hasher: hashlib._Hash, chunk: bytes) -> bytes:
    hasher.update(len(chunk).to_bytes(8, "big"))
    hasher.update(chunk)
    return chunk


def _pack(value: object) -> bytes:
    return msgpack.packb(value, use_bin_type=True)  # type: ignore[no-any-return]


class SnapshotEncoder:
    """Turns a replica, fed a page of rows at a time, into stream chunks."""

    def __init__(
        self,
        vector: Mapping[str, int],
        floors: Mapping[str, tuple[int, int]],
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self._hasher = hashlib.sha256()
        self._chunk_bytes = chunk_bytes
        self._pending: list[list[object]] = []
        self._pending_bytes = 0
        self._rows = 0
        self._header = [dict(vector), {o: [s, floors.get(o, (0, 0))[1]] for o, s in vector.items()}]

    def header(self) -> bytes:
        return _framed(self._hasher, _pack([STREAM_VERSION, "header", *self._header]))

    def rows(self, rows: Iterable[StoredRow]) -> Iterator[bytes]:
        """The chunks these rows fill (rows left over wait for the next call or `end`)."""
        for r in rows:
            self._pending.append([r.table, r.key, r.hlc, r.origin, r.body])
            self._pending_bytes += len(r.table) + len(r.key) + len(r.body or b"") + 32
            self._rows += 1
            if self._pending_bytes >= self._chunk_bytes:
                yield self._flush()

    def _flush(self) -> bytes:
        chunk = _pack([STREAM_VERSION, "rows", self._pending])
        self._pending, self._pending_bytes = [], 0
        return _framed(self._hasher, chunk)

    def end(self) -> Iterator[bytes]:
        """The last rows, then the trailer."""
        if self._pending:
            yield self._flush()
        yield _pack([STREAM_VERSION, "end", self._rows, self._hasher.hexdigest()])


def restream(snapshot: Snapshot, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """A whole-form snapshot (from a member of an earlier version) as stream chunks."""
    encoder = SnapshotEncoder(snapshot.vector, snapshot.floors, chunk_bytes)
    yield encoder.header()
    yield from encoder.rows(r.stored for r in snapshot.rows)
    yield from encoder.end()


def _decode_floors(
    vector: Mapping[str, int], floors: Mapping[object, object]
) -> dict[str, tuple[int, int]]:
    decoded: dict[str, tuple[int, int]] = {}
    for origin, floor in floors.items():
        if not (isinstance(floor, list) and len(floor) == 2 and all(map(_is_count, floor))):
            raise CodecError(f"malformed snapshot floor for `{origin}`")
        if vector.get(str(origin)) != floor[0]:
            raise CodecError(f"snapshot floor for `{origin}` disagrees with its vector")
        decoded[str(origin)] = (floor[0], floor[1])
    return decoded


def _decode_stored(item: object) -> StoredRow:
    """One row of a snapshot, checked for shape (its body is decoded when installed)."""
    if not (isinstance(item, list) and len(item) == 5):
        raise CodecError("malformed snapshot row")
    table, key, hlc, origin, body = item
    if not (isinstance(table, str) and isinstance(key, str) and isinstance(origin, str)):
        raise CodecError("malformed snapshot row key")
    if not _is_count(hlc) or not (body is None or isinstance(body, bytes)):
        raise CodecError(f"malformed snapshot row `{table}/{key}`")
    return StoredRow(table, key, hlc, origin, body)


class SnapshotDecoder:
    """Checks a snapshot stream chunk by chunk; `finish` says whether it arrived whole.

    Anything out of order, malformed, of an unknown version, or not matching the trailer's
    row count and digest raises CodecError.
    """

    def __init__(self) -> None:
        self._hasher = hashlib.sha256()
        self._rows = 0
        self.header: SnapshotHeader | None = None
        self._complete = False

    def feed(self, chunk: bytes) -> list[StoredRow]:
        """The rows in `chunk` (none for the header and the trailer)."""
        if self._complete:
            raise CodecError("snapshot data after its trailer")
        try:
            items = msgpack.unpackb(chunk, raw=False, strict_map_key=False)
        except (ValueError, TypeError, msgpack.UnpackException) as err:
            raise CodecError(f"undecodable snapshot chunk: {err}") from None
        if not (isinstance(items, list) and len(items) >= 2):
            raise CodecError("malformed snapshot chunk")
        if items[0] != STREAM_VERSION:
            raise CodecError(f"unknown snapshot version `{items[0]}`")
        kind, body = items[1], items[2:]
        if kind == "header" and self.header is None and len(body) == 2:
            vector, floors = body
            if not (isinstance(vector, dict) and isinstance(floors, dict)):
                raise CodecError("malformed snapshot header")
            if not all(isinstance(o, str) and _is_count(s) for o, s in vector.items()):
                raise CodecError("malformed snapshot version vector")
            self.header = SnapshotHeader(dict(vector), _decode_floors(vector, floors))
            _framed(self._hasher, chunk)
            return []
        if self.header is None:
            raise CodecError("snapshot stream without a header first")
        if kind == "rows" and len(body) == 1 and isinstance(body[0], list):
            rows = [_decode_stored(item) for item in body[0]]
            self._rows += len(rows)
            _framed(self._hasher, chunk)
            return rows
        if kind == "end" and len(body) == 2:
            if body != [self._rows, self._hasher.hexdigest()]:
                raise CodecError("snapshot stream does not match its trailer (rows or digest)")
            self._complete = True
            return []
        raise CodecError(f"unexpected snapshot chunk `{kind}`")

    def finish(self) -> SnapshotHeader:
        """The header of a stream that arrived whole; CodecError if it ended early."""
        if not self._complete or self.header is None:
            raise CodecError(f"snapshot stream ended early, after {self._rows} rows")
        return self.header


def extend(
    vector: Mapping[str, int], local: Sequence[Commit]
) -> tuple[dict[str, int], list[Commit]]:
    """The vector after re-applying this node's own logged commits beyond a snapshot's
    `vector`, and those that apply: each must extend its origin's prefix (as in
    `State.apply`); oldest first per origin. Their rows then win over the snapshot's where
    their (hlc, origin) is newer, so nothing this node holds beyond the snapshot is lost."""
    extended = dict(vector)
    applied = []
    for commit in local:
        if commit.seq == extended.get(commit.origin, 0) + 1:
            extended[commit.origin] = commit.seq
            applied.append(commit)
    return extended, applied

"""The commit codec: rows and commits to msgpack bytes and back, shared by storage and peers.

A commit on the wire is either its body (`[1, origin, seq, hlc, actor, action, changes]`) or,
signed by its origin (node/replication/commitsig.py), the envelope
`[2, body bytes, signature, prev]`. `prev` is the link of the origin's previous commit (empty
when the origin does not know it, after a restart), and a commit's link is a SHA-256 over its
`prev` and body: the origin signs the link, so one checked signature vouches for every earlier
commit of the same origin whose link it chains to. The envelope is stored in the log and
relayed as it came, so nothing in it is encoded twice.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgpack

from iamstore.node.domain.entities import ROW_TYPES, Change, Row

CODEC_VERSION = 1
SIGNED_ENVELOPE = 2


class CodecError(Exception):
    """Bytes that are not a well-formed commit or row of a known version."""


@dataclass(frozen=True, slots=True)
class StoredRow:
    """A row image as a replica stores and sends it: its stamp and its encoded body
    (None for a tombstone)."""

    table: str
    key: str
    hlc: int
    origin: str
    body: bytes | None


@dataclass(frozen=True, slots=True)
class Commit:
    """One write transaction: who made it, where, when, and every row image it wrote."""

    origin: str
    seq: int
    hlc: int
    actor: str
    action: str
    changes: tuple[Change, ...]
    # The bytes this commit was decoded from, when it came from a peer: stored in the log as
    # they are instead of encoded again (a commit's identity is the fields above).
    wire: bytes | None = field(default=None, compare=False, repr=False)


_FIELDS: dict[str, tuple[str, ...]] = {
    table: tuple(f.name for f in dataclasses.fields(row_type))
    for table, row_type in ROW_TYPES.items()
}


def row_to_wire(row: Row) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _FIELDS[row.TABLE]}


_FIELD_SETS: dict[str, frozenset[str]] = {
    table: frozenset(names) for table, names in _FIELDS.items()
}


def row_from_wire(table: str, data: object) -> Row:
    return _build_row(table, data, arrays_are_tuples=False)


def _build_row(table: str, data: object, *, arrays_are_tuples: bool) -> Row:
    row_type = ROW_TYPES.get(table)
    if row_type is None or not isinstance(data, dict):
        raise CodecError(f"unknown table `{table}` or malformed row")
    known = _FIELD_SETS[table]
    values: dict[str, Any]
    if arrays_are_tuples and known.issuperset(data):
        values = data  # the common case: nothing to drop, nothing to freeze
    else:
        values = {k: _freeze(v) for k, v in data.items() if k in known}
    try:
        return row_type(**values)
    except TypeError as err:
        raise CodecError(f"malformed `{table}` row: {err}") from None


def _freeze(value: object) -> object:
    """msgpack gives lists; rows hold tuples (tags are tuples of pairs)."""
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def encode_row(row: Row) -> bytes:
    return msgpack.packb(row_to_wire(row), use_bin_type=True)  # type: ignore[no-any-return]


def decode_row(table: str, body: bytes) -> Row:
    try:
        # Arrays as tuples: rows hold tuples, so nothing needs freezing afterwards.
        data = msgpack.unpackb(body, raw=False, use_list=False)
    except (ValueError, msgpack.UnpackException) as err:
        raise CodecError(f"undecodable `{table}` row: {err}") from None
    return _build_row(table, data, arrays_are_tuples=True)


def _changes_body(changes: Sequence[Change]) -> list[list[object]]:
    return [[c.table, c.key, None if c.row is None else row_to_wire(c.row)] for c in changes]


def encode_changes(changes: Sequence[Change]) -> bytes:
    body = _changes_body(changes)
    return msgpack.packb([CODEC_VERSION, body], use_bin_type=True)  # type: ignore[no-any-return]


def decode_changes(data: bytes) -> tuple[Change, ...]:
    try:
        version, body = msgpack.unpackb(data, raw=False)
    except (ValueError, TypeError, msgpack.UnpackException) as err:
        raise CodecError(f"undecodable commit body: {err}") from None
    if version != CODEC_VERSION:
        raise CodecError(f"unknown commit codec version `{version}`")
    return _changes_from_body(body, arrays_are_tuples=False)


def _changes_from_body(body: object, *, arrays_are_tuples: bool) -> tuple[Change, ...]:
    array = tuple if arrays_are_tuples else list
    if not isinstance(body, array):
        raise CodecError("malformed changes")
    changes: list[Change] = []
    for item in body:
        if not (isinstance(item, array) and len(item) == 3):
            raise CodecError("malformed change")
        table, key, row = item
        if not isinstance(table, str) or not isinstance(key, str):
            raise CodecError("malformed change key")
        decoded = (
            None if row is None else _build_row(table, row, arrays_are_tuples=arrays_are_tuples)
        )
        if decoded is not None and decoded.key != key:
            raise CodecError(f"change key `{key}` does not match its row")
        changes.append(Change(table, key, decoded))
    return tuple(changes)


def encode_commit(commit: Commit) -> bytes:
    """A whole commit for the wire: [version, origin, seq, hlc, actor, action, changes]."""
    if commit.wire is not None:
        return commit.wire
    packed = [
        CODEC_VERSION,
        commit.origin,
        commit.seq,
        commit.hlc,
        commit.actor,
        commit.action,
        _changes_body(commit.changes),
    ]
    return msgpack.packb(packed, use_bin_type=True)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Envelope:
    """A signed commit's parts, as its origin made them."""

    body: bytes
    signature: bytes
    prev: bytes  # the link of the origin's previous commit, or b"" when it did not know it

    @property
    def link(self) -> bytes:
        return chain_link(self.prev, self.body)


_LINK_LABEL = b"iamstore commit link v1\n"


def chain_link(prev: bytes, body: bytes) -> bytes:
    """What the origin signs, and what its next commit names as `prev`."""
    return hashlib.sha256(_LINK_LABEL + bytes([len(prev)]) + prev + body).digest()


def seal_commit(commit: Commit, sign: Callable[[bytes], bytes], prev: bytes = b"") -> Commit:
    """`commit` as its origin sends it: its body, `prev` and `sign(link)` in the envelope."""
    if len(prev) not in (0, 32):
        raise ValueError("a commit's `prev` is a 32-byte link, or empty")
    body = encode_commit(dataclasses.replace(commit, wire=None))
    envelope = [SIGNED_ENVELOPE, body, sign(chain_link(prev, body)), prev]
    return dataclasses.replace(commit, wire=msgpack.packb(envelope, use_bin_type=True))


def open_envelope(data: bytes) -> Envelope | None:
    """The parts of a signed commit; None for an unsigned one (the body itself)."""
    if not data or data[0] != 0x94:  # a signed envelope is a 4-element array; a body has 7
        return None
    try:
        items = msgpack.unpackb(data, raw=False, use_list=False)
    except (ValueError, TypeError, msgpack.UnpackException) as err:
        raise CodecError(f"undecodable commit envelope: {err}") from None
    version, body, signature, prev = items
    if version != SIGNED_ENVELOPE or not (
        isinstance(body, bytes) and isinstance(signature, bytes) and isinstance(prev, bytes)
    ):
        raise CodecError("malformed signed commit envelope")
    if len(prev) not in (0, 32):
        raise CodecError("malformed signed commit envelope: its `prev` is not a link")
    return Envelope(body, signature, prev)


def decode_commit(data: bytes) -> Commit:
    """Decodes a commit from a peer, signed or not (its signature is checked elsewhere);
    anything malformed raises CodecError, nothing half-made."""
    envelope = open_envelope(data)
    if envelope is not None:
        return dataclasses.replace(_decode_body(envelope.body), wire=data)
    return _decode_body(data)


def _decode_body(data: bytes) -> Commit:
    try:
        # Arrays as tuples: rows hold tuples, so nothing needs freezing afterwards.
        items = msgpack.unpackb(data, raw=False, use_list=False)
    except (ValueError, TypeError, msgpack.UnpackException) as err:
        raise CodecError(f"undecodable commit: {err}") from None
    if not isinstance(items, tuple) or len(items) != 7:
        raise CodecError("malformed commit envelope")
    version, origin, seq, hlc, actor, action, body = items
    if version != CODEC_VERSION:
        raise CodecError(f"unknown commit codec version `{version}`")
    if not (isinstance(origin, str) and isinstance(actor, str) and isinstance(action, str)):
        raise CodecError("malformed commit header")
    if not (isinstance(seq, int) and seq > 0 and isinstance(hlc, int) and hlc >= 0):
        raise CodecError("malformed commit sequence or timestamp")
    changes = _changes_from_body(body, arrays_are_tuples=True)
    return Commit(origin, seq, hlc, actor, action, changes, wire=data)


def commit_position(data: bytes) -> tuple[str, int] | None:
    """(origin, seq) of an encoded commit, read without decoding the rest; None when the
    envelope does not start as a commit's does (`decode_commit` then says why)."""
    unpacker = msgpack.Unpacker(raw=False)
    unpacker.feed(data)
    try:
        if data[:1] == b"\x94":  # signed: the body is the envelope's second element
            if unpacker.read_array_header() != 4 or unpacker.unpack() != SIGNED_ENVELOPE:
                return None
            body = unpacker.unpack()
            if not isinstance(body, bytes):
                return None
            unpacker = msgpack.Unpacker(raw=False)
            unpacker.feed(body)
        if unpacker.read_array_header() != 7 or unpacker.unpack() != CODEC_VERSION:
            return None
        origin, seq = unpacker.unpack(), unpacker.unpack()
    except (ValueError, TypeError, msgpack.UnpackException, msgpack.OutOfData):
        return None
    if not (isinstance(origin, str) and isinstance(seq, int)):
        return None
    return origin, seq

"""The format of the stored row images: its version, stamped in the database's `meta` table,
checked when the database opens, and the rewrite of older replicas into the current format.

Formats:
  1  a managed policy's record held its default version id, update date and version counter
     (`default_version`, `updated_ms`, `next_version`): written before policies were split
     into a record, a default-version pointer, version rows and per-node counters.
  2  the split policy rows (node/domain/entities.py).
  3  a field row's key names the incarnation of its entity (`EntityField.key`); what this
     code writes. In format 2 two incarnations of one entity key shared a field row, so a
     late write to a deleted entity's field replaced the same field of the one created
     again: an acknowledged TagX or RemoveClientIDFromOpenIDConnectProvider could be undone.

A database without a stamp is new when it holds no row and no commit; otherwise an earlier
iamstore wrote it, and its policy records say which format (only format 1 records carry
`default_version`). Formats 1 and 2 are rewritten at open (`upgrade_policies`, then
`rekey_fields`); a stamp above
ROW_FORMAT, or one that is not a number, refuses to open: rows this code cannot read would
otherwise vanish silently, as the policies of a format-1 replica did before the stamp.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import msgpack

from iamstore.node.commits.codec import decode_row, encode_row
from iamstore.node.domain.entities import (
    DefaultVersion,
    EntityField,
    PolicyVersion,
    VersionCounter,
)

ROW_FORMAT = 3
ROW_FORMAT_KEY = "row_format"  # its key in the `meta` table


class RowFormatError(Exception):
    """The stored rows are in a format this code cannot read."""


# (table, key, hlc, origin, body), as the `rows` table holds a row.
RowRecord = tuple[str, str, int, str, bytes | None]


def stored_format(stamp: str | None, empty: bool, policy_bodies: Iterable[bytes | None]) -> int:
    """The format the database's rows are in, or RowFormatError when this code cannot read it."""
    if stamp is None:
        if empty:
            return ROW_FORMAT
        return 1 if any(_old_policy(body) is not None for body in policy_bodies) else 2
    if not stamp.isdigit() or int(stamp) > ROW_FORMAT:
        raise RowFormatError(
            f"the data folder's rows are in format `{stamp}`, written by a newer iamstore (this "
            f"one reads formats up to {ROW_FORMAT}): run that newer version on it, or start "
            "this one on a fresh data folder and let it bootstrap from the cluster"
        )
    return int(stamp)


@dataclass(frozen=True, slots=True)
class _OldPolicy:
    default_version: str
    updated_ms: int
    next_version: int


def _old_policy(body: bytes | None) -> _OldPolicy | None:
    """A format-1 policy record's default version, update date and counter (None otherwise)."""
    if body is None:
        return None
    try:
        data = msgpack.unpackb(body, raw=False)
    except (ValueError, msgpack.UnpackException):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("default_version"), str):
        return None
    updated, counter = data.get("updated_ms"), data.get("next_version")
    return _OldPolicy(
        data["default_version"],
        updated if isinstance(updated, int) else 0,
        counter if isinstance(counter, int) else 1,
    )


def upgrade_policies(
    policies: Iterable[RowRecord],
    versions: Mapping[str, RowRecord],
    defaults: frozenset[str],
) -> list[RowRecord]:
    """The rows that turn format-1 policies into format 2: for each live record carrying its
    default (and no pointer yet), a default-version pointer with a copy of that version's
    document, and a version counter at the highest number it had handed out, so no number is
    handed out again. `versions` are the live `policy_version` rows by key.

    Each new row carries its policy record's own stamp (hlc, origin): replicas that held the
    same rows when they upgraded write the same rows, and agree. A default whose version row
    is gone (a concurrent delete of earlier versions could leave one) points at the newest
    remaining version instead; a policy with no version at all stays hidden, granting
    nothing, as it did.
    """
    out: list[RowRecord] = []
    for _, policy_id, hlc, origin, body in policies:
        old = _old_policy(body)
        if old is None or policy_id in defaults:
            continue
        prefix = f"{policy_id}/"
        mine = [_version(record) for key, record in versions.items() if key.startswith(prefix)]
        kept = {v.version_id: v for v in mine if v is not None}
        if not kept:
            continue
        chosen = kept.get(old.default_version) or max(
            kept.values(), key=lambda v: (v.created_ms, v.version_id)
        )
        pointer = DefaultVersion(
            policy_id, chosen.version_id, chosen.document, chosen.created_ms, old.updated_ms
        )
        counter = VersionCounter(policy_id, origin, max(0, old.next_version - 1))
        for row in (pointer, counter):
            out.append((row.TABLE, row.key, hlc, origin, encode_row(row)))
    return out


def _version(record: RowRecord) -> PolicyVersion | None:
    body = record[4]
    row = None if body is None else decode_row(PolicyVersion.TABLE, body)
    return row if isinstance(row, PolicyVersion) else None


def rekey_fields(fields: Iterable[RowRecord]) -> tuple[list[str], list[RowRecord]]:
    """Formats 1 and 2 to 3: each live field row under its key with the incarnation in it.
    Returns the old keys to delete and the rows to write, each with its own stamp, so that
    replicas that held the same rows write the same rows. Tombstones keep their old keys: no
    write made from now on names them, and a row they once shadowed was deleted with them."""
    old_keys: list[str] = []
    rows: list[RowRecord] = []
    for table, key, hlc, origin, body in fields:
        row = None if body is None else decode_row(EntityField.TABLE, body)
        if not isinstance(row, EntityField) or row.key == key:
            continue
        old_keys.append(key)
        rows.append((table, row.key, hlc, origin, body))
    return old_keys, rows

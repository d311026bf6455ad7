"""The merge rule: which of two images of one row a replica keeps, whatever order they came in.

Every row is a last-writer-wins register on (hlc, origin), with one exception: a row of an
entity keyed by its immutable unique id (AIDA…, AGPA…, AROA…, ANPA…, AKIA…, MFA and instance
profile ids) is never written again once deleted. Such an id is never reused (a re-created
name gets a new one), so a tombstone there means "this entity is gone for good", and a put
that loses to it is an update made concurrently with the delete: UpdateAccessKey, TagUser,
UpdateRole, TagPolicy, ... The delete wins, so a deleted key, user or role never comes back
(docs/replication.md). Commutative, associative and idempotent: the kept image is the
tombstone if any image is one, else the newest put. The rule holds while the tombstone is kept;
it is purged only once every member has applied it (node/replication/purge.py), after which no
member can plan an update of the entity any more.
"""

from __future__ import annotations

Stamp = tuple[int, str]  # (hlc, origin)

# INVARIANT: the kept image of a row is one side's image, and rows are split by intent
# (node/domain/versions.py, node/domain/fields.py), so a merged entity is, field by field,
# what one of the writers intended: no merge grants what neither side granted, and a Deny
# both sides kept stays (docs/replication.md, "Concurrent writes on different nodes").

# INVARIANT: every table here is keyed by an id that is never reused (node/ids.py).
DELETE_IS_FINAL = frozenset(
    {"user", "group", "role", "policy", "access_key", "mfa_device", "instance_profile"}
)


def wins(
    table: str, new: Stamp, new_deleted: bool, current: Stamp | None, current_deleted: bool
) -> bool:
    """Whether the new image replaces the current one (None: there is none)."""
    if current is None:
        return True
    if table in DELETE_IS_FINAL and new_deleted != current_deleted:
        return new_deleted
    return new > current


def sql_newer_wins(table: str) -> str:
    """The same rule as an SQLite upsert clause over `table`'s (tbl, key, hlc, origin, body)."""
    final = ", ".join(f"'{name}'" for name in sorted(DELETE_IS_FINAL))
    newer = (
        f"(excluded.hlc > {table}.hlc "
        f"OR (excluded.hlc = {table}.hlc AND excluded.origin > {table}.origin))"
    )
    return (
        "ON CONFLICT (tbl, key) DO UPDATE SET hlc = excluded.hlc, "
        "origin = excluded.origin, body = excluded.body "
        f"WHERE CASE WHEN {table}.tbl IN ({final}) "
        f"AND (excluded.body IS NULL) != ({table}.body IS NULL) "
        f"THEN excluded.body IS NULL ELSE {newer} END"
    )

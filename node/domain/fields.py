"""Per-field rows: which fields of which entities update operations write on their own, and
how the view lays them over the entity row (pure).

INVARIANT: an entity's own row is written only by its creation and its deletion; every update
writes field rows. A deletion is planned on a replica that holds the entity, so its tombstone
is newer than the creation on every replica: an update concurrent with a delete leaves only a
field row whose entity is gone (it composes into nothing), and purging the tombstone, which
waits until every older write of its row is everywhere (node/replication/purge.py), can never
let the entity come back. (The simulation found the alternative, "a delete wins over any put of
the entity row", diverging once a tombstone was purged before a later put arrived: seed 617.)

INVARIANT: each field row holds one writer's value, so a merged entity is, field by field, what
one of the writers intended: no merge grants what neither side granted (docs/replication.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from iamstore.node.domain.entities import Change, EntityField, FieldValue, Row, Tags

TAG = "tag:"
CLIENT = "client:"
# Separates a pair's halves in a field holding pairs (neither an ARN nor an id holds it).
_PAIR = "\x1f"

# The fields each entity's update operations write as rows of their own, with their types.
# INVARIANT: nothing else is ever laid over an entity: ids, accounts and creation times are
# the entity's own, whatever a peer sends (an unknown field or type is ignored).
_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "user": {"name": (str,), "path": (str,)},
    "group": {"name": (str,), "path": (str,)},
    "role": {
        "description": (str, type(None)),
        "max_session_duration": (int,),
        "max_signin_session_duration": (int, type(None)),
        "trust_policy": (str,),
        "trust_pins": (tuple,),
    },
    "oidc_provider": {"thumbprints": (tuple,)},
    "saml_provider": {
        "metadata_document": (str,),
        "entity_id": (str,),
        "certificates": (tuple,),
        "valid_until_ms": (int, type(None)),
    },
    "server_certificate": {"name": (str,), "path": (str,)},
    "signing_certificate": {"status": (str,)},
    "ssh_public_key": {"status": (str,)},
    "service_credential": {"status": (str,)},
    "login_profile": {
        "password_hash": (str,),
        "previous_hashes": (tuple,),
        "password_set_ms": (int,),
        "reset_required": (bool,),
        "max_signin_session_duration": (int, type(None)),
    },
    "mfa_device": {
        "user_id": (str, type(None)),
        "enabled_ms": (int, type(None)),
        "drift_steps": (int,),
    },
    "access_key": {"status": (str,)},
}
# TagX/UntagX write one row per tag key, for every taggable kind (node/domain/tagging.py).
_TAGGED = frozenset(
    {
        "user",
        "role",
        "policy",
        "saml_provider",
        "instance_profile",
        "mfa_device",
        "oidc_provider",
        "server_certificate",
    }
)
_CLIENTS = frozenset({"oidc_provider"})  # Add/RemoveClientID write one row per client id


def put(entity: Row, name: str, value: FieldValue) -> Change:
    """The row setting field `name` of `entity` to `value`."""
    created_ms = getattr(entity, "created_ms", 0)
    return Change.put(EntityField(entity.TABLE, entity.key, name, value, created_ms))


def pin_changes(role: Row, pins: tuple[tuple[str, str], ...]) -> list[Change]:
    """The trust policy's pins (ARN as written, unique id) as the role's `trust_pins` field,
    written in the same commit as its `trust_policy` field: both carry one stamp, so the merge
    keeps a document and the pins computed for it together."""
    return [put(role, "trust_pins", tuple(f"{arn}{_PAIR}{uid}" for arn, uid in pins))]


def tag_changes(entity: Row, tags: Tags) -> list[Change]:
    """TagX: one row per key (so tags of different keys never undo each other)."""
    return [put(entity, TAG + key, value) for key, value in tags]


def untag_changes(entity: Row, keys: list[str] | tuple[str, ...]) -> list[Change]:
    """UntagX: each key marked removed (a row, not a tombstone: it must also hide a tag the
    entity was created with, which lives in the entity row)."""
    present = {key for key, _ in getattr(entity, "tags", ())}
    return [put(entity, TAG + key, None) for key in keys if key in present]


def dropped(fields: Mapping[str, EntityField]) -> list[Change]:
    """Tombstones for every field row of an entity being deleted."""
    return [Change.delete(row) for row in fields.values()]


def _typed(table: str, name: str, value: FieldValue) -> bool:
    if name.startswith(TAG):
        return table in _TAGGED and (value is None or isinstance(value, str))
    if name.startswith(CLIENT):
        return table in _CLIENTS and isinstance(value, bool)
    types = _FIELDS.get(table, {}).get(name)
    if types is None or (isinstance(value, bool) and bool not in types):
        return False
    return isinstance(value, types)


def compose(base: Row, fields: Mapping[str, EntityField]) -> Row:
    """The entity as reads see it: `base` with each of its field rows laid over it (`fields`
    by row key, of any incarnation: only those of `base`'s own count)."""
    values: dict[str, object] = {}
    tags: dict[str, str | None] = {}
    clients: dict[str, bool] = {}
    created_ms = getattr(base, "created_ms", 0)
    for row in sorted(fields.values(), key=lambda r: r.name):
        name = row.name
        if row.of_created_ms != created_ms or not _typed(base.TABLE, name, row.value):
            continue  # a predecessor's field, or one this version does not know
        if name.startswith(TAG):
            tags[name[len(TAG) :]] = row.value  # type: ignore[assignment]
        elif name.startswith(CLIENT):
            clients[name[len(CLIENT) :]] = bool(row.value)
        elif name == "trust_pins" and isinstance(row.value, tuple):
            values[name] = tuple(tuple(item.split(_PAIR, 1)) for item in row.value)
        else:
            values[name] = row.value
    if tags:
        # Tags the entity was created with keep their order; later ones follow, by key.
        own: Tags = getattr(base, "tags", ())
        kept = [(k, tags.pop(k, v)) for k, v in own]
        merged = [(k, v) for k, v in kept + sorted(tags.items()) if v is not None]
        values["tags"] = tuple(merged)
    if clients:
        own_ids: tuple[str, ...] = getattr(base, "client_ids", ())
        kept_ids = [c for c in own_ids if clients.pop(c, True)]
        values["client_ids"] = tuple(kept_ids + sorted(c for c, on in clients.items() if on))
    if not values:
        return base
    # Each value was checked against the field's type above (`_typed`), which mypy cannot
    # follow through the union of row types.
    return dataclasses.replace(base, **values)  # type: ignore[arg-type]


COMPOSED = frozenset(_FIELDS) | _TAGGED | _CLIENTS

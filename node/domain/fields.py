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

# The kinds whose tag keys ignore case, keeping the latest spelling (IAM User Guide, "Tagging
# IAM resources", Case sensitivity, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html:
# users and roles; customer managed policies, instance profiles, identity providers, server
# certificates and virtual MFA devices keep case-sensitive keys). Their tag rows are keyed by
# the lower-cased key and hold the pair (key as written, value), so TagUser of `Dept` and of
# `dept` on two nodes at once write ONE row, and its last writer wins, spelling and value.
# INVARIANT: a composed user or role holds no two tags whose keys differ only in case.
_CASELESS_TAGS = frozenset({"user", "role"})


def tag_keys_ignore_case(table: str) -> bool:
    """Whether the tag keys of entities of `table` are one key whatever their case."""
    return table in _CASELESS_TAGS


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
    """TagX: one row per key (so tags of different keys never undo each other); for users and
    roles the row of the lower-cased key, holding the key as written with its value."""
    if tag_keys_ignore_case(entity.TABLE):
        return [put(entity, TAG + key.lower(), (key, value)) for key, value in tags]
    return [put(entity, TAG + key, value) for key, value in tags]


def untag_changes(entity: Row, keys: list[str] | tuple[str, ...]) -> list[Change]:
    """UntagX: each key marked removed (a row, not a tombstone: it must also hide a tag the
    entity was created with, which lives in the entity row). For users and roles a key names
    the tag whatever its case (UntagUser of `DEPT` removes `Dept`)."""
    present: Tags = getattr(entity, "tags", ())
    if tag_keys_ignore_case(entity.TABLE):
        folded = {key.lower() for key, _ in present}
        named = {key.lower() for key in keys}
        return [put(entity, TAG + key, None) for key in sorted(named & folded)]
    exact = {key for key, _ in present}
    return [put(entity, TAG + key, None) for key in keys if key in exact]


def dropped(fields: Mapping[str, EntityField]) -> list[Change]:
    """Tombstones for every field row of an entity being deleted."""
    return [Change.delete(row) for row in fields.values()]


def _typed(table: str, name: str, value: FieldValue) -> bool:
    if name.startswith(TAG):
        if table not in _TAGGED:
            return False
        if value is None or isinstance(value, str):
            return True  # a value, or a removal (also as an earlier version wrote it)
        # A (key as written, value) pair, only under the lower-cased key of a user or role.
        return (
            table in _CASELESS_TAGS
            and name == name.lower()
            and isinstance(value, tuple)
            and len(value) == 2
            and all(isinstance(part, str) for part in value)
            and value[0].lower() == name[len(TAG) :]
        )
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
    tags: dict[str, FieldValue] = {}
    clients: dict[str, bool] = {}
    created_ms = getattr(base, "created_ms", 0)
    for row in sorted(fields.values(), key=lambda r: r.name):
        name = row.name
        if row.of_created_ms != created_ms or not _typed(base.TABLE, name, row.value):
            continue  # a predecessor's field, or one this version does not know
        if name.startswith(TAG):
            tags[name[len(TAG) :]] = row.value
        elif name.startswith(CLIENT):
            clients[name[len(CLIENT) :]] = bool(row.value)
        elif name == "trust_pins" and isinstance(row.value, tuple):
            values[name] = tuple(tuple(item.split(_PAIR, 1)) for item in row.value)
        else:
            values[name] = row.value
    own: Tags = getattr(base, "tags", ())
    if tags or (own and base.TABLE in _CASELESS_TAGS):
        # (Without tag rows a user's or role's own tags change only when an earlier version
        # stored keys differing only in case.)
        shown_tags = _composed_tags(base.TABLE, own, tags)
        if shown_tags != own:
            values["tags"] = shown_tags
    if clients:
        own_ids: tuple[str, ...] = getattr(base, "client_ids", ())
        kept_ids = [c for c in own_ids if clients.pop(c, True)]
        values["client_ids"] = tuple(kept_ids + sorted(c for c, on in clients.items() if on))
    if not values:
        return base
    # Each value was checked against the field's type above (`_typed`), which mypy cannot
    # follow through the union of row types.
    return dataclasses.replace(base, **values)  # type: ignore[arg-type]


def _composed_tags(table: str, own: Tags, rows: Mapping[str, FieldValue]) -> Tags:
    """The entity's tags: those it was created with (`own`, in their order) with its tag rows
    (`rows`, by the key in the row's name) laid over them; later keys follow, by key."""
    exact: dict[str, str | None] = dict(own)
    pairs: dict[str, tuple[str, str] | None] = {}  # users and roles: by lower-cased key
    for key, value in rows.items():
        text = value if isinstance(value, str) else None  # `_typed`: a str, a pair or None
        if isinstance(value, tuple):
            pairs[key] = (value[0], value[1])
        elif table in _CASELESS_TAGS and key == key.lower():
            pairs[key] = None if text is None else (key, text)
        else:
            exact[key] = text
    if table not in _CASELESS_TAGS:
        kept = [(k, exact.pop(k)) for k, _ in own]
        return tuple((k, v) for k, v in kept + sorted(exact.items()) if v is not None)
    # Users and roles. The row of a lower-cased key is the latest TagX/UntagX of that key in
    # any case, so it decides. Without one, the tags an earlier version kept by exact key
    # (in the entity row, or rows `tag:<Key>` it wrote; they may differ only in case) show
    # the one whose key sorts last, so every replica shows the same one; the next TagX or
    # UntagX of the key in any case replaces them all (a read-time merge: stored rows are
    # never rewritten, and an old commit still in a peer's log reads the same way).
    chosen: dict[str, tuple[str, str] | None] = dict(pairs)
    for key, value in sorted(exact.items()):
        folded = key.lower()
        if folded not in pairs and value is not None:
            chosen[folded] = (key, value)
    order = {k.lower(): i for i, (k, _) in reversed(list(enumerate(own)))}
    shown = [pair for _, pair in sorted(chosen.items()) if pair is not None]
    shown.sort(key=lambda pair: (order.get(pair[0].lower(), len(order)), pair[0]))
    return tuple(shown)


COMPOSED = frozenset(_FIELDS) | _TAGGED | _CLIENTS

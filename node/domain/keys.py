"""Access keys of users and of an account's root: at most two each, Active or Inactive."""

from __future__ import annotations

from iamstore.node.domain import fields
from iamstore.node.domain.entities import ROOT_OWNER_PREFIX, AccessKey, Change, KeyStatus
from iamstore.node.domain.errors import LimitExceeded, NoSuchEntity, ValidationError
from iamstore.node.domain.rules import Page, paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext


def create(
    view: View, ctx: WriteContext, owner_id: str, access_key_id: str, sealed_secret: bytes
) -> tuple[list[Change], AccessKey]:
    if len(view.keys_of.get(owner_id, ())) >= ctx.quotas.access_keys_per_user:
        raise LimitExceeded(
            f"Cannot exceed quota for AccessKeysPerUser: {ctx.quotas.access_keys_per_user}"
        )
    key = AccessKey(
        access_key_id=access_key_id,
        account_id=ctx.account_id,
        owner_id=owner_id,
        sealed_secret=sealed_secret,
        status=KeyStatus.ACTIVE,
        created_ms=ctx.now_ms,
    )
    return [Change.put(key)], key


def owned(view: View, account_id: str, owner_id: str, access_key_id: str) -> AccessKey:
    """The key, if `account_id`'s and `owner_id`'s: a key another account left naming a
    deleted user's id (now another account's) is not that user's (see `_Named.live`)."""
    key = view.access_keys.get(access_key_id)
    if key is None or key.owner_id != owner_id or key.account_id != account_id:
        raise NoSuchEntity(
            f"The Access Key with id {access_key_id} cannot be found.", "AccessKeyId"
        )
    return key


def listed(
    view: View, account_id: str, owner_id: str, marker: str | None, max_items: int | None
) -> Page[AccessKey]:
    found = (view.access_keys[k] for k in view.keys_of.get(owner_id, ()))
    keys = [key for key in found if key.account_id == account_id]
    return paginate(keys, lambda k: k.access_key_id, marker, max_items)


def update(
    view: View, account_id: str, owner_id: str, access_key_id: str, status: str
) -> list[Change]:
    if status not in KeyStatus.ALL:
        raise ValidationError(
            f"1 validation error detected: Value '{status}' at 'status' failed to satisfy "
            "constraint: Member must satisfy enum value set: [Active, Inactive]",
            "Status",
        )
    key = owned(view, account_id, owner_id, access_key_id)
    # A field row: the key's own row is written only by CreateAccessKey and DeleteAccessKey.
    return [fields.put(key, "status", status)]


def delete(view: View, account_id: str, owner_id: str, access_key_id: str) -> list[Change]:
    key = owned(view, account_id, owner_id, access_key_id)
    return [Change.delete(key), *fields.dropped(view.fields_of(key))]


def is_root_key(key: AccessKey) -> bool:
    return key.owner_id.startswith(ROOT_OWNER_PREFIX)

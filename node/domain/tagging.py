"""Tagging any taggable IAM entity (users, roles, customer managed policies, instance
profiles, MFA devices, OIDC and SAML providers, server certificates): one way for every kind.

TagX and UntagX write one field row per tag key (node/domain/fields.py), never the entity
row, so tags of different keys, an untag, a change of the entity on another node and the tag
changes all survive the merge; the same key written twice keeps the later write. (Instance
profiles, MFA devices, OIDC providers and server certificates once kept their tags as one
whole-set `Tagging` row: the later of two concurrent tag changes replaced the other, losing an
acknowledged tag or bringing back an untagged key. Such rows, written by earlier versions,
are still read, under the field rows, and never written again: node/domain/view.py.)

The tag keys of users and roles ignore case, keeping the latest spelling (`Dept` and `dept` are
one key and one row: `fields.tag_keys_ignore_case`); those of every other kind are
case-sensitive, as AWS documents.
"""

from __future__ import annotations

from collections.abc import Sequence

from iamstore.node.domain import fields
from iamstore.node.domain.entities import (
    WHOLE_SET_TAGGED,
    Change,
    InstanceProfile,
    ManagedPolicy,
    MfaDevice,
    OidcProvider,
    Role,
    SamlProvider,
    ServerCertificate,
    User,
    tagged_key,
)
from iamstore.node.domain.rules import check_tags
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

Taggable = (
    User
    | Role
    | ManagedPolicy
    | InstanceProfile
    | MfaDevice
    | OidcProvider
    | SamlProvider
    | ServerCertificate
)


def tag(
    view: View, ctx: WriteContext, entity: Taggable, tags: Sequence[tuple[str, str]]
) -> list[Change]:
    """TagX: adds or replaces tags, within IAM's tag rules and the tags-per-entity quota.

    The quota is checked against the replica's view, so TagX on two nodes at once can leave
    more than 50 tags: every acknowledged tag is kept (no write is lost), and each further
    TagX that would leave more than the quota is refused (LimitExceeded, changing nothing),
    even one only replacing a value, until UntagX brings the entity below it. (AWS: 50 tags
    per resource, and a request exceeding it fails whole, changing nothing:
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagUser.html)
    """
    check_tags(entity.tags, tags, ctx.quotas, ignore_case=fields.tag_keys_ignore_case(entity.TABLE))
    return fields.tag_changes(entity, tuple(tags))


def untag(entity: Taggable, keys: Sequence[str]) -> list[Change]:
    """UntagX: removes tags by key; a key the entity does not have is ignored (AWS)."""
    return fields.untag_changes(entity, tuple(keys))


def dropped(view: View, entity: Taggable) -> list[Change]:
    """The tombstones a deletion of `entity` writes for its tags and other field rows, and
    for the whole-set tag row an earlier version may have written for it."""
    changes = fields.dropped(view.fields_of(entity))
    if isinstance(entity, WHOLE_SET_TAGGED):
        legacy = view.taggings.get(tagged_key(entity))
        if legacy is not None:
            changes.append(Change.delete(legacy))
    return changes

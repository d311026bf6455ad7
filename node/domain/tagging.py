"""Tags of instance profiles, MFA devices and OIDC providers, kept in Tagging rows of their own.

Tag*/Untag* write only the entity's Tagging row (see entities.Tagging), never the entity row,
so a concurrent change to the entity on another node and a tag change both survive the merge.
"""

from __future__ import annotations

from collections.abc import Sequence

from iamstore.node.domain.entities import (
    Change,
    InstanceProfile,
    MfaDevice,
    OidcProvider,
    ServerCertificate,
    Tagging,
    tagged_key,
)
from iamstore.node.domain.rules import check_tags, remove_tags
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

Taggable = InstanceProfile | MfaDevice | OidcProvider | ServerCertificate


def tag(
    view: View, ctx: WriteContext, entity: Taggable, tags: Sequence[tuple[str, str]]
) -> list[Change]:
    """Adds or replaces tags, within the tags-per-entity quota (IAM's tag rules)."""
    merged = check_tags(view.tags_of(entity), tags, ctx.quotas)
    return [Change.put(Tagging(tagged_key(entity), merged))]


def untag(view: View, entity: Taggable, keys: Sequence[str]) -> list[Change]:
    """Removes tags by key; a key the entity does not have is ignored (AWS)."""
    return [Change.put(Tagging(tagged_key(entity), remove_tags(view.tags_of(entity), keys)))]


def forget(view: View, entity: Taggable) -> list[Change]:
    """The tombstone of a deleted entity's Tagging row, if it has one."""
    tagging = view.taggings.get(tagged_key(entity))
    return [] if tagging is None else [Change.delete(tagging)]

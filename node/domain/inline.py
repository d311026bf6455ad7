"""Inline policies embedded in a user, group or role, within IAM's aggregate size quotas."""

from __future__ import annotations

from iamstore.node.domain import documents, protected
from iamstore.node.domain.entities import Change, Group, InlinePolicy, Role, User
from iamstore.node.domain.errors import LimitExceeded, NoSuchEntity
from iamstore.node.domain.rules import Page, paginate, policy_size
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.policy import PolicyKind

Owner = User | Group | Role


def _quota(owner: Owner, ctx: WriteContext) -> tuple[str, int]:
    match owner:
        case User():
            return "UserPolicySize", ctx.quotas.user_inline_chars
        case Group():
            return "GroupPolicySize", ctx.quotas.group_inline_chars
        case Role():
            return "RolePolicySize", ctx.quotas.role_inline_chars
    raise TypeError(owner)  # pragma: no cover - exhaustive above


def put(view: View, ctx: WriteContext, owner: Owner, name: str, document: str) -> list[Change]:
    """Adds or replaces an inline policy; the sizes of all of the owner's inline policies count."""
    protected.check_modifiable(owner)
    documents.check(document, PolicyKind.IDENTITY)
    oid = owner.entity_id
    others = sum(policy_size(p.document) for n, p in view.inline.get(oid, {}).items() if n != name)
    quota_name, quota = _quota(owner, ctx)
    if others + policy_size(document) > quota:
        raise LimitExceeded(
            f"Maximum policy size of {quota} bytes exceeded for {type(owner).__name__.lower()} "
            f"{owner.name} (quota {quota_name})",
            "PolicyDocument",
        )
    return [Change.put(InlinePolicy(oid, name, document))]


def get(view: View, owner: Owner, name: str) -> InlinePolicy:
    found = view.inline.get(owner.entity_id, {}).get(name)
    if found is None:
        kind = type(owner).__name__.lower()
        raise NoSuchEntity(f"The {kind} policy with name {name} cannot be found.", "PolicyName")
    return found


def delete(view: View, owner: Owner, name: str) -> list[Change]:
    protected.check_modifiable(owner)
    return [Change.delete(get(view, owner, name))]


def names(view: View, owner: Owner, marker: str | None, max_items: int | None) -> Page[str]:
    return paginate(list(view.inline.get(owner.entity_id, {})), lambda n: n, marker, max_items)

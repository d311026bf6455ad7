"""IAM groups and group membership."""

from __future__ import annotations

from iamstore.node.domain import fields, lookup
from iamstore.node.domain.entities import Change, Group, Membership, User
from iamstore.node.domain.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
)
from iamstore.node.domain.rules import Page, paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext


def create(view: View, ctx: WriteContext, name: str, path: str) -> tuple[list[Change], Group]:
    if view.groups.named(ctx.account_id, name) is not None:
        raise EntityAlreadyExists(f"Group with name {name} already exists.", "GroupName")
    if view.groups.count(ctx.account_id) >= ctx.quotas.groups_per_account:
        raise LimitExceeded(
            f"Cannot exceed quota for GroupsPerAccount: {ctx.quotas.groups_per_account}"
        )
    group = Group(ctx.new_id("AGPA"), ctx.account_id, name, path, ctx.now_ms)
    return [Change.put(group)], group


def listed(
    view: View, account_id: str, path_prefix: str, marker: str | None, max_items: int | None
) -> Page[Group]:
    groups = [g for g in view.groups.in_account(account_id) if g.path.startswith(path_prefix)]
    return paginate(groups, lambda g: g.name.lower(), marker, max_items)


def members(view: View, group: Group, marker: str | None, max_items: int | None) -> Page[User]:
    users = view.users.live(view.members.of(group.group_id), group.account_id)
    return paginate(users, lambda u: u.name.lower(), marker, max_items)


def of_user(view: View, user: User, marker: str | None, max_items: int | None) -> Page[Group]:
    groups = view.groups.live(view.members.to(user.user_id), user.account_id)
    return paginate(groups, lambda g: g.name.lower(), marker, max_items)


def update(
    view: View, ctx: WriteContext, name: str, new_name: str | None, new_path: str | None
) -> list[Change]:
    group = lookup.group(view, ctx.account_id, name)
    renaming = new_name is not None and new_name.lower() != group.name.lower()
    if renaming and view.groups.named(ctx.account_id, new_name or "") is not None:
        raise EntityAlreadyExists(f"Group with name {new_name} already exists.", "NewGroupName")
    # Field rows, not the group row: renaming and moving on two nodes both take effect.
    changes = [] if new_name is None else [fields.put(group, "name", new_name)]
    if new_path is not None:
        changes.append(fields.put(group, "path", new_path))
    return changes


def delete(view: View, ctx: WriteContext, name: str) -> list[Change]:
    group = lookup.group(view, ctx.account_id, name)
    gid = group.group_id
    # What the group's listings show counts (see users.delete).
    if view.users.live(view.members.of(gid), group.account_id):
        raise DeleteConflict("Cannot delete entity, must remove users from group first.")
    if view.inline.get(gid):
        raise DeleteConflict("Cannot delete entity, must delete policies first.")
    if view.managed_policies(view.attachments.of(gid), group.account_id):
        raise DeleteConflict("Cannot delete entity, must detach all policies first.")
    return [Change.delete(group), *fields.dropped(view.fields_of(group))]


def add_user(view: View, ctx: WriteContext, group_name: str, user_name: str) -> list[Change]:
    group = lookup.group(view, ctx.account_id, group_name)
    user = lookup.user(view, ctx.account_id, user_name)
    if user.user_id in view.members.of(group.group_id):
        return []  # AWS: adding a member again succeeds and changes nothing
    if len(view.members.to(user.user_id)) >= ctx.quotas.groups_per_user:
        raise LimitExceeded(f"Cannot exceed quota for GroupsPerUser: {ctx.quotas.groups_per_user}")
    return [Change.put(Membership(group.group_id, user.user_id))]


def remove_user(view: View, ctx: WriteContext, group_name: str, user_name: str) -> list[Change]:
    group = lookup.group(view, ctx.account_id, group_name)
    user = lookup.user(view, ctx.account_id, user_name)
    if user.user_id not in view.members.of(group.group_id):
        raise NoSuchEntity(
            f"The user with name {user_name} is not a member of group {group_name}.", "UserName"
        )
    return [Change.delete(Membership(group.group_id, user.user_id))]

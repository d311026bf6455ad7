"""IAM users: create, read, rename, delete and tag, with AWS's conflicts and quotas."""

from __future__ import annotations

from collections.abc import Sequence

from iamstore.node.domain import (
    fields,
    keys,
    lookup,
    service_credentials,
    signing_certificates,
    ssh_keys,
)
from iamstore.node.domain.entities import Boundary, Change, User
from iamstore.node.domain.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded
from iamstore.node.domain.rules import Page, check_tags, paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext


def create(
    view: View,
    ctx: WriteContext,
    name: str,
    path: str,
    tags: Sequence[tuple[str, str]],
    boundary_arn: str | None,
) -> tuple[list[Change], User]:
    if view.users.named(ctx.account_id, name) is not None:
        raise EntityAlreadyExists(f"User with name {name} already exists.", "UserName")
    if view.users.count(ctx.account_id) >= ctx.quotas.users_per_account:
        raise LimitExceeded(
            f"Cannot exceed quota for UsersPerAccount: {ctx.quotas.users_per_account}"
        )
    user = User(
        user_id=ctx.new_id("AIDA"),
        account_id=ctx.account_id,
        name=name,
        path=path,
        created_ms=ctx.now_ms,
        tags=check_tags((), tags, ctx.quotas, ignore_case=True),
    )
    changes = [Change.put(user)]
    if boundary_arn is not None:
        policy = lookup.policy(view, ctx.account_id, boundary_arn, "PermissionsBoundary")
        changes.append(Change.put(Boundary(user.user_id, policy.policy_id)))
    return changes, user


def listed(
    view: View, account_id: str, path_prefix: str, marker: str | None, max_items: int | None
) -> Page[User]:
    users = [u for u in view.users.in_account(account_id) if u.path.startswith(path_prefix)]
    return paginate(users, lambda u: u.name.lower(), marker, max_items)


def update(
    view: View, ctx: WriteContext, name: str, new_name: str | None, new_path: str | None
) -> list[Change]:
    user = lookup.user(view, ctx.account_id, name)
    renaming = new_name is not None and new_name.lower() != user.name.lower()
    if renaming and view.users.named(ctx.account_id, new_name or "") is not None:
        raise EntityAlreadyExists(f"User with name {new_name} already exists.", "NewUserName")
    # Field rows, not the user row: a concurrent TagUser (or the other field) is kept.
    changes = [] if new_name is None else [fields.put(user, "name", new_name)]
    if new_path is not None:
        changes.append(fields.put(user, "path", new_path))
    return changes


def delete(view: View, ctx: WriteContext, name: str) -> list[Change]:
    """Deletes a user that owns nothing any more (AWS DeleteUser's preconditions).

    What counts is what the user's listings show, so what they show can be removed first:
    links and credentials of another account left under the user's id (see
    `View.managed_policy`), or links to a policy deleted since, are not the user's and stay
    behind as dangling rows, which grant nothing.
    """
    user = lookup.user(view, ctx.account_id, name)
    uid, account = user.user_id, user.account_id
    if uid in view.login_profiles:
        raise DeleteConflict("Cannot delete entity, must delete login profile first.")
    if keys.listed(view, account, uid, None, None).items:
        raise DeleteConflict("Cannot delete entity, must delete access keys first.")
    if view.inline.get(uid):
        raise DeleteConflict("Cannot delete entity, must delete policies first.")
    if view.managed_policies(view.attachments.of(uid), account):
        raise DeleteConflict("Cannot delete entity, must detach all policies first.")
    if view.groups.live(view.members.to(uid), account):
        raise DeleteConflict("Cannot delete entity, must remove user from all groups first.")
    if view.mfa_devices.live(view.mfa_of.get(uid, ()), account):
        raise DeleteConflict("Cannot delete entity, must delete MFA device first.")
    if signing_certificates.of_owner(view, user.user_id, user.account_id):
        raise DeleteConflict("Cannot delete entity, must delete signing certificates first.")
    if ssh_keys.of_user(view, user):
        raise DeleteConflict("Cannot delete entity, must delete SSH public keys first.")
    if service_credentials.of_user(view, user):
        raise DeleteConflict(
            "Cannot delete entity, must delete service-specific credentials first."
        )
    changes = [Change.delete(user), *fields.dropped(view.fields_of(user))]
    boundary = view.boundaries.get(uid)
    if boundary is not None:
        changes.append(Change.delete(boundary))
    return changes

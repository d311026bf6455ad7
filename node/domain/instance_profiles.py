"""Instance profiles: named containers that pass one role to EC2 instances, with AWS's limits."""

from __future__ import annotations

from collections.abc import Sequence

from iamstore.node.domain import lookup, tagging
from iamstore.node.domain.entities import Change, InstanceProfile, ProfileRole, Role
from iamstore.node.domain.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
)
from iamstore.node.domain.rules import Page, check_tags, paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext


def create(
    view: View, ctx: WriteContext, name: str, path: str, tags: Sequence[tuple[str, str]]
) -> tuple[list[Change], InstanceProfile]:
    if view.instance_profiles.named(ctx.account_id, name) is not None:
        raise EntityAlreadyExists(f"Instance Profile {name} already exists.", "InstanceProfileName")
    if view.instance_profiles.count(ctx.account_id) >= ctx.quotas.instance_profiles_per_account:
        raise LimitExceeded(
            "Cannot exceed quota for InstanceProfilesPerAccount: "
            f"{ctx.quotas.instance_profiles_per_account}"
        )
    profile = InstanceProfile(
        instance_profile_id=ctx.new_id("AIPA"),
        account_id=ctx.account_id,
        name=name,
        path=path,
        created_ms=ctx.now_ms,
        tags=check_tags((), tags, ctx.quotas),
    )
    return [Change.put(profile)], profile


def get(view: View, account_id: str, name: str) -> InstanceProfile:
    found = view.instance_profiles.named(account_id, name)
    if found is None:
        raise NoSuchEntity(f"Instance Profile {name} cannot be found.", "InstanceProfileName")
    return found


def roles_of(view: View, profile: InstanceProfile) -> list[Role]:
    """The profile's live roles (a link to a deleted or hidden role counts as absent)."""
    roles = view.roles.live(view.profile_roles.of(profile.instance_profile_id), profile.account_id)
    return sorted(roles, key=lambda r: r.name.lower())


def profiles_of(view: View, role: Role) -> list[InstanceProfile]:
    return view.instance_profiles.live(view.profile_roles.to(role.role_id), role.account_id)


def listed_for_role(
    view: View, account_id: str, role_name: str, marker: str | None, max_items: int | None
) -> Page[InstanceProfile]:
    """ListInstanceProfilesForRole: the profiles holding the named role, by name."""
    role = lookup.role(view, account_id, role_name)
    return paginate(profiles_of(view, role), lambda p: p.name.lower(), marker, max_items)


def listed(
    view: View, account_id: str, path_prefix: str, marker: str | None, max_items: int | None
) -> Page[InstanceProfile]:
    profiles = [
        p for p in view.instance_profiles.in_account(account_id) if p.path.startswith(path_prefix)
    ]
    return paginate(profiles, lambda p: p.name.lower(), marker, max_items)


def delete(view: View, account_id: str, name: str) -> list[Change]:
    """Deletes an empty profile (AWS: remove its role first)."""
    profile = get(view, account_id, name)
    if roles_of(view, profile):
        raise DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
    # Links to roles that no longer exist are dropped with the profile.
    stale = view.profile_roles.of(profile.instance_profile_id)
    links = [Change.delete(ProfileRole(profile.instance_profile_id, rid)) for rid in sorted(stale)]
    return [Change.delete(profile), *links, *tagging.dropped(view, profile)]


def add_role(view: View, ctx: WriteContext, name: str, role_name: str) -> list[Change]:
    profile = get(view, ctx.account_id, name)
    role = lookup.role(view, ctx.account_id, role_name)
    present = roles_of(view, profile)
    # AWS allows one role per profile, so a second role (even the same one) is over quota.
    if len(present) >= ctx.quotas.roles_per_instance_profile:
        raise LimitExceeded(
            "Cannot exceed quota for InstanceSessionsPerInstanceProfile: "
            f"{ctx.quotas.roles_per_instance_profile}"
        )
    if any(r.role_id == role.role_id for r in present):
        raise EntityAlreadyExists(
            f"Role {role.name} is already in Instance Profile {profile.name}.", "RoleName"
        )
    return [Change.put(ProfileRole(profile.instance_profile_id, role.role_id))]


def remove_role(view: View, account_id: str, name: str, role_name: str) -> list[Change]:
    profile = get(view, account_id, name)
    role = lookup.role(view, account_id, role_name)
    if role.role_id not in view.profile_roles.of(profile.instance_profile_id):
        raise NoSuchEntity(
            f"Role {role_name} in Instance Profile {name} cannot be found.", "RoleName"
        )
    return [Change.delete(ProfileRole(profile.instance_profile_id, role.role_id))]

"""The IAM questions an account import asks: each action its writes stand for, on each ARN.

An import writes what CreateUser, PutUserPolicy, AttachRolePolicy, CreatePolicyVersion,
AddUserToGroup, TagRole, ... would write, so it is authorized as every one of them, with the
condition keys each carries in AWS's Service Authorization Reference for IAM
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html):
iam:PolicyARN on Attach*, iam:PermissionsBoundary on Create*/Put*PermissionsBoundary and on
the policy operations of a bounded principal, aws:RequestTag/* and aws:TagKeys on Create* and
Tag*, iam:PassedToService on the iam:PassRole that AddRoleToInstanceProfile asks. With
`replace`, an entity the account holds under the imported id or name is overwritten: that is
asked as Delete<Kind> on it, and as the Detach/Delete/Remove of every link it loses. A link
pointing to an entity overwritten under a new id is never dropped unasked: the plan refuses
the import unless the link's holder is overwritten too, which asks it
(node.domain.import_links).

The questions cover each entity of the input whether the plan then creates it, finds it
unchanged, or skips it: what is asked never depends on what the replica holds beyond the
entities `replace` would overwrite, and asking more can only refuse, never allow (fail closed).
Pure: the view (held still by the caller) and the records in, questions out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from iamstore.node.auth.admin import INSTANCE_PROFILE_SERVICE, Target, on_entity
from iamstore.node.domain.account_import import AccountRecords
from iamstore.node.domain.entities import Group, InstanceProfile, ManagedPolicy, Role, Tags, User
from iamstore.node.domain.protected import SERVICE_ROLE_PATH, is_service_linked
from iamstore.node.domain.view import View


def import_targets(
    view: View, account: str, records: AccountRecords, replace: bool
) -> list[Target]:
    """Every question the import of `records` into `account` asks, each once."""
    unique: dict[tuple[object, ...], Target] = {}
    for target in _questions(view, account, records, replace):
        key = (
            target.action,
            target.resource,
            target.resource_tags,
            target.request_tags,
            tuple(sorted(target.extra.items())),
        )
        unique.setdefault(key, target)
    return list(unique.values())


def _questions(
    view: View, account: str, records: AccountRecords, replace: bool
) -> Iterator[Target]:
    for p in records.policies:
        arn = p.policy.arn
        yield Target("iam:CreatePolicy", arn, (), p.policy.tags)
        if len(p.versions) > 1:
            yield on_entity("iam:CreatePolicyVersion", arn, p.policy.tags)
        if replace:
            yield from _overwritten_policies(view, account, p.policy)
    for g in records.groups:
        arn = g.group.arn
        yield Target("iam:CreateGroup", arn)
        if g.inline:
            yield Target("iam:PutGroupPolicy", arn)
        for policy in g.attached:
            yield on_entity("iam:AttachGroupPolicy", arn, (), {_POLICY_ARN: policy})
        if replace:
            yield from _overwritten_groups(view, account, g.group)
    role_arns = {r.role.role_id: r.role.arn for r in records.roles}
    for r in records.roles:
        yield from _role(r.role, r.boundary, bool(r.inline), r.attached)
        if replace:
            yield from _overwritten_roles(view, account, r.role)
    for i in records.profiles:
        arn, tags = i.profile.arn, i.profile.tags
        yield Target("iam:CreateInstanceProfile", arn, (), tags)
        for role_id in i.role_ids:
            yield on_entity("iam:AddRoleToInstanceProfile", arn, tags)
            held = view.roles.get(role_id)
            role_arn = role_arns.get(role_id) or (held.arn if held is not None else "*")
            yield on_entity(
                "iam:PassRole", role_arn, (), {"iam:passedtoservice": INSTANCE_PROFILE_SERVICE}
            )
        if replace:
            yield from _overwritten_profiles(view, account, i.profile)
    group_arns = {g.group.name.lower(): g.group.arn for g in records.groups}
    for u in records.users:
        yield from _user(u.user, u.boundary, bool(u.inline), u.attached)
        for name in u.groups:
            held_group = view.groups.named(account, name)
            group_arn = group_arns.get(name.lower()) or (
                held_group.arn if held_group is not None else f"arn:aws:iam::{account}:group/*"
            )
            yield Target("iam:AddUserToGroup", group_arn)
        if replace:
            yield from _overwritten_users(view, account, u.user)


_POLICY_ARN = "iam:policyarn"
_BOUNDARY = "iam:permissionsboundary"


def _bounded(boundary: str | None) -> dict[str, str | tuple[str, ...]]:
    """iam:PermissionsBoundary, for the operations on a bounded user or role."""
    return {} if boundary is None else {_BOUNDARY: boundary}


def _role(
    role: Role, boundary: str | None, inline: bool, attached: tuple[str, ...]
) -> Iterator[Target]:
    arn, tags, keys = role.arn, role.tags, _bounded(boundary)
    if is_service_linked(role):
        # Made as CreateServiceLinkedRole makes it (node.domain.protected says which such
        # roles an import accepts): asked as that action, with iam:AWSServiceName.
        service = role.path[len(SERVICE_ROLE_PATH) :].strip("/")
        linked = {"iam:awsservicename": service}
        yield on_entity("iam:CreateServiceLinkedRole", arn, (), linked)
    else:
        yield Target("iam:CreateRole", arn, (), tags, keys)
    yield from _principal_links("Role", arn, tags, boundary, inline, attached)


def _user(
    user: User, boundary: str | None, inline: bool, attached: tuple[str, ...]
) -> Iterator[Target]:
    yield Target("iam:CreateUser", user.arn, (), user.tags, _bounded(boundary))
    yield from _principal_links("User", user.arn, user.tags, boundary, inline, attached)


def _principal_links(
    kind: str,
    arn: str,
    tags: Tags,
    boundary: str | None,
    inline: bool,
    attached: tuple[str, ...],
) -> Iterator[Target]:
    """What a new user or role (`kind`) asks beyond its creation: its tags, boundary, inline
    policies and attachments, each with iam:PermissionsBoundary when it has one."""
    keys = _bounded(boundary)
    if tags:
        yield Target(f"iam:Tag{kind}", arn, tags, tags)
    if boundary is not None:
        yield on_entity(f"iam:Put{kind}PermissionsBoundary", arn, tags, keys)
    if inline:
        yield on_entity(f"iam:Put{kind}Policy", arn, tags, keys)
    for policy in attached:
        yield on_entity(f"iam:Attach{kind}Policy", arn, tags, {**keys, _POLICY_ARN: policy})


# --- what `replace` overwrites ------------------------------------------------------------


def _policy_arn(view: View, policy_id: str, account: str) -> str:
    policy = view.managed_policy(policy_id, account)
    return policy.arn if policy is not None else "*"


def _links_lost(
    view: View, account: str, kind: str, entity_id: str, arn: str, tags: Tags
) -> Iterator[Target]:
    """The Detach/Delete questions for what a principal of `account` holds: every link it may
    lose."""
    boundary = view.boundaries.get(entity_id)
    keys = _bounded(None if boundary is None else _policy_arn(view, boundary.policy_id, account))
    for policy_id in view.attachments.of(entity_id):
        detached = {**keys, _POLICY_ARN: _policy_arn(view, policy_id, account)}
        yield on_entity(f"iam:Detach{kind}Policy", arn, tags, detached)
    if view.inline.get(entity_id):
        yield on_entity(f"iam:Delete{kind}Policy", arn, tags, keys)
    if boundary is not None and kind != "Group":
        yield on_entity(f"iam:Delete{kind}PermissionsBoundary", arn, tags, keys)


def _overwritten_users(view: View, account: str, user: User) -> Iterator[Target]:
    for held in _held(view.users.get(user.user_id), view.users.named(account, user.name), account):
        yield on_entity("iam:DeleteUser", held.arn, held.tags)
        yield from _links_lost(view, account, "User", held.user_id, held.arn, held.tags)
        for group_id in view.members.to(held.user_id):
            group = view.groups.get(group_id)
            yield Target("iam:RemoveUserFromGroup", group.arn if group is not None else "*")
        if held.tags:
            yield on_entity("iam:UntagUser", held.arn, held.tags)


def _overwritten_groups(view: View, account: str, group: Group) -> Iterator[Target]:
    for held in _held(
        view.groups.get(group.group_id), view.groups.named(account, group.name), account
    ):
        yield Target("iam:DeleteGroup", held.arn)
        yield from _links_lost(view, account, "Group", held.group_id, held.arn, ())


def _overwritten_roles(view: View, account: str, role: Role) -> Iterator[Target]:
    for held in _held(view.roles.get(role.role_id), view.roles.named(account, role.name), account):
        yield on_entity("iam:DeleteRole", held.arn, held.tags)
        yield on_entity("iam:UpdateAssumeRolePolicy", held.arn, held.tags)
        yield from _links_lost(view, account, "Role", held.role_id, held.arn, held.tags)
        if held.tags:
            yield on_entity("iam:UntagRole", held.arn, held.tags)


def _overwritten_profiles(view: View, account: str, profile: InstanceProfile) -> Iterator[Target]:
    by_id = view.instance_profiles.get(profile.instance_profile_id)
    by_name = view.instance_profiles.named(account, profile.name)
    for held in _held(by_id, by_name, account):
        yield on_entity("iam:DeleteInstanceProfile", held.arn, held.tags)
        if view.profile_roles.of(held.instance_profile_id):
            yield on_entity("iam:RemoveRoleFromInstanceProfile", held.arn, held.tags)


def _overwritten_policies(view: View, account: str, policy: ManagedPolicy) -> Iterator[Target]:
    by_id = view.managed_policy(policy.policy_id, account)
    # A policy's name is unique in its account whatever its path (the plan overwrites the
    # one holding the name): under another path its ARN differs from the imported one.
    by_name = view.policies.named(account, policy.name)
    for held in _held(by_id, by_name, account):
        yield on_entity("iam:DeletePolicy", held.arn, held.tags)
        yield on_entity("iam:DeletePolicyVersion", held.arn, held.tags)


_Entity = TypeVar("_Entity", User, Group, Role, InstanceProfile, ManagedPolicy)


def _held(by_id: _Entity | None, by_name: _Entity | None, account: str) -> list[_Entity]:
    """The account's entities an import overwrites: the one holding the imported id, and
    another one holding its name (another account's id is refused by the plan)."""
    found = [e for e in (by_id, by_name) if e is not None and e.account_id == account]
    return found if len(found) < 2 or found[0] is not found[1] else found[:1]

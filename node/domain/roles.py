"""IAM roles: trust policies, session duration limits, descriptions and tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from iamstore.node.domain import documents, fields, lookup, protected
from iamstore.node.domain.entities import Boundary, Change, Role
from iamstore.node.domain.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded
from iamstore.node.domain.principal_pins import Pins, pins_of
from iamstore.node.domain.rules import Page, check_tags, paginate, policy_size
from iamstore.node.domain.signin_duration import SigninDurationChange
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.policy import Policy, PolicyKind, parse_policy

_TRUST_FIELD = "AssumeRolePolicyDocument"


def check_trust_document(document: str, ctx: WriteContext) -> Policy:
    """Checks a trust policy's grammar and size; returns it parsed."""
    documents.check(document, PolicyKind.TRUST, _TRUST_FIELD)
    if policy_size(document) > ctx.quotas.role_trust_policy_chars:
        raise LimitExceeded(
            f"Cannot exceed quota for ACLSizePerRole: {ctx.quotas.role_trust_policy_chars}",
            _TRUST_FIELD,
        )
    return parse_policy(document, PolicyKind.TRUST)


def check_trust_policy(view: View, document: str, ctx: WriteContext) -> Pins:
    """Checks a trust policy; returns the unique ids of the principals it names by ARN."""
    return pins_of(view, check_trust_document(document, ctx), _TRUST_FIELD)


def create(
    view: View,
    ctx: WriteContext,
    name: str,
    path: str,
    trust_policy: str,
    description: str | None,
    max_session_duration: int | None,
    tags: Sequence[tuple[str, str]],
    boundary_arn: str | None,
    *,
    service_linked: bool = False,
    max_signin_session_duration: int | None = None,
) -> tuple[list[Change], Role]:
    if not service_linked:
        protected.check_path_not_reserved(path)
    if view.roles.named(ctx.account_id, name) is not None:
        raise EntityAlreadyExists(f"Role with name {name} already exists.", "RoleName")
    if view.roles.count(ctx.account_id) >= ctx.quotas.roles_per_account:
        raise LimitExceeded(
            f"Cannot exceed quota for RolesPerAccount: {ctx.quotas.roles_per_account}"
        )
    pins = check_trust_policy(view, trust_policy, ctx)
    role = Role(
        role_id=ctx.new_id("AROA"),
        account_id=ctx.account_id,
        name=name,
        path=path,
        created_ms=ctx.now_ms,
        trust_policy=trust_policy,
        description=description,
        max_session_duration=3600 if max_session_duration is None else max_session_duration,
        tags=check_tags((), tags, ctx.quotas, ignore_case=True),
        trust_pins=pins,
        max_signin_session_duration=max_signin_session_duration,
    )
    changes = [Change.put(role)]
    if boundary_arn is not None:
        policy = lookup.policy(view, ctx.account_id, boundary_arn, "PermissionsBoundary")
        changes.append(Change.put(Boundary(role.role_id, policy.policy_id)))
    return changes, role


def listed(
    view: View, account_id: str, path_prefix: str, marker: str | None, max_items: int | None
) -> Page[Role]:
    roles = [r for r in view.roles.in_account(account_id) if r.path.startswith(path_prefix)]
    return paginate(roles, lambda r: r.name.lower(), marker, max_items)


def update(
    view: View,
    ctx: WriteContext,
    name: str,
    description: str | None,
    max_session_duration: int | None,
    signin_duration: SigninDurationChange | None = None,
) -> list[Change]:
    role = lookup.role(view, ctx.account_id, name)
    # One field row per parameter given: UpdateRole never undoes a concurrent
    # UpdateAssumeRolePolicy or TagRole (a looser trust policy must not come back).
    changes = [] if description is None else [fields.put(role, "description", description)]
    if max_session_duration is not None:
        changes.append(fields.put(role, "max_session_duration", max_session_duration))
    if signin_duration is not None:
        # AWS (UpdateRole): neither set nor reset on a service-linked role.
        protected.check_modifiable(role)
        changes.append(fields.put(role, "max_signin_session_duration", signin_duration.seconds))
    return changes


def update_description(
    view: View, ctx: WriteContext, name: str, description: str
) -> tuple[list[Change], Role]:
    """UpdateRoleDescription: the description alone (UpdateRole's first field)."""
    # AWS lets a service-linked role's description be edited, unlike the rest of it.
    role = lookup.role(view, ctx.account_id, name)
    return [fields.put(role, "description", description)], replace(role, description=description)


def update_trust(view: View, ctx: WriteContext, name: str, document: str) -> list[Change]:
    role = lookup.role(view, ctx.account_id, name)
    protected.check_modifiable(role)
    pins = check_trust_policy(view, document, ctx)
    return [fields.put(role, "trust_policy", document), *fields.pin_changes(role, pins)]


def delete(view: View, ctx: WriteContext, name: str) -> list[Change]:
    role = lookup.role(view, ctx.account_id, name)
    protected.check_modifiable(role)
    rid = role.role_id
    if view.inline.get(rid):
        raise DeleteConflict("Cannot delete entity, must delete policies first.")
    # What the role's listings show counts (see users.delete).
    if view.managed_policies(view.attachments.of(rid), role.account_id):
        raise DeleteConflict("Cannot delete entity, must detach all policies first.")
    if view.instance_profiles.live(view.profile_roles.to(rid), role.account_id):
        raise DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
    changes = [Change.delete(role), *fields.dropped(view.fields_of(role))]
    boundary = view.boundaries.get(rid)
    if boundary is not None:
        changes.append(Change.delete(boundary))
    return changes

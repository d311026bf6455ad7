"""Managed policies: customer ones (their records; versions: versions.py) and AWS ones
(read-only); attachments and boundaries of both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from iamstore.node.domain import documents, fields, lookup, protected, versions
from iamstore.node.domain.entities import (
    Attachment,
    Boundary,
    Change,
    Group,
    ManagedPolicy,
    PolicyVersion,
    Role,
    User,
)
from iamstore.node.domain.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
)
from iamstore.node.domain.rules import (
    Page,
    check_managed_policy_size,
    check_tags,
    paginate,
)
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.policy import PolicyKind

Principal = User | Group | Role


def _check_document(document: str, ctx: WriteContext) -> None:
    documents.check(document, PolicyKind.IDENTITY)
    check_managed_policy_size(document, ctx.quotas)


def create(
    view: View,
    ctx: WriteContext,
    name: str,
    path: str,
    document: str,
    description: str | None,
    tags: Sequence[tuple[str, str]],
) -> tuple[list[Change], ManagedPolicy, PolicyVersion]:
    if view.policies.named(ctx.account_id, name) is not None:
        raise EntityAlreadyExists(
            f"A policy called {name} already exists. Duplicate names are not allowed.",
            "PolicyName",
        )
    if view.policies.count(ctx.account_id) >= ctx.quotas.policies_per_account:
        raise LimitExceeded(
            f"Cannot exceed quota for PoliciesPerAccount: {ctx.quotas.policies_per_account}"
        )
    _check_document(document, ctx)
    policy = ManagedPolicy(
        policy_id=ctx.new_id("ANPA"),
        account_id=ctx.account_id,
        name=name,
        path=path,
        created_ms=ctx.now_ms,
        home=ctx.origin,
        description=description,
        tags=check_tags((), tags, ctx.quotas),
    )
    version_rows, first = versions.initial(policy, document, ctx.now_ms)
    return [Change.put(policy), *version_rows], policy, first


@dataclass(frozen=True, slots=True)
class Usage:
    """How many entities use a policy: as a permissions policy, and as a boundary."""

    attachments: int
    boundaries: int


def usage(view: View, policy: ManagedPolicy, account_id: str) -> Usage:
    """The policy's use within `account_id` (an AWS managed policy is shared by all accounts,
    and each sees only its own entities counted, as in AWS). Only visible entities of the
    account count, as ListEntitiesForPolicy lists them: a link left dangling by a merge, or
    from another account's entity under a reused id, is no use (DeletePolicy would refuse
    forever, with nothing to detach)."""
    attached = view.attachments.to(policy.policy_id)
    bounded = view.boundary_users.get(policy.policy_id, set())
    return Usage(
        attachments=_in_account(view, attached, account_id),
        boundaries=_in_account(view, bounded, account_id),
    )


def _in_account(view: View, entity_ids: set[str], account_id: str) -> int:
    found = (view.principal(entity_id) for entity_id in entity_ids)
    return sum(1 for entity in found if entity is not None and entity.account_id == account_id)


def listed(
    view: View,
    account_id: str,
    scope: str,
    only_attached: bool,
    path_prefix: str,
    usage_filter: str | None,
    marker: str | None,
    max_items: int | None,
) -> Page[ManagedPolicy]:
    """ListPolicies: `scope` Local (the account's own), AWS (AWS managed) or All (both)."""
    candidates: list[ManagedPolicy] = []
    if scope in ("All", "Local"):
        candidates.extend(view.policies.in_account(account_id))
    if scope in ("All", "AWS"):
        candidates.extend(view.aws_policies().policies)
    chosen: list[ManagedPolicy] = []
    for policy in candidates:
        if not policy.path.startswith(path_prefix):
            continue
        if not (only_attached or usage_filter):
            chosen.append(policy)
            continue
        if not (view.attachments.to(policy.policy_id) or view.boundary_users.get(policy.policy_id)):
            continue  # linked to nothing at all (most AWS managed policies): cheap to skip
        used = usage(view, policy, account_id)
        if usage_filter == "PermissionsPolicy" and not used.attachments:
            continue
        if usage_filter == "PermissionsBoundary" and not used.boundaries:
            continue
        if only_attached and not (used.attachments or used.boundaries):
            continue
        chosen.append(policy)
    # An account's policy may share its name with an AWS managed one: the ARN breaks the tie.
    return paginate(chosen, lambda p: f"{p.name.lower()}\0{p.arn}", marker, max_items)


def delete(view: View, ctx: WriteContext, arn: str) -> list[Change]:
    policy = lookup.customer_policy(view, ctx.account_id, arn, "DeletePolicy")
    used = usage(view, policy, ctx.account_id)
    if used.attachments or used.boundaries:
        raise DeleteConflict("Cannot delete a policy attached to entities.")
    if len(view.versions_of(policy.policy_id)) > 1:
        raise DeleteConflict(
            "This policy has more than one version. Before you delete a policy, you must "
            "delete the policy's non-default versions."
        )
    return [
        Change.delete(policy),
        *versions.all_rows(view, policy.policy_id),
        *fields.dropped(view.fields_of(policy)),
    ]


def attach(view: View, ctx: WriteContext, entity: Principal, arn: str) -> list[Change]:
    protected.check_modifiable(entity)
    policy = lookup.policy(view, ctx.account_id, arn)
    entity_id = entity.entity_id
    attached = view.attachments.of(entity_id)
    if policy.policy_id in attached:
        return []  # AWS: attaching again succeeds and changes nothing
    if len(attached) >= ctx.quotas.managed_policies_per_entity:
        kind = type(entity).__name__
        raise LimitExceeded(
            f"Cannot exceed quota for PoliciesPer{kind}: {ctx.quotas.managed_policies_per_entity}"
        )
    return [Change.put(Attachment(entity_id, policy.policy_id))]


def detach(view: View, ctx: WriteContext, entity: Principal, arn: str) -> list[Change]:
    protected.check_modifiable(entity)
    policy = lookup.policy(view, ctx.account_id, arn)
    entity_id = entity.entity_id
    if policy.policy_id not in view.attachments.of(entity_id):
        raise NoSuchEntity(f"Policy {arn} was not found.", "PolicyArn")
    return [Change.delete(Attachment(entity_id, policy.policy_id))]


def attached(
    view: View, entity: Principal, path_prefix: str, marker: str | None, max_items: int | None
) -> Page[ManagedPolicy]:
    found = view.managed_policies(view.attachments.of(entity.entity_id), entity.account_id)
    chosen = [p for p in found if p.path.startswith(path_prefix)]
    return paginate(chosen, lambda p: p.name.lower(), marker, max_items)


def entities(
    view: View,
    account_id: str,
    arn: str,
    entity_filter: str | None,
    path_prefix: str,
    usage_filter: str | None,
    marker: str | None,
    max_items: int | None,
) -> Page[Principal]:
    """ListEntitiesForPolicy: users, groups and roles using the policy, by kind then name
    (for an AWS managed policy, the account's own entities only)."""
    policy = lookup.policy(view, account_id, arn)
    ids: set[str] = set()
    if usage_filter in (None, "PermissionsPolicy"):
        ids |= view.attachments.to(policy.policy_id)
    if usage_filter in (None, "PermissionsBoundary"):
        ids |= view.boundary_users.get(policy.policy_id, set())
    chosen: list[Principal] = []
    for entity_id in ids:
        entity = view.principal(entity_id)
        if entity is None or entity.account_id != account_id:
            continue
        if not entity.path.startswith(path_prefix):
            continue
        if entity_filter not in (
            None,
            "LocalManagedPolicy",
            "AWSManagedPolicy",
            type(entity).__name__,
        ):
            continue
        chosen.append(entity)
    return paginate(chosen, lambda e: f"{type(e).__name__}/{e.name.lower()}", marker, max_items)


def put_boundary(view: View, ctx: WriteContext, entity: User | Role, arn: str) -> list[Change]:
    protected.check_modifiable(entity)
    policy = lookup.policy(view, ctx.account_id, arn, "PermissionsBoundary")
    return [Change.put(Boundary(entity.entity_id, policy.policy_id))]


def delete_boundary(view: View, ctx: WriteContext, entity: User | Role) -> list[Change]:
    protected.check_modifiable(entity)
    boundary = view.boundaries.get(entity.entity_id)
    if boundary is None:
        kind = type(entity).__name__.lower()
        raise NoSuchEntity(f"The {kind} {entity.name} has no permissions boundary.")
    return [Change.delete(boundary)]


def boundary_arn(view: View, entity: User | Role) -> str | None:
    boundary = view.boundaries.get(entity.entity_id)
    if boundary is None:
        return None
    policy = view.managed_policy(boundary.policy_id, entity.account_id)
    return None if policy is None else policy.arn

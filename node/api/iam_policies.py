"""Iam handlers for managed policies, versions, attachments, inline policies and boundaries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_bool, opt_int, opt_str, registrar
from iamstore.node.domain import inline, lookup, policies, versions
from iamstore.node.domain.entities import Group, Role, User
from iamstore.node.domain.view import View
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)

Finder = Callable[[View, str, str], User | Group | Role]
# Each kind of principal: how to find it by name, and the request field holding the name.
KINDS: dict[str, tuple[Finder, str]] = {
    "User": (lookup.user, "user_name"),
    "Group": (lookup.group, "group_name"),
    "Role": (lookup.role, "role_name"),
}


def _entity(call: Call, kind: str, req: Any) -> User | Group | Role:
    find, field = KINDS[kind]
    return find(call.view, call.account_id, getattr(req, field))


@op("CreatePolicy")
async def create_policy(call: Call, req: pb.CreatePolicyRequest) -> pb.CreatePolicyResponse:
    policy, _ = await call.write(
        lambda view, ctx: _created(
            policies.create(
                view,
                ctx,
                req.policy_name,
                opt_str(req, "path") or "/",
                req.policy_document,
                opt_str(req, "description"),
                convert.tag_pairs(req.tags),
            )
        )
    )
    return pb.CreatePolicyResponse(policy=convert.policy(call.view, policy, call.account_id))


def _created(result: tuple[Any, Any, Any]) -> tuple[Any, tuple[Any, Any]]:
    changes, policy, version = result
    return changes, (policy, version)


@op("GetPolicy")
async def get_policy(call: Call, req: pb.GetPolicyRequest) -> pb.GetPolicyResponse:
    policy = lookup.policy(call.view, call.account_id, req.policy_arn)
    return pb.GetPolicyResponse(policy=convert.policy(call.view, policy, call.account_id))


@op("ListPolicies")
async def list_policies(call: Call, req: pb.ListPoliciesRequest) -> pb.ListPoliciesResponse:
    page = policies.listed(
        call.view,
        call.account_id,
        opt_str(req, "scope") or "All",
        bool(opt_bool(req, "only_attached")),
        opt_str(req, "path_prefix") or "/",
        opt_str(req, "policy_usage_filter"),
        opt_str(req, "marker"),
        opt_int(req, "max_items"),
    )
    return pb.ListPoliciesResponse(
        policies=[convert.policy(call.view, p, call.account_id, full=False) for p in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("DeletePolicy")
async def delete_policy(call: Call, req: pb.DeletePolicyRequest) -> pb.DeletePolicyResponse:
    await call.change(lambda view, ctx: policies.delete(view, ctx, req.policy_arn))
    return pb.DeletePolicyResponse()


@op("CreatePolicyVersion")
async def create_policy_version(
    call: Call, req: pb.CreatePolicyVersionRequest
) -> pb.CreatePolicyVersionResponse:
    version = await call.write(
        lambda view, ctx: versions.create(
            view, ctx, req.policy_arn, req.policy_document, bool(opt_bool(req, "set_as_default"))
        )
    )
    policy = lookup.policy(call.view, call.account_id, req.policy_arn)
    return pb.CreatePolicyVersionResponse(
        policy_version=convert.version(call.view, policy, version, document=False)
    )


@op("GetPolicyVersion")
async def get_policy_version(
    call: Call, req: pb.GetPolicyVersionRequest
) -> pb.GetPolicyVersionResponse:
    version = versions.get(call.view, call.account_id, req.policy_arn, req.version_id)
    policy = lookup.policy(call.view, call.account_id, req.policy_arn)
    return pb.GetPolicyVersionResponse(policy_version=convert.version(call.view, policy, version))


@op("ListPolicyVersions")
async def list_policy_versions(
    call: Call, req: pb.ListPolicyVersionsRequest
) -> pb.ListPolicyVersionsResponse:
    policy, page = versions.listed(
        call.view,
        call.account_id,
        req.policy_arn,
        opt_str(req, "marker"),
        opt_int(req, "max_items"),
    )
    return pb.ListPolicyVersionsResponse(
        versions=[convert.version(call.view, policy, v, document=False) for v in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("SetDefaultPolicyVersion")
async def set_default_policy_version(
    call: Call, req: pb.SetDefaultPolicyVersionRequest
) -> pb.SetDefaultPolicyVersionResponse:
    await call.change(
        lambda view, ctx: versions.set_default(view, ctx, req.policy_arn, req.version_id)
    )
    return pb.SetDefaultPolicyVersionResponse()


@op("DeletePolicyVersion")
async def delete_policy_version(
    call: Call, req: pb.DeletePolicyVersionRequest
) -> pb.DeletePolicyVersionResponse:
    await call.change(lambda view, ctx: versions.delete(view, ctx, req.policy_arn, req.version_id))
    return pb.DeletePolicyVersionResponse()


@op("ListEntitiesForPolicy")
async def list_entities_for_policy(
    call: Call, req: pb.ListEntitiesForPolicyRequest
) -> pb.ListEntitiesForPolicyResponse:
    page = policies.entities(
        call.view,
        call.account_id,
        req.policy_arn,
        opt_str(req, "entity_filter"),
        opt_str(req, "path_prefix") or "/",
        opt_str(req, "policy_usage_filter"),
        opt_str(req, "marker"),
        opt_int(req, "max_items"),
    )
    response = pb.ListEntitiesForPolicyResponse(is_truncated=page.is_truncated, marker=page.marker)
    for entity in page.items:
        match entity:
            case User():
                response.policy_users.add(user_name=entity.name, user_id=entity.user_id)
            case Group():
                response.policy_groups.add(group_name=entity.name, group_id=entity.group_id)
            case Role():
                response.policy_roles.add(role_name=entity.name, role_id=entity.role_id)
    return response


def _register_per_kind(kind: str) -> None:
    """Attach/Detach/ListAttached and Put/Get/Delete/List inline policy for one principal kind."""
    pb_any: Any = pb

    async def attach(call: Call, req: Any) -> Any:
        entity = _entity(call, kind, req)
        await call.change(lambda view, ctx: policies.attach(view, ctx, entity, req.policy_arn))
        return getattr(pb_any, f"Attach{kind}PolicyResponse")()

    async def detach(call: Call, req: Any) -> Any:
        entity = _entity(call, kind, req)
        await call.change(lambda view, ctx: policies.detach(view, ctx, entity, req.policy_arn))
        return getattr(pb_any, f"Detach{kind}PolicyResponse")()

    async def list_attached(call: Call, req: Any) -> Any:
        page = policies.attached(
            call.view,
            _entity(call, kind, req),
            opt_str(req, "path_prefix") or "/",
            opt_str(req, "marker"),
            opt_int(req, "max_items"),
        )
        return getattr(pb_any, f"ListAttached{kind}PoliciesResponse")(
            attached_policies=[convert.attached(p) for p in page.items],
            is_truncated=page.is_truncated,
            marker=page.marker,
        )

    async def put_inline(call: Call, req: Any) -> Any:
        owner = _entity(call, kind, req)
        await call.change(
            lambda view, ctx: inline.put(view, ctx, owner, req.policy_name, req.policy_document)
        )
        return getattr(pb_any, f"Put{kind}PolicyResponse")()

    async def get_inline(call: Call, req: Any) -> Any:
        owner = _entity(call, kind, req)
        found = inline.get(call.view, owner, req.policy_name)
        return getattr(pb_any, f"Get{kind}PolicyResponse")(
            **{
                KINDS[kind][1]: owner.name,
                "policy_name": found.name,
                "policy_document": found.document,
            }
        )

    async def delete_inline(call: Call, req: Any) -> Any:
        owner = _entity(call, kind, req)
        await call.change(lambda view, ctx: inline.delete(view, owner, req.policy_name))
        return getattr(pb_any, f"Delete{kind}PolicyResponse")()

    async def list_inline(call: Call, req: Any) -> Any:
        page = inline.names(
            call.view, _entity(call, kind, req), opt_str(req, "marker"), opt_int(req, "max_items")
        )
        return getattr(pb_any, f"List{kind}PoliciesResponse")(
            policy_names=page.items, is_truncated=page.is_truncated, marker=page.marker
        )

    op(f"Attach{kind}Policy")(attach)
    op(f"Detach{kind}Policy")(detach)
    op(f"ListAttached{kind}Policies")(list_attached)
    op(f"Put{kind}Policy")(put_inline)
    op(f"Get{kind}Policy")(get_inline)
    op(f"Delete{kind}Policy")(delete_inline)
    op(f"List{kind}Policies")(list_inline)


for _kind in KINDS:
    _register_per_kind(_kind)


@op("PutUserPermissionsBoundary")
async def put_user_boundary(call: Call, req: pb.PutUserPermissionsBoundaryRequest) -> Any:
    user = lookup.user(call.view, call.account_id, req.user_name)
    await call.change(
        lambda view, ctx: policies.put_boundary(view, ctx, user, req.permissions_boundary)
    )
    return pb.PutUserPermissionsBoundaryResponse()


@op("DeleteUserPermissionsBoundary")
async def delete_user_boundary(call: Call, req: pb.DeleteUserPermissionsBoundaryRequest) -> Any:
    user = lookup.user(call.view, call.account_id, req.user_name)
    await call.change(lambda view, ctx: policies.delete_boundary(view, ctx, user))
    return pb.DeleteUserPermissionsBoundaryResponse()


@op("PutRolePermissionsBoundary")
async def put_role_boundary(call: Call, req: pb.PutRolePermissionsBoundaryRequest) -> Any:
    role = lookup.role(call.view, call.account_id, req.role_name)
    await call.change(
        lambda view, ctx: policies.put_boundary(view, ctx, role, req.permissions_boundary)
    )
    return pb.PutRolePermissionsBoundaryResponse()


@op("DeleteRolePermissionsBoundary")
async def delete_role_boundary(call: Call, req: pb.DeleteRolePermissionsBoundaryRequest) -> Any:
    role = lookup.role(call.view, call.account_id, req.role_name)
    await call.change(lambda view, ctx: policies.delete_boundary(view, ctx, role))
    return pb.DeleteRolePermissionsBoundaryResponse()

"""Iam handlers for users, groups, roles and their tags."""

from __future__ import annotations

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_bool, opt_int, opt_str, registrar
from iamstore.node.domain import groups, lookup, roles, users
from iamstore.node.domain.entities import User
from iamstore.node.domain.signin_duration import requested_change
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)


def _root_user(call: Call) -> pb.User:
    account = call.view.accounts[call.account_id]
    return pb.User(
        path="/",
        user_id=call.account_id,
        arn=call.caller.arn,
        create_date=convert.timestamp(account.created_ms),
    )


@op("CreateUser")
async def create_user(call: Call, req: pb.CreateUserRequest) -> pb.CreateUserResponse:
    user = await call.write(
        lambda view, ctx: users.create(
            view,
            ctx,
            req.user_name,
            opt_str(req, "path") or "/",
            convert.tag_pairs(req.tags),
            opt_str(req, "permissions_boundary"),
        )
    )
    return pb.CreateUserResponse(user=convert.user(call.view, user))


@op("GetUser")
async def get_user(call: Call, req: pb.GetUserRequest) -> pb.GetUserResponse:
    name = opt_str(req, "user_name")
    if name is None:  # AWS: without a name, GetUser describes the caller
        own_user_id = call.own_user_id()
        if own_user_id is None:
            return pb.GetUserResponse(user=_root_user(call))
        me = lookup.caller_user(call.view, own_user_id)
        return pb.GetUserResponse(user=convert.user(call.view, me))
    return pb.GetUserResponse(
        user=convert.user(call.view, lookup.user(call.view, call.account_id, name))
    )


@op("ListUsers")
async def list_users(call: Call, req: pb.ListUsersRequest) -> pb.ListUsersResponse:
    page = users.listed(
        call.view,
        call.account_id,
        opt_str(req, "path_prefix") or "/",
        opt_str(req, "marker"),
        opt_int(req, "max_items"),
    )
    return pb.ListUsersResponse(
        users=[convert.user(call.view, u, full=False) for u in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("UpdateUser")
async def update_user(call: Call, req: pb.UpdateUserRequest) -> pb.UpdateUserResponse:
    await call.change(
        lambda view, ctx: users.update(
            view, ctx, req.user_name, opt_str(req, "new_user_name"), opt_str(req, "new_path")
        )
    )
    return pb.UpdateUserResponse()


@op("DeleteUser")
async def delete_user(call: Call, req: pb.DeleteUserRequest) -> pb.DeleteUserResponse:
    await call.change(lambda view, ctx: users.delete(view, ctx, req.user_name))
    return pb.DeleteUserResponse()


@op("CreateGroup")
async def create_group(call: Call, req: pb.CreateGroupRequest) -> pb.CreateGroupResponse:
    group = await call.write(
        lambda view, ctx: groups.create(view, ctx, req.group_name, opt_str(req, "path") or "/")
    )
    return pb.CreateGroupResponse(group=convert.group(group))


@op("GetGroup")
async def get_group(call: Call, req: pb.GetGroupRequest) -> pb.GetGroupResponse:
    group = lookup.group(call.view, call.account_id, req.group_name)
    page = groups.members(call.view, group, opt_str(req, "marker"), opt_int(req, "max_items"))
    return pb.GetGroupResponse(
        group=convert.group(group),
        users=[convert.user(call.view, u, full=False) for u in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("ListGroups")
async def list_groups(call: Call, req: pb.ListGroupsRequest) -> pb.ListGroupsResponse:
    page = groups.listed(
        call.view,
        call.account_id,
        opt_str(req, "path_prefix") or "/",
        opt_str(req, "marker"),
        opt_int(req, "max_items"),
    )
    return pb.ListGroupsResponse(
        groups=[convert.group(g) for g in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("UpdateGroup")
async def update_group(call: Call, req: pb.UpdateGroupRequest) -> pb.UpdateGroupResponse:
    await call.change(
        lambda view, ctx: groups.update(
            view, ctx, req.group_name, opt_str(req, "new_group_name"), opt_str(req, "new_path")
        )
    )
    return pb.UpdateGroupResponse()


@op("DeleteGroup")
async def delete_group(call: Call, req: pb.DeleteGroupRequest) -> pb.DeleteGroupResponse:
    await call.change(lambda view, ctx: groups.delete(view, ctx, req.group_name))
    return pb.DeleteGroupResponse()


@op("AddUserToGroup")
async def add_user_to_group(call: Call, req: pb.AddUserToGroupRequest) -> pb.AddUserToGroupResponse:
    await call.change(lambda view, ctx: groups.add_user(view, ctx, req.group_name, req.user_name))
    return pb.AddUserToGroupResponse()


@op("RemoveUserFromGroup")
async def remove_user_from_group(
    call: Call, req: pb.RemoveUserFromGroupRequest
) -> pb.RemoveUserFromGroupResponse:
    await call.change(
        lambda view, ctx: groups.remove_user(view, ctx, req.group_name, req.user_name)
    )
    return pb.RemoveUserFromGroupResponse()


@op("ListGroupsForUser")
async def list_groups_for_user(
    call: Call, req: pb.ListGroupsForUserRequest
) -> pb.ListGroupsForUserResponse:
    user: User = lookup.user(call.view, call.account_id, req.user_name)
    page = groups.of_user(call.view, user, opt_str(req, "marker"), opt_int(req, "max_items"))
    return pb.ListGroupsForUserResponse(
        groups=[convert.group(g) for g in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("CreateRole")
async def create_role(call: Call, req: pb.CreateRoleRequest) -> pb.CreateRoleResponse:
    role = await call.write(
        lambda view, ctx: roles.create(
            view,
            ctx,
            req.role_name,
            opt_str(req, "path") or "/",
            req.assume_role_policy_document,
            opt_str(req, "description"),
            opt_int(req, "max_session_duration"),
            convert.tag_pairs(req.tags),
            opt_str(req, "permissions_boundary"),
            max_signin_session_duration=opt_int(req, "max_signin_session_duration"),
        )
    )
    return pb.CreateRoleResponse(role=convert.role(call.view, role))


@op("GetRole")
async def get_role(call: Call, req: pb.GetRoleRequest) -> pb.GetRoleResponse:
    role = lookup.role(call.view, call.account_id, req.role_name)
    return pb.GetRoleResponse(role=convert.role(call.view, role))


@op("ListRoles")
async def list_roles(call: Call, req: pb.ListRolesRequest) -> pb.ListRolesResponse:
    page = roles.listed(
        call.view,
        call.account_id,
        opt_str(req, "path_prefix") or "/",
        opt_str(req, "marker"),
        opt_int(req, "max_items"),
    )
    return pb.ListRolesResponse(
        roles=[convert.role(call.view, r, full=False) for r in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("UpdateRole")
async def update_role(call: Call, req: pb.UpdateRoleRequest) -> pb.UpdateRoleResponse:
    signin_duration = requested_change(
        opt_int(req, "max_signin_session_duration"),
        opt_bool(req, "reset_max_signin_session_duration"),
    )
    await call.change(
        lambda view, ctx: roles.update(
            view,
            ctx,
            req.role_name,
            opt_str(req, "description"),
            opt_int(req, "max_session_duration"),
            signin_duration,
        )
    )
    return pb.UpdateRoleResponse()


@op("UpdateAssumeRolePolicy")
async def update_assume_role_policy(
    call: Call, req: pb.UpdateAssumeRolePolicyRequest
) -> pb.UpdateAssumeRolePolicyResponse:
    await call.change(
        lambda view, ctx: roles.update_trust(view, ctx, req.role_name, req.policy_document)
    )
    return pb.UpdateAssumeRolePolicyResponse()


@op("DeleteRole")
async def delete_role(call: Call, req: pb.DeleteRoleRequest) -> pb.DeleteRoleResponse:
    await call.change(lambda view, ctx: roles.delete(view, ctx, req.role_name))
    return pb.DeleteRoleResponse()

"""Iam handlers for roles beyond iam_identities' basics: UpdateRoleDescription,
ListInstanceProfilesForRole and service-linked roles."""

from __future__ import annotations

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.api.iam_federation import profile_message
from iamstore.node.domain import instance_profiles, roles, service_linked_roles
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)


@op("ListInstanceProfilesForRole")
async def list_instance_profiles_for_role(
    call: Call, req: pb.ListInstanceProfilesForRoleRequest
) -> pb.ListInstanceProfilesForRoleResponse:
    page = instance_profiles.listed_for_role(
        call.view, call.account_id, req.role_name, opt_str(req, "marker"), opt_int(req, "max_items")
    )
    return pb.ListInstanceProfilesForRoleResponse(
        # As ListInstanceProfiles: the list leaves tags out.
        instance_profiles=[profile_message(call.view, p, tags=False) for p in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("UpdateRoleDescription")
async def update_role_description(
    call: Call, req: pb.UpdateRoleDescriptionRequest
) -> pb.UpdateRoleDescriptionResponse:
    role = await call.write(
        lambda view, ctx: roles.update_description(view, ctx, req.role_name, req.description)
    )
    return pb.UpdateRoleDescriptionResponse(role=convert.role(call.view, role))


@op("CreateServiceLinkedRole")
async def create_service_linked_role(
    call: Call, req: pb.CreateServiceLinkedRoleRequest
) -> pb.CreateServiceLinkedRoleResponse:
    role = await call.write(
        lambda view, ctx: service_linked_roles.create(
            view,
            ctx,
            req.aws_service_name,
            opt_str(req, "description"),
            opt_str(req, "custom_suffix"),
        )
    )
    return pb.CreateServiceLinkedRoleResponse(role=convert.role(call.view, role))


@op("DeleteServiceLinkedRole")
async def delete_service_linked_role(
    call: Call, req: pb.DeleteServiceLinkedRoleRequest
) -> pb.DeleteServiceLinkedRoleResponse:
    task_id = await call.write(
        lambda view, ctx: service_linked_roles.delete(view, ctx, req.role_name)
    )
    return pb.DeleteServiceLinkedRoleResponse(deletion_task_id=task_id)


@op("GetServiceLinkedRoleDeletionStatus")
async def get_service_linked_role_deletion_status(
    call: Call, req: pb.GetServiceLinkedRoleDeletionStatusRequest
) -> pb.GetServiceLinkedRoleDeletionStatusResponse:
    task = service_linked_roles.task(call.view, call.account_id, req.deletion_task_id)
    response = pb.GetServiceLinkedRoleDeletionStatusResponse(status=task.status)
    if task.reason is not None:
        response.reason.reason = task.reason
    return response

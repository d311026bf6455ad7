"""Iam handlers for OpenID Connect identity providers and instance profiles."""

from __future__ import annotations

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.domain import instance_profiles, oidc
from iamstore.node.domain.entities import InstanceProfile
from iamstore.node.domain.view import View
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)


@op("CreateOpenIDConnectProvider")
async def create_open_id_connect_provider(
    call: Call, req: pb.CreateOpenIDConnectProviderRequest
) -> pb.CreateOpenIDConnectProviderResponse:
    provider = await call.write(
        lambda view, ctx: oidc.create(
            view,
            ctx,
            req.url,
            list(req.client_id_list),
            list(req.thumbprint_list),
            convert.tag_pairs(req.tags),
        )
    )
    return pb.CreateOpenIDConnectProviderResponse(
        open_id_connect_provider_arn=provider.arn, tags=convert.tags(provider.tags)
    )


@op("GetOpenIDConnectProvider")
async def get_open_id_connect_provider(
    call: Call, req: pb.GetOpenIDConnectProviderRequest
) -> pb.GetOpenIDConnectProviderResponse:
    provider = oidc.get(call.view, call.account_id, req.open_id_connect_provider_arn)
    return pb.GetOpenIDConnectProviderResponse(
        url=provider.url,
        client_id_list=provider.client_ids,
        thumbprint_list=provider.thumbprints,
        create_date=convert.timestamp(provider.created_ms),
        tags=convert.tags(provider.tags),
    )


@op("ListOpenIDConnectProviders")
async def list_open_id_connect_providers(
    call: Call, req: pb.ListOpenIDConnectProvidersRequest
) -> pb.ListOpenIDConnectProvidersResponse:
    return pb.ListOpenIDConnectProvidersResponse(
        open_id_connect_provider_list=[
            pb.OpenIDConnectProviderListEntry(arn=p.arn)
            for p in oidc.listed(call.view, call.account_id)
        ]
    )


@op("DeleteOpenIDConnectProvider")
async def delete_open_id_connect_provider(
    call: Call, req: pb.DeleteOpenIDConnectProviderRequest
) -> pb.DeleteOpenIDConnectProviderResponse:
    arn = req.open_id_connect_provider_arn
    await call.change(lambda view, ctx: oidc.delete(view, ctx.account_id, arn))
    return pb.DeleteOpenIDConnectProviderResponse()


@op("AddClientIDToOpenIDConnectProvider")
async def add_client_id_to_open_id_connect_provider(
    call: Call, req: pb.AddClientIDToOpenIDConnectProviderRequest
) -> pb.AddClientIDToOpenIDConnectProviderResponse:
    arn = req.open_id_connect_provider_arn
    await call.change(lambda view, ctx: oidc.add_client_id(view, ctx, arn, req.client_id))
    return pb.AddClientIDToOpenIDConnectProviderResponse()


@op("RemoveClientIDFromOpenIDConnectProvider")
async def remove_client_id_from_open_id_connect_provider(
    call: Call, req: pb.RemoveClientIDFromOpenIDConnectProviderRequest
) -> pb.RemoveClientIDFromOpenIDConnectProviderResponse:
    arn = req.open_id_connect_provider_arn
    await call.change(
        lambda view, ctx: oidc.remove_client_id(view, ctx.account_id, arn, req.client_id)
    )
    return pb.RemoveClientIDFromOpenIDConnectProviderResponse()


def profile_message(view: View, p: InstanceProfile, *, tags: bool = True) -> pb.InstanceProfile:
    message = pb.InstanceProfile(
        path=p.path,
        instance_profile_name=p.name,
        instance_profile_id=p.instance_profile_id,
        arn=p.arn,
        create_date=convert.timestamp(p.created_ms),
        roles=[convert.role(view, r, full=False) for r in instance_profiles.roles_of(view, p)],
    )
    if tags:
        message.tags.extend(convert.tags(p.tags))
    return message


@op("CreateInstanceProfile")
async def create_instanceprofile_message(
    call: Call, req: pb.CreateInstanceProfileRequest
) -> pb.CreateInstanceProfileResponse:
    profile = await call.write(
        lambda view, ctx: instance_profiles.create(
            view,
            ctx,
            req.instance_profile_name,
            opt_str(req, "path") or "/",
            convert.tag_pairs(req.tags),
        )
    )
    return pb.CreateInstanceProfileResponse(instance_profile=profile_message(call.view, profile))


@op("GetInstanceProfile")
async def get_instanceprofile_message(
    call: Call, req: pb.GetInstanceProfileRequest
) -> pb.GetInstanceProfileResponse:
    profile = instance_profiles.get(call.view, call.account_id, req.instance_profile_name)
    return pb.GetInstanceProfileResponse(instance_profile=profile_message(call.view, profile))


@op("ListInstanceProfiles")
async def list_instance_profiles(
    call: Call, req: pb.ListInstanceProfilesRequest
) -> pb.ListInstanceProfilesResponse:
    page = instance_profiles.listed(
        call.view,
        call.account_id,
        opt_str(req, "path_prefix") or "/",
        opt_str(req, "marker"),
        opt_int(req, "max_items"),
    )
    return pb.ListInstanceProfilesResponse(
        # AWS's list leaves tags out (GetInstanceProfile shows them).
        instance_profiles=[profile_message(call.view, p, tags=False) for p in page.items],
        is_truncated=page.is_truncated,
        marker=page.marker,
    )


@op("DeleteInstanceProfile")
async def delete_instanceprofile_message(
    call: Call, req: pb.DeleteInstanceProfileRequest
) -> pb.DeleteInstanceProfileResponse:
    name = req.instance_profile_name
    await call.change(lambda view, ctx: instance_profiles.delete(view, ctx.account_id, name))
    return pb.DeleteInstanceProfileResponse()


@op("AddRoleToInstanceProfile")
async def add_role_to_instanceprofile_message(
    call: Call, req: pb.AddRoleToInstanceProfileRequest
) -> pb.AddRoleToInstanceProfileResponse:
    name, role_name = req.instance_profile_name, req.role_name
    await call.change(lambda view, ctx: instance_profiles.add_role(view, ctx, name, role_name))
    return pb.AddRoleToInstanceProfileResponse()


@op("RemoveRoleFromInstanceProfile")
async def remove_role_from_instanceprofile_message(
    call: Call, req: pb.RemoveRoleFromInstanceProfileRequest
) -> pb.RemoveRoleFromInstanceProfileResponse:
    name, role_name = req.instance_profile_name, req.role_name
    await call.change(
        lambda view, ctx: instance_profiles.remove_role(view, ctx.account_id, name, role_name)
    )
    return pb.RemoveRoleFromInstanceProfileResponse()


@op("UpdateOpenIDConnectProviderThumbprint")
async def update_open_id_connect_provider_thumbprint(
    call: Call, req: pb.UpdateOpenIDConnectProviderThumbprintRequest
) -> pb.UpdateOpenIDConnectProviderThumbprintResponse:
    await call.change(
        lambda view, ctx: oidc.update_thumbprints(
            view, ctx, req.open_id_connect_provider_arn, list(req.thumbprint_list)
        )
    )
    return pb.UpdateOpenIDConnectProviderThumbprintResponse()

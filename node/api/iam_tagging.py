"""Iam handlers for the tags of instance profiles, MFA devices and OIDC providers (kept in
their Tagging rows, node/domain/tagging.py), and for OIDC provider thumbprints."""

from __future__ import annotations

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.domain import instance_profiles, mfa, oidc, tagging
from iamstore.node.domain.rules import tag_page
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)


@op("TagInstanceProfile")
async def tag_instance_profile(
    call: Call, req: pb.TagInstanceProfileRequest
) -> pb.TagInstanceProfileResponse:
    await call.change(
        lambda view, ctx: tagging.tag(
            view,
            ctx,
            instance_profiles.get(view, ctx.account_id, req.instance_profile_name),
            convert.tag_pairs(req.tags),
        )
    )
    return pb.TagInstanceProfileResponse()


@op("UntagInstanceProfile")
async def untag_instance_profile(
    call: Call, req: pb.UntagInstanceProfileRequest
) -> pb.UntagInstanceProfileResponse:
    await call.change(
        lambda view, ctx: tagging.untag(
            view,
            instance_profiles.get(view, ctx.account_id, req.instance_profile_name),
            list(req.tag_keys),
        )
    )
    return pb.UntagInstanceProfileResponse()


@op("ListInstanceProfileTags")
async def list_instance_profile_tags(
    call: Call, req: pb.ListInstanceProfileTagsRequest
) -> pb.ListInstanceProfileTagsResponse:
    profile = instance_profiles.get(call.view, call.account_id, req.instance_profile_name)
    page = tag_page(call.view.tags_of(profile), opt_str(req, "marker"), opt_int(req, "max_items"))
    return pb.ListInstanceProfileTagsResponse(
        tags=convert.tags(tuple(page.items)), is_truncated=page.is_truncated, marker=page.marker
    )


@op("TagMFADevice")
async def tag_mfa_device(call: Call, req: pb.TagMFADeviceRequest) -> pb.TagMFADeviceResponse:
    await call.change(
        lambda view, ctx: tagging.tag(
            view,
            ctx,
            mfa.by_serial(view, ctx.account_id, req.serial_number),
            convert.tag_pairs(req.tags),
        )
    )
    return pb.TagMFADeviceResponse()


@op("UntagMFADevice")
async def untag_mfa_device(call: Call, req: pb.UntagMFADeviceRequest) -> pb.UntagMFADeviceResponse:
    await call.change(
        lambda view, ctx: tagging.untag(
            view, mfa.by_serial(view, ctx.account_id, req.serial_number), list(req.tag_keys)
        )
    )
    return pb.UntagMFADeviceResponse()


@op("ListMFADeviceTags")
async def list_mfa_device_tags(
    call: Call, req: pb.ListMFADeviceTagsRequest
) -> pb.ListMFADeviceTagsResponse:
    device = mfa.by_serial(call.view, call.account_id, req.serial_number)
    page = tag_page(call.view.tags_of(device), opt_str(req, "marker"), opt_int(req, "max_items"))
    return pb.ListMFADeviceTagsResponse(
        tags=convert.tags(tuple(page.items)), is_truncated=page.is_truncated, marker=page.marker
    )


@op("TagOpenIDConnectProvider")
async def tag_open_id_connect_provider(
    call: Call, req: pb.TagOpenIDConnectProviderRequest
) -> pb.TagOpenIDConnectProviderResponse:
    await call.change(
        lambda view, ctx: tagging.tag(
            view,
            ctx,
            oidc.get(view, ctx.account_id, req.open_id_connect_provider_arn),
            convert.tag_pairs(req.tags),
        )
    )
    return pb.TagOpenIDConnectProviderResponse()


@op("UntagOpenIDConnectProvider")
async def untag_open_id_connect_provider(
    call: Call, req: pb.UntagOpenIDConnectProviderRequest
) -> pb.UntagOpenIDConnectProviderResponse:
    await call.change(
        lambda view, ctx: tagging.untag(
            view,
            oidc.get(view, ctx.account_id, req.open_id_connect_provider_arn),
            list(req.tag_keys),
        )
    )
    return pb.UntagOpenIDConnectProviderResponse()


@op("ListOpenIDConnectProviderTags")
async def list_open_id_connect_provider_tags(
    call: Call, req: pb.ListOpenIDConnectProviderTagsRequest
) -> pb.ListOpenIDConnectProviderTagsResponse:
    provider = oidc.get(call.view, call.account_id, req.open_id_connect_provider_arn)
    page = tag_page(call.view.tags_of(provider), opt_str(req, "marker"), opt_int(req, "max_items"))
    return pb.ListOpenIDConnectProviderTagsResponse(
        tags=convert.tags(tuple(page.items)), is_truncated=page.is_truncated, marker=page.marker
    )


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

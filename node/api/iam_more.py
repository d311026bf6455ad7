"""Iam handlers added for AWS's whole model: tags of instance profiles, MFA devices and OIDC
providers, OIDC thumbprints, account aliases, STS preferences, GetMFADevice, service-linked
roles, and role and instance-profile lookups."""

from __future__ import annotations

from iamstore.node.api import convert
from iamstore.node.api.context import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.api.iam_federation import profile_message
from iamstore.node.domain import (
    aliases,
    instance_profiles,
    lookup,
    mfa,
    oidc,
    roles,
    service_linked_roles,
    tagging,
)
from iamstore.node.domain.entities import Change, StsPreferences
from iamstore.node.domain.rules import tag_page
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


# --- tags of instance profiles, MFA devices and OIDC providers -----------------------------


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


# --- account aliases -------------------------------------------------------------------------


@op("CreateAccountAlias")
async def create_account_alias(
    call: Call, req: pb.CreateAccountAliasRequest
) -> pb.CreateAccountAliasResponse:
    await call.change(lambda view, ctx: aliases.create(view, ctx, req.account_alias))
    return pb.CreateAccountAliasResponse()


@op("DeleteAccountAlias")
async def delete_account_alias(
    call: Call, req: pb.DeleteAccountAliasRequest
) -> pb.DeleteAccountAliasResponse:
    await call.change(lambda view, ctx: aliases.delete(view, ctx, req.account_alias))
    return pb.DeleteAccountAliasResponse()


@op("ListAccountAliases")
async def list_account_aliases(
    call: Call, req: pb.ListAccountAliasesRequest
) -> pb.ListAccountAliasesResponse:
    page = aliases.listed(
        call.view, call.account_id, opt_str(req, "marker"), opt_int(req, "max_items")
    )
    return pb.ListAccountAliasesResponse(
        account_aliases=page.items, is_truncated=page.is_truncated, marker=page.marker
    )


# --- MFA devices and STS preferences ---------------------------------------------------------


@op("GetMFADevice")
async def get_mfa_device(call: Call, req: pb.GetMFADeviceRequest) -> pb.GetMFADeviceResponse:
    """A device enabled for the named user (else the calling user); virtual devices carry no
    FIDO certifications."""
    name = opt_str(req, "user_name")
    if name is not None:
        user = lookup.user(call.view, call.account_id, name)
    else:
        own = call.own_user_id()
        if own is None:  # the root's own devices are managed outside the IAM API
            raise mfa.not_assigned(req.serial_number, "root")
        user = lookup.caller_user(call.view, own)
    device = mfa.assigned(call.view, user, req.serial_number)
    return pb.GetMFADeviceResponse(
        user_name=user.name,
        serial_number=device.serial_number,
        enable_date=convert.timestamp(device.enabled_ms or device.created_ms),
    )


@op("SetSecurityTokenServicePreferences")
async def set_security_token_service_preferences(
    call: Call, req: pb.SetSecurityTokenServicePreferencesRequest
) -> pb.SetSecurityTokenServicePreferencesResponse:
    """Recorded and shown by GetAccountSummary; iamstore's session tokens are valid on every
    node whatever the version (the v1/v2 distinction is about AWS Regions)."""
    version = req.global_endpoint_token_version  # v1Token or v2Token: checked by the model
    await call.change(lambda view, ctx: [Change.put(StsPreferences(ctx.account_id, version))])
    return pb.SetSecurityTokenServicePreferencesResponse()


# --- service-linked roles ----------------------------------------------------------------------


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

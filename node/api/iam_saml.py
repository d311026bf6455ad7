"""Iam handlers for SAML 2.0 identity providers (CreateSAMLProvider and friends)."""

from __future__ import annotations

from iamstore.node.api import convert
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_str, registrar
from iamstore.node.domain import saml
from iamstore.node.domain.errors import InvalidInput
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)


def _no_identity_propagation(
    req: pb.CreateSAMLProviderRequest | pb.UpdateSAMLProviderRequest,
) -> None:
    """AWS's trusted identity propagation (IAM Identity Center) is not offered: say so."""
    if req.HasField("context_provider"):
        raise InvalidInput(
            "trusted identity propagation is not supported; leave out ContextProvider",
            "ContextProvider",
        )
    if opt_str(req, "identity_center_instance_arn") is not None:
        raise InvalidInput(
            "IAM Identity Center is not supported; leave out IdentityCenterInstanceArn",
            "IdentityCenterInstanceArn",
        )


@op("CreateSAMLProvider")
async def create_saml_provider(
    call: Call, req: pb.CreateSAMLProviderRequest
) -> pb.CreateSAMLProviderResponse:
    _no_identity_propagation(req)
    provider = await call.write(
        lambda view, ctx: saml.create(
            view,
            ctx,
            req.name,
            req.saml_metadata_document,
            convert.tag_pairs(req.tags),
            opt_str(req, "assertion_encryption_mode"),
            opt_str(req, "add_private_key"),
        )
    )
    return pb.CreateSAMLProviderResponse(
        saml_provider_arn=provider.arn, tags=convert.tags(provider.tags)
    )


@op("GetSAMLProvider")
async def get_saml_provider(
    call: Call, req: pb.GetSAMLProviderRequest
) -> pb.GetSAMLProviderResponse:
    provider = saml.get(call.view, call.account_id, req.saml_provider_arn)
    response = pb.GetSAMLProviderResponse(
        saml_provider_uuid=provider.provider_uuid,
        saml_metadata_document=provider.metadata_document,
        create_date=convert.timestamp(provider.created_ms),
        tags=convert.tags(provider.tags),
        assertion_encryption_mode=saml.ENCRYPTION_MODE,
    )
    if provider.valid_until_ms is not None:
        response.valid_until.CopyFrom(convert.timestamp(provider.valid_until_ms))
    return response


@op("ListSAMLProviders")
async def list_saml_providers(
    call: Call, req: pb.ListSAMLProvidersRequest
) -> pb.ListSAMLProvidersResponse:
    entries = []
    for provider in saml.listed(call.view, call.account_id):
        entry = pb.SAMLProviderListEntry(
            arn=provider.arn,
            create_date=convert.timestamp(provider.created_ms),
            is_trusted_identity_propagation_enabled=False,
        )
        if provider.valid_until_ms is not None:
            entry.valid_until.CopyFrom(convert.timestamp(provider.valid_until_ms))
        entries.append(entry)
    return pb.ListSAMLProvidersResponse(saml_provider_list=entries)


@op("UpdateSAMLProvider")
async def update_saml_provider(
    call: Call, req: pb.UpdateSAMLProviderRequest
) -> pb.UpdateSAMLProviderResponse:
    _no_identity_propagation(req)
    provider = await call.write(
        lambda view, ctx: saml.update(
            view,
            ctx,
            req.saml_provider_arn,
            opt_str(req, "saml_metadata_document"),
            opt_str(req, "assertion_encryption_mode"),
            opt_str(req, "add_private_key"),
            opt_str(req, "remove_private_key"),
        )
    )
    return pb.UpdateSAMLProviderResponse(saml_provider_arn=provider.arn)


@op("DeleteSAMLProvider")
async def delete_saml_provider(
    call: Call, req: pb.DeleteSAMLProviderRequest
) -> pb.DeleteSAMLProviderResponse:
    arn = req.saml_provider_arn
    await call.change(lambda view, ctx: saml.delete(view, ctx.account_id, arn))
    return pb.DeleteSAMLProviderResponse()

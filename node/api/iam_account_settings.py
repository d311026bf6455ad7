"""Iam handlers for account-wide settings: account aliases and STS preferences."""

from __future__ import annotations

from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.domain import aliases
from iamstore.node.domain.entities import Change, StsPreferences
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)


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


@op("SetSecurityTokenServicePreferences")
async def set_security_token_service_preferences(
    call: Call, req: pb.SetSecurityTokenServicePreferencesRequest
) -> pb.SetSecurityTokenServicePreferencesResponse:
    """Recorded and shown by GetAccountSummary; iamstore's session tokens are valid on every
    node whatever the version (the v1/v2 distinction is about AWS Regions)."""
    version = req.global_endpoint_token_version  # v1Token or v2Token: checked by the model
    await call.change(lambda view, ctx: [Change.put(StsPreferences(ctx.account_id, version))])
    return pb.SetSecurityTokenServicePreferencesResponse()

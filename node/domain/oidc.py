"""OpenID Connect identity providers: one per issuer URL and account, with client ids."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from iamstore.node.domain import fields, tagging
from iamstore.node.domain.entities import Change, OidcProvider
from iamstore.node.domain.errors import (
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    NoSuchEntity,
)
from iamstore.node.domain.rules import check_tags
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

_HEX = frozenset("0123456789abcdefABCDEF")
THUMBPRINT_LENGTH = 40  # a SHA-1 fingerprint in hex


def issuer(url: str) -> str:
    """The issuer URL without `https://`: what the ARN ends with and GetOpenIDConnectProvider shows.

    AWS: the URL must begin with `https://`; a path is allowed, a query or fragment is not.
    """
    if not url.lower().startswith("https://"):
        raise InvalidInput(f"the url `{url}` must begin with https://", "Url")
    parts = urlsplit(url)
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise InvalidInput(f"the url `{url}` must not have a query or a fragment", "Url")
    if not parts.hostname:
        raise InvalidInput(f"the url `{url}` has no host", "Url")
    return url[len("https://") :]


def provider_arn(account_id: str, url: str) -> str:
    return f"arn:aws:iam::{account_id}:oidc-provider/{issuer(url)}"


def _thumbprints(values: Sequence[str], ctx: WriteContext) -> tuple[str, ...]:
    for value in values:
        if len(value) != THUMBPRINT_LENGTH or not set(value) <= _HEX:
            raise InvalidInput(
                f"thumbprint `{value}` must be {THUMBPRINT_LENGTH} hexadecimal characters",
                "ThumbprintList",
            )
    unique = tuple(dict.fromkeys(values))
    if len(unique) > ctx.quotas.thumbprints_per_oidc_provider:
        raise LimitExceeded(
            "Thumbprint list must contain at most "
            f"{ctx.quotas.thumbprints_per_oidc_provider} entries.",
            "ThumbprintList",
        )
    return unique


def _client_ids(values: Sequence[str], ctx: WriteContext) -> tuple[str, ...]:
    unique = tuple(dict.fromkeys(values))
    if len(unique) > ctx.quotas.client_ids_per_oidc_provider:
        raise LimitExceeded(
            "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: "
            f"{ctx.quotas.client_ids_per_oidc_provider}",
            "ClientIDList",
        )
    return unique


def create(
    view: View,
    ctx: WriteContext,
    url: str,
    client_ids: Sequence[str],
    thumbprints: Sequence[str],
    tags: Sequence[tuple[str, str]],
) -> tuple[list[Change], OidcProvider]:
    arn = provider_arn(ctx.account_id, url)
    providers = view.oidc_providers.get(ctx.account_id, {})
    if arn in providers:
        raise EntityAlreadyExists(f"Provider with url {url} already exists.", "Url")
    if len(providers) >= ctx.quotas.oidc_providers_per_account:
        raise LimitExceeded(
            "Cannot exceed quota for OpenIdConnectProvidersPerAccount: "
            f"{ctx.quotas.oidc_providers_per_account}"
        )
    provider = OidcProvider(
        arn=arn,
        account_id=ctx.account_id,
        url=issuer(url),
        client_ids=_client_ids(client_ids, ctx),
        thumbprints=_thumbprints(thumbprints, ctx),
        created_ms=ctx.now_ms,
        tags=check_tags((), tags, ctx.quotas),
    )
    return [Change.put(provider)], provider


def get(view: View, account_id: str, arn: str) -> OidcProvider:
    """The account's provider with this ARN; another account's provider does not exist here."""
    if not arn.startswith("arn:"):
        raise InvalidInput(f"ARN {arn} is not valid.", "OpenIDConnectProviderArn")
    found = view.oidc_providers.get(account_id, {}).get(arn)
    if found is None:
        raise NoSuchEntity(
            f"OpenIDConnect Provider not found for arn {arn}", "OpenIDConnectProviderArn"
        )
    return found


def listed(view: View, account_id: str) -> list[OidcProvider]:
    return sorted(view.oidc_providers.get(account_id, {}).values(), key=lambda p: p.arn)


def delete(view: View, account_id: str, arn: str) -> list[Change]:
    provider = get(view, account_id, arn)
    return [
        Change.delete(provider),
        *tagging.dropped(view, provider),
    ]


def update_thumbprints(
    view: View, ctx: WriteContext, arn: str, thumbprints: Sequence[str]
) -> list[Change]:
    """UpdateOpenIDConnectProviderThumbprint: replaces the whole thumbprint list (a field
    row, so a concurrent delete stays final and client-id changes are kept)."""
    provider = get(view, ctx.account_id, arn)
    return [fields.put(provider, "thumbprints", _thumbprints(thumbprints, ctx))]


def add_client_id(view: View, ctx: WriteContext, arn: str, client_id: str) -> list[Change]:
    """Adds a client id; adding one the provider already has changes nothing (AWS)."""
    provider = get(view, ctx.account_id, arn)
    if client_id in provider.client_ids:
        return []
    _client_ids((*provider.client_ids, client_id), ctx)
    # One row per client id: adds and removes of different ids on two nodes all take effect.
    return [fields.put(provider, fields.CLIENT + client_id, True)]


def remove_client_id(view: View, account_id: str, arn: str, client_id: str) -> list[Change]:
    """Removes a client id; removing one the provider does not have changes nothing (AWS)."""
    provider = get(view, account_id, arn)
    if client_id not in provider.client_ids:
        return []
    return [fields.put(provider, fields.CLIENT + client_id, False)]

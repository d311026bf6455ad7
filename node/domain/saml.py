"""SAML 2.0 identity providers: one per name and account, with the IdP's metadata and keys.

AWS: CreateSAMLProvider and friends (IAM API reference); the metadata is parsed when it is
written (node.domain.saml_metadata), so a provider in the replica always has an entity id
and at least one signing certificate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from iamstore.node.domain import fields
from iamstore.node.domain.entities import Change, SamlProvider
from iamstore.node.domain.errors import (
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    NoSuchEntity,
)
from iamstore.node.domain.rules import check_tags
from iamstore.node.domain.saml_metadata import parse_metadata
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

# The one mode iamstore offers: assertions arrive signed, not encrypted.
ENCRYPTION_MODE = "Allowed"


def provider_arn(account_id: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:saml-provider/{name}"


def _no_encryption(mode: str | None, private_key: str | None) -> None:
    """Assertion encryption (AWS's newer API) is not offered: refuse asking for it."""
    if mode not in (None, ENCRYPTION_MODE):
        raise InvalidInput(
            "assertion encryption is not supported; AssertionEncryptionMode must be `Allowed`",
            "AssertionEncryptionMode",
        )
    if private_key is not None:
        raise InvalidInput(
            "assertion encryption is not supported; no private key can be added",
            "AddPrivateKey",
        )


def create(
    view: View,
    ctx: WriteContext,
    name: str,
    document: str,
    tags: Sequence[tuple[str, str]],
    encryption_mode: str | None = None,
    private_key: str | None = None,
) -> tuple[list[Change], SamlProvider]:
    _no_encryption(encryption_mode, private_key)
    arn = provider_arn(ctx.account_id, name)
    providers = view.saml_providers.get(ctx.account_id, {})
    if arn in providers:
        raise EntityAlreadyExists(f"SAMLProvider {name} already exists.", "Name")
    if len(providers) >= ctx.quotas.saml_providers_per_account:
        raise LimitExceeded(
            "Cannot exceed quota for SamlProvidersPerAccount: "
            f"{ctx.quotas.saml_providers_per_account}"
        )
    metadata = parse_metadata(
        document, ctx.quotas.saml_metadata_chars, ctx.quotas.keys_per_saml_provider
    )
    provider = SamlProvider(
        arn=arn,
        account_id=ctx.account_id,
        name=name,
        provider_uuid=ctx.new_id("SAMLP"),  # 22 characters: AWS's minimum
        metadata_document=document,
        entity_id=metadata.entity_id,
        certificates=metadata.certificates,
        valid_until_ms=metadata.valid_until_ms,
        created_ms=ctx.now_ms,
        tags=check_tags((), tags, ctx.quotas),
    )
    return [Change.put(provider)], provider


def get(view: View, account_id: str, arn: str) -> SamlProvider:
    """The account's provider with this ARN; another account's provider does not exist here."""
    if not arn.startswith("arn:"):
        raise InvalidInput(f"ARN {arn} is not valid.", "SAMLProviderArn")
    found = view.saml_providers.get(account_id, {}).get(arn)
    if found is None:
        raise NoSuchEntity(f"SAMLProvider {arn} does not exist.", "SAMLProviderArn")
    return found


def listed(view: View, account_id: str) -> list[SamlProvider]:
    return sorted(view.saml_providers.get(account_id, {}).values(), key=lambda p: p.arn)


def update(
    view: View,
    ctx: WriteContext,
    arn: str,
    document: str | None,
    encryption_mode: str | None = None,
    private_key: str | None = None,
    remove_key_id: str | None = None,
) -> tuple[list[Change], SamlProvider]:
    """New metadata (new signing certificates: how an IdP's key rollover is installed)."""
    provider = get(view, ctx.account_id, arn)
    _no_encryption(encryption_mode, private_key)
    if remove_key_id is not None:
        raise InvalidInput(f"the provider has no private key `{remove_key_id}`", "RemovePrivateKey")
    if document is None:
        return [], provider
    metadata = parse_metadata(
        document, ctx.quotas.saml_metadata_chars, ctx.quotas.keys_per_saml_provider
    )
    changed = {
        "metadata_document": document,
        "entity_id": metadata.entity_id,
        "certificates": metadata.certificates,
        "valid_until_ms": metadata.valid_until_ms,
    }
    updated = replace(provider, **changed)  # type: ignore[arg-type]
    return [fields.put(provider, name, value) for name, value in changed.items()], updated


def delete(view: View, account_id: str, arn: str) -> list[Change]:
    provider = get(view, account_id, arn)
    return [Change.delete(provider), *fields.dropped(view.fields_of(provider))]

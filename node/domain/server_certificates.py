"""Server certificates: upload with chain validation, rename, list, delete (AWS's quota: 20)."""

from __future__ import annotations

from collections.abc import Sequence

from iamstore.node.domain import certificates, fields, tagging
from iamstore.node.domain.entities import Change, ServerCertificate
from iamstore.node.domain.errors import EntityAlreadyExists, LimitExceeded, NoSuchEntity
from iamstore.node.domain.rules import Page, check_tags, paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext


def upload(
    view: View,
    ctx: WriteContext,
    name: str,
    path: str,
    body: str,
    private_key: str,
    chain: str | None,
    tags: Sequence[tuple[str, str]],
) -> tuple[list[Change], ServerCertificate]:
    if view.server_certificates.named(ctx.account_id, name) is not None:
        raise EntityAlreadyExists(
            f"The Server Certificate with name {name} already exists.", "ServerCertificateName"
        )
    quota = ctx.quotas.server_certificates_per_account
    if view.server_certificates.count(ctx.account_id) >= quota:
        raise LimitExceeded(f"Cannot exceed quota for ServerCertificatesPerAccount: {quota}")
    facts = certificates.check_server_certificate(body, private_key, chain, ctx.now_ms)
    certificate = ServerCertificate(
        certificate_id=ctx.new_id("ASCA"),
        account_id=ctx.account_id,
        name=name,
        path=path,
        created_ms=ctx.now_ms,
        expiration_ms=facts.expiration_ms,
        body=body,
        chain=chain or None,
        tags=check_tags((), tags, ctx.quotas),
    )
    return [Change.put(certificate)], certificate


def get(view: View, account_id: str, name: str) -> ServerCertificate:
    found = view.server_certificates.named(account_id, name)
    if found is None:
        raise NoSuchEntity(
            f"The Server Certificate with name {name} cannot be found.", "ServerCertificateName"
        )
    return found


def listed(
    view: View, account_id: str, path_prefix: str, marker: str | None, max_items: int | None
) -> Page[ServerCertificate]:
    chosen = [
        c for c in view.server_certificates.in_account(account_id) if c.path.startswith(path_prefix)
    ]
    return paginate(chosen, lambda c: c.name.lower(), marker, max_items)


def update(
    view: View, ctx: WriteContext, name: str, new_path: str | None, new_name: str | None
) -> list[Change]:
    """Renames or moves a certificate; its id, and so its tags, stay."""
    certificate = get(view, ctx.account_id, name)
    renamed = new_name is not None and new_name.lower() != certificate.name.lower()
    if renamed and view.server_certificates.named(ctx.account_id, new_name or "") is not None:
        raise EntityAlreadyExists(
            f"The Server Certificate with name {new_name} already exists.",
            "NewServerCertificateName",
        )
    changes = []
    if new_name is not None:
        changes.append(fields.put(certificate, "name", new_name))
    if new_path is not None:
        changes.append(fields.put(certificate, "path", new_path))
    return changes


def delete(view: View, account_id: str, name: str) -> list[Change]:
    certificate = get(view, account_id, name)
    return [
        Change.delete(certificate),
        *tagging.dropped(view, certificate),
    ]

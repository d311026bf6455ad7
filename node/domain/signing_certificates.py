"""X.509 signing certificates of users and of the account root: upload, list, activate or
deactivate, delete (2 per owner).

An owner is named by its id: a user's id, or the account root's (`entities.root_owner`), as
for access keys. AWS lets the root manage its own certificates by omitting UserName (IAM API
Reference, UploadSigningCertificate:
https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadSigningCertificate.html).
"""

from __future__ import annotations

import base64

from iamstore.node.domain import certificates, fields
from iamstore.node.domain.entities import Change, KeyStatus, SigningCertificate
from iamstore.node.domain.errors import DuplicateCertificate, LimitExceeded, NoSuchEntity
from iamstore.node.domain.rules import Page, paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext


def certificate_id(fingerprint_hex: str) -> str:
    """24 characters of [A-Z2-7] from the certificate's SHA-256, in the shape AWS's ids have."""
    return base64.b32encode(bytes.fromhex(fingerprint_hex)).decode()[:24]


def of_owner(view: View, owner_id: str, account_id: str) -> list[SigningCertificate]:
    """The owner's (a user's, or the root's) certificates: of its account only (see
    `ssh_keys.of_user`)."""
    keys = view.signing_certificates_of.get(owner_id, ())
    found = (view.signing_certificates.get(k) for k in keys)
    return [cert for cert in found if cert is not None and cert.account_id == account_id]


def upload(
    view: View, ctx: WriteContext, owner_id: str, body: str
) -> tuple[list[Change], SigningCertificate]:
    facts = certificates.check_signing_certificate(body, ctx.now_ms)
    row = SigningCertificate(
        account_id=ctx.account_id,
        certificate_id=certificate_id(facts.fingerprint),
        user_id=owner_id,
        body=body,
        status=KeyStatus.ACTIVE,
        created_ms=ctx.now_ms,
    )
    if row.key in view.signing_certificates:
        raise DuplicateCertificate(
            "The same certificate is already associated with a user in this account.",
            "CertificateBody",
        )
    quota = ctx.quotas.signing_certificates_per_user
    if len(of_owner(view, owner_id, ctx.account_id)) >= quota:
        raise LimitExceeded(f"Cannot exceed quota for CertificatesPerUser: {quota}")
    return [Change.put(row)], row


def get(view: View, account_id: str, owner_id: str, certificate_id: str) -> SigningCertificate:
    found = view.signing_certificates.get(f"{account_id}/{certificate_id}")
    if found is None or found.user_id != owner_id:
        raise NoSuchEntity(
            f"The Certificate with id {certificate_id} cannot be found.", "CertificateId"
        )
    return found


def listed(
    view: View, account_id: str, owner_id: str, marker: str | None, max_items: int | None
) -> Page[SigningCertificate]:
    owned = of_owner(view, owner_id, account_id)
    return paginate(owned, lambda c: c.certificate_id, marker, max_items)


def set_status(
    view: View, ctx: WriteContext, owner_id: str, certificate_id: str, status: str
) -> list[Change]:
    found = get(view, ctx.account_id, owner_id, certificate_id)
    return [fields.put(found, "status", status)]


def delete(view: View, ctx: WriteContext, owner_id: str, certificate_id: str) -> list[Change]:
    found = get(view, ctx.account_id, owner_id, certificate_id)
    return [Change.delete(found), *fields.dropped(view.fields_of(found))]

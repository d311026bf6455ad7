"""Users' X.509 signing certificates: upload, list, activate or deactivate, delete (2 per user)."""

from __future__ import annotations

import base64

from iamstore.node.domain import certificates, fields
from iamstore.node.domain.entities import Change, KeyStatus, SigningCertificate, User
from iamstore.node.domain.errors import DuplicateCertificate, LimitExceeded, NoSuchEntity
from iamstore.node.domain.rules import Page, paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext


def certificate_id(fingerprint_hex: str) -> str:
    """24 characters of [A-Z2-7] from the certificate's SHA-256, in the shape AWS's ids have."""
    return base64.b32encode(bytes.fromhex(fingerprint_hex)).decode()[:24]


def of_user(view: View, user: User) -> list[SigningCertificate]:
    """The user's certificates: of its account only (see `ssh_keys.of_user`)."""
    keys = view.signing_certificates_of.get(user.user_id, ())
    found = (view.signing_certificates.get(k) for k in keys)
    return [cert for cert in found if cert is not None and cert.account_id == user.account_id]


def upload(
    view: View, ctx: WriteContext, user: User, body: str
) -> tuple[list[Change], SigningCertificate]:
    facts = certificates.check_signing_certificate(body, ctx.now_ms)
    row = SigningCertificate(
        account_id=ctx.account_id,
        certificate_id=certificate_id(facts.fingerprint),
        user_id=user.user_id,
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
    if len(of_user(view, user)) >= quota:
        raise LimitExceeded(f"Cannot exceed quota for CertificatesPerUser: {quota}")
    return [Change.put(row)], row


def get(view: View, account_id: str, user: User, certificate_id: str) -> SigningCertificate:
    found = view.signing_certificates.get(f"{account_id}/{certificate_id}")
    if found is None or found.user_id != user.user_id:
        raise NoSuchEntity(
            f"The Certificate with id {certificate_id} cannot be found.", "CertificateId"
        )
    return found


def listed(
    view: View, user: User, marker: str | None, max_items: int | None
) -> Page[SigningCertificate]:
    return paginate(of_user(view, user), lambda c: c.certificate_id, marker, max_items)


def set_status(
    view: View, ctx: WriteContext, user: User, certificate_id: str, status: str
) -> list[Change]:
    found = get(view, ctx.account_id, user, certificate_id)
    return [fields.put(found, "status", status)]


def delete(view: View, ctx: WriteContext, user: User, certificate_id: str) -> list[Change]:
    found = get(view, ctx.account_id, user, certificate_id)
    return [Change.delete(found), *fields.dropped(view.fields_of(found))]

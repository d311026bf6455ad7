"""Service-specific credentials: user name and password for CodeCommit and Amazon Keyspaces,
API keys for Amazon Bedrock; two per user and service (AWS IAM API,
CreateServiceSpecificCredential). Passwords and secrets are made by the caller's handler
(randomness is injected) and never stored."""

from __future__ import annotations

from iamstore.node.domain import fields
from iamstore.node.domain.entities import Change, KeyStatus, ServiceCredential, User
from iamstore.node.domain.errors import LimitExceeded, NoSuchEntity, ServiceNotSupported
from iamstore.node.domain.rules import Page, paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext

# Services that take service-specific credentials, and whether theirs are API keys (an alias
# and a secret) rather than a user name and a password.
SERVICES: dict[str, bool] = {
    "codecommit.amazonaws.com": False,
    "cassandra.amazonaws.com": False,
    "bedrock.amazonaws.com": True,
}
DAY_MS = 86_400_000


def is_api_key(service_name: str) -> bool:
    return SERVICES.get(service_name, False)


def _check_service(service_name: str) -> None:
    if service_name not in SERVICES:
        raise ServiceNotSupported(
            f"Service {service_name} is not supported for service-specific credentials.",
            "ServiceName",
        )


def of_user(view: View, user: User) -> list[ServiceCredential]:
    """The user's credentials: of its account only (see `ssh_keys.of_user`)."""
    ids = view.service_credentials_of.get(user.user_id, ())
    found = (view.service_credentials.get(i) for i in ids)
    return [c for c in found if c is not None and c.account_id == user.account_id]


def create(
    view: View, ctx: WriteContext, user: User, service_name: str, age_days: int | None
) -> tuple[list[Change], ServiceCredential]:
    _check_service(service_name)
    same = [c for c in of_user(view, user) if c.service_name == service_name]
    quota = ctx.quotas.service_credentials_per_user_per_service
    if len(same) >= quota:
        raise LimitExceeded(
            f"Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {quota}"
        )
    # AWS's shape: `alice-at-111122223333`; a second credential for the service gets `+1`.
    taken = {c.service_user_name for c in same}
    base = f"{user.name}-at-{ctx.account_id}"
    name = base if base not in taken else f"{user.name}+1-at-{ctx.account_id}"
    credential = ServiceCredential(
        credential_id=ctx.new_id("ACCA"),
        account_id=ctx.account_id,
        user_id=user.user_id,
        service_name=service_name,
        service_user_name=name,
        status=KeyStatus.ACTIVE,
        created_ms=ctx.now_ms,
        expiration_ms=None if age_days is None else ctx.now_ms + age_days * DAY_MS,
    )
    return [Change.put(credential)], credential


def get(view: View, user: User, credential_id: str) -> ServiceCredential:
    found = view.service_credentials.get(credential_id)
    if found is None or found.user_id != user.user_id or found.account_id != user.account_id:
        raise NoSuchEntity(
            f"No such credential {credential_id} exists for user {user.name}.",
            "ServiceSpecificCredentialId",
        )
    return found


def listed(
    view: View,
    account_id: str,
    user: User | None,
    service_name: str | None,
    marker: str | None,
    max_items: int | None,
) -> Page[ServiceCredential]:
    """A user's credentials, or every user's in the account when `user` is None (AllUsers)."""
    if service_name is not None:
        _check_service(service_name)
    if user is not None:
        found = of_user(view, user)
    else:
        # Work bounded by the account's users, not by every credential in the cluster.
        found = [c for u in view.users.in_account(account_id) for c in of_user(view, u)]
    if service_name is not None:
        found = [c for c in found if c.service_name == service_name]
    return paginate(found, lambda c: f"{c.created_ms:015d}/{c.credential_id}", marker, max_items)


def set_status(view: View, user: User, credential_id: str, status: str) -> list[Change]:
    return [fields.put(get(view, user, credential_id), "status", status)]


def delete(view: View, user: User, credential_id: str) -> list[Change]:
    found = get(view, user, credential_id)
    return [Change.delete(found), *fields.dropped(view.fields_of(found))]

"""Service-linked roles are protected: only the service (here, Create/DeleteServiceLinkedRole)
changes their trust, their policies or their existence ("Using service-linked roles", IAM
User Guide); their path prefix is reserved for them."""

from __future__ import annotations

from collections.abc import Iterable

from iamstore.node.domain.entities import (
    Attachment,
    Boundary,
    Change,
    EntityField,
    Group,
    InlinePolicy,
    Role,
    User,
)
from iamstore.node.domain.errors import InvalidInput, UnmodifiableEntity
from iamstore.node.domain.view import View
from iamstore.node.policy import Policy
from iamstore.node.policy.document import Effect, PrincipalKey

SERVICE_ROLE_PATH = "/aws-service-role/"


def is_service_linked(role: Role) -> bool:
    return role.path.startswith(SERVICE_ROLE_PATH)


def check_modifiable(entity: User | Group | Role) -> None:
    """Refuses a change to a service-linked role's trust, policies, boundary or existence."""
    if isinstance(entity, Role) and is_service_linked(entity):
        raise UnmodifiableEntity(
            f"Cannot perform the operation on the protected role '{entity.name}' - "
            "this role is only modifiable by AWS",
            "RoleName",
        )


def check_path_not_reserved(path: str) -> None:
    """CreateRole may not make a role look service-linked."""
    if path.startswith(SERVICE_ROLE_PATH):
        raise InvalidInput(
            f"the path prefix `{SERVICE_ROLE_PATH}` is reserved for service-linked roles", "Path"
        )


def check_imported_service_role(path: str, trust: Policy, boundary: str | None) -> None:
    """An imported role may take the reserved path only as CreateServiceLinkedRole makes one:
    `/aws-service-role/SERVICE.amazonaws.com/`, no boundary, a trust policy that lets in
    services alone. Real accounts hold such roles (GetAccountAuthorizationDetails lists them),
    so they are imported; anything else under the path would be a role that trusts an IAM
    principal and that DeleteRole, DetachRolePolicy and UpdateAssumeRolePolicy refuse."""
    if not path.startswith(SERVICE_ROLE_PATH):
        return
    service = path[len(SERVICE_ROLE_PATH) :].removesuffix("/")
    services_only = all(
        statement.effect is Effect.DENY
        or (
            statement.not_principal is None
            and statement.principal is not None
            and not statement.principal.wildcard
            and all(key is PrincipalKey.SERVICE for key, _ in statement.principal.entries)
        )
        for statement in trust.statements
    )
    if (
        not services_only
        or boundary is not None
        or "/" in service
        or not service.endswith(".amazonaws.com")
        or service == ".amazonaws.com"
    ):
        raise InvalidInput(
            f"the path prefix `{SERVICE_ROLE_PATH}` is reserved for service-linked roles: "
            "a role under it is imported only at `/aws-service-role/SERVICE.amazonaws.com/`, "
            "without a permissions boundary, trusting services alone",
            "Path",
        )


def check_changes_spare_protected(view: View, account_id: str, changes: Iterable[Change]) -> None:
    """Refuses changes to a service-linked role of the account (its row, trust and other
    fields, inline policies, attachments, boundary), as check_modifiable refuses each
    operation that would make them: an account import with `--replace` may not rewrite one."""
    protected = {r.role_id: r for r in view.roles.in_account(account_id) if is_service_linked(r)}
    if not protected:
        return
    for change in changes:
        owner = _owner_of(change)
        if owner in protected:
            check_modifiable(protected[owner])


def _owner_of(change: Change) -> str | None:
    """The id of the principal whose role, field, policy or boundary row `change` writes."""
    if change.table in (Role.TABLE, Boundary.TABLE):
        return change.key
    if change.table in (InlinePolicy.TABLE, Attachment.TABLE):
        return change.key.split("/", 1)[0]
    if change.table == EntityField.TABLE:
        table, entity_key, _rest = change.key.split("|", 2)
        return entity_key if table == Role.TABLE else None
    return None

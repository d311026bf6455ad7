"""Service-linked roles are protected: only the service (here, Create/DeleteServiceLinkedRole)
changes their trust, their policies or their existence ("Using service-linked roles", IAM
User Guide); their path prefix is reserved for them."""

from __future__ import annotations

from iamstore.node.domain.entities import Group, Role, User
from iamstore.node.domain.errors import InvalidInput, UnmodifiableEntity

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

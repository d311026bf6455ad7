"""Who is asking: principal identities and how a `Principal`/`NotPrincipal` names them."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

from iamstore.node.policy.document import PrincipalKey, PrincipalSpec
from iamstore.node.policy.variables import Context


class PrincipalType(enum.Enum):
    ROOT = "root"
    USER = "user"
    ROLE = "role"
    ASSUMED_ROLE = "assumed-role"
    FEDERATED_USER = "federated-user"
    SERVICE = "service"
    WEB_IDENTITY = "web-identity"
    ANONYMOUS = "anonymous"


class PrincipalMatch(enum.IntEnum):
    """How a resource policy named the caller; a higher value is a more specific grant."""

    NONE = 0
    ACCOUNT = 1  # the caller's account: delegates to the account's identity policies
    ROLE = 2  # the role behind an assumed-role session: limited by boundary and session policy
    DIRECT = 3  # the caller itself (user ARN, session ARN) or everyone ("*")


# [0-9], not \d: Python's \d matches any script's digits; account ids are ASCII.
_ASSUMED_ROLE = re.compile(r"arn:[^:]+:sts::([0-9]{12}):assumed-role/([^/]+)/.+\Z", re.DOTALL)
_IAM_ARN = re.compile(r"arn:[^:]+:iam::([0-9]{12}):(root|user/.+|role/.+)\Z", re.DOTALL)
_FEDERATED_USER = re.compile(r"arn:[^:]+:sts::([0-9]{12}):federated-user/.+\Z", re.DOTALL)
_COGNITO = "cognito-identity.amazonaws.com"
_ACCOUNT_ID = re.compile(r"[0-9]{12}\Z")
_ACCOUNT_ROOT = re.compile(r"arn:[^:]+:iam::([0-9]{12}):root\Z")
_ROLE_ARN = re.compile(r"arn:[^:]+:iam::([0-9]{12}):role/(?:.*/)?([^/]+)\Z", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Request:
    """One authorization question. `context` keys are lower-case (see `normalize_context`)."""

    principal_arn: str
    principal_account: str
    principal_type: PrincipalType
    action: str
    resource_arn: str
    resource_account: str | None
    context: Context
    role_name: str | None = None  # the role behind an assumed-role session


def classify_principal(principal_arn: str) -> tuple[PrincipalType, str, str | None]:
    """(type, account id, role name) read from a principal ARN or service name."""
    if match := _ASSUMED_ROLE.match(principal_arn):
        return PrincipalType.ASSUMED_ROLE, match.group(1), match.group(2)
    if match := _FEDERATED_USER.match(principal_arn):
        return PrincipalType.FEDERATED_USER, match.group(1), None
    if match := _IAM_ARN.match(principal_arn):
        what = match.group(2)
        if what == "root":
            return PrincipalType.ROOT, match.group(1), None
        if what.startswith("user/"):
            return PrincipalType.USER, match.group(1), None
        return PrincipalType.ROLE, match.group(1), what.rsplit("/", 1)[-1]
    if principal_arn in ("", "*", "anonymous"):
        return PrincipalType.ANONYMOUS, "", None
    # Amazon Cognito is the one web identity provider named like a service.
    if principal_arn == _COGNITO:
        return PrincipalType.WEB_IDENTITY, "", None
    if principal_arn.endswith(".amazonaws.com") and not principal_arn.startswith("arn:"):
        return PrincipalType.SERVICE, "", None
    return PrincipalType.WEB_IDENTITY, "", None


def normalize_context(context: Mapping[str, str | list[str] | tuple[str, ...]]) -> Context:
    """Lower-case the keys (condition keys are case-insensitive); lists become tuples."""
    return {
        key.lower(): value if isinstance(value, str) else tuple(value)
        for key, value in context.items()
    }


def make_request(
    principal_arn: str,
    action: str,
    resource_arn: str,
    *,
    resource_account: str | None = None,
    context: Mapping[str, str | list[str] | tuple[str, ...]] | None = None,
) -> Request:
    """A request whose principal type and account are read from `principal_arn`."""
    principal_type, account, role_name = classify_principal(principal_arn)
    return Request(
        principal_arn=principal_arn,
        principal_account=account,
        principal_type=principal_type,
        action=action,
        resource_arn=resource_arn,
        resource_account=resource_account,
        context=normalize_context(context or {}),
        role_name=role_name,
    )


def _names_account(value: str) -> str | None:
    if _ACCOUNT_ID.match(value):
        return value
    match = _ACCOUNT_ROOT.match(value)
    return match.group(1) if match else None


def _names_role(value: str, request: Request) -> bool:
    match = _ROLE_ARN.match(value)
    return (
        match is not None
        and request.role_name is not None
        and match.group(1) == request.principal_account
        and match.group(2) == request.role_name
    )


_IAM_TYPES = frozenset(
    {
        PrincipalType.ROOT,
        PrincipalType.USER,
        PrincipalType.ROLE,
        PrincipalType.ASSUMED_ROLE,
        PrincipalType.FEDERATED_USER,
    }
)


def _match_value(key: PrincipalKey, value: str, request: Request) -> PrincipalMatch:
    if key is PrincipalKey.AWS:
        if value == "*":
            return PrincipalMatch.DIRECT
        if request.principal_type not in _IAM_TYPES:
            return PrincipalMatch.NONE
        account = _names_account(value)
        if account is not None:  # checked first: the root ARN names the account, not a user
            return (
                PrincipalMatch.ACCOUNT
                if account == request.principal_account
                else (PrincipalMatch.NONE)
            )
        if value == request.principal_arn:
            return PrincipalMatch.DIRECT
        if _names_role(value, request):
            return PrincipalMatch.ROLE
        return PrincipalMatch.NONE
    if key is PrincipalKey.SERVICE:
        wanted = PrincipalType.SERVICE
    elif key is PrincipalKey.FEDERATED:
        wanted = PrincipalType.WEB_IDENTITY
    else:
        return PrincipalMatch.NONE  # canonical user ids are never request principals here
    if request.principal_type is wanted and value == request.principal_arn:
        return PrincipalMatch.DIRECT
    return PrincipalMatch.NONE


def principal_match(spec: PrincipalSpec, request: Request) -> PrincipalMatch:
    """The most specific way `spec` names the caller."""
    if spec.wildcard:
        return PrincipalMatch.DIRECT
    best = PrincipalMatch.NONE
    for key, values in spec.entries:
        for value in values:
            best = max(best, _match_value(key, value, request))
    return best


def not_principal_applies(spec: PrincipalSpec, request: Request) -> bool:
    """True when the caller is *not* fully excluded by a `NotPrincipal`.

    AWS checks every identity of the caller: a session is excluded only when its session ARN,
    its role and its account are all listed; a user only when the user and its account are.
    """
    if spec.wildcard:
        return False
    listed: set[PrincipalMatch] = set()
    for key, values in spec.entries:
        for value in values:
            if key is PrincipalKey.AWS and value == "*":
                return False
            listed.add(_match_value(key, value, request))
    needed = {PrincipalMatch.DIRECT}
    if request.principal_type is PrincipalType.ROOT:
        needed = {PrincipalMatch.ACCOUNT}
    elif request.principal_type in _IAM_TYPES:
        needed.add(PrincipalMatch.ACCOUNT)
    if request.principal_type is PrincipalType.ASSUMED_ROLE:
        needed.add(PrincipalMatch.ROLE)
    return not needed <= listed

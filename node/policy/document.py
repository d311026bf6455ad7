"""The typed, frozen syntax tree of an IAM JSON policy document and its JSON serialization."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass

VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"


class PolicyKind(enum.Enum):
    """Where a policy is attached; decides which grammar rules apply."""

    IDENTITY = "identity"
    RESOURCE = "resource"
    TRUST = "trust"
    BOUNDARY = "boundary"
    SCP = "scp"
    SESSION = "session"


class Effect(enum.Enum):
    ALLOW = "Allow"
    DENY = "Deny"


class PrincipalKey(enum.Enum):
    """The keys allowed inside a `Principal` object."""

    AWS = "AWS"
    SERVICE = "Service"
    FEDERATED = "Federated"
    CANONICAL_USER = "CanonicalUser"


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    """A `Principal` or `NotPrincipal` value: the bare "*" or a map of key -> identifiers."""

    wildcard: bool
    entries: tuple[tuple[PrincipalKey, tuple[str, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class ConditionClause:
    """One operator/key pair of a `Condition` block; values are OR-ed, clauses AND-ed."""

    operator: str
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    effect: Effect
    sid: str | None = None
    principal: PrincipalSpec | None = None
    not_principal: PrincipalSpec | None = None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    conditions: tuple[ConditionClause, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    kind: PolicyKind
    version: str
    statements: tuple[Statement, ...]
    id: str | None = None

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are interpreted only under version 2012-10-17."""
        return self.version == VERSION_2012


def _principal_json(spec: PrincipalSpec) -> object:
    if spec.wildcard:
        return "*"
    return {key.value: list(values) for key, values in spec.entries}


def _statement_json(statement: Statement) -> dict[str, object]:
    out: dict[str, object] = {}
    if statement.sid is not None:
        out["Sid"] = statement.sid
    out["Effect"] = statement.effect.value
    if statement.principal is not None:
        out["Principal"] = _principal_json(statement.principal)
    if statement.not_principal is not None:
        out["NotPrincipal"] = _principal_json(statement.not_principal)
    for name, values in (
        ("Action", statement.actions),
        ("NotAction", statement.not_actions),
        ("Resource", statement.resources),
        ("NotResource", statement.not_resources),
    ):
        if values is not None:
            out[name] = list(values)
    if statement.conditions:
        block: dict[str, dict[str, list[str]]] = {}
        for clause in statement.conditions:
            block.setdefault(clause.operator, {})[clause.key] = list(clause.values)
        out["Condition"] = block
    return out


def policy_to_json(policy: Policy) -> dict[str, object]:
    """The policy as plain JSON data; parsing its dump gives back an equal `Policy`."""
    out: dict[str, object] = {"Version": policy.version}
    if policy.id is not None:
        out["Id"] = policy.id
    out["Statement"] = [_statement_json(s) for s in policy.statements]
    return out


def serialize_policy(policy: Policy) -> str:
    """Canonical compact JSON text of the policy."""
    return json.dumps(policy_to_json(policy), separators=(",", ":"), ensure_ascii=False)

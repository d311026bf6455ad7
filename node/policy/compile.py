"""`Policy` tree -> frozen matchers, indexed by action service prefix; done once per policy."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from iamstore.node.policy.conditions import Predicate, compile_conditions
from iamstore.node.policy.document import Effect, Policy, PolicyKind, PrincipalSpec, Statement
from iamstore.node.policy.match import (
    action_service,
    compile_action_patterns,
    compile_arn_patterns,
)
from iamstore.node.policy.resource_index import ResourceIndex
from iamstore.node.policy.variables import Context

_ACTION_MEMO_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class MatchedStatement:
    """Which statement of which policy took part in a decision."""

    policy_kind: PolicyKind
    policy_name: str
    statement_index: int
    sid: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "policy_type": self.policy_kind.value,
            "policy": self.policy_name,
            "statement": self.statement_index,
            "sid": self.sid,
        }


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    matched: MatchedStatement  # built once so that evaluation allocates nothing per match
    index: int
    sid: str | None
    effect: Effect
    action: Callable[[str], bool]  # over the lower-cased action
    action_negated: bool
    resource: Callable[[str, Context], bool] | None  # None: no resource element (trust policy)
    resource_negated: bool
    principal: PrincipalSpec | None
    not_principal: PrincipalSpec | None
    condition: Predicate | None  # None: no Condition element
    # The Resource patterns when the statement can be skipped on a resource mismatch (a
    # Resource element without `*`); None otherwise (NotResource, `*`, no resource element).
    resource_patterns: tuple[str, ...] | None = None
    variables: bool = True


_ByResource = ResourceIndex[CompiledStatement]


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    """A policy ready for evaluation. `name` identifies it in decisions."""

    name: str
    kind: PolicyKind
    source: Policy
    statements: tuple[CompiledStatement, ...]
    # INVARIANT: by_service[s] lists, in statement order, every statement that can match an
    # action of service s; `generic` lists those that can match an action of any other service.
    by_service: Mapping[str, tuple[CompiledStatement, ...]] = field(compare=False)
    generic: tuple[CompiledStatement, ...] = field(compare=False)
    # Memo: lower-cased action -> the statements whose Action/NotAction matches it. Pure
    # memoization (actions are a small finite set), bounded by _ACTION_MEMO_LIMIT.
    by_action: dict[str, tuple[CompiledStatement, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # Memo: lower-cased action -> matching(action) indexed by resource; pure memoization.
    by_resource: dict[str, _ByResource] = field(default_factory=dict, compare=False, repr=False)

    def candidates(self, service: str) -> tuple[CompiledStatement, ...]:
        """Statements that may match an action of `service` (lower-case), in order."""
        return self.by_service.get(service, self.generic)

    def matching(self, action: str) -> tuple[CompiledStatement, ...]:
        """Statements whose action element matches the lower-cased `action`, in order."""
        found = self.by_action.get(action)
        if found is None:
            service = action.partition(":")[0]
            found = tuple(
                s for s in self.candidates(service) if s.action(action) is not s.action_negated
            )
            if len(self.by_action) >= _ACTION_MEMO_LIMIT:
                self.by_action.clear()
            self.by_action[action] = found
        return found

    def applicable(self, action: str, resource: str) -> tuple[CompiledStatement, ...]:
        """A superset, in order, of the statements matching `action` that may apply to
        `resource`: those whose Resource element cannot match it are (mostly) left out."""
        index = self.by_resource.get(action)
        if index is None:
            index = _memo(self.by_resource, action, _indexed(self.matching(action)))
        return index.candidates(resource)


@dataclass(frozen=True, slots=True)
class PolicyGroup:
    """Policies scanned as one, such as a principal's identity policies: per action, the
    statements of all of them that may apply, in one index by resource, so a decision costs
    one lookup instead of one per policy.

    INVARIANT: `applicable` gives, in policy order then statement order, a superset of the
    statements of every policy whose Resource can match; evaluation over a group and over its
    policies one by one therefore decides alike and names the same statements in order.
    """

    policies: tuple[CompiledPolicy, ...]
    # Memo, as CompiledPolicy.by_resource, over the statements of every policy.
    by_resource: dict[str, _ByResource] = field(default_factory=dict, compare=False, repr=False)

    def applicable(self, action: str, resource: str) -> tuple[CompiledStatement, ...]:
        index = self.by_resource.get(action)
        if index is None:
            statements = tuple(s for policy in self.policies for s in policy.matching(action))
            index = _memo(self.by_resource, action, _indexed(statements))
        return index.candidates(resource)


def _indexed(statements: tuple[CompiledStatement, ...]) -> _ByResource:
    return ResourceIndex.build(
        statements,
        [
            None if s.resource_patterns is None else (s.resource_patterns, s.variables)
            for s in statements
        ],
    )


def _memo(table: dict[str, _ByResource], action: str, index: _ByResource) -> _ByResource:
    if len(table) >= _ACTION_MEMO_LIMIT:
        table.clear()
    table[action] = index
    return index


def _compile_statement(
    index: int, statement: Statement, variables: bool, kind: PolicyKind, name: str
) -> CompiledStatement:
    actions = statement.actions if statement.actions is not None else statement.not_actions
    resources = statement.resources if statement.resources is not None else statement.not_resources
    return CompiledStatement(
        matched=MatchedStatement(kind, name, index, statement.sid),
        index=index,
        sid=statement.sid,
        effect=statement.effect,
        action=compile_action_patterns(actions or ()),
        action_negated=statement.not_actions is not None,
        resource=(
            None if resources is None else compile_arn_patterns(resources, variables=variables)
        ),
        resource_negated=statement.not_resources is not None,
        principal=statement.principal,
        not_principal=statement.not_principal,
        condition=(
            compile_conditions(statement.conditions, variables=variables)
            if statement.conditions
            else None
        ),
        resource_patterns=(
            statement.resources
            if statement.resources is not None and "*" not in statement.resources
            else None
        ),
        variables=variables,
    )


def _services(statement: Statement) -> frozenset[str] | None:
    """Service prefixes the statement can match, None when it can match any service."""
    if statement.actions is None:
        return None
    services: set[str] = set()
    for action in statement.actions:
        service = action_service(action)
        if service is None:
            return None
        services.add(service)
    return frozenset(services)


def compile_policy(policy: Policy, name: str = "") -> CompiledPolicy:
    """Compile a parsed policy; `name` defaults to its `Id`."""
    variables = policy.variables_enabled
    name = name or policy.id or ""
    compiled = tuple(
        _compile_statement(i, s, variables, policy.kind, name)
        for i, s in enumerate(policy.statements)
    )
    scopes = [_services(s) for s in policy.statements]
    all_services = sorted({svc for scope in scopes if scope is not None for svc in scope})
    by_service = {
        svc: tuple(
            c for c, scope in zip(compiled, scopes, strict=True) if scope is None or svc in scope
        )
        for svc in all_services
    }
    generic = tuple(c for c, scope in zip(compiled, scopes, strict=True) if scope is None)
    return CompiledPolicy(
        name=name,
        kind=policy.kind,
        source=policy,
        statements=compiled,
        by_service=MappingProxyType(by_service),
        generic=generic,
    )


def pattern_count(policies: Iterable[CompiledPolicy | None]) -> int:
    """How many patterns and condition values the policies hold: what one decision over them
    may have to match, each against a value of the request (a measure of its worst cost)."""
    count = 0
    for policy in policies:
        if policy is None:
            continue
        for s in policy.source.statements:
            count += len(s.actions or s.not_actions or ())
            count += len(s.resources or s.not_resources or ())
            count += sum(len(clause.values) for clause in s.conditions)
    return count


def renamed(policy: CompiledPolicy, name: str) -> CompiledPolicy:
    """The same compiled policy under another `name`; every matcher is shared, not rebuilt."""
    if name == policy.name:
        return policy
    kind = policy.kind
    copies = {
        id(s): CompiledStatement(
            matched=MatchedStatement(kind, name, s.index, s.sid),
            index=s.index,
            sid=s.sid,
            effect=s.effect,
            action=s.action,
            action_negated=s.action_negated,
            resource=s.resource,
            resource_negated=s.resource_negated,
            principal=s.principal,
            not_principal=s.not_principal,
            condition=s.condition,
            resource_patterns=s.resource_patterns,
            variables=s.variables,
        )
        for s in policy.statements
    }
    return CompiledPolicy(
        name=name,
        kind=kind,
        source=policy.source,
        statements=tuple(copies[id(s)] for s in policy.statements),
        by_service=MappingProxyType(
            {svc: tuple(copies[id(s)] for s in group) for svc, group in policy.by_service.items()}
        ),
        generic=tuple(copies[id(s)] for s in policy.generic),
    )

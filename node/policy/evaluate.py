"""AWS's policy evaluation logic over compiled policies -> Decision; pure and total."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from iamstore.node.policy.compile import CompiledPolicy, MatchedStatement, PolicyGroup
from iamstore.node.policy.document import Effect
from iamstore.node.policy.principals import (
    PrincipalMatch,
    PrincipalType,
    Request,
    not_principal_applies,
    principal_match,
)


class Outcome(enum.Enum):
    ALLOW = "Allow"
    EXPLICIT_DENY = "ExplicitDeny"
    IMPLICIT_DENY = "ImplicitDeny"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome plus the statements that decided it (denies, or the allows on the path)."""

    outcome: Outcome
    matched: tuple[MatchedStatement, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOW


_IMPLICIT_DENY = Decision(Outcome.IMPLICIT_DENY)


@dataclass(frozen=True, slots=True)
class PolicySet:
    """Every policy that bears on one request.

    `scps` is None when the principal's account is not governed by SCPs; otherwise one tuple
    per level of the organization (root, each OU, the account), each of which must allow.
    Several session policies act as one: any of them may allow. Identity policies may come
    as one PolicyGroup (how the node keeps a principal's policies) or one by one.
    """

    identity: tuple[CompiledPolicy | PolicyGroup, ...] = ()
    resource: CompiledPolicy | None = None
    boundary: CompiledPolicy | None = None
    session: tuple[CompiledPolicy, ...] = ()
    scps: tuple[tuple[CompiledPolicy, ...], ...] | None = None


# Callers without an account of their own (services, web identities, anonymous) have no
# identity policies: a resource policy naming them decides alone. Tuples, not sets: membership
# then compares by identity in C, where a set would call the Python-level Enum.__hash__.
_NO_IDENTITY = (PrincipalType.SERVICE, PrincipalType.WEB_IDENTITY, PrincipalType.ANONYMOUS)
_SESSION_TYPES = (PrincipalType.ASSUMED_ROLE, PrincipalType.FEDERATED_USER)


class _Scan:
    """Matching statements of one policy group, split by effect."""

    __slots__ = ("allows", "best_principal", "denies")

    def __init__(self) -> None:
        self.allows: list[MatchedStatement] = []
        self.denies: list[MatchedStatement] = []
        self.best_principal = PrincipalMatch.NONE


_EMPTY = _Scan()  # INVARIANT: never mutated; stands for a policy group that is absent


def _scan(
    policies: tuple[CompiledPolicy | PolicyGroup, ...],
    action: str,
    request: Request,
    has_boundary: bool = False,
) -> _Scan:
    scan = _Scan()
    resource_arn = request.resource_arn
    context = request.context
    for policy in policies:
        for statement in policy.applicable(action, resource_arn):
            resource = statement.resource
            if (
                resource is not None
                and resource(resource_arn, context) is statement.resource_negated
            ):
                continue
            level = PrincipalMatch.DIRECT
            if statement.principal is not None:
                level = principal_match(statement.principal, request)
                if level is PrincipalMatch.NONE:
                    continue
            elif statement.not_principal is not None:
                # AWS: a Deny with NotPrincipal always applies to a principal with a
                # permissions boundary, whatever the NotPrincipal lists.
                forced = has_boundary and statement.effect is Effect.DENY
                if not forced and not not_principal_applies(statement.not_principal, request):
                    continue
            if statement.condition is not None and not statement.condition(context):
                continue
            if statement.effect is Effect.DENY:
                scan.denies.append(statement.matched)
            else:
                scan.allows.append(statement.matched)
                scan.best_principal = max(scan.best_principal, level)
    return scan


def outcome_of(policies: tuple[CompiledPolicy | PolicyGroup, ...], request: Request) -> Outcome:
    """What `policies` say on their own, as one policy type's part in a decision: an explicit
    deny when a statement denies, an allow when one allows, else an implicit deny. Accounts
    are not compared: a resource policy's statements apply to the principals they name."""
    scan = _scan(policies, request.action.lower(), request)
    if scan.denies:
        return Outcome.EXPLICIT_DENY
    return Outcome.ALLOW if scan.allows else Outcome.IMPLICIT_DENY


def evaluate(request: Request, policies: PolicySet) -> Decision:
    """Decide the request following AWS's documented evaluation logic."""
    action = request.action.lower()
    has_boundary = policies.boundary is not None

    identity = _scan(policies.identity, action, request) if policies.identity else _EMPTY
    boundary = (
        _scan((policies.boundary,), action, request) if policies.boundary is not None else _EMPTY
    )
    session = _scan(policies.session, action, request) if policies.session else _EMPTY
    resource = (
        _scan((policies.resource,), action, request, has_boundary)
        if policies.resource is not None
        else _EMPTY
    )
    scps = policies.scps
    scp_levels = [_scan(level, action, request) for level in scps] if scps is not None else ()

    # 1. An explicit deny in any policy wins.
    if (
        identity.denies
        or boundary.denies
        or session.denies
        or resource.denies
        or (scp_levels and any(level.denies for level in scp_levels))
    ):
        denies = [
            *[m for level in scp_levels for m in level.denies],
            *resource.denies,
            *identity.denies,
            *boundary.denies,
            *session.denies,
        ]
        return Decision(Outcome.EXPLICIT_DENY, tuple(denies))

    # 2. Every SCP level between the organization root and the account must allow.
    scp_allows: list[MatchedStatement] = []
    for level in scp_levels:
        if not level.allows:
            return _IMPLICIT_DENY
        scp_allows.extend(level.allows)

    boundary_ok = policies.boundary is None or bool(boundary.allows)
    session_ok = not policies.session or bool(session.allows)
    identity_allows = bool(identity.allows) or request.principal_type is PrincipalType.ROOT
    identity_ok = identity_allows and boundary_ok and session_ok
    grant = resource.best_principal
    same_account = request.resource_account is None or (
        request.resource_account == request.principal_account
    )

    def allow(*groups: list[MatchedStatement]) -> Decision:
        return Decision(Outcome.ALLOW, tuple(m for group in (scp_allows, *groups) for m in group))

    def identity_path() -> list[MatchedStatement]:
        return [*identity.allows, *boundary.allows, *session.allows]

    if request.principal_type in _NO_IDENTITY:
        return allow(resource.allows) if grant is PrincipalMatch.DIRECT else _IMPLICIT_DENY

    if same_account:
        # 3. Same account: a resource policy naming the user or the session itself is enough,
        # whatever the identity policies, boundary and session policies say.
        if grant is PrincipalMatch.DIRECT:
            return allow(resource.allows)
        # A grant to the role behind a session is still limited by the boundary and session
        # policies, but needs no identity-policy allow.
        if (
            grant is PrincipalMatch.ROLE
            and request.principal_type in _SESSION_TYPES
            and boundary_ok
            and session_ok
        ):
            return allow(resource.allows, boundary.allows, session.allows)
        if identity_ok:
            if not scp_allows and not boundary.allows and not session.allows:
                # The common case (identity policies alone): nothing to merge.
                return Decision(Outcome.ALLOW, tuple(identity.allows))
            return allow(identity_path())
        return _IMPLICIT_DENY

    # 4. Cross-account: the resource policy must name the caller (or its account) and the
    # caller's own account must allow through identity policy, boundary and session policy.
    if grant is not PrincipalMatch.NONE and identity_ok:
        return allow(resource.allows, identity_path())
    return _IMPLICIT_DENY

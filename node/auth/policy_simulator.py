"""What AWS's policy simulators (SimulatePrincipalPolicy, SimulateCustomPolicy) answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from iamstore.node.auth.authorize import resource_account_of
from iamstore.node.policy import (
    CompiledPolicy,
    Decision,
    Outcome,
    PolicySet,
    PrincipalType,
    Request,
    evaluate,
    outcome_of,
)
from iamstore.node.policy.variables import Context

EVAL_DECISION = {
    Outcome.ALLOW: "allowed",
    Outcome.EXPLICIT_DENY: "explicitDeny",
    Outcome.IMPLICIT_DENY: "implicitDeny",
}
_RESTRICTIVENESS = {Outcome.ALLOW: 0, Outcome.IMPLICIT_DENY: 1, Outcome.EXPLICIT_DENY: 2}


@dataclass(frozen=True, slots=True)
class PolicySimulation:
    """Everything one simulation evaluates; the principal is who the requests come from."""

    principal_arn: str
    principal_account: str
    principal_type: PrincipalType
    identity: tuple[CompiledPolicy, ...]
    boundary: CompiledPolicy | None
    scps: tuple[tuple[CompiledPolicy, ...], ...] | None
    resource_policies: Callable[[str, str], CompiledPolicy | None]  # (action, resource)
    resource_owner: str | None
    context: Context
    role_name: str | None = None


# AWS's names for the policy types in EvalDecisionDetails.
IDENTITY_POLICY_TYPE = "IAM Policy"
RESOURCE_POLICY_TYPE = "Resource Policy"
BOUNDARY_POLICY_TYPE = "Permissions Boundary Policy"


@dataclass(frozen=True, slots=True)
class ResourceOutcome:
    resource: str
    decision: Decision
    missing: tuple[str, ...]
    boundary_allows: bool | None  # None: no boundary
    organizations_allow: bool | None  # None: no organization policies
    # EvalDecisionDetails: policy type -> its own outcome (cross-account only: _details).
    details: tuple[tuple[str, Outcome], ...]


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    action: str
    decision: Decision  # the most restrictive over the resources
    missing: tuple[str, ...]
    boundary_allows: bool | None
    organizations_allow: bool | None
    details: tuple[tuple[str, Outcome], ...]  # those of the most restrictive resource
    resources: tuple[ResourceOutcome, ...]


def _missing(policies: Iterable[CompiledPolicy], action: str, context: Context) -> list[str]:
    """Condition keys of the statements that apply to `action` which the context lacks."""
    found: dict[str, str] = {}
    for policy in policies:
        for statement in policy.matching(action):
            for clause in policy.source.statements[statement.index].conditions:
                lowered = clause.key.lower()
                if lowered not in context:
                    found.setdefault(lowered, clause.key)
    return sorted(found.values(), key=str.lower)


def _simulate_one(sim: PolicySimulation, action: str, resource: str) -> ResourceOutcome:
    resource_policy = sim.resource_policies(action, resource)
    account = sim.resource_owner or resource_account_of(resource) or sim.principal_account
    request = Request(
        principal_arn=sim.principal_arn,
        principal_account=sim.principal_account,
        principal_type=sim.principal_type,
        action=action,
        resource_arn=resource,
        resource_account=account,
        context=sim.context,
        role_name=sim.role_name,
    )
    decision = evaluate(
        request, PolicySet(sim.identity, resource_policy, sim.boundary, scps=sim.scps)
    )
    involved = [*sim.identity, *(p for level in sim.scps or () for p in level)]
    involved += [p for p in (sim.boundary, resource_policy) if p is not None]
    boundary_allows = None
    if sim.boundary is not None:
        boundary_allows = outcome_of((sim.boundary,), request) is Outcome.ALLOW
    organizations_allow = None
    if sim.scps is not None:  # every level from the organization root down must allow
        organizations_allow = all(outcome_of(level, request) is Outcome.ALLOW for level in sim.scps)
    missing = tuple(_missing(involved, action.lower(), sim.context))
    return ResourceOutcome(
        resource,
        decision,
        missing,
        boundary_allows,
        organizations_allow,
        _details(sim, request, resource_policy, organizations_allow),
    )


def _details(
    sim: PolicySimulation,
    request: Request,
    resource_policy: CompiledPolicy | None,
    organizations_allow: bool | None,
) -> tuple[tuple[str, Outcome], ...]:
    """EvalDecisionDetails. AWS fills it only for cross-account simulations, with each policy
    type's own outcome (a cross-account request needs the trusting account's resource policy
    and the trusted account's identity policies both to allow it); a same-account simulation
    gets none, and neither does one an organization policy denies (the simulation ends there).
    A resource policy is listed even when none was given: its absence is what denies then."""
    if request.resource_account == sim.principal_account or organizations_allow is False:
        return ()
    details = [
        (IDENTITY_POLICY_TYPE, outcome_of(sim.identity, request)),
        (
            RESOURCE_POLICY_TYPE,
            Outcome.IMPLICIT_DENY
            if resource_policy is None
            else outcome_of((resource_policy,), request),
        ),
    ]
    if sim.boundary is not None:
        details.append((BOUNDARY_POLICY_TYPE, outcome_of((sim.boundary,), request)))
    return tuple(details)


def simulate(
    sim: PolicySimulation, actions: Sequence[str], resources: Sequence[str]
) -> list[ActionOutcome]:
    """One outcome per action, over every resource ("*" when none is given)."""
    out: list[ActionOutcome] = []
    for action in actions:
        per_resource = tuple(_simulate_one(sim, action, r) for r in resources or ("*",))
        worst = max(per_resource, key=lambda r: _RESTRICTIVENESS[r.decision.outcome])
        missing = sorted({k for r in per_resource for k in r.missing}, key=str.lower)
        allows = [r.boundary_allows for r in per_resource if r.boundary_allows is not None]
        organizations = [
            r.organizations_allow for r in per_resource if r.organizations_allow is not None
        ]
        out.append(
            ActionOutcome(
                action,
                worst.decision,
                tuple(missing),
                all(allows) if allows else None,
                all(organizations) if organizations else None,
                worst.details,
                per_resource,
            )
        )
    return out

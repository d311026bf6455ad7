"""Handlers for AWS's two policy simulators: SimulatePrincipalPolicy and SimulateCustomPolicy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from iamstore.node.api.authz import authorizer_of, context_entries
from iamstore.node.api.authz_limits import (
    INLINE_MAX_DECISIONS,
    INLINE_MAX_DOCUMENT_CHARS,
    INLINE_MAX_VALUE_CHARS,
    INLINE_MAX_WORK,
    SIMULATION_MAX_ACTIONS,
    SIMULATION_MAX_POLICY_INPUTS,
    SIMULATION_MAX_RESOURCES,
    SIMULATION_PAGE_EVALUATIONS,
    check_count,
    matching_work,
)
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
from iamstore.node.api.documents import DocumentKey, Documents, prepare
from iamstore.node.api.resource_handling import check_scenario
from iamstore.node.api.simulation_positions import StatementLocator
from iamstore.node.auth.authorize import (
    RESOURCE_POLICY_NAME,
    Authorizer,
    Principal,
    account_of,
    resource_kind,
)
from iamstore.node.auth.policy_simulator import (
    EVAL_DECISION,
    ActionOutcome,
    PolicySimulation,
    simulate,
)
from iamstore.node.auth.request_context import entries_to_context, principal_keys
from iamstore.node.domain.entities import Group
from iamstore.node.domain.errors import InvalidInput, NoSuchEntity
from iamstore.node.policy import (
    CompiledPolicy,
    Decision,
    MatchedStatement,
    Outcome,
    PolicyKind,
    PrincipalType,
    pattern_count,
)
from iamstore.v1 import authz_pb2 as apb

_SimulateRequest = apb.SimulatePrincipalPolicyRequest | apb.SimulateCustomPolicyRequest
HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)
_DEFAULT_MAX_ITEMS = 100  # AWS's default page size for the simulators


def _input_lists(req: _SimulateRequest) -> list[tuple[Sequence[str], PolicyKind, str]]:
    """The request's policy input lists: (documents, kind, field), each within its cap."""
    lists: list[tuple[Sequence[str], PolicyKind, str]] = [
        (req.policy_input_list, PolicyKind.IDENTITY, "PolicyInputList"),
        (
            req.permissions_boundary_policy_input_list,
            PolicyKind.BOUNDARY,
            "PermissionsBoundaryPolicyInputList",
        ),
    ]
    if isinstance(req, apb.SimulateCustomPolicyRequest):
        lists += [
            (
                level.service_control_policy_input_list,
                PolicyKind.SCP,
                f"OrderedOrganizationPolicyInputList.{i}.ServiceControlPolicyInputList",
            )
            for i, level in enumerate(req.ordered_organization_policy_input_list, 1)
        ]
    for documents, _, field in lists:
        check_count(documents, SIMULATION_MAX_POLICY_INPUTS, field)
    return lists


async def _prepared(
    call: Call, authorizer: Authorizer, req: _SimulateRequest
) -> tuple[_Page, Documents]:
    """The page, and every caller-supplied document the page needs, compiled (off the event
    loop when large) before anything is evaluated; lists over their caps are refused first."""
    page = _page_of(req)
    check_scenario(opt_str(req, "resource_handling_option"), page.resources)
    wanted: list[DocumentKey] = [
        (f"{field}.{i}", kind, text)
        for documents, kind, field in _input_lists(req)
        for i, text in enumerate(documents, 1)
    ]
    if req.HasField("resource_policy"):
        wanted += [
            (RESOURCE_POLICY_NAME, kind, req.resource_policy) for kind in _resource_kinds(page)
        ]
    return page, await prepare(call, authorizer, wanted)


def _supplied_texts(req: _SimulateRequest) -> dict[str, str]:
    """The request's documents by the names the simulation gives them."""
    texts = {
        f"{field}.{i}": text
        for documents, _, field in _input_lists(req)
        for i, text in enumerate(documents, 1)
    }
    if req.HasField("resource_policy"):
        texts[RESOURCE_POLICY_NAME] = req.resource_policy
    return texts


def _inputs(
    docs: Documents, documents: Sequence[str], kind: PolicyKind, field: str
) -> tuple[CompiledPolicy, ...]:
    return tuple(
        docs.get(f"{field}.{i}", kind, text, f"{field}.{i}") for i, text in enumerate(documents, 1)
    )


def group_policies(authorizer: Authorizer, group: Group) -> list[CompiledPolicy]:
    """A group's own inline and attached policies (the index assembles only users and roles)."""
    view, group_id, name = authorizer.view, group.group_id, group.name
    found: list[CompiledPolicy] = []
    for policy_name, inline in sorted(view.inline.get(group_id, {}).items()):
        found.append(
            authorizer.document(
                f"group/{name}/{policy_name}",
                PolicyKind.IDENTITY,
                inline.document,
                "PolicySourceArn",
            )
        )
    for policy in sorted(
        view.managed_policies(view.attachments.of(group_id), group.account_id), key=lambda p: p.arn
    ):
        version = view.default_version(policy.policy_id)
        if version is not None:
            found.append(
                authorizer.document(
                    policy.arn, PolicyKind.IDENTITY, version.document, "PolicySourceArn"
                )
            )
    return found


def _source_type(m: MatchedStatement) -> tuple[str, str]:
    """(SourcePolicyId, SourcePolicyType) of a matched statement, in AWS's vocabulary."""
    name = m.policy_name
    if m.policy_kind in (PolicyKind.RESOURCE, PolicyKind.TRUST):
        return name, "resource"
    if name.startswith(("user/", "group/", "role/")):
        return name.rsplit("/", 1)[-1], name.split("/", 1)[0]
    if name.startswith("arn:aws:iam::aws:policy/"):
        return name.rsplit("/", 1)[-1], "aws-managed"
    if name.startswith("arn:"):
        return name.rsplit("/", 1)[-1], "user-managed"
    return name, "none"  # a document from the request's input lists


def _statements(decision: Decision, locator: StatementLocator) -> list[apb.Statement]:
    out: list[apb.Statement] = []
    for m in decision.matched:
        policy_id, policy_type = _source_type(m)
        statement = apb.Statement(source_policy_id=policy_id, source_policy_type=policy_type)
        # The statement's place in its document's text (AWS's Position: line and column).
        span = locator.span(m.policy_name, m.statement_index)
        if span is not None:
            statement.start_position.line = span.start.line
            statement.start_position.column = span.start.column
            statement.end_position.line = span.end.line
            statement.end_position.column = span.end.column
        out.append(statement)
    return out


def _boundary_detail(allows: bool | None) -> apb.PermissionsBoundaryDecisionDetail | None:
    return (
        None
        if allows is None
        else apb.PermissionsBoundaryDecisionDetail(allowed_by_permissions_boundary=allows)
    )


def _organizations_detail(allows: bool | None) -> apb.OrganizationsDecisionDetail | None:
    if allows is None:
        return None
    return apb.OrganizationsDecisionDetail(allowed_by_organizations=allows)


def _decision_details(details: tuple[tuple[str, Outcome], ...]) -> dict[str, str]:
    return {policy_type: EVAL_DECISION[outcome] for policy_type, outcome in details}


def _result(
    outcome: ActionOutcome, resources_given: bool, locator: StatementLocator
) -> apb.EvaluationResult:
    one = len(outcome.resources) == 1
    return apb.EvaluationResult(
        eval_action_name=outcome.action,
        eval_resource_name=outcome.resources[0].resource if one else "*",
        eval_decision=EVAL_DECISION[outcome.decision.outcome],
        matched_statements=_statements(outcome.decision, locator),
        # AWS lists missing keys here only when the resource is "*"; else per resource.
        missing_context_values=() if resources_given else outcome.missing,
        organizations_decision_detail=_organizations_detail(outcome.organizations_allow),
        permissions_boundary_decision_detail=_boundary_detail(outcome.boundary_allows),
        eval_decision_details=_decision_details(outcome.details),
        resource_specific_results=[
            apb.ResourceSpecificResult(
                eval_resource_name=r.resource,
                eval_resource_decision=EVAL_DECISION[r.decision.outcome],
                matched_statements=_statements(r.decision, locator),
                missing_context_values=r.missing,
                eval_decision_details=_decision_details(r.details),
                permissions_boundary_decision_detail=_boundary_detail(r.boundary_allows),
            )
            for r in outcome.resources
        ]
        if resources_given
        else [],
    )


@dataclass(frozen=True, slots=True)
class _Page:
    """The actions one page evaluates, chosen before anything is evaluated."""

    actions: list[str]
    resources: list[str]
    end: int  # index in the request's ActionNames after the page's last action
    truncated: bool


def _page_of(req: _SimulateRequest) -> _Page:
    """The page the request's Marker and MaxItems ask for, at most SIMULATION_PAGE_EVALUATIONS
    (action, resource) pairs: a page never evaluates the whole actions x resources product."""
    actions, resources = list(req.action_names), list(req.resource_arns)
    check_count(actions, SIMULATION_MAX_ACTIONS, "ActionNames")
    check_count(resources, SIMULATION_MAX_RESOURCES, "ResourceArns")
    marker = opt_str(req, "marker")
    start = 0
    if marker is not None:
        if not marker.isdigit() or int(marker) > len(actions):
            raise InvalidInput(f"invalid marker `{marker}`", "Marker")
        start = int(marker)
    size = opt_int(req, "max_items") or _DEFAULT_MAX_ITEMS
    # Fewer results than MaxItems, with IsTruncated, when each action has many resources.
    size = max(1, min(size, SIMULATION_PAGE_EVALUATIONS // max(1, len(resources))))
    end = min(start + size, len(actions))
    return _Page(actions[start:end], resources, end, end < len(actions))


async def _simulated(
    call: Call,
    docs: Documents,
    simulation: PolicySimulation,
    page: _Page,
    resource_policy: str | None,
    documents: int,
    locator: StatementLocator,
) -> apb.SimulatePolicyResponse:
    """The page's results; evaluated off the event loop when the page is large."""
    simulation = replace(
        simulation, resource_policies=_resource_policies(docs, resource_policy, page)
    )
    pairs = len(page.actions) * max(1, len(page.resources))
    values = [v for value in simulation.context.values() for v in _each(value)]
    long_values = any(len(v) > INLINE_MAX_VALUE_CHARS for v in (*page.resources, *values))
    involved = [*simulation.identity, simulation.boundary]
    involved += [p for level in simulation.scps or () for p in level]
    patterns = pattern_count(involved) * len(page.actions)
    work = sum(matching_work(patterns, r) for r in page.resources or ("*",))
    if (
        pairs > INLINE_MAX_DECISIONS
        or documents > INLINE_MAX_DOCUMENT_CHARS
        or long_values
        or work > INLINE_MAX_WORK
    ):
        outcomes = await call.components.evaluations.run(
            lambda: simulate(simulation, page.actions, page.resources)
        )
    else:
        outcomes = simulate(simulation, page.actions, page.resources)
    return apb.SimulatePolicyResponse(
        evaluation_results=[_result(o, bool(page.resources), locator) for o in outcomes],
        is_truncated=page.truncated,
        marker=str(page.end) if page.truncated else None,
    )


def _each(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def _no_resource_policy(action: str, resource: str) -> CompiledPolicy | None:
    return None


def _caller(authorizer: Authorizer, call: Call, caller_arn: str) -> Principal:
    principal = authorizer.principal_by_arn(call.account_id, caller_arn, "CallerArn")
    if principal.engine_type is not PrincipalType.USER:
        raise InvalidInput("`CallerArn` must be the arn of an iam user", "CallerArn")
    return principal


def _resource_kinds(page: _Page) -> list[PolicyKind]:
    kinds = {resource_kind(a, r) for a in page.actions for r in page.resources or ("*",)}
    return sorted(kinds, key=lambda k: k.value)


def _resource_policies(
    docs: Documents, document: str | None, page: _Page
) -> Callable[[str, str], CompiledPolicy | None]:
    """The page's resource policy by (action, resource), looked up here, on the event loop:
    the simulation may run on the evaluation worker, which must not touch the index."""
    if document is None:
        return lambda action, resource: None
    compiled = {
        kind: docs.get(RESOURCE_POLICY_NAME, kind, document, "ResourcePolicy")
        for kind in _resource_kinds(page)
    }
    return lambda action, resource: compiled[resource_kind(action, resource)]


def _documents_size(req: _SimulateRequest) -> int:
    """Characters of caller-supplied policy text in a simulator request."""
    size = sum(map(len, req.policy_input_list)) + sum(
        map(len, req.permissions_boundary_policy_input_list)
    )
    if isinstance(req, apb.SimulateCustomPolicyRequest):
        for level in req.ordered_organization_policy_input_list:
            size += sum(map(len, level.service_control_policy_input_list))
    return size + len(req.resource_policy)


@op("SimulatePrincipalPolicy")
async def simulate_principal_policy(
    call: Call, req: apb.SimulatePrincipalPolicyRequest
) -> apb.SimulatePolicyResponse:
    authorizer = authorizer_of(call)
    page, docs = await _prepared(call, authorizer, req)
    source_arn = req.policy_source_arn
    identity: list[CompiledPolicy]
    boundary: CompiledPolicy | None = None
    source: Principal | None = None
    if ":group/" in source_arn:
        group = authorizer.view.groups.named(call.account_id, source_arn.rsplit("/", 1)[-1])
        if group is None or group.arn != source_arn:
            raise NoSuchEntity(f"the entity `{source_arn}` cannot be found.", "PolicySourceArn")
        identity = group_policies(authorizer, group)
    else:
        source = authorizer.principal_by_arn(call.account_id, source_arn, "PolicySourceArn")
        if source.engine_type not in (PrincipalType.USER, PrincipalType.ROLE):
            raise InvalidInput(
                "`PolicySourceArn` must name a user, group or role", "PolicySourceArn"
            )
        own = authorizer.policies(source)
        identity, boundary = list(own.identity), own.boundary
    excluded = set(req.policy_exclusion_list)
    identity = [p for p in identity if p.name not in excluded]
    identity += _inputs(docs, req.policy_input_list, PolicyKind.IDENTITY, "PolicyInputList")
    boundary_inputs = _inputs(
        docs,
        req.permissions_boundary_policy_input_list,
        PolicyKind.BOUNDARY,
        "PermissionsBoundaryPolicyInputList",
    )
    if len(boundary_inputs) > 1:
        raise InvalidInput(
            "give at most one permissions boundary", "PermissionsBoundaryPolicyInputList"
        )
    if boundary_inputs:  # AWS: a boundary given here replaces the attached one
        boundary = boundary_inputs[0]
    caller_arn = opt_str(req, "caller_arn")
    if caller_arn is not None:
        source = _caller(authorizer, call, caller_arn)
    elif req.HasField("resource_policy") and (
        source is None or source.engine_type is not PrincipalType.USER
    ):
        raise InvalidInput(
            "`CallerArn` is required with a `ResourcePolicy` unless the source is a user",
            "CallerArn",
        )
    context = entries_to_context(
        context_entries(req.context_entries, "ContextEntries"),
        field="ContextEntries",
        allow_reserved=True,
    )
    if source is not None:  # the principal's own keys, unless the request gives them
        context = {**principal_keys(source.facts), **context}
    owner = opt_str(req, "resource_owner")
    simulation = PolicySimulation(
        principal_arn=source.request_arn if source is not None else source_arn,
        principal_account=call.account_id,
        principal_type=source.engine_type if source is not None else PrincipalType.USER,
        identity=tuple(identity),
        boundary=boundary,
        scps=None,
        resource_policies=_no_resource_policy,  # the page's are set by _simulated
        resource_owner=None if owner is None else account_of(owner, "ResourceOwner"),
        context=context,
        role_name=source.role_name if source is not None else None,
    )
    return await _simulated(
        call,
        docs,
        simulation,
        page,
        opt_str(req, "resource_policy"),
        _documents_size(req),
        StatementLocator(authorizer.view, call.account_id, _supplied_texts(req)),
    )


@op("SimulateCustomPolicy")
async def simulate_custom_policy(
    call: Call, req: apb.SimulateCustomPolicyRequest
) -> apb.SimulatePolicyResponse:
    authorizer = authorizer_of(call)
    page, docs = await _prepared(call, authorizer, req)
    identity = _inputs(docs, req.policy_input_list, PolicyKind.IDENTITY, "PolicyInputList")
    boundaries = _inputs(
        docs,
        req.permissions_boundary_policy_input_list,
        PolicyKind.BOUNDARY,
        "PermissionsBoundaryPolicyInputList",
    )
    if len(boundaries) > 1:
        raise InvalidInput(
            "give at most one permissions boundary", "PermissionsBoundaryPolicyInputList"
        )
    # Organization policies, root first: each is one level of the hierarchy that must allow.
    scps = tuple(
        _inputs(
            docs,
            level.service_control_policy_input_list,
            PolicyKind.SCP,
            f"OrderedOrganizationPolicyInputList.{i}.ServiceControlPolicyInputList",
        )
        for i, level in enumerate(req.ordered_organization_policy_input_list, 1)
    )
    caller_arn = opt_str(req, "caller_arn")
    if req.HasField("resource_policy") and caller_arn is None:
        raise InvalidInput("`CallerArn` is required with a `ResourcePolicy`", "CallerArn")
    caller = None if caller_arn is None else _caller(authorizer, call, caller_arn)
    context = entries_to_context(
        context_entries(req.context_entries, "ContextEntries"),
        field="ContextEntries",
        allow_reserved=True,
    )
    owner = opt_str(req, "resource_owner")
    simulation = PolicySimulation(
        # Without a caller, the requests come from an unnamed user of the caller's account.
        principal_arn=caller.request_arn
        if caller is not None
        else f"arn:aws:iam::{call.account_id}:user/SimulatedUser",
        principal_account=call.account_id,
        principal_type=PrincipalType.USER,
        identity=identity,
        boundary=boundaries[0] if boundaries else None,
        scps=scps or None,
        resource_policies=_no_resource_policy,  # the page's are set by _simulated
        resource_owner=None if owner is None else account_of(owner, "ResourceOwner"),
        context=context,
    )
    return await _simulated(
        call,
        docs,
        simulation,
        page,
        opt_str(req, "resource_policy"),
        _documents_size(req),
        StatementLocator(authorizer.view, call.account_id, _supplied_texts(req)),
    )

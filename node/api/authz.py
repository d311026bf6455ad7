"""Handlers for the Authz service: Authorize, AuthorizeBatch and AWS's two policy simulators."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import grpc

from iamstore.v1 import authz_pb2 as apb
from node.api import convert
from node.api.context import Call, NodeServices
from node.api.dispatch import Handler, method_handlers, opt_int, opt_str, registrar
from node.auth.authorize import (
    RESOURCE_POLICY_NAME,
    Authorizer,
    Principal,
    account_of,
    resource_account_of,
    resource_kind,
)
from node.auth.context import (
    ContextEntryInput,
    Environment,
    PrincipalFacts,
    entries_to_context,
    principal_keys,
)
from node.auth.simulation import EVAL_DECISION, ActionOutcome, Simulation, simulate
from node.domain.errors import InvalidInput, NoSuchEntity
from node.policy import (
    CompiledPolicy,
    Decision,
    MatchedStatement,
    Outcome,
    PolicyKind,
    PrincipalType,
)
from node.policy.variables import Context

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)
SERVICE = apb.DESCRIPTOR.services_by_name["Authz"]
_DEFAULT_MAX_ITEMS = 100  # AWS's default page size for the simulators


def authz_handlers(node: NodeServices) -> grpc.GenericRpcHandler[Any, Any]:
    """The Authz service's generic handler."""
    return method_handlers(SERVICE, apb, HANDLERS, node)


def _authorizer(call: Call) -> Authorizer:
    authorizer = call.node.authorizer
    if authorizer is None:  # pragma: no cover - the composition root always sets it
        raise RuntimeError("this node has no authorizer")
    return authorizer


def _entries(entries: Sequence[apb.ContextEntry]) -> list[ContextEntryInput]:
    return [
        ContextEntryInput(
            e.context_key_name, tuple(e.context_key_values), opt_str(e, "context_key_type")
        )
        for e in entries
    ]


def _matched(statements: Sequence[MatchedStatement]) -> list[apb.MatchedStatement]:
    return [
        apb.MatchedStatement(
            policy_type=m.policy_kind.value,
            policy_name=m.policy_name,
            statement_index=m.statement_index,
            sid=m.sid,
        )
        for m in statements
    ]


def _required(value: str | None, field: str) -> str:
    if not value:
        raise InvalidInput(f"`{field}` is required", field)
    return value


# An item's request facts: (source_ip, secure_transport, user_agent, requested_region).
_Facts = tuple[str | None, bool | None, str | None, str | None]


class _Batch:
    """What the items of one call share, each built once per call: an Environment per set of
    request facts, a request context per (principal, environment) for items without tags or
    context entries, and a response message per distinct decision.

    INVARIANT: the handler never awaits, so no commit lands while a batch is answered and
    nothing memoized here goes stale. Keys use `id()` only of objects the value also holds,
    so an id cannot be reused by another object while the batch lives.
    """

    __slots__ = ("contexts", "environments", "responses")

    def __init__(self) -> None:
        self.environments: dict[_Facts, Environment] = {}
        self.contexts: dict[tuple[int, int], tuple[PrincipalFacts, Context]] = {}
        self.responses: dict[tuple[object, ...], tuple[Decision, apb.AuthorizeResponse]] = {}


_OUTCOME_NAMES = {id(outcome): outcome.value for outcome in Outcome}


def _authorize_one(
    call: Call,
    authorizer: Authorizer,
    req: apb.AuthorizeRequest,
    prefix: str,
    batch: _Batch,
) -> apb.AuthorizeResponse:
    # Field reads are inlined (HasField, then the attribute): this runs once per batch item.
    has = req.HasField
    arn = req.principal_arn if has("principal_arn") else None
    key_id = req.access_key_id if has("access_key_id") else None
    if (arn is None) == (key_id is None):
        raise InvalidInput(
            "give exactly one of `PrincipalArn` and `AccessKeyId`", prefix + "PrincipalArn"
        )
    principal: Principal = (
        authorizer.principal_by_arn(call.account_id, arn, prefix + "PrincipalArn")
        if arn is not None
        else authorizer.principal_by_key(call.account_id, key_id or "", prefix + "AccessKeyId")
    )
    action = _required(req.action if has("action") else None, prefix + "Action")
    resource = _required(req.resource_arn if has("resource_arn") else None, prefix + "ResourceArn")
    resource_policy = (
        authorizer.document(
            RESOURCE_POLICY_NAME,
            resource_kind(action, resource),
            req.resource_policy,
            prefix + "ResourcePolicy",
        )
        if has("resource_policy")
        else None
    )
    facts: _Facts = (
        req.source_ip if has("source_ip") else None,
        req.secure_transport if has("secure_transport") else None,
        req.user_agent if has("user_agent") else None,
        req.requested_region if has("requested_region") else None,
    )
    environment = batch.environments.get(facts)
    if environment is None:
        peer = call.peer
        environment = batch.environments[facts] = Environment(
            peer_ip=peer.ip,
            peer_tls=peer.tls,
            peer_user_agent=peer.user_agent,
            node_region=authorizer.region,
            source_ip=facts[0],
            secure_transport=facts[1],
            user_agent=facts[2],
            requested_region=facts[3],
        )
    context: Context
    entries, request_tags, resource_tags = req.context_entries, req.request_tags, req.resource_tags
    if entries or request_tags or resource_tags:
        context = authorizer.contexts.build(
            principal.facts,
            environment,
            request_tags=convert.tag_pairs(request_tags) if request_tags else (),
            resource_tags=convert.tag_pairs(resource_tags) if resource_tags else (),
            extra=entries_to_context(
                _entries(entries), field=prefix + "ContextEntries", allow_reserved=False
            )
            if entries
            else None,
        )
    else:
        shared = (id(principal.facts), id(environment))
        known = batch.contexts.get(shared)
        if known is None:
            known = batch.contexts[shared] = (
                principal.facts,
                authorizer.contexts.build(principal.facts, environment),
            )
        context = known[1]
    account = (
        account_of(req.resource_account, prefix + "ResourceAccount")
        if has("resource_account")
        else None
    )
    decision = authorizer.decide(
        principal,
        action,
        resource,
        account or resource_account_of(resource),
        resource_policy,
        context,
    )
    return _response(batch, decision, principal.request_arn)


def _response(batch: _Batch, decision: Decision, principal_arn: str) -> apb.AuthorizeResponse:
    """The response for a decision; equal decisions in one batch share one message."""
    matched = decision.matched
    key = (id(decision.outcome), principal_arn, *map(id, matched))
    known = batch.responses.get(key)
    if known is None:
        response = apb.AuthorizeResponse(
            decision=_OUTCOME_NAMES[id(decision.outcome)],
            matched_statements=_matched(matched),
            principal_arn=principal_arn,
        )
        known = batch.responses[key] = (decision, response)
    return known[1]


@op("Authorize")
async def authorize(call: Call, req: apb.AuthorizeRequest) -> apb.AuthorizeResponse:
    return _authorize_one(call, _authorizer(call), req, "", _Batch())


@op("AuthorizeBatch")
async def authorize_batch(call: Call, req: apb.AuthorizeBatchRequest) -> apb.AuthorizeBatchResponse:
    authorizer = _authorizer(call)
    batch = _Batch()  # items of one batch mostly share their principal and request facts
    return apb.AuthorizeBatchResponse(
        results=[
            _authorize_one(call, authorizer, item, f"Requests.{i}.", batch)
            for i, item in enumerate(req.requests, 1)
        ]
    )


# --- the simulators --------------------------------------------------------------------


def _inputs(
    authorizer: Authorizer, documents: Sequence[str], kind: PolicyKind, field: str
) -> tuple[CompiledPolicy, ...]:
    return tuple(
        authorizer.document(f"{field}.{i}", kind, text, f"{field}.{i}")
        for i, text in enumerate(documents, 1)
    )


def _group_policies(authorizer: Authorizer, group_id: str, name: str) -> list[CompiledPolicy]:
    """A group's own inline and attached policies (the index assembles only users and roles)."""
    view = authorizer.view
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
    for policy in sorted(view.policies.live(view.attachments.of(group_id)), key=lambda p: p.arn):
        version = view.versions.get(policy.policy_id, {}).get(policy.default_version)
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


def _statements(decision: Decision) -> list[apb.Statement]:
    out: list[apb.Statement] = []
    for m in decision.matched:
        policy_id, policy_type = _source_type(m)
        # Positions are approximated: line = statement index + 1, column 1.
        position = apb.Position(line=m.statement_index + 1, column=1)
        out.append(
            apb.Statement(
                source_policy_id=policy_id,
                source_policy_type=policy_type,
                start_position=position,
                end_position=position,
            )
        )
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


def _result(outcome: ActionOutcome, resources_given: bool) -> apb.EvaluationResult:
    one = len(outcome.resources) == 1
    return apb.EvaluationResult(
        eval_action_name=outcome.action,
        eval_resource_name=outcome.resources[0].resource if one else "*",
        eval_decision=EVAL_DECISION[outcome.decision.outcome],
        matched_statements=_statements(outcome.decision),
        # AWS lists missing keys here only when the resource is "*"; else per resource.
        missing_context_values=() if resources_given else outcome.missing,
        organizations_decision_detail=_organizations_detail(outcome.organizations_allow),
        permissions_boundary_decision_detail=_boundary_detail(outcome.boundary_allows),
        eval_decision_details=_decision_details(outcome.details),
        resource_specific_results=[
            apb.ResourceSpecificResult(
                eval_resource_name=r.resource,
                eval_resource_decision=EVAL_DECISION[r.decision.outcome],
                matched_statements=_statements(r.decision),
                missing_context_values=r.missing,
                eval_decision_details=_decision_details(r.details),
                permissions_boundary_decision_detail=_boundary_detail(r.boundary_allows),
            )
            for r in outcome.resources
        ]
        if resources_given
        else [],
    )


def _page(
    outcomes: list[ActionOutcome], resources_given: bool, marker: str | None, max_items: int | None
) -> apb.SimulatePolicyResponse:
    start = 0
    if marker is not None:
        if not marker.isdigit() or int(marker) > len(outcomes):
            raise InvalidInput(f"invalid marker `{marker}`", "Marker")
        start = int(marker)
    end = start + (max_items or _DEFAULT_MAX_ITEMS)
    return apb.SimulatePolicyResponse(
        evaluation_results=[_result(o, resources_given) for o in outcomes[start:end]],
        is_truncated=end < len(outcomes),
        marker=str(end) if end < len(outcomes) else None,
    )


def _caller(authorizer: Authorizer, call: Call, caller_arn: str) -> Principal:
    principal = authorizer.principal_by_arn(call.account_id, caller_arn, "CallerArn")
    if principal.engine_type is not PrincipalType.USER:
        raise InvalidInput("`CallerArn` must be the arn of an iam user", "CallerArn")
    return principal


def _resource_policies(
    authorizer: Authorizer, document: str | None
) -> Callable[[str, str], CompiledPolicy | None]:
    if document is None:
        return lambda action, resource: None
    return lambda action, resource: authorizer.document(
        RESOURCE_POLICY_NAME, resource_kind(action, resource), document, "ResourcePolicy"
    )


@op("SimulatePrincipalPolicy")
async def simulate_principal_policy(
    call: Call, req: apb.SimulatePrincipalPolicyRequest
) -> apb.SimulatePolicyResponse:
    authorizer = _authorizer(call)
    source_arn = req.policy_source_arn
    identity: list[CompiledPolicy]
    boundary: CompiledPolicy | None = None
    source: Principal | None = None
    if ":group/" in source_arn:
        group = authorizer.view.groups.named(call.account_id, source_arn.rsplit("/", 1)[-1])
        if group is None or group.arn != source_arn:
            raise NoSuchEntity(f"the entity `{source_arn}` cannot be found.", "PolicySourceArn")
        identity = _group_policies(authorizer, group.group_id, group.name)
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
    identity += _inputs(authorizer, req.policy_input_list, PolicyKind.IDENTITY, "PolicyInputList")
    boundary_inputs = _inputs(
        authorizer,
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
        _entries(req.context_entries), field="ContextEntries", allow_reserved=True
    )
    if source is not None:  # the principal's own keys, unless the request gives them
        context = {**principal_keys(source.facts), **context}
    owner = opt_str(req, "resource_owner")
    simulation = Simulation(
        principal_arn=source.request_arn if source is not None else source_arn,
        principal_account=call.account_id,
        principal_type=source.engine_type if source is not None else PrincipalType.USER,
        identity=tuple(identity),
        boundary=boundary,
        scps=None,
        resource_policies=_resource_policies(authorizer, opt_str(req, "resource_policy")),
        resource_owner=None if owner is None else account_of(owner, "ResourceOwner"),
        context=context,
        role_name=source.role_name if source is not None else None,
    )
    outcomes = simulate(simulation, list(req.action_names), list(req.resource_arns))
    return _page(
        outcomes, bool(req.resource_arns), opt_str(req, "marker"), opt_int(req, "max_items")
    )


@op("SimulateCustomPolicy")
async def simulate_custom_policy(
    call: Call, req: apb.SimulateCustomPolicyRequest
) -> apb.SimulatePolicyResponse:
    authorizer = _authorizer(call)
    identity = _inputs(authorizer, req.policy_input_list, PolicyKind.IDENTITY, "PolicyInputList")
    boundaries = _inputs(
        authorizer,
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
            authorizer,
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
        _entries(req.context_entries), field="ContextEntries", allow_reserved=True
    )
    owner = opt_str(req, "resource_owner")
    simulation = Simulation(
        # Without a caller, the requests come from an unnamed user of the caller's account.
        principal_arn=caller.request_arn
        if caller is not None
        else f"arn:aws:iam::{call.account_id}:user/SimulatedUser",
        principal_account=call.account_id,
        principal_type=PrincipalType.USER,
        identity=identity,
        boundary=boundaries[0] if boundaries else None,
        scps=scps or None,
        resource_policies=_resource_policies(authorizer, opt_str(req, "resource_policy")),
        resource_owner=None if owner is None else account_of(owner, "ResourceOwner"),
        context=context,
    )
    outcomes = simulate(simulation, list(req.action_names), list(req.resource_arns))
    return _page(
        outcomes, bool(req.resource_arns), opt_str(req, "marker"), opt_int(req, "max_items")
    )

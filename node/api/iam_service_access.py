"""Iam handler for ListPoliciesGrantingServiceAccess: which of an identity's policies can
allow actions of each service (node/policy/service_access.py decides per policy)."""

from __future__ import annotations

from dataclasses import dataclass

from iamstore.node.api.authz import authorizer_of
from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, registrar
from iamstore.node.domain.entities import Group, Role, User
from iamstore.node.domain.errors import InvalidInput, NoSuchEntity
from iamstore.node.domain.view import View
from iamstore.node.policy import PolicyKind
from iamstore.node.policy.document import Policy
from iamstore.node.policy.service_access import grants_service
from iamstore.v1 import iam_pb2 as pb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)

Entity = User | Group | Role


@dataclass(frozen=True, slots=True)
class PolicySource:
    """One policy an identity has, as the response names it."""

    message: pb.PolicyGrantingServiceAccess
    policy: Policy


def entity_by_arn(view: View, account_id: str, arn: str) -> Entity:
    kind = arn.split(":", 5)[-1].split("/", 1)[0] if arn.count(":") >= 5 else ""
    name = arn.rsplit("/", 1)[-1]
    found: Entity | None
    if kind == "user":
        found = view.users.named(account_id, name)
    elif kind == "group":
        found = view.groups.named(account_id, name)
    elif kind == "role":
        found = view.roles.named(account_id, name)
    else:
        raise InvalidInput(f"ARN {arn} is not a user, group or role ARN.", "Arn")
    if found is None or found.arn != arn:
        raise NoSuchEntity(f"the entity `{arn}` cannot be found.", "Arn")
    return found


def policy_sources(call: Call, entity: Entity) -> list[PolicySource]:
    """The entity's inline and attached policies, and for a user its groups' too."""
    authorizer, view = authorizer_of(call), call.view
    owners: list[Entity] = [entity]
    if isinstance(entity, User):
        owners += sorted(
            view.groups.live(view.members.to(entity.user_id), entity.account_id),
            key=lambda g: g.name,
        )
    found: list[PolicySource] = []
    managed_seen: set[str] = set()
    for owner in owners:
        kind = type(owner).__name__.upper()
        for name, inline in sorted(view.inline.get(owner.entity_id, {}).items()):
            compiled = authorizer.document(
                f"{kind.lower()}/{owner.name}/{name}", PolicyKind.IDENTITY, inline.document, "Arn"
            )
            message = pb.PolicyGrantingServiceAccess(
                policy_name=name, policy_type="INLINE", entity_type=kind, entity_name=owner.name
            )
            found.append(PolicySource(message, compiled.source))
        for policy in sorted(
            view.managed_policies(view.attachments.of(owner.entity_id), owner.account_id),
            key=lambda p: p.arn,
        ):
            version = view.default_version(policy.policy_id)
            if version is None or policy.arn in managed_seen:
                continue
            managed_seen.add(policy.arn)
            compiled = authorizer.document(policy.arn, PolicyKind.IDENTITY, version.document, "Arn")
            message = pb.PolicyGrantingServiceAccess(
                policy_name=policy.name, policy_type="MANAGED", policy_arn=policy.arn
            )
            found.append(PolicySource(message, compiled.source))
    return found


@op("ListPoliciesGrantingServiceAccess")
async def list_policies_granting_service_access(
    call: Call, req: pb.ListPoliciesGrantingServiceAccessRequest
) -> pb.ListPoliciesGrantingServiceAccessResponse:
    """Every namespace asked for (at most 200, by AWS's model) in one page: the work is bounded
    by the entity's policy quotas, so no marker is ever needed."""
    sources = policy_sources(call, entity_by_arn(call.view, call.account_id, req.arn))
    response = pb.ListPoliciesGrantingServiceAccessResponse(is_truncated=False)
    for namespace in req.service_namespaces:
        entry = response.policies_granting_service_access.add(service_namespace=namespace)
        entry.policies.extend(s.message for s in sources if grants_service(s.policy, namespace))
    return response

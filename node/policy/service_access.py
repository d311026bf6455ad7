"""Whether a policy grants any access to a service: what ListPoliciesGrantingServiceAccess asks.

A policy grants access to a service namespace when one of its Allow statements can match an
action of that service: an Action pattern whose service part matches the namespace (`s3:Get*`,
`s*:*`, `*`), or a NotAction that does not exclude the whole service. Conditions and resources
are not considered, as in AWS (the operation reports policies that *can* grant access).
"""

from __future__ import annotations

from iamstore.node.policy.document import Effect, Policy
from iamstore.node.policy.glob import compile_glob
from iamstore.node.policy.variables import tokenize


def _service_matches(pattern: str, namespace: str) -> bool:
    service, colon, _ = pattern.partition(":")
    if not colon:  # `*` alone, or a malformed pattern the grammar let through
        service = pattern
    tokens = tokenize(service.lower(), variables=False, wildcards=True)
    return compile_glob(tokens).matches(namespace.lower())  # linear time (see glob)


def _excludes_service(pattern: str, namespace: str) -> bool:
    """A NotAction pattern that leaves no action of the service: `*`, `s3:*`, `s*:*`."""
    if pattern == "*":
        return True
    service, _, action = pattern.partition(":")
    return action == "*" and _service_matches(f"{service}:", namespace)


def grants_service(policy: Policy, namespace: str) -> bool:
    for statement in policy.statements:
        if statement.effect is not Effect.ALLOW:
            continue
        if statement.actions is not None and any(
            _service_matches(pattern, namespace) for pattern in statement.actions
        ):
            return True
        if statement.not_actions is not None and not any(
            _excludes_service(pattern, namespace) for pattern in statement.not_actions
        ):
            return True
    return False

"""The invariants no merge may break, checked over a replica's view (pure; used by the tests,
the simulation's model checker and the chaos checks after every apply)."""

from __future__ import annotations

from iamstore.node.domain.versions import VERSION_ID
from iamstore.node.domain.view import View


def violations(view: View) -> list[str]:
    """Every invariant `view` breaks, as one line each (empty: all hold)."""
    problems: list[str] = []
    for policy_id in sorted(set(view.policy_arns.values())):
        policy = view.policies.get(policy_id)
        if policy is not None:
            problems += _policy_violations(view, policy_id, policy.arn)
    return problems


def _policy_violations(view: View, policy_id: str, arn: str) -> list[str]:
    problems: list[str] = []
    versions = view.versions_of(policy_id)
    default = view.default_version(policy_id)
    # INVARIANT: a visible policy has exactly one default version (one pointer row), it is
    # listed among the policy's versions, and it holds the document the pointer copied.
    if default is None:
        problems.append(f"`{arn}` has no default version")
    elif versions.get(default.version_id) != default:
        problems.append(f"`{arn}`'s default `{default.version_id}` is not one of its versions")
    defaults = [v for v in versions if default is not None and v == default.version_id]
    if len(defaults) != 1:
        problems.append(f"`{arn}` has {len(defaults)} default versions")
    for version_id in versions:
        # INVARIANT: ids follow AWS's pattern `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`.
        if VERSION_ID.fullmatch(version_id) is None:
            problems.append(f"`{arn}` has a version id `{version_id}` outside AWS's pattern")
    return problems

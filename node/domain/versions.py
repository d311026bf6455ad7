"""Managed policy versions: their ids, the default-version pointer and the per-node counters.

A policy's versions are merged at the granularity of intent (docs/replication.md): each
version is a row, the default is a pointer row carrying a copy of the default's document, and
each node that numbers versions keeps a counter row of its own. So CreatePolicyVersion,
SetDefaultPolicyVersion, DeletePolicyVersion and TagPolicy on different nodes never rewrite
each other's rows.

Version ids (AWS's pattern `v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?`, the VersionId parameter of
https://docs.aws.amazon.com/IAM/latest/APIReference/API_PolicyVersion.html):
- the number is one above the policy's high-water mark, the max over every node's counter and
  every version this replica knows; counters merge by max, so a number is never handed out
  twice by one node, and never goes backwards after a partition heals;
- a version made on the policy's home node (where CreatePolicy ran) gets the plain `vN`, as
  AWS numbers them; a version made on any other node gets `vN.<node tag>`. Two nodes can
  therefore never pick the same id, whatever their replicas held: concurrent creates on two
  nodes give e.g. `v8` and `v8.n3c1`, both kept.

AWS allows five versions per policy
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html). Each node
refuses a sixth against its own replica; two nodes that each create the fifth at once both
succeed and the policy holds six versions after the merge (no acknowledged version is
dropped). Only the default grants or denies anything, and CreatePolicyVersion is refused until
versions are deleted below the limit again.
"""

from __future__ import annotations

import hashlib
import re

from iamstore.node.domain import documents, lookup
from iamstore.node.domain.entities import (
    Change,
    DefaultVersion,
    ManagedPolicy,
    PolicyVersion,
    VersionCounter,
)
from iamstore.node.domain.errors import DeleteConflict, LimitExceeded, NoSuchEntity
from iamstore.node.domain.rules import Page, check_managed_policy_size, paginate
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.policy import PolicyKind

VERSION_ID = re.compile(r"v([1-9][0-9]*)(?:\.([A-Za-z0-9-]*))?")
_TAG = re.compile(r"[A-Za-z0-9-]{1,32}")


def node_tag(origin: str) -> str:
    """The suffix a node puts on the version ids it makes: its id when that fits AWS's
    pattern, else a digest of it (distinct ids give distinct tags either way)."""
    if _TAG.fullmatch(origin):
        return origin
    return "h" + hashlib.sha256(origin.encode()).hexdigest()[:16]


def version_number(version_id: str) -> tuple[int, str]:
    """(number, node tag) of a version id; (0, id) for one that is not ours."""
    matched = VERSION_ID.fullmatch(version_id)
    if matched is None:
        return (0, version_id)
    return (int(matched.group(1)), matched.group(2) or "")


def high_water_mark(view: View, policy_id: str) -> int:
    """The highest version number the policy ever had on any node this replica heard of."""
    numbers = [version_number(v)[0] for v in view.versions_of(policy_id)]
    numbers += view.version_counters.get(policy_id, {}).values()
    return max(numbers, default=0)


def initial(
    policy: ManagedPolicy, document: str, now_ms: int
) -> tuple[list[Change], PolicyVersion]:
    """CreatePolicy's version rows (`v1`, its default pointer, the home node's counter)."""
    first = PolicyVersion(policy.policy_id, "v1", document, now_ms)
    changes = [
        Change.put(first),
        Change.put(DefaultVersion(policy.policy_id, "v1", document, now_ms, now_ms)),
        Change.put(VersionCounter(policy.policy_id, policy.home, 1)),
    ]
    return changes, first


def _pointer(version: PolicyVersion, ctx: WriteContext) -> DefaultVersion:
    return DefaultVersion(
        version.policy_id, version.version_id, version.document, version.created_ms, ctx.now_ms
    )


def _keep_default(view: View, policy_id: str) -> list[Change]:
    """Before the pointer moves off the current default: its version row again, if only the
    pointer's copy holds it (a concurrent DeletePolicyVersion lost to the default, so the
    version stays, also once it is no longer the default)."""
    default = view.defaults.get(policy_id)
    if default is None or default.version_id in view.version_rows(policy_id):
        return []
    return [Change.put(default.version)]


def get(view: View, account_id: str, arn: str, version_id: str) -> PolicyVersion:
    policy = lookup.policy(view, account_id, arn)
    found = view.policy_versions(policy.policy_id).get(version_id)
    if found is None:
        raise NoSuchEntity(
            f"Policy {arn} version {version_id} does not exist or is not attachable.",
            "VersionId",
        )
    return found


def listed(
    view: View, account_id: str, arn: str, marker: str | None, max_items: int | None
) -> tuple[ManagedPolicy, Page[PolicyVersion]]:
    policy = lookup.policy(view, account_id, arn)
    versions = list(view.policy_versions(policy.policy_id).values())

    def newest_first(v: PolicyVersion) -> str:
        # AWS lists newest first; the sort key pads the number (ids are at most 10 digits).
        number, tag = version_number(v.version_id)
        return f"{10**10 - number:011d}/{tag}"

    return policy, paginate(versions, newest_first, marker, max_items)


def create(
    view: View, ctx: WriteContext, arn: str, document: str, set_as_default: bool
) -> tuple[list[Change], PolicyVersion]:
    policy = lookup.customer_policy(view, ctx.account_id, arn, "CreatePolicyVersion")
    if len(view.versions_of(policy.policy_id)) >= ctx.quotas.versions_per_policy:
        raise LimitExceeded(
            f"A managed policy can have up to {ctx.quotas.versions_per_policy} versions. "
            "Before you create a new version, you must delete an existing version."
        )
    documents.check(document, PolicyKind.IDENTITY)
    check_managed_policy_size(document, ctx.quotas)
    number = high_water_mark(view, policy.policy_id) + 1
    # INVARIANT: ids never collide across nodes: only the home node makes plain ids, and every
    # other node's ids carry its own tag; one node's numbers only grow (its counter).
    suffix = "" if ctx.origin == policy.home else "." + node_tag(ctx.origin)
    new = PolicyVersion(policy.policy_id, f"v{number}{suffix}", document, ctx.now_ms)
    changes = [
        Change.put(new),
        Change.put(VersionCounter(policy.policy_id, ctx.origin, number)),
    ]
    if set_as_default:
        changes += _keep_default(view, policy.policy_id)
        changes.append(Change.put(_pointer(new, ctx)))
    return changes, new


def set_default(view: View, ctx: WriteContext, arn: str, version_id: str) -> list[Change]:
    lookup.customer_policy(view, ctx.account_id, arn, "SetDefaultPolicyVersion")
    found = get(view, ctx.account_id, arn, version_id)
    current = view.defaults.get(found.policy_id)
    if current is not None and current.version_id == version_id:
        return []  # already the default: nothing to replicate
    return [*_keep_default(view, found.policy_id), Change.put(_pointer(found, ctx))]


def delete(view: View, ctx: WriteContext, arn: str, version_id: str) -> list[Change]:
    lookup.customer_policy(view, ctx.account_id, arn, "DeletePolicyVersion")
    found = get(view, ctx.account_id, arn, version_id)
    default = view.defaults.get(found.policy_id)
    if default is not None and default.version_id == version_id:
        raise DeleteConflict("Cannot delete the default version of a policy.", "VersionId")
    # Only the row goes: should a concurrent SetDefaultPolicyVersion make it the default, the
    # pointer's copy keeps it (the default wins: deleting it would leave the policy without
    # the version that either side last chose to grant and deny by).
    return [Change.delete(found)]


def all_rows(view: View, policy_id: str) -> list[Change]:
    """DeletePolicy's tombstones for every version row, the pointer and the counters."""
    changes = [Change.delete(v) for v in view.version_rows(policy_id).values()]
    default = view.defaults.get(policy_id)
    if default is not None:
        changes.append(Change.delete(default))
    for origin, highest in view.version_counters.get(policy_id, {}).items():
        changes.append(Change.delete(VersionCounter(policy_id, origin, highest)))
    return changes

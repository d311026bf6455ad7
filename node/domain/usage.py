"""Last use of credentials, services and actions (pure): purposes, per-node stamps merged by
latest, and which of a node's recent uses a flush must write.

Every node keeps its recent uses in memory (node.state.usage) and writes them, now and then,
as its own UsageStamp rows; a subject's last use is the latest stamp over every node. A stamp
is rewritten only when its time has moved on by `resolution_ms`, so a busy subject costs one
replicated row per resolution period and node, however many calls it makes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from iamstore.node.domain.entities import UsageStamp
from iamstore.node.domain.view import View

KEY = "key"
PASSWORD = "password"
_SERVICE = "service:"
_ACTION = "action:"

# The services whose actions AWS reports one by one (ACTION_LEVEL granularity): AWS started
# with Amazon S3 management actions and added EC2, IAM and Lambda
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed-action-last-accessed.html).
ACTION_TRACKED_SERVICES = frozenset({"ec2", "iam", "lambda", "s3"})

# A service namespace as AWS's model spells one (serviceNamespaceType: `[\w-]*`, 1-64) and an
# action name (letters and digits): anything else names no service and is not tracked.
_NAMESPACE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_ACTION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,127}")


def service_purpose(namespace: str) -> str:
    return f"{_SERVICE}{namespace}"


def action_purpose(namespace: str, action_name: str) -> str:
    return f"{_ACTION}{namespace}:{action_name}"


def action_of(purpose: str) -> tuple[str, str] | None:
    """(namespace, action name) of an action purpose; None for any other purpose."""
    if not purpose.startswith(_ACTION):
        return None
    namespace, _, name = purpose[len(_ACTION) :].partition(":")
    return namespace, name


def purposes_of_action(action: str) -> tuple[str, ...]:
    """The purposes an attempted `service:Action` counts for: its service, and the action itself
    when AWS tracks the service's actions. Nothing for a malformed action."""
    prefix, colon, name = action.partition(":")
    namespace = prefix.lower()
    if not colon or not _NAMESPACE.fullmatch(namespace):
        return ()
    if namespace in ACTION_TRACKED_SERVICES and _ACTION_NAME.fullmatch(name):
        return service_purpose(namespace), action_purpose(namespace, name)
    return (service_purpose(namespace),)


def latest(view: View, subject_id: str, purpose: str) -> UsageStamp | None:
    """The subject's latest stamp for `purpose` over every node (ties: the larger node id)."""
    by_node = view.usage_stamps.get(subject_id, {}).get(purpose)
    if not by_node:
        return None
    return max(by_node.values(), key=lambda s: (s.used_ms, s.node_id))


def latest_by_purpose(view: View, subject_id: str) -> dict[str, UsageStamp]:
    """Every purpose the subject was used for, with its latest stamp over the nodes."""
    return {
        purpose: max(by_node.values(), key=lambda s: (s.used_ms, s.node_id))
        for purpose, by_node in view.usage_stamps.get(subject_id, {}).items()
        if by_node
    }


def last_service_use(view: View, subject_id: str) -> UsageStamp | None:
    """The subject's latest attempt of any service over every node (a role's RoleLastUsed)."""
    stamps = [
        stamp
        for purpose, by_node in view.usage_stamps.get(subject_id, {}).items()
        if purpose.startswith(_SERVICE)
        for stamp in by_node.values()
    ]
    return max(stamps, key=lambda s: (s.used_ms, s.node_id)) if stamps else None


@dataclass(frozen=True, slots=True)
class Use:
    """One use this node saw, not yet compared with its stamps."""

    subject_id: str
    purpose: str
    account_id: str
    used_ms: int
    service: str = ""
    region: str = ""


@dataclass(frozen=True, slots=True)
class StampPlan:
    """What a flush writes: the stamps that moved on, the later uses held back by the
    resolution (for a later flush), and how many new stamps the cap refused."""

    stamps: list[UsageStamp]
    held: list[Use]
    refused: int


def stamps_to_write(
    view: View,
    node_id: str,
    uses: Iterable[Use],
    resolution_ms: int,
    max_stamps: int,
) -> StampPlan:
    """This node's stamps that `uses` move on.

    A stamp is written when the node has none for (subject, purpose) yet, or when the use is
    at least `resolution_ms` later than the stamp's time (0: any later use); a later use
    within the resolution is held for a later flush. New stamps stop at `max_stamps` of this
    node's own; stamps it already has keep moving.

    INVARIANT: only this node's stamps are ever written here, and never with an older time
    than the replica's, so a flush never undoes a newer stamp of its own.
    """
    newest: dict[tuple[str, str], Use] = {}
    for use in uses:
        key = (use.subject_id, use.purpose)
        known = newest.get(key)
        if known is None or use.used_ms > known.used_ms:
            newest[key] = use
    owned = view.usage_stamps_by_node.get(node_id, 0)
    stamps: list[UsageStamp] = []
    held: list[Use] = []
    refused = 0
    for use in newest.values():
        stamp = view.usage_stamps.get(use.subject_id, {}).get(use.purpose, {}).get(node_id)
        if stamp is not None:
            if use.used_ms <= stamp.used_ms:
                continue
            if use.used_ms - stamp.used_ms < resolution_ms:
                held.append(use)
                continue
        elif owned >= max_stamps:
            refused += 1
            continue
        else:
            owned += 1
        stamps.append(
            UsageStamp(
                use.subject_id,
                use.purpose,
                node_id,
                use.account_id,
                use.used_ms,
                use.service,
                use.region,
            )
        )
    return StampPlan(stamps, held, refused)


def orphaned(view: View, node_id: str, limit: int) -> list[UsageStamp]:
    """This node's stamps of users, roles and keys that no longer exist (at most `limit`):
    deleted by its next flush, so that churn never fills its cap of stamps with the dead.
    Ids are never reused, so a deleted subject's stamps can never be needed again."""
    found: list[UsageStamp] = []
    for subject_id, purposes in view.usage_stamps.items():
        if subject_account(view, subject_id) or key_account(view, subject_id):
            continue
        found += [s for by_node in purposes.values() if (s := by_node.get(node_id)) is not None]
        if len(found) >= limit:
            return found[:limit]
    return found


def subject_account(view: View, subject_id: str) -> str | None:
    """The account of a user or role by id; None when it no longer exists."""
    entity = view.users.get(subject_id) or view.roles.get(subject_id)
    return None if entity is None else entity.account_id


def key_account(view: View, access_key_id: str) -> str | None:
    key = view.access_keys.get(access_key_id)
    return None if key is None else key.account_id


def merged_key_use(
    view: View, access_key_id: str, mine: tuple[int, str, str] | None
) -> tuple[int, str, str] | None:
    """(time, service, region) of the key's latest use: this node's own (`mine`, perhaps not
    flushed yet) or any node's stamp, whichever is later."""
    stamp = latest(view, access_key_id, KEY)
    if stamp is None or (mine is not None and mine[0] >= stamp.used_ms):
        return mine
    return stamp.used_ms, stamp.service, stamp.region

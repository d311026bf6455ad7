"""Service last-accessed reports (pure): which services an entity's policies can reach, and
when the users and roles that count for it last attempted each service and tracked action.

As in AWS (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html):
the services listed are those the entity's policies allow (a policy report: its default
version's); the entities that count are the user or role itself, a group's members, or every
user and role a managed policy is attached to (directly or through a group). Attempts count
whether they were allowed or denied. Times come from the merged usage stamps
(node.domain.usage), so a report shows what this replica has heard from every node.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from iamstore.node.domain import usage
from iamstore.node.domain.entities import Group, ManagedPolicy, Role, UsageStamp, User
from iamstore.node.domain.view import View
from iamstore.node.policy.document import Effect, Policy
from iamstore.node.policy.glob import compile_glob
from iamstore.node.policy.service_access import grants_service
from iamstore.node.policy.variables import tokenize

SERVICE_LEVEL = "SERVICE_LEVEL"
ACTION_LEVEL = "ACTION_LEVEL"
SERVICES_FILE = "aws_services.json.gz"  # scripts/refresh-aws-services writes it
# Jobs kept per account: a new job beyond this replaces the account's oldest.
MAX_JOBS_PER_ACCOUNT = 100

Entity = User | Role


@cache
def service_names() -> dict[str, str]:
    """Every AWS service namespace and its name, read from the packaged table once."""
    packaged = resources.files("iamstore.node.domain").joinpath(SERVICES_FILE)
    names: dict[str, str] = json.loads(gzip.decompress(packaged.read_bytes()))
    return names


@dataclass(frozen=True, slots=True)
class LastUse:
    """The latest attempt among the counted entities: when, by whom, where."""

    used_ms: int
    entity_arn: str
    region: str


@dataclass(frozen=True, slots=True)
class ActionReport:
    name: str
    last: LastUse | None


@dataclass(frozen=True, slots=True)
class ServiceReport:
    namespace: str
    name: str
    last: LastUse | None
    total_entities: int
    actions: tuple[ActionReport, ...]  # ACTION_LEVEL, for services AWS tracks actions of


def counted_entities(
    view: View, account_id: str, target: User | Role | Group | ManagedPolicy
) -> list[Entity]:
    """The users and roles of `account_id` whose attempts count for a report about `target`.

    INVARIANT: only entities of `account_id`: an AWS managed policy is attached in many
    accounts, and a report never shows another account's users or roles.
    """
    if isinstance(target, User | Role):
        return [target] if target.account_id == account_id else []
    if isinstance(target, Group):
        members: list[Entity] = [*view.users.live(view.members.of(target.group_id))]
        return members
    found: dict[str, Entity] = {}
    holders = [*view.attachments.to(target.policy_id)]
    for holder in holders:
        user, role, group = view.users.get(holder), view.roles.get(holder), None
        if user is None and role is None:
            group = view.groups.get(holder)
        for entity in (user, role):
            if entity is not None:
                found[entity.arn] = entity
        if group is not None:
            for member in view.users.live(view.members.of(group.group_id)):
                found[member.arn] = member
    return [entity for entity in found.values() if entity.account_id == account_id]


def _allow_patterns(policies: Sequence[Policy]) -> tuple[list[str], bool]:
    """The Allow statements' Action patterns, and whether any Allow uses NotAction."""
    patterns: list[str] = []
    not_action = False
    for policy in policies:
        for statement in policy.statements:
            if statement.effect is not Effect.ALLOW:
                continue
            patterns.extend(statement.actions or ())
            not_action = not_action or statement.not_actions is not None
    return patterns, not_action


def granted_services(policies: Sequence[Policy]) -> list[str]:
    """The namespaces some Allow statement can reach: a literal service part names one; a
    wildcard one, or a NotAction, is tried against every known service."""
    patterns, not_action = _allow_patterns(policies)
    candidates: set[str] = set()
    scan_catalog = not_action
    for pattern in patterns:
        service = pattern.partition(":")[0].lower()
        if "*" in service or "?" in service:
            scan_catalog = True
        elif service:
            candidates.add(service)
    if scan_catalog:
        candidates.update(service_names())
    return sorted(ns for ns in candidates if any(grants_service(p, ns) for p in policies))


def _action_allowed(patterns: Iterable[str], action: str) -> bool:
    lowered = action.lower()
    for pattern in patterns:
        tokens = tokenize(pattern.lower(), variables=False, wildcards=True)
        if compile_glob(tokens).matches(lowered):  # linear time (see glob)
            return True
    return False


def _latest(view: View, entities: Sequence[Entity], purpose: str) -> tuple[LastUse | None, int]:
    best: tuple[UsageStamp, Entity] | None = None
    count = 0
    for entity in entities:
        stamp = usage.latest(view, entity.entity_id, purpose)
        if stamp is None:
            continue
        count += 1
        if best is None or (stamp.used_ms, entity.arn) > (best[0].used_ms, best[1].arn):
            best = (stamp, entity)
    if best is None:
        return None, 0
    return LastUse(best[0].used_ms, best[1].arn, best[0].region), count


def _tracked_actions(
    view: View, entities: Sequence[Entity], namespace: str, patterns: Sequence[str]
) -> tuple[ActionReport, ...]:
    """The service's actions the policies name literally, and those the counted entities
    attempted that the policies allow (names compared without case, as IAM does)."""
    names: dict[str, str] = {}
    for pattern in patterns:
        service, _, name = pattern.partition(":")
        if service.lower() == namespace and name and "*" not in name and "?" not in name:
            names.setdefault(name.lower(), name)
    for entity in entities:
        for purpose in view.usage_stamps.get(entity.entity_id, {}):
            parsed = usage.action_of(purpose)
            if parsed is None or parsed[0] != namespace:
                continue
            if _action_allowed(patterns, f"{namespace}:{parsed[1]}"):
                names.setdefault(parsed[1].lower(), parsed[1])
    reports: list[ActionReport] = []
    for lowered, name in sorted(names.items()):
        best: LastUse | None = None
        for entity in entities:
            for purpose, by_node in view.usage_stamps.get(entity.entity_id, {}).items():
                parsed = usage.action_of(purpose)
                if parsed is None or parsed[0] != namespace or parsed[1].lower() != lowered:
                    continue
                for stamp in by_node.values():
                    if best is None or stamp.used_ms > best.used_ms:
                        best = LastUse(stamp.used_ms, entity.arn, stamp.region)
        reports.append(ActionReport(name, best))
    return tuple(reports)


def report(
    view: View,
    entities: Sequence[Entity],
    policies: Sequence[Policy],
    granularity: str,
) -> list[ServiceReport]:
    """One entry per service the policies allow, by namespace. Tracked actions (ACTION_LEVEL)
    are those Action patterns name literally and those attempted that the patterns allow."""
    names = service_names()
    patterns, _ = _allow_patterns(policies)
    reports: list[ServiceReport] = []
    for namespace in granted_services(policies):
        last, total = _latest(view, entities, usage.service_purpose(namespace))
        actions: tuple[ActionReport, ...] = ()
        if granularity == ACTION_LEVEL and namespace in usage.ACTION_TRACKED_SERVICES:
            actions = _tracked_actions(view, entities, namespace, patterns)
        reports.append(
            ServiceReport(namespace, names.get(namespace, namespace), last, total, actions)
        )
    return reports


def entity_uses(
    view: View, entities: Sequence[Entity], namespace: str
) -> list[tuple[Entity, UsageStamp | None]]:
    """Each counted entity with its latest attempt of the service, if any."""
    purpose = usage.service_purpose(namespace)
    return [(entity, usage.latest(view, entity.entity_id, purpose)) for entity in entities]

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
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from iamstore.node.domain import usage
from iamstore.node.domain.entities import (
    Change,
    Group,
    LastAccessedJob,
    ManagedPolicy,
    Role,
    UsageStamp,
    User,
)
from iamstore.node.domain.view import View
from iamstore.node.policy.document import Effect, Policy
from iamstore.node.policy.glob import compile_glob
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
        members: list[Entity] = [
            *view.users.live(view.members.of(target.group_id), target.account_id)
        ]
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
            for member in view.users.live(view.members.of(group.group_id), group.account_id):
                found[member.arn] = member
    return [entity for entity in found.values() if entity.account_id == account_id]


def _allow_patterns(policies: Sequence[Policy]) -> list[str]:
    """The Action patterns of the policies' Allow statements."""
    return [
        pattern
        for policy in policies
        for statement in policy.statements
        if statement.effect is Effect.ALLOW
        for pattern in statement.actions or ()
    ]


_WILDCARDS = re.compile(r"[*?]")


# Substrings indexed per name: up to this length (a longer literal run is looked up by its
# first KEY_LENGTH characters, which every name containing the run contains too).
KEY_LENGTH = 8


def _substring_index(names: Iterable[str]) -> dict[str, frozenset[str]]:
    """Every substring of at most KEY_LENGTH characters of each name -> the names with it."""
    index: dict[str, set[str]] = {}
    for name in names:
        for start in range(len(name)):
            for end in range(start + 1, min(start + KEY_LENGTH, len(name)) + 1):
                index.setdefault(name[start:end], set()).add(name)
    return {text: frozenset(found) for text, found in index.items()}


@cache
def _service_index() -> dict[str, frozenset[str]]:
    return _substring_index(service_names())


def _matching_names(
    globs: Iterable[str], names: Iterable[str], index: dict[str, frozenset[str]]
) -> set[str]:
    """The `names` (lower case) some glob matches.

    Each distinct glob is walked only against the names containing its longest literal run
    (through `index`, built from `names`), and compiled only if there is one; a glob of
    wildcards alone is a length test. So the work follows the number of globs and of their
    candidates, not globs x names.
    """
    found: set[str] = set()
    everything = list(names)
    for text in set(globs):
        runs = [run for run in _WILDCARDS.split(text) if run]
        if not runs:  # `*`, `??`, `?*?`: a length test
            singles = text.count("?")
            star = "*" in text
            found.update(n for n in everything if len(n) == singles or (star and len(n) > singles))
            continue
        candidates = [n for n in index.get(max(runs, key=len)[:KEY_LENGTH], ()) if n not in found]
        if candidates:
            glob = compile_glob(tokenize(text, variables=False, wildcards=True))
            found.update(n for n in candidates if glob.matches(n))
    return found


def _matching(services: Iterable[str]) -> set[str]:
    """The known namespaces some wildcard service glob (lower case) matches."""
    return _matching_names(services, service_names(), _service_index())


def granted_services(policies: Sequence[Policy]) -> list[str]:
    """The namespaces some Allow statement can reach, as ListPoliciesGrantingServiceAccess
    decides for one (node.policy.service_access): an Action pattern whose service part
    matches, or a NotAction that does not exclude the whole service. A literal service part
    names its namespace; wildcards and NotAction are tried against every known service.

    Pure, and bounded by the policies' sizes (their quotas): see `_matching`.
    """
    literal: set[str] = set()
    wildcard: list[str] = []
    not_actions: list[tuple[str, ...]] = []
    for policy in policies:
        for statement in policy.statements:
            if statement.effect is not Effect.ALLOW:
                continue
            for pattern in statement.actions or ():
                service, colon, _ = pattern.partition(":")
                service = (service if colon else pattern).lower()
                (wildcard.append if _WILDCARDS.search(service) else literal.add)(service)
            if statement.not_actions is not None:
                not_actions.append(statement.not_actions)
    granted = literal | _matching(wildcard)
    for excluded in not_actions:
        if "*" in excluded:  # NotAction `*` leaves no action of any service
            continue
        # Only `service:*` excludes a whole service (node.policy.service_access).
        whole = [p.partition(":")[0].lower() for p in excluded if p.partition(":")[2] == "*"]
        wild = [service for service in whole if _WILDCARDS.search(service)]
        left_out = _matching(wild) | {service for service in whole if service not in wild}
        granted.update(ns for ns in service_names() if ns not in left_out)
    return sorted(granted)


@dataclass(frozen=True, slots=True)
class EntityUse:
    """A counted entity's latest stamp for one purpose, taken from the view on the event loop
    so that the report itself reads no view."""

    entity_arn: str
    purpose: str
    used_ms: int
    region: str


def uses_of(view: View, entities: Sequence[Entity]) -> list[EntityUse]:
    """Every counted entity's latest stamp per purpose (bounded by their stamps)."""
    return [
        EntityUse(entity.arn, purpose, stamp.used_ms, stamp.region)
        for entity in entities
        for purpose, stamp in usage.latest_by_purpose(view, entity.entity_id).items()
    ]


def _latest(uses: Iterable[EntityUse]) -> tuple[LastUse | None, int]:
    """The latest of `uses` (ties: the larger ARN), and how many entities they come from."""
    best: EntityUse | None = None
    entities: set[str] = set()
    for use in uses:
        entities.add(use.entity_arn)
        if best is None or (use.used_ms, use.entity_arn) > (best.used_ms, best.entity_arn):
            best = use
    if best is None:
        return None, 0
    return LastUse(best.used_ms, best.entity_arn, best.region), len(entities)


def _tracked_actions(
    uses: Sequence[EntityUse], namespace: str, patterns: Sequence[str]
) -> tuple[ActionReport, ...]:
    """The service's actions the policies name literally, and those the counted entities
    attempted that the policies' Action patterns allow (names compared without case, as IAM
    does). Each distinct pattern of the service is compiled once."""
    names: dict[str, str] = {}
    action_globs: list[str] = []
    for pattern in set(patterns):
        service, colon, name = pattern.lower().partition(":")
        name = name if colon else "*"  # Action `*`: every action of every service
        if service != namespace and not (
            _WILDCARDS.search(service) and namespace in _matching([service])
        ):
            continue
        if _WILDCARDS.search(name):
            action_globs.append(name)
        elif name:
            names.setdefault(name, pattern.partition(":")[2])
    by_action: dict[str, list[EntityUse]] = {}
    attempted: dict[str, str] = {}  # lower case -> as attempted
    for use in uses:
        parsed = usage.action_of(use.purpose)
        if parsed is not None and parsed[0] == namespace:
            by_action.setdefault(parsed[1].lower(), []).append(use)
            attempted.setdefault(parsed[1].lower(), parsed[1])
    unnamed = [lowered for lowered in attempted if lowered not in names]
    for lowered in _matching_names(action_globs, unnamed, _substring_index(unnamed)):
        names[lowered] = attempted[lowered]
    return tuple(
        ActionReport(name, _latest(by_action.get(lowered, ()))[0])
        for lowered, name in sorted(names.items())
    )


def report(
    uses: Sequence[EntityUse], policies: Sequence[Policy], granularity: str
) -> list[ServiceReport]:
    """One entry per service the policies allow, by namespace. Tracked actions
    (ACTION_LEVEL) are those Action patterns name literally and those attempted that the
    patterns allow.

    Pure: reads no view (`uses_of` took what it needs), so it may run off the event loop.
    """
    names = service_names()
    patterns = _allow_patterns(policies)
    by_purpose: dict[str, list[EntityUse]] = {}
    for use in uses:
        by_purpose.setdefault(use.purpose, []).append(use)
    reports: list[ServiceReport] = []
    for namespace in granted_services(policies):
        last, total = _latest(by_purpose.get(usage.service_purpose(namespace), ()))
        actions: tuple[ActionReport, ...] = ()
        if granularity == ACTION_LEVEL and namespace in usage.ACTION_TRACKED_SERVICES:
            actions = _tracked_actions(uses, namespace, patterns)
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


def start_job(view: View, job: LastAccessedJob) -> list[Change]:
    """GenerateServiceLastAccessedDetails's write: the job, and the deletion of the account's
    oldest jobs beyond the limit."""
    jobs = sorted(
        (view.last_accessed_jobs[j] for j in view.last_accessed_jobs_of.get(job.account_id, ())),
        key=lambda j: (j.created_ms, j.job_id),
    )
    # INVARIANT: at most MAX_JOBS_PER_ACCOUNT jobs per account: the oldest make room.
    excess = len(jobs) + 1 - MAX_JOBS_PER_ACCOUNT
    return [Change.put(job), *(Change.delete(old) for old in jobs[: max(excess, 0)])]

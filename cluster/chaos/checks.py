"""The invariants of a chaos run, each a function of the history and the final observations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from iamstore.cluster.chaos.history import History, Op, Outcome, covers


@dataclass(frozen=True, slots=True)
class UserState:
    user_id: str
    groups: frozenset[str]
    policies: frozenset[str]
    keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class PolicyState:
    versions: frozenset[str]
    default: str


@dataclass
class NodeFinal:
    """One node's state after the run, as far as the checks read it."""

    version_vector: dict[str, int]
    digest: str
    node_id: str
    user_ids: frozenset[str] = frozenset()
    users: dict[str, UserState | None] = field(default_factory=dict)  # name -> state or absent
    policies: dict[str, PolicyState | None] = field(default_factory=dict)  # ARN -> state
    decisions: dict[str, str] = field(default_factory=dict)  # sample key -> decision


def uncertain_entities(ops: Iterable[Op]) -> set[str]:
    """Names touched by a call of unknown outcome: their final state cannot be predicted."""
    return {op.entity for op in ops if op.write and op.outcome is Outcome.UNKNOWN}


def expected_users(history: History) -> dict[str, UserState | None]:
    """Replays every acknowledged write to each strict user: what every replica must hold."""
    skip = uncertain_entities(history.ops)
    users: dict[str, UserState | None] = {}
    for op in sorted(history.acked_writes(), key=lambda o: o.start):
        if op.entity in skip or not op.entity.startswith("u-"):
            continue
        current = users.get(op.entity)
        if op.kind == "create_user":
            users[op.entity] = UserState(op.result.get("user_id", ""), frozenset(), frozenset(),
                                         frozenset())  # fmt: skip
        elif op.kind == "delete_user":
            users[op.entity] = None
        elif current is not None:
            groups, policies, keys = set(current.groups), set(current.policies), set(current.keys)
            if op.kind == "add_user_to_group":
                groups.add(op.request["group"])
            elif op.kind == "remove_user_from_group":
                groups.discard(op.request["group"])
            elif op.kind == "attach_user_policy":
                policies.add(op.request["policy"])
            elif op.kind == "detach_user_policy":
                policies.discard(op.request["policy"])
            elif op.kind == "create_access_key":
                keys.add(op.result.get("access_key_id", ""))
            elif op.kind == "delete_access_key":
                keys.discard(op.request["access_key_id"])
            users[op.entity] = UserState(
                current.user_id, frozenset(groups), frozenset(policies), frozenset(keys)
            )
    return users


def expected_policies(history: History) -> dict[str, PolicyState]:
    skip = uncertain_entities(history.ops)
    names_to_arn = {}
    policies: dict[str, PolicyState] = {}
    for op in sorted(history.acked_writes(), key=lambda o: o.start):
        if op.kind == "create_policy" and op.entity not in skip and "arn" in op.result:
            names_to_arn[op.entity] = op.result["arn"]
            policies[op.result["arn"]] = PolicyState(frozenset({"v1"}), "v1")
            continue
        current = policies.get(op.entity)
        if current is None or op.entity in skip:
            continue
        versions, default = set(current.versions), current.default
        if op.kind == "create_policy_version":
            versions.add(op.result.get("version", ""))
            if op.result.get("default") == "true":
                default = op.result.get("version", "")
        elif op.kind == "set_default_policy_version":
            default = op.request["version"]
        elif op.kind == "delete_policy_version":
            versions.discard(op.request["version"])
        policies[op.entity] = PolicyState(frozenset(versions), default)
    return {arn: p for arn, p in policies.items() if arn not in skip}


def lost_writes(history: History, finals: dict[str, NodeFinal]) -> list[str]:
    """Acknowledged writes missing somewhere: token not covered, or the replayed state differs."""
    problems = []
    for op in history.acked_writes():
        for name, final in finals.items():
            if op.token and not covers(final.version_vector, op.token):
                problems.append(f"{name} lacks {op.kind} `{op.entity}` token {op.token}")
    for entity, want in expected_users(history).items():
        for name, final in finals.items():
            if entity in final.users and final.users[entity] != want:
                problems.append(f"{name}: user `{entity}` is {final.users[entity]}, want {want}")
    for arn, policy in expected_policies(history).items():
        for name, final in finals.items():
            if arn in final.policies and final.policies[arn] != policy:
                problems.append(f"{name}: policy `{arn}` is {final.policies[arn]}, want {policy}")
    return problems + policy_invariants(history, finals)


_VERSION_ID = re.compile(r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?")


def policy_invariants(history: History, finals: dict[str, NodeFinal]) -> list[str]:
    """The invariants no merge may break (node/domain/invariants.py), on what each replica
    answers: a policy's default is one of its versions, every version id is in AWS's pattern,
    and no version id is acknowledged twice for one policy."""
    problems = []
    for name, final in finals.items():
        for arn, policy in final.policies.items():
            if policy is None:  # absent on this replica
                continue
            if policy.default not in policy.versions:
                problems.append(f"{name}: policy `{arn}`'s default {policy.default} is missing")
            for version_id in sorted(policy.versions):
                if _VERSION_ID.fullmatch(version_id) is None:
                    problems.append(f"{name}: policy `{arn}` has version id `{version_id}`")
    made: dict[tuple[str, str], Op] = {}
    for op in history.acked_writes():
        if op.kind != "create_policy_version" or not op.result.get("version"):
            continue
        key = (op.entity, op.result["version"])
        if key in made:
            problems.append(f"version `{key[1]}` of `{op.entity}` acknowledged twice")
        made[key] = op
    return problems


def resurrections(history: History, finals: dict[str, NodeFinal]) -> list[str]:
    """A user id listed after its deletion was acknowledged (ids are never reused)."""
    deletes = [
        op for op in history.acked_writes() if op.kind == "delete_user" and op.result.get("user_id")
    ]
    problems = []
    for listing in history.listings:
        for op in deletes:
            if op.end < listing.start and op.result["user_id"] in listing.user_ids:
                problems.append(f"{listing.node} at {listing.start:.2f}s lists deleted {op.entity}")
    for name, final in finals.items():
        for op in deletes:
            if op.result["user_id"] in final.user_ids:
                problems.append(f"{name} holds deleted `{op.entity}` ({op.result['user_id']})")
    return problems


def prefix_violations(history: History, finals: dict[str, NodeFinal]) -> list[str]:
    """Version vectors that went backwards on a node, or ran ahead of their origin."""
    problems = []
    last: dict[str, dict[str, int]] = {}
    for sample in sorted(history.statuses, key=lambda s: s.time):
        before = last.get(sample.node, {})
        for origin, seq in before.items():
            if sample.version_vector.get(origin, 0) < seq:
                problems.append(f"{sample.node} at {sample.time:.2f}s: {origin} went {seq} -> "
                                f"{sample.version_vector.get(origin, 0)}")  # fmt: skip
        last[sample.node] = dict(sample.version_vector)
    origins = {
        final.node_id: final.version_vector.get(final.node_id, 0) for final in finals.values()
    }
    for name, final in finals.items():
        for origin, seq in final.version_vector.items():
            if origin in origins and seq > origins[origin]:
                problems.append(
                    f"{name} holds {origin}:{seq} beyond its origin ({origins[origin]})"
                )
    return problems


def decision_disagreements(finals: dict[str, NodeFinal]) -> list[str]:
    problems = []
    keys = set().union(*(final.decisions for final in finals.values())) if finals else set()
    for key in sorted(keys):
        answers = {name: final.decisions.get(key, "?") for name, final in finals.items()}
        if len(set(answers.values())) > 1:
            problems.append(f"{key}: {answers}")
    return problems


def stale_token_reads(history: History) -> list[str]:
    return [f"{s.op.node} at {s.op.start:.2f}s: {s.expected}" for s in history.stale_reads]


def token_dependency_misses(history: History) -> list[str]:
    """Reads with only a write's token that lacked what the write depended on (or the write):
    a token covers everything its writer had applied (cluster/chaos/dependencies.py)."""
    return [
        f"{read.reader} at {read.time:.2f}s, with the token of {read.scenario} on {read.writer} "
        f"(made on {read.origin}), lacks {read.missing}"
        for read in history.dependency_reads
        if read.missing
    ]


def converged(finals: dict[str, NodeFinal]) -> bool:
    states = {(tuple(sorted(f.version_vector.items())), f.digest) for f in finals.values()}
    return len(states) == 1 and bool(next(iter(finals.values())).version_vector)


def percentiles(values: list[float]) -> dict[str, float | None]:
    """Nearest-rank p50/p95/p99 (None without samples)."""
    ordered = sorted(values)
    if not ordered:
        return {"p50": None, "p95": None, "p99": None}

    def rank(p: float) -> float:
        index = max(0, min(len(ordered) - 1, int(p / 100 * len(ordered) + 0.999999) - 1))
        return round(ordered[index], 1)

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99)}


def lag_split(history: History) -> tuple[list[float], list[float]]:
    healthy: list[float] = []
    faulty: list[float] = []
    for sample in history.lags:
        bucket = faulty if history.under_fault(sample.written, sample.visible) else healthy
        bucket.append(sample.lag_ms)
    return healthy, faulty


def lag_by_fault(history: History) -> dict[str, list[float]]:
    """Lag samples per fault kind: a sample counts for every fault window it overlaps."""
    found: dict[str, list[float]] = {}
    for sample in history.lags:
        for kind in history.faults_during(sample.written, sample.visible):
            found.setdefault(kind, []).append(sample.lag_ms)
    return found


def catch_up_times(history: History) -> None:
    """For each fault: seconds from its end until every node held what any node held then."""
    for fault in history.faults:
        if fault.end is None:
            continue
        before = [s for s in history.statuses if s.time <= fault.end]
        target: dict[str, int] = {}
        for sample in before:
            for origin, seq in sample.version_vector.items():
                target[origin] = max(target.get(origin, 0), seq)
        caught: dict[str, float] = {}
        for sample in sorted(history.statuses, key=lambda s: s.time):
            fresh = sample.time > fault.end and sample.node not in caught
            if fresh and covers(sample.version_vector, target):
                caught[sample.node] = sample.time
        nodes = {s.node for s in history.statuses}
        if caught and set(caught) == nodes:
            fault.caught_up_s = round(max(caught.values()) - fault.end, 3)

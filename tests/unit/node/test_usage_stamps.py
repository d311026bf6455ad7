"""Last-use tracking: uses recorded in memory, written as each node's own stamps, merged by
the latest over nodes, with the resolution and the caps bounding what is written."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pytest

from iamstore.cluster.testing.inline_sqlite import open_memory_database
from iamstore.node.commits.clock import HybridClock
from iamstore.node.commits.codec import Commit
from iamstore.node.domain import usage
from iamstore.node.domain.entities import Change, Role, User
from iamstore.node.domain.view import View
from iamstore.node.state import ConsistencyToken, State, Writer
from iamstore.node.state.usage import UsageTracker
from iamstore.node.storage.database import KeyUsage

ACCOUNT = "123456789012"
ALICE = User("AIDAALICE0000000000", ACCOUNT, "alice", "/", 1)
DEPLOY = Role("AROADEPLOY000000000", ACCOUNT, "deploy", "/", 1, "{}")


@dataclass
class Replica:
    name: str
    state: State
    writer: Writer
    tracker: UsageTracker
    log: list[Commit] = field(default_factory=list)


@pytest.fixture
async def replicas() -> AsyncIterator[tuple[Replica, Replica]]:
    made: list[Replica] = []
    dbs = []
    for name in ("na", "nb"):
        db = await open_memory_database()
        dbs.append(db)
        state = await State.load(db)
        replica = Replica(
            name,
            state,
            Writer(state, name, HybridClock(lambda: 1_700_000_000_000)),
            UsageTracker(
                name, region=f"{name}-region", max_pending=4, resolution_ms=60_000, max_stamps=6
            ),
        )
        state.on_change(replica.log.extend)
        made.append(replica)
    seed = made[0]
    await seed.writer.write("t", "seed", lambda v: ([Change.put(ALICE), Change.put(DEPLOY)], None))
    for commit in seed.log:
        await made[1].state.apply(commit)
    try:
        yield made[0], made[1]
    finally:
        for db in dbs:
            await db.close()


async def _exchange(a: Replica, b: Replica) -> None:
    for commit in list(a.log):
        await b.state.apply(commit)
    for commit in list(b.log):
        await a.state.apply(commit)


async def test_uses_on_two_nodes_merge_to_the_latest(replicas: tuple[Replica, Replica]) -> None:
    a, b = replicas
    a.tracker.attempted(ALICE.user_id, "iam:ListUsers", 1_000_000)
    b.tracker.attempted(ALICE.user_id, "IAM:ListUsers", 5_000_000)
    b.tracker.password_used(ALICE.user_id, 7_000_000)
    keys = {"AKIAEXAMPLE": KeyUsage("AKIAEXAMPLE", 9, "iam", "us-east-1")}  # unknown key
    assert await a.tracker.flush(a.writer, a.state.view, {}) == 2  # service + action
    assert await b.tracker.flush(b.writer, b.state.view, keys) == 3
    await _exchange(a, b)
    for replica in (a, b):
        view = replica.state.view
        service = usage.latest(view, ALICE.user_id, usage.service_purpose("iam"))
        assert service is not None
        assert (service.used_ms, service.node_id, service.region) == (5_000_000, "nb", "nb-region")
        password = usage.latest(view, ALICE.user_id, usage.PASSWORD)
        assert password is not None
        assert password.used_ms == 7_000_000
        assert usage.latest(view, "AKIAEXAMPLE", usage.KEY) is None  # no such key: dropped
        assert set(usage.latest_by_purpose(view, ALICE.user_id)) == {
            "service:iam",
            "action:iam:ListUsers",
            "password",
        }


async def test_a_use_within_the_resolution_is_held_then_written(
    replicas: tuple[Replica, Replica],
) -> None:
    a, _ = replicas
    a.tracker.attempted(DEPLOY.role_id, "sts:GetCallerIdentity", 1_000_000)
    assert await a.tracker.flush(a.writer, a.state.view, {}) == 1
    a.tracker.attempted(DEPLOY.role_id, "sts:GetCallerIdentity", 1_030_000)
    assert await a.tracker.flush(a.writer, a.state.view, {}) == 0  # 30 s < 60 s: held
    stamp = usage.latest(a.state.view, DEPLOY.role_id, "service:sts")
    assert stamp is not None
    assert stamp.used_ms == 1_000_000
    assert await a.tracker.flush_all(a.writer, a.state.view, {}) == 1  # shutdown: everything
    stamp = usage.latest(a.state.view, DEPLOY.role_id, "service:sts")
    assert stamp is not None
    assert stamp.used_ms == 1_030_000


async def test_an_older_use_never_moves_a_stamp_back(replicas: tuple[Replica, Replica]) -> None:
    a, _ = replicas
    a.tracker.attempted(ALICE.user_id, "ec2:RunInstances", 9_000_000)
    await a.tracker.flush_all(a.writer, a.state.view, {})
    a.tracker.attempted(ALICE.user_id, "ec2:RunInstances", 1_000)
    assert await a.tracker.flush_all(a.writer, a.state.view, {}) == 0
    stamp = usage.latest(a.state.view, ALICE.user_id, "action:ec2:RunInstances")
    assert stamp is not None
    assert stamp.used_ms == 9_000_000


async def test_pending_pairs_and_stamps_are_capped(replicas: tuple[Replica, Replica]) -> None:
    a, _ = replicas
    for index in range(10):  # max_pending=4: the first four pairs are kept
        a.tracker.attempted(ALICE.user_id, f"svc{index}:Act", 1_000 + index)
    a.tracker.attempted(ALICE.user_id, "svc0:Act", 5_000)  # held pairs update
    assert a.tracker.dropped == 6
    assert await a.tracker.flush(a.writer, a.state.view, {}) == 4
    stamp = usage.latest(a.state.view, ALICE.user_id, "service:svc0")
    assert stamp is not None
    assert stamp.used_ms == 5_000
    for index in range(4, 8):  # max_stamps=6: two more stamps, then refused
        a.tracker.attempted(DEPLOY.role_id, f"svc{index}:Act", 2_000)
    assert await a.tracker.flush(a.writer, a.state.view, {}) == 2
    assert a.tracker.refused == 2
    assert a.state.view.usage_stamps_by_node["na"] == 6


@pytest.mark.parametrize(
    ("action", "purposes"),
    [
        ("iam:CreateUser", ("service:iam", "action:iam:CreateUser")),
        ("S3:GetObject", ("service:s3", "action:s3:GetObject")),
        ("dynamodb:GetItem", ("service:dynamodb",)),  # service level only, as in AWS
        ("iam:Create*", ("service:iam",)),  # no such action: the service only
        ("no-colon", ()),
        ("bad service!:X", ()),
    ],
)
def test_which_purposes_an_action_counts_for(action: str, purposes: tuple[str, ...]) -> None:
    assert usage.purposes_of_action(action) == purposes


async def test_stamps_of_a_deleted_subject_are_deleted_by_the_next_flush(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    a.tracker.attempted(DEPLOY.role_id, "sts:GetCallerIdentity", 1_000)
    b.tracker.attempted(DEPLOY.role_id, "sts:GetCallerIdentity", 2_000)
    await a.tracker.flush(a.writer, a.state.view, {})
    await b.tracker.flush(b.writer, b.state.view, {})
    await _exchange(a, b)
    await a.writer.write("t", "delete", lambda v: ([Change.delete(DEPLOY)], None))
    await _exchange(a, b)
    assert await a.tracker.flush(a.writer, a.state.view, {}) == 0  # nothing new: a delete only
    by_node = a.state.view.usage_stamps[DEPLOY.role_id]["service:sts"]
    assert set(by_node) == {"nb"}  # a deletes its own stamp; b's goes with b's next flush
    await b.tracker.flush(b.writer, b.state.view, {})
    await _exchange(a, b)
    for replica in (a, b):
        assert DEPLOY.role_id not in replica.state.view.usage_stamps
        assert replica.state.view.usage_stamps_by_node.get("na", 0) == 0


def test_the_caps_show_in_the_metrics() -> None:
    from prometheus_client import CollectorRegistry, generate_latest

    from iamstore.node.metrics import UsageCollector

    tracker = UsageTracker("na", max_pending=2)
    for index in range(5):
        tracker.attempted(ALICE.user_id, f"svc{index}:Act", 1)
    registry = CollectorRegistry()
    registry.register(UsageCollector(tracker))
    scraped = generate_latest(registry).decode()
    assert "iamstore_usage_dropped_total 3.0" in scraped
    assert "iamstore_usage_pending 2.0" in scraped
    assert "iamstore_usage_refused_total 0.0" in scraped


R = TypeVar("R")


class _ObservedWriter(Writer):
    """A writer that notes, just before committing, what the tracker shows for alice."""

    def __init__(self, replica: Replica) -> None:
        super().__init__(replica.state, replica.name, HybridClock(lambda: 1_700_000_000_000))
        self.tracker = replica.tracker
        self.seen_during_write: list[int | None] = []

    async def write(
        self, actor: str, action: str, plan: Callable[[View], tuple[list[Change], R]]
    ) -> tuple[R, ConsistencyToken | None]:
        self.seen_during_write.append(self.tracker.password_not_flushed(ALICE.user_id))
        return await super().write(actor, action, plan)


async def test_a_sign_in_being_written_still_shows(replicas: tuple[Replica, Replica]) -> None:
    # A flush takes the pending sign-ins, then writes them: a read in between (GetUser's
    # PasswordLastUsed, the credential report) must not go back to an older time.
    a, _ = replicas
    a.tracker.password_used(ALICE.user_id, 7_000_000)
    writer = _ObservedWriter(a)
    assert await a.tracker.flush(writer, a.state.view, {}) == 1
    assert writer.seen_during_write == [7_000_000]
    assert usage.latest(a.state.view, ALICE.user_id, usage.PASSWORD) is not None
    assert a.tracker.password_not_flushed(ALICE.user_id) is None  # written: the view shows it

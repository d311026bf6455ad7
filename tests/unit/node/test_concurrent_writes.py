"""Concurrent writes on different nodes (issue 11's five lost-write scenarios among them),
replayed deterministically on in-memory replicas.

Each replica is a real `State` + `Writer` over its own in-memory SQLite database, with a wall
clock the test sets; the test decides which commits reach which replica, and in what order,
so every interleaving is exact. The invariants (node/domain/invariants.py) are checked after
every apply on every replica.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from replicas import OpenDatabase

from iamstore.node.auth.index import PolicyIndex
from iamstore.node.commits.clock import HybridClock
from iamstore.node.commits.codec import Commit
from iamstore.node.domain import (
    groups,
    instance_profiles,
    invariants,
    keys,
    lookup,
    mfa,
    oidc,
    passwords,
    policies,
    roles,
    server_certificates,
    tagging,
    users,
    versions,
)
from iamstore.node.domain.entities import (
    Change,
    InstanceProfile,
    MfaDevice,
    OidcProvider,
    ServerCertificate,
)
from iamstore.node.domain.errors import LimitExceeded, NoSuchEntity
from iamstore.node.domain.rules import Quotas, tag_page
from iamstore.node.domain.signin_duration import SigninDurationChange
from iamstore.node.domain.view import View
from iamstore.node.domain.write_context import WriteContext
from iamstore.node.policy import PolicySet, evaluate, make_request
from iamstore.node.state import ConsistencyToken, State, Writer
from iamstore.node.storage.database import Database
from iamstore.wire.consistency import parse_token

ACCOUNT = "123456789012"


def _trust(service: str) -> str:
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


TRUST_EC2 = _trust("ec2.amazonaws.com")
TRUST_LAMBDA = _trust("lambda.amazonaws.com")


def doc(action: str, effect: str = "Allow") -> str:
    statement = {"Effect": effect, "Action": action, "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@dataclass
class Replica:
    name: str
    db: Database
    state: State
    writer: Writer
    wall: list[int]
    log: list[Commit] = field(default_factory=list)
    ids: int = 0

    def ctx(self) -> WriteContext:
        def new_id(prefix: str) -> str:
            self.ids += 1
            return f"{prefix}{self.name.upper()}{self.ids:012d}"

        return WriteContext(ACCOUNT, self.wall[0], Quotas(), new_id, origin=self.name)

    async def write(self, plan: Callable[[View, WriteContext], list[Change]]) -> ConsistencyToken:
        ctx = self.ctx()
        _, token = await self.writer.write("test", "write", lambda view: (plan(view, ctx), None))
        assert token is not None
        return token


class Cluster:
    def __init__(self, replicas: list[Replica]) -> None:
        self.replicas = {r.name: r for r in replicas}

    def __getitem__(self, name: str) -> Replica:
        return self.replicas[name]

    async def deliver(self, source: str, target: str, origins: set[str] | None = None) -> None:
        """Applies, in order, the commits `source` holds that `target` lacks (of `origins`)."""
        sender, receiver = self.replicas[source], self.replicas[target]
        for commit in sender.log:
            if origins is None or commit.origin in origins:
                await receiver.state.apply(commit)

    async def converge(self) -> None:
        for _ in range(2):
            for source in self.replicas:
                for target in self.replicas:
                    if source != target:
                        await self.deliver(source, target)


def _checked(replica: Replica) -> Callable[[list[Commit]], None]:
    def listener(commits: list[Commit]) -> None:
        replica.log.extend(commits)
        # INVARIANT checks after every apply, on every replica.
        assert invariants.violations(replica.state.view) == []

    return listener


@pytest.fixture
async def cluster(memory_database: OpenDatabase) -> Cluster:
    replicas: list[Replica] = []
    for index, name in enumerate(("na", "nb", "nc")):
        db = await memory_database()
        state = await State.load(db)
        wall = [1_700_000_000_000 + index]

        def now(wall: list[int] = wall) -> int:
            return wall[0]

        writer = Writer(state, name, HybridClock(now))
        replica = Replica(name, db, state, writer, wall)
        state.on_change(_checked(replica))  # type: ignore[arg-type]
        replicas.append(replica)
    return Cluster(replicas)


def tick(cluster: Cluster, ms: int) -> None:
    for replica in cluster.replicas.values():
        replica.wall[0] += ms


async def _policy(cluster: Cluster, first: str = doc("s3:GetObject")) -> str:
    ctx = cluster["na"].ctx()
    _, token = await cluster["na"].writer.write(
        "test", "CreatePolicy", lambda v: policies.create(v, ctx, "p", "/", first, None, ())[:2]
    )
    assert token is not None
    await cluster.converge()
    policy = cluster["na"].state.view.policies.named(ACCOUNT, "p")
    assert policy is not None
    return policy.arn


def _delete_version(arn: str, version_id: str, view: View, ctx: WriteContext) -> list[Change]:
    return versions.delete(view, ctx, arn, version_id)


def _create_user(name: str, view: View, ctx: WriteContext) -> list[Change]:
    return users.create(view, ctx, name, "/", (), None)[0]


async def _create_version(replica: Replica, arn: str, document: str, default: bool = False) -> str:
    ctx = replica.ctx()
    made, _ = await replica.writer.write(
        "test", "CreatePolicyVersion", lambda v: versions.create(v, ctx, arn, document, default)
    )
    return made.version_id


def _documents(replica: Replica, arn: str) -> dict[str, str]:
    view = replica.state.view
    policy_id = view.policy_arns[arn]
    return {vid: v.document for vid, v in view.versions_of(policy_id).items()}


def _default(replica: Replica, arn: str) -> str:
    view = replica.state.view
    default = view.default_version(view.policy_arns[arn])
    assert default is not None
    return default.version_id


async def test_1_concurrent_creates_on_two_nodes_get_distinct_ids_and_both_survive(
    cluster: Cluster,
) -> None:
    arn = await _policy(cluster)
    tick(cluster, 3)  # 3 ms apart, neither has seen the other's
    on_a = await _create_version(cluster["na"], arn, doc("s3:PutObject"))
    on_b = await _create_version(cluster["nb"], arn, doc("s3:DeleteObject"))
    assert on_a != on_b
    await cluster.converge()
    for replica in cluster.replicas.values():
        found = _documents(replica, arn)
        assert found[on_a] == doc("s3:PutObject")
        assert found[on_b] == doc("s3:DeleteObject")


async def test_2_the_version_counter_never_goes_backwards_after_a_partition(
    cluster: Cluster,
) -> None:
    arn = await _policy(cluster)
    acknowledged: dict[str, str] = {}
    # nb makes two versions, then na (later by the clock, having seen neither) makes one.
    for n in range(2):
        tick(cluster, 10)
        document = doc(f"s3:Get{n}")
        acknowledged[await _create_version(cluster["nb"], arn, document)] = document
    tick(cluster, 10)
    acknowledged[await _create_version(cluster["na"], arn, doc("s3:Put"))] = doc("s3:Put")
    await cluster.converge()
    tick(cluster, 2_000)  # long after convergence, not concurrent with anything
    await cluster.converge()
    documents = _documents(cluster["nc"], arn)
    for version_id in list(documents):
        if version_id not in ("v1", *acknowledged):
            pytest.fail(f"unexpected version {version_id}")
    # at the limit of five: delete one, then create again on the replica that lagged
    spare = next(v for v in acknowledged if v != _default(cluster["nc"], arn))
    await cluster["nc"].write(lambda v, c: versions.delete(v, c, arn, spare))
    del acknowledged[spare]
    later = await _create_version(cluster["nc"], arn, doc("s3:Later"))
    assert later not in (spare, *acknowledged)
    await cluster.converge()
    for replica in cluster.replicas.values():
        found = _documents(replica, arn)
        for version_id, document in acknowledged.items():
            assert found[version_id] == document
        assert found[later] == doc("s3:Later")


async def test_3_a_set_default_is_not_undone_by_a_later_create_version_elsewhere(
    cluster: Cluster,
) -> None:
    arn = await _policy(cluster)
    v2 = await _create_version(cluster["na"], arn, doc("s3:PutObject"))
    await cluster.converge()
    tick(cluster, 10)
    await cluster["nb"].write(lambda v, c: versions.set_default(v, c, arn, v2))
    tick(cluster, 500)  # half a second later, on a node that has not heard of it
    await _create_version(cluster["na"], arn, doc("s3:DeleteObject"))
    await cluster.converge()
    for replica in cluster.replicas.values():
        assert _default(replica, arn) == v2


async def test_4_a_default_is_never_lost_to_a_concurrent_delete_of_it(cluster: Cluster) -> None:
    arn = await _policy(cluster, doc("s3:GetObject"))
    v2 = await _create_version(cluster["na"], arn, doc("s3:PutObject", "Deny"))
    await cluster["na"].write(lambda v, c: users.create(v, c, "alice", "/", (), None)[0])
    alice = cluster["na"].state.view.users.named(ACCOUNT, "alice")
    assert alice is not None
    await cluster["na"].write(lambda v, c: policies.attach(v, c, alice, arn))
    await cluster.converge()
    # partitioned: na makes v2 (a Deny) the default, nb deletes v2
    tick(cluster, 10)
    await cluster["na"].write(lambda v, c: versions.set_default(v, c, arn, v2))
    tick(cluster, 10)
    await cluster["nb"].write(lambda v, c: versions.delete(v, c, arn, v2))
    await cluster.converge()
    for replica in cluster.replicas.values():
        view = replica.state.view
        assert _default(replica, arn) == v2
        assert versions.get(view, ACCOUNT, arn, v2).document == doc("s3:PutObject", "Deny")
        found = PolicyIndex(view).for_user(alice.user_id)
        request = make_request(alice.arn, "s3:PutObject", "arn:aws:s3:::b/k")
        decision = evaluate(request, PolicySet(identity=found.identity, boundary=found.boundary))
        assert decision.outcome.value == "ExplicitDeny"  # the Deny still denies
    # once another default is chosen, v2 stays a version (the default won over the delete)
    await cluster["nc"].write(lambda v, c: versions.set_default(v, c, arn, "v1"))
    await cluster.converge()
    for replica in cluster.replicas.values():
        assert v2 in _documents(replica, arn)


async def test_5_a_token_covers_what_the_write_depended_on(cluster: Cluster) -> None:
    await cluster["na"].write(lambda v, c: groups.create(v, c, "devs", "/")[0])
    await cluster["na"].write(lambda v, c: users.create(v, c, "bob", "/", (), None)[0])
    await cluster.deliver("na", "nc")  # nc has the group and the user; nb has nothing
    token = await cluster["nc"].write(lambda v, c: groups.add_user(v, c, "devs", "bob"))
    required = parse_token(token.encode())
    assert required["na"] == 2  # the group and the user it depends on
    await cluster.deliver("nc", "nb", origins={"nc"})  # only the membership reaches nb
    reader = cluster["nb"].state
    assert not reader.covers(required)  # so a read with the token waits, not misses
    await cluster.deliver("nc", "nb")
    assert reader.covers(required)
    group = reader.view.groups.named(ACCOUNT, "devs")
    assert group is not None
    assert reader.view.members.of(group.group_id)


async def test_a_missing_version_is_still_no_such_entity(cluster: Cluster) -> None:
    arn = await _policy(cluster)
    with pytest.raises(NoSuchEntity):
        versions.get(cluster["na"].state.view, ACCOUNT, arn, "v9")


async def test_a_key_deleted_while_updated_on_another_node_stays_deleted(cluster: Cluster) -> None:
    await cluster["na"].write(lambda v, c: users.create(v, c, "carol", "/", (), None)[0])
    user_id = cluster["na"].state.view.users.named(ACCOUNT, "carol").user_id  # type: ignore[union-attr]
    await cluster["na"].write(lambda v, c: keys.create(v, c, user_id, "AKIAKEY1", b"s")[0])
    await cluster.converge()
    await cluster["na"].write(lambda v, c: keys.delete(v, c.account_id, user_id, "AKIAKEY1"))
    tick(cluster, 50)  # the update is the later write by the clock
    await cluster["nb"].write(
        lambda v, c: keys.update(v, c.account_id, user_id, "AKIAKEY1", "Active")
    )
    await cluster.converge()
    for replica in cluster.replicas.values():
        assert "AKIAKEY1" not in replica.state.view.access_keys
        stored = {(t, k): body for t, k, _, _, body in await replica.db.load_rows()}
        assert stored[("access_key", "AKIAKEY1")] is None  # SQLite keeps the tombstone too


async def test_a_user_deleted_while_tagged_on_another_node_stays_deleted(cluster: Cluster) -> None:
    await cluster["na"].write(lambda v, c: users.create(v, c, "dan", "/", (), None)[0])
    await cluster.converge()
    await cluster["na"].write(lambda v, c: users.delete(v, c, "dan"))
    tick(cluster, 50)
    await cluster["nb"].write(
        lambda v, c: tagging.tag(v, c, lookup.user(v, ACCOUNT, "dan"), [("team", "x")])
    )
    await cluster.converge()
    for replica in cluster.replicas.values():
        assert replica.state.view.users.named(ACCOUNT, "dan") is None


# --- entities written by several kinds of operation: each writes only its own fields -------


async def _role(cluster: Cluster) -> None:
    await cluster["na"].write(
        lambda v, c: roles.create(v, c, "ops", "/", TRUST_EC2, None, None, (), None)[0]
    )
    await cluster.converge()


async def test_update_role_does_not_undo_a_concurrent_trust_policy_change(cluster: Cluster) -> None:
    await _role(cluster)
    await cluster["na"].write(lambda v, c: roles.update_trust(v, c, "ops", TRUST_LAMBDA))
    tick(cluster, 50)  # later by the clock, planned on a replica with the old trust policy
    await cluster["nb"].write(lambda v, c: roles.update(v, c, "ops", "on call", 7200))
    await cluster["nc"].write(
        lambda v, c: tagging.tag(v, c, lookup.role(v, ACCOUNT, "ops"), [("team", "sre")])
    )
    await cluster.converge()
    for replica in cluster.replicas.values():
        role = replica.state.view.roles.named(ACCOUNT, "ops")
        assert role is not None
        assert role.trust_policy == TRUST_LAMBDA  # the tightened trust policy stays
        assert (role.description, role.max_session_duration) == ("on call", 7200)
        assert role.tags == (("team", "sre"),)


async def test_tags_of_different_keys_and_a_rename_on_three_nodes_all_stay(
    cluster: Cluster,
) -> None:
    await cluster["na"].write(lambda v, c: users.create(v, c, "erin", "/", [("a", "0")], None)[0])
    await cluster.converge()
    await cluster["na"].write(
        lambda v, c: tagging.tag(v, c, lookup.user(v, ACCOUNT, "erin"), [("b", "1")])
    )
    await cluster["nb"].write(
        lambda v, c: tagging.tag(v, c, lookup.user(v, ACCOUNT, "erin"), [("c", "2")])
    )
    await cluster["nb"].write(lambda v, c: tagging.untag(lookup.user(v, ACCOUNT, "erin"), ["a"]))
    await cluster["nc"].write(lambda v, c: users.update(v, c, "erin", "erin2", "/x/"))
    await cluster.converge()
    for replica in cluster.replicas.values():
        user = replica.state.view.users.named(ACCOUNT, "erin2")
        assert user is not None
        assert user.path == "/x/"
        assert user.tags == (("b", "1"), ("c", "2"))
        assert replica.state.view.users.named(ACCOUNT, "erin") is None


async def test_a_password_change_and_a_reset_flag_on_two_nodes_both_stay(
    cluster: Cluster,
) -> None:
    await cluster["na"].write(lambda v, c: users.create(v, c, "fay", "/", (), None)[0])
    await cluster["na"].write(
        lambda v, c: passwords.create_profile(v, c, lookup.user(v, ACCOUNT, "fay"), "old", False)[0]
    )
    await cluster.converge()
    await cluster["na"].write(
        lambda v, c: passwords.update_profile(v, c, lookup.user(v, ACCOUNT, "fay"), "new", None)
    )
    tick(cluster, 50)
    await cluster["nb"].write(
        lambda v, c: passwords.update_profile(v, c, lookup.user(v, ACCOUNT, "fay"), None, True)
    )
    await cluster.converge()
    for replica in cluster.replicas.values():
        view = replica.state.view
        profile = view.login_profiles[lookup.user(view, ACCOUNT, "fay").user_id]
        assert profile.password_hash == "new"  # the old password never comes back
        assert profile.reset_required is True


async def test_signin_durations_replicate_as_fields_of_their_own(cluster: Cluster) -> None:
    # MaxSigninSessionDuration is one more field row of the role and of the login profile:
    # set on one node, it reaches every replica without undoing a concurrent change of another
    # field, and a later reset on another node clears it everywhere.
    await _role(cluster)
    await cluster["na"].write(lambda v, c: users.create(v, c, "gus", "/", (), None)[0])
    await cluster["na"].write(
        lambda v, c: passwords.create_profile(v, c, lookup.user(v, ACCOUNT, "gus"), "pw", False)[0]
    )
    await cluster.converge()
    seven_days = SigninDurationChange(7 * 86400)
    await cluster["na"].write(lambda v, c: roles.update(v, c, "ops", None, None, seven_days))
    await cluster["nb"].write(lambda v, c: roles.update(v, c, "ops", "on call", None))
    await cluster["na"].write(
        lambda v, c: passwords.update_profile(
            v, c, lookup.user(v, ACCOUNT, "gus"), None, None, seven_days
        )
    )
    await cluster["nb"].write(
        lambda v, c: passwords.update_profile(v, c, lookup.user(v, ACCOUNT, "gus"), "new", True)
    )
    await cluster.converge()
    for replica in cluster.replicas.values():
        view = replica.state.view
        role = view.roles.named(ACCOUNT, "ops")
        assert role is not None
        assert (role.description, role.max_signin_session_duration) == ("on call", 7 * 86400)
        profile = view.login_profiles[lookup.user(view, ACCOUNT, "gus").user_id]
        assert (profile.password_hash, profile.max_signin_session_duration) == ("new", 7 * 86400)
    tick(cluster, 50)
    cleared = SigninDurationChange(None)
    await cluster["nc"].write(lambda v, c: roles.update(v, c, "ops", None, None, cleared))
    await cluster.converge()
    for replica in cluster.replicas.values():
        role = replica.state.view.roles.named(ACCOUNT, "ops")
        assert role is not None
        assert role.max_signin_session_duration is None


async def test_a_profile_created_again_ignores_its_predecessors_fields(cluster: Cluster) -> None:
    await cluster["na"].write(lambda v, c: users.create(v, c, "gus", "/", (), None)[0])
    await cluster["na"].write(
        lambda v, c: passwords.create_profile(v, c, lookup.user(v, ACCOUNT, "gus"), "one", False)[0]
    )
    await cluster.converge()
    tick(cluster, 10)
    await cluster["na"].write(
        lambda v, c: passwords.delete_profile(v, lookup.user(v, ACCOUNT, "gus"))
    )
    # concurrently on nb: a password change of the profile being deleted
    await cluster["nb"].write(
        lambda v, c: passwords.update_profile(v, c, lookup.user(v, ACCOUNT, "gus"), "two", None)
    )
    await cluster.converge()
    tick(cluster, 10)
    await cluster["nc"].write(
        lambda v, c: passwords.create_profile(v, c, lookup.user(v, ACCOUNT, "gus"), "three", False)[
            0
        ]
    )
    await cluster.converge()
    for replica in cluster.replicas.values():
        view = replica.state.view
        assert view.login_profiles[lookup.user(view, ACCOUNT, "gus").user_id].password_hash == (
            "three"
        )


async def test_a_resync_does_not_undo_a_concurrent_deactivation(cluster: Cluster) -> None:
    await cluster["na"].write(lambda v, c: users.create(v, c, "hal", "/", (), None)[0])
    await cluster["na"].write(lambda v, c: mfa.create(v, c, "MFA1", "hal-mfa", "/", b"s", ())[0])
    await cluster["na"].write(
        lambda v, c: mfa.enable(v, c, lookup.user(v, ACCOUNT, "hal"), "MFA1", 0)
    )
    await cluster.converge()
    serial = f"arn:aws:iam::{ACCOUNT}:mfa/hal-mfa"
    await cluster["na"].write(
        lambda v, c: mfa.deactivate(v, lookup.user(v, ACCOUNT, "hal"), serial)
    )
    tick(cluster, 50)
    await cluster["nb"].write(lambda v, c: mfa.resync(v, lookup.user(v, ACCOUNT, "hal"), serial, 1))
    await cluster.converge()
    for replica in cluster.replicas.values():
        device = replica.state.view.mfa_devices.get("MFA1")
        assert device is not None
        assert device.user_id is None  # still deactivated


async def test_client_ids_added_and_removed_on_two_nodes_all_take_effect(
    cluster: Cluster,
) -> None:
    url = "https://idp.example.com"
    await cluster["na"].write(lambda v, c: oidc.create(v, c, url, ["a"], ["f" * 40], ())[0])
    await cluster.converge()
    arn = oidc.provider_arn(ACCOUNT, url)
    await cluster["na"].write(lambda v, c: oidc.add_client_id(v, c, arn, "b"))
    await cluster["nb"].write(lambda v, c: oidc.add_client_id(v, c, arn, "c"))
    await cluster["nc"].write(lambda v, c: oidc.remove_client_id(v, ACCOUNT, arn, "a"))
    await cluster.converge()
    for replica in cluster.replicas.values():
        provider = replica.state.view.oidc_providers[ACCOUNT][arn]
        assert provider.client_ids == ("b", "c")


async def test_two_nodes_each_creating_the_fifth_version_keep_both(cluster: Cluster) -> None:
    arn = await _policy(cluster)
    for n in range(3):
        await _create_version(cluster["na"], arn, doc(f"s3:Get{n}"))
    await cluster.converge()
    fifth_a = await _create_version(cluster["na"], arn, doc("s3:A"))
    fifth_b = await _create_version(cluster["nb"], arn, doc("s3:B"))
    await cluster.converge()
    for replica in cluster.replicas.values():
        assert len(_documents(replica, arn)) == 6  # no acknowledged version is dropped
        with pytest.raises(LimitExceeded):
            await _create_version(replica, arn, doc("s3:C"))
    for version_id in (fifth_a, fifth_b):
        await cluster["nc"].write(functools.partial(_delete_version, arn, version_id))
    assert await _create_version(cluster["nc"], arn, doc("s3:D"))


async def test_a_policy_deleted_while_tagged_or_attached_elsewhere_stays_deleted(
    cluster: Cluster,
) -> None:
    arn = await _policy(cluster, doc("s3:GetObject", "Deny"))
    await cluster["nb"].write(lambda v, c: users.create(v, c, "ivy", "/", (), None)[0])
    await cluster.converge()
    tick(cluster, 10)
    await cluster["na"].write(lambda v, c: policies.delete(v, c, arn))
    tick(cluster, 10)  # both later by the clock
    await cluster["nb"].write(
        lambda v, c: tagging.tag(v, c, lookup.policy(v, ACCOUNT, arn), [("k", "v")])
    )
    await cluster["nc"].write(
        lambda v, c: policies.attach(v, c, lookup.user(v, ACCOUNT, "ivy"), arn)
    )
    await cluster.converge()
    for replica in cluster.replicas.values():
        view = replica.state.view
        assert view.policies.named(ACCOUNT, "p") is None
        assert PolicyIndex(view).for_user(lookup.user(view, ACCOUNT, "ivy").user_id).identity == ()
    # the name is free again, for a new policy with a new id
    await cluster["na"].write(
        lambda v, c: policies.create(v, c, "p", "/", doc("s3:PutObject"), None, ())[0]
    )
    await cluster.converge()
    assert all(r.state.view.policies.named(ACCOUNT, "p") for r in cluster.replicas.values())


async def test_one_device_enabled_for_two_users_at_once_ends_with_one(cluster: Cluster) -> None:
    for name in ("kim", "lee"):
        await cluster["na"].write(functools.partial(_create_user, name))
    await cluster["na"].write(lambda v, c: mfa.create(v, c, "MFA2", "shared", "/", b"s", ())[0])
    await cluster.converge()
    await cluster["na"].write(
        lambda v, c: mfa.enable(v, c, lookup.user(v, ACCOUNT, "kim"), "MFA2", 0)
    )
    await cluster["nb"].write(
        lambda v, c: mfa.enable(v, c, lookup.user(v, ACCOUNT, "lee"), "MFA2", 0)
    )
    await cluster.converge()
    owners = set()
    for replica in cluster.replicas.values():
        view = replica.state.view
        device = view.mfa_devices.get("MFA2")
        assert device is not None
        owners.add(device.user_id)
        # the other user has no device: MFA-conditioned access is denied to it, not granted
        assert (
            sum(
                len(mfa.assigned_to(view, u.user_id))
                for u in view.users.live(
                    [
                        lookup.user(view, ACCOUNT, "kim").user_id,
                        lookup.user(view, ACCOUNT, "lee").user_id,
                    ],
                    ACCOUNT,
                )
            )
            == 1
        )
    assert len(owners) == 1


async def test_login_profiles_and_password_policies_set_on_two_nodes_keep_the_later(
    cluster: Cluster,
) -> None:
    await cluster["na"].write(lambda v, c: users.create(v, c, "max", "/", (), None)[0])
    await cluster.converge()
    tick(cluster, 10)
    await cluster["na"].write(
        lambda v, c: passwords.create_profile(v, c, lookup.user(v, ACCOUNT, "max"), "a", False)[0]
    )
    await cluster["na"].write(
        lambda v, c: passwords.update_policy(c, passwords.PolicyUpdate(minimum_password_length=20))
    )
    tick(cluster, 10)  # nb's writes are the later ones
    await cluster["nb"].write(
        lambda v, c: passwords.create_profile(v, c, lookup.user(v, ACCOUNT, "max"), "b", True)[0]
    )
    await cluster["nb"].write(
        lambda v, c: passwords.update_policy(c, passwords.PolicyUpdate(require_symbols=True))
    )
    await cluster.converge()
    for replica in cluster.replicas.values():
        view = replica.state.view
        profile = view.login_profiles[lookup.user(view, ACCOUNT, "max").user_id]
        assert (profile.password_hash, profile.reset_required) == ("b", True)
        policy = view.password_policies[ACCOUNT]
        # the whole later policy: AWS resets what a call leaves out
        assert (policy.minimum_password_length, policy.require_symbols) == (6, True)


# The entity kinds that once kept their tags in a whole-set `Tagging` row, each created here
# with the tag `a=1`; the finder returns the entity as the replica shows it.
_TAG_KINDS: dict[str, tuple[tagging.Taggable, Callable[[View], tagging.Taggable]]] = {
    "instance_profile": (
        InstanceProfile("AIPA1", ACCOUNT, "ip", "/", 1, (("a", "1"),)),
        lambda v: instance_profiles.get(v, ACCOUNT, "ip"),
    ),
    "mfa_device": (
        MfaDevice("AMFA1", ACCOUNT, "dev", "/", b"s", 1, tags=(("a", "1"),)),
        lambda v: mfa.by_serial(v, ACCOUNT, f"arn:aws:iam::{ACCOUNT}:mfa/dev"),
    ),
    "oidc_provider": (
        OidcProvider(
            oidc.provider_arn(ACCOUNT, "https://idp.example.com"),
            ACCOUNT,
            "idp.example.com",
            ("c",),
            ("f" * 40,),
            1,
            (("a", "1"),),
        ),
        lambda v: oidc.get(v, ACCOUNT, oidc.provider_arn(ACCOUNT, "https://idp.example.com")),
    ),
    "server_certificate": (
        ServerCertificate("ASCA1", ACCOUNT, "cert", "/", 1, 2, "body", tags=(("a", "1"),)),
        lambda v: server_certificates.get(v, ACCOUNT, "cert"),
    ),
}


@pytest.mark.parametrize("kind", sorted(_TAG_KINDS))
async def test_tags_and_untags_of_every_kind_on_three_nodes_all_stay(
    cluster: Cluster, kind: str
) -> None:
    """TagX of two different keys on two nodes and UntagX of a third on another all take
    effect. With a whole-set row per entity, the later of the three replaced the others: an
    acknowledged tag was lost, or the untagged key came back."""
    row, find = _TAG_KINDS[kind]
    await cluster["na"].write(lambda v, c: [Change.put(row)])
    await cluster.converge()
    await cluster["na"].write(lambda v, c: tagging.tag(v, c, find(v), [("b", "2")]))
    tick(cluster, 5)
    await cluster["nb"].write(lambda v, c: tagging.tag(v, c, find(v), [("c", "3")]))
    tick(cluster, 5)
    await cluster["nc"].write(lambda v, c: tagging.untag(find(v), ["a"]))
    await cluster.converge()
    for replica in cluster.replicas.values():
        assert dict(find(replica.state.view).tags) == {"b": "2", "c": "3"}


@pytest.mark.parametrize("kind", sorted(_TAG_KINDS))
async def test_an_untagged_key_never_comes_back_with_a_later_tag_elsewhere(
    cluster: Cluster, kind: str
) -> None:
    """UntagX on one node, then TagX of another key on a node that has not seen the untag.
    With a whole-set row, the later TagX wrote back the key the untag had removed."""
    row, find = _TAG_KINDS[kind]
    await cluster["na"].write(lambda v, c: [Change.put(row)])
    await cluster.converge()
    await cluster["na"].write(lambda v, c: tagging.untag(find(v), ["a"]))
    tick(cluster, 50)
    await cluster["nb"].write(lambda v, c: tagging.tag(v, c, find(v), [("b", "2")]))
    await cluster.converge()
    for replica in cluster.replicas.values():
        assert dict(find(replica.state.view).tags) == {"b": "2"}


@pytest.mark.parametrize("kind", sorted(_TAG_KINDS))
async def test_an_entity_deleted_while_tagged_elsewhere_stays_deleted_and_untagged(
    cluster: Cluster, kind: str
) -> None:
    """TagX later by the clock than a concurrent DeleteX: the entity stays deleted, and one
    created again under the same name or ARN starts with only its own tags."""
    row, find = _TAG_KINDS[kind]
    await cluster["na"].write(lambda v, c: [Change.put(row)])
    await cluster.converge()
    await cluster["na"].write(lambda v, c: [Change.delete(find(v)), *tagging.dropped(v, find(v))])
    tick(cluster, 50)
    await cluster["nb"].write(lambda v, c: tagging.tag(v, c, find(v), [("b", "2")]))
    await cluster.converge()
    for replica in cluster.replicas.values():
        with pytest.raises(NoSuchEntity):
            find(replica.state.view)
    again = dataclasses.replace(row, created_ms=2, tags=(("z", "9"),))
    await cluster["nc"].write(lambda v, c: [Change.put(again)])
    await cluster.converge()
    for replica in cluster.replicas.values():
        assert dict(find(replica.state.view).tags) == {"z": "9"}


async def test_tags_over_the_quota_from_two_nodes_are_kept_and_further_tags_refused(
    cluster: Cluster,
) -> None:
    """AWS allows 50 tags per resource; two nodes tagging at once can each stay within it
    and together exceed it. Every acknowledged tag is kept, each further TagX that would leave
    more than 50 is refused on every replica (also one only replacing a value) until UntagX
    brings the entity below the limit, and ListXTags pages through them all."""
    row, find = _TAG_KINDS["instance_profile"]  # `a=1`, then 26 more keys on each of two nodes
    await cluster["na"].write(lambda v, c: [Change.put(row)])
    await cluster.converge()
    on_a = [(f"a{i:02d}", "x") for i in range(26)]
    on_b = [(f"b{i:02d}", "y") for i in range(26)]
    await cluster["na"].write(lambda v, c: tagging.tag(v, c, find(v), on_a))
    await cluster["nb"].write(lambda v, c: tagging.tag(v, c, find(v), on_b))
    await cluster.converge()
    want = {"a": "1", **dict(on_a), **dict(on_b)}
    for replica in cluster.replicas.values():
        view = replica.state.view
        assert dict(find(view).tags) == want  # 53 tags: no acknowledged tag lost
        for tags in ([("new", "v")], [("a", "2")]):

            def more_tags(
                v: View, c: WriteContext, tags: list[tuple[str, str]] = tags
            ) -> list[Change]:
                return tagging.tag(v, c, find(v), tags)

            with pytest.raises(LimitExceeded):
                await replica.write(more_tags)
        assert dict(find(view).tags) == want  # the refusals changed nothing
        listed, marker = [], None
        while True:
            page = tag_page(find(view).tags, marker, 20)
            listed += page.items
            if not page.is_truncated:
                break
            marker = page.marker
        assert dict(listed) == want
        assert len(listed) == 53
    await cluster["nc"].write(lambda v, c: tagging.untag(find(v), [k for k, _ in on_b[:3]]))
    await cluster.converge()
    # 50 tags now: replacing a value is allowed again, a 51st key is not.
    await cluster["na"].write(lambda v, c: tagging.tag(v, c, find(v), [("a", "2")]))
    with pytest.raises(LimitExceeded):
        await cluster["na"].write(lambda v, c: tagging.tag(v, c, find(v), [("new", "v")]))
    await cluster.converge()
    for replica in cluster.replicas.values():
        assert len(find(replica.state.view).tags) == 50


async def test_a_late_write_to_a_deleted_provider_never_reaches_the_one_created_again(
    cluster: Cluster,
) -> None:
    """DeleteOpenIDConnectProvider and a new CreateOpenIDConnectProvider of the same URL on one
    node, RemoveClientIDFromOpenIDConnectProvider of the new one there, and a later
    AddClientIDToOpenIDConnectProvider of that client id on another node that still saw the
    old provider. When the two incarnations shared one field row per client id, the later
    write (to the deleted provider) replaced the removal, and the new provider accepted the
    removed audience again: more than either side intended. Found by the model checker (golden
    seeds 272 and 628: an acknowledged UntagSAMLProvider and TagOpenIDConnectProvider undone)."""
    url = "https://idp.example.com"
    arn = oidc.provider_arn(ACCOUNT, url)
    old = OidcProvider(arn, ACCOUNT, "idp.example.com", (), ("f" * 40,), 1)
    await cluster["na"].write(lambda v, c: [Change.put(old)])
    await cluster.converge()
    tick(cluster, 5)
    new = OidcProvider(arn, ACCOUNT, "idp.example.com", ("aud",), ("f" * 40,), 6)
    await cluster["na"].write(lambda v, c: oidc.delete(v, ACCOUNT, arn))
    await cluster["na"].write(lambda v, c: [Change.put(new)])
    await cluster["na"].write(lambda v, c: oidc.remove_client_id(v, ACCOUNT, arn, "aud"))
    tick(cluster, 5)  # later by the clock, on a node that has seen none of it
    await cluster["nb"].write(lambda v, c: oidc.add_client_id(v, c, arn, "aud"))
    await cluster.converge()
    for replica in cluster.replicas.values():
        shown = oidc.get(replica.state.view, ACCOUNT, arn)
        assert shown.created_ms == 6
        assert shown.client_ids == ()  # the acknowledged removal holds

"""Concurrent writes on different nodes: every replica reaches the same state, and
authorization is never more permissive than either side intended (README conflict table)."""

from __future__ import annotations

import json

import pytest

from iamstore.client import (
    AsyncClient,
    Credentials,
    InvalidClientTokenIdError,
    LimitExceededError,
    NoSuchEntityError,
    NotYetReplicatedError,
)
from iamstore.cluster.testing.memory import MemoryCluster
from iamstore.wire.consistency import parse_token

DOC = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)


async def _key_works(address: str, key_id: str, secret: str) -> bool:
    async with AsyncClient(address, credentials=Credentials(key_id, secret)) as client:
        try:  # Ping: any authenticated caller (GetUser would also need a policy)
            await client.ping()
        except InvalidClientTokenIdError:
            return False
        return True


async def test_same_user_name_on_two_nodes_keeps_the_earliest_creation(
    cluster: MemoryCluster,
) -> None:
    cluster.partition([0], [1, 2])
    async with cluster.client(0) as a, cluster.client(1) as b:
        first = (await a.create_user(user_name="alice")).user
        second = (await b.create_user(user_name="Alice")).user
        key_b = (await b.create_access_key(user_name="Alice")).access_key
        cluster.heal()
        assert await cluster.converged()
        winner = min((first, second), key=lambda u: (u.create_date, u.user_id))
        for index in range(3):
            async with cluster.client(index) as c:
                assert (await c.get_user(user_name="alice")).user.user_id == winner.user_id
                names = [u.user_name for u in (await c.list_users()).users]
                assert [n.lower() for n in names].count("alice") == 1
        works = await _key_works(
            cluster.nodes[2].address or "", key_b.access_key_id, key_b.secret_access_key
        )
        assert works == (winner.user_id == second.user_id)


async def test_user_deleted_on_one_node_while_given_a_group_and_key_on_another(
    cluster: MemoryCluster,
) -> None:
    async with cluster.client(0) as a, cluster.client(1) as b:
        await a.create_user(user_name="bob")
        await a.create_group(group_name="devs")
        assert await cluster.converged()
        cluster.partition([0], [1, 2])
        await a.delete_user(user_name="bob")
        await b.add_user_to_group(group_name="devs", user_name="bob")
        key = (await b.create_access_key(user_name="bob")).access_key
        cluster.heal()
        assert await cluster.converged()
        for index in range(3):
            async with cluster.client(index) as c:
                with pytest.raises(NoSuchEntityError):
                    await c.get_user(user_name="bob")
                assert (await c.get_group(group_name="devs")).users == ()
        # the dangling key grants nothing, on any node
        for node in cluster.nodes:
            assert not await _key_works(
                node.address or "", key.access_key_id, key.secret_access_key
            )


async def test_two_default_versions_set_at_once_last_writer_wins(cluster: MemoryCluster) -> None:
    async with cluster.client(0) as a, cluster.client(1) as b:
        arn = (await a.create_policy(policy_name="p", policy_document=DOC)).policy.arn or ""
        await a.create_policy_version(policy_arn=arn, policy_document=DOC)  # v2
        await a.create_policy_version(policy_arn=arn, policy_document=DOC)  # v3
        assert await cluster.converged()
        cluster.partition([0], [1, 2])
        await a.set_default_policy_version(policy_arn=arn, version_id="v2")
        await b.set_default_policy_version(policy_arn=arn, version_id="v3")
        cluster.heal()
        assert await cluster.converged()
        defaults = set()
        for index in range(3):
            async with cluster.client(index) as c:
                defaults.add((await c.get_policy(policy_arn=arn)).policy.default_version_id)
        assert len(defaults) == 1
        assert defaults <= {"v2", "v3"}


async def test_access_key_quota_exceeded_by_concurrent_creates(cluster: MemoryCluster) -> None:
    async with cluster.client(0) as a, cluster.client(1) as b:
        await a.create_user(user_name="carol")
        assert await cluster.converged()
        cluster.partition([0], [1, 2])
        made = [(await a.create_access_key(user_name="carol")).access_key for _ in range(2)]
        made += [(await b.create_access_key(user_name="carol")).access_key for _ in range(2)]
        cluster.heal()
        assert await cluster.converged()
        listed = (await a.list_access_keys(user_name="carol")).access_key_metadata
        assert len(listed) == 4  # all stay visible, so an administrator can delete extras
        earliest = sorted(made, key=lambda k: (k.create_date, k.access_key_id))[:2]
        for node in cluster.nodes:
            working = {
                k.access_key_id
                for k in made
                if await _key_works(node.address or "", k.access_key_id, k.secret_access_key)
            }
            assert working == {k.access_key_id for k in earliest}


async def test_read_your_writes_across_nodes(cluster: MemoryCluster) -> None:
    """A token makes another node answer only once it has the write, or say it has not."""
    cluster.partition([0], [1, 2])
    async with cluster.client(0) as writer, cluster.client(1) as reader:
        await writer.create_user(user_name="dave")
        token = writer.consistency_token
        assert token is not None
        with pytest.raises(NotYetReplicatedError):
            await reader.get_user(user_name="dave", at_least=token)
        cluster.heal()
        assert (await reader.get_user(user_name="dave", at_least=token)).user.user_name == "dave"


async def test_a_token_from_the_future_is_not_yet_replicated(cluster: MemoryCluster) -> None:
    async with cluster.client(0) as c:
        with pytest.raises(NotYetReplicatedError):
            await c.list_users(at_least="n-not-a-node:5")


async def test_a_key_made_on_another_node_works_with_its_token(cluster: MemoryCluster) -> None:
    """A replica that lacks the key says the named write is not replicated yet (retry), not
    that the key is invalid; it never waits before authentication (tests/security)."""
    cluster.partition([0], [1, 2])
    async with cluster.client(0) as management:
        made = await management.create_account(account_name="fresh")
        token = management.consistency_token
    assert token is not None
    root = made.root_credentials
    assert root is not None
    address = cluster.nodes[1].address or ""
    async with AsyncClient(
        address, credentials=Credentials(root.access_key_id, root.secret_access_key)
    ) as fresh:
        with pytest.raises(NotYetReplicatedError):
            await fresh.list_users(at_least=token)
        cluster.heal()
        assert await cluster.converged()
        assert (await fresh.list_users(at_least=token)).users == ()


async def test_a_write_token_covers_what_its_node_had_applied(cluster: MemoryCluster) -> None:
    """A membership added on node 2 for a group and user made on node 0: its token names node
    0's writes too, so a reader holding it sees the group, never only the membership."""
    cluster.partition([0, 2], [1])
    async with cluster.client(0) as a, cluster.client(2, read_your_writes=True) as c:
        await a.create_group(group_name="devs")
        await a.create_user(user_name="bob")
        made_on_0 = a.consistency_token
        assert made_on_0 is not None
        await c.get_group(group_name="devs", at_least=made_on_0)
        await c.add_user_to_group(group_name="devs", user_name="bob")
        token = c.consistency_token
    assert token is not None
    required = parse_token(token)
    for origin, seq in parse_token(made_on_0).items():
        assert required[origin] >= seq  # node 0's group and user, not only node 2's write
    async with cluster.client(1) as reader:
        with pytest.raises(NotYetReplicatedError):
            await reader.get_group(group_name="devs", at_least=token)
        cluster.heal()
        group = await reader.get_group(group_name="devs", at_least=token)
        assert [u.user_name for u in group.users] == ["bob"]


async def test_tags_over_the_quota_from_two_sides_of_a_partition_are_all_listed(
    cluster: MemoryCluster,
) -> None:
    """TagInstanceProfile of 26 keys on each side of a partition: both acknowledged, so 52
    tags after the heal. ListInstanceProfileTags pages through every one of them; a further
    TagInstanceProfile is refused (LimitExceeded, changing nothing) until an untag brings the
    profile back to 50."""
    async with cluster.client(0) as a, cluster.client(1) as b:
        await a.create_instance_profile(instance_profile_name="ip")
        assert await cluster.converged()
        cluster.partition([0], [1, 2])
        for client, side in ((a, "a"), (b, "b")):
            tags = [{"Key": f"{side}{i:02d}", "Value": side} for i in range(26)]
            await client.tag_instance_profile(instance_profile_name="ip", tags=tags)
        cluster.heal()
        assert await cluster.converged()
        for index in range(3):
            async with cluster.client(index) as c:
                listed, marker = [], None
                while True:
                    page = await c.list_instance_profile_tags(
                        instance_profile_name="ip", max_items=20, marker=marker
                    )
                    listed += [(t.key, t.value) for t in page.tags]
                    if not page.is_truncated:
                        break
                    marker = page.marker
                assert len(listed) == 52
                assert len(dict(listed)) == 52
                with pytest.raises(LimitExceededError):
                    await c.tag_instance_profile(
                        instance_profile_name="ip", tags=[{"Key": "a00", "Value": "again"}]
                    )
        await a.untag_instance_profile(instance_profile_name="ip", tag_keys=["b00", "b01"])
        await a.tag_instance_profile(
            instance_profile_name="ip", tags=[{"Key": "a00", "Value": "again"}]
        )
        with pytest.raises(LimitExceededError):
            await a.tag_instance_profile(
                instance_profile_name="ip", tags=[{"Key": "new", "Value": "v"}]
            )

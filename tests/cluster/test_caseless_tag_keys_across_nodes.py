"""A user's and a role's tag keys ignore case across nodes: TagUser of `Dept` on one side of a
partition and of `dept` on the other leave one tag on every replica after the heal, and an
UntagUser of the key in any case removes it everywhere (IAM User Guide, "Tagging IAM
resources", Case sensitivity)."""

from __future__ import annotations

from iamstore.cluster.testing.memory import MemoryCluster

TRUST = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
)


async def test_two_nodes_tagging_one_users_key_in_two_cases_keep_one_tag(
    cluster: MemoryCluster,
) -> None:
    async with cluster.client(0) as a, cluster.client(1) as b:
        await a.create_user(user_name="zhang")
        await a.create_role(role_name="zhang", assume_role_policy_document=TRUST)
        assert await cluster.converged()
        cluster.partition([0], [1, 2])
        await a.tag_user(user_name="zhang", tags=[{"Key": "Dept", "Value": "finance"}])
        await b.tag_user(user_name="zhang", tags=[{"Key": "dept", "Value": "hr"}])
        await a.tag_role(role_name="zhang", tags=[{"Key": "Dept", "Value": "finance"}])
        await b.tag_role(role_name="zhang", tags=[{"Key": "dept", "Value": "hr"}])
        cluster.heal()
        assert await cluster.converged()
        shown = set()
        for index in range(3):
            async with cluster.client(index) as c:
                user_tags = (await c.list_user_tags(user_name="zhang")).tags
                role_tags = (await c.list_role_tags(role_name="zhang")).tags
                shown.add(tuple((t.key, t.value) for t in user_tags))
                shown.add(tuple((t.key, t.value) for t in role_tags))
        # One tag, one writer's spelling with its own value, the same on every replica.
        (tags,) = shown
        assert tags in {(("Dept", "finance"),), (("dept", "hr"),)}
        await b.untag_user(user_name="zhang", tag_keys=["DEPT"])
        assert await cluster.converged()
        for index in range(3):
            async with cluster.client(index) as c:
                assert (await c.list_user_tags(user_name="zhang")).tags == ()
                assert len((await c.list_role_tags(role_name="zhang")).tags) == 1

"""Rows added for AWS's whole IAM model on a real (in-memory network) cluster: an attachment to
an AWS managed policy, tags and an account alias written on different nodes during a partition
all reach every replica, and authorization agrees everywhere."""

from __future__ import annotations

import pytest

from iamstore.client import AsyncClient, Credentials, EntityAlreadyExistsError
from iamstore.cluster.testing.memory import MemoryCluster

S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


async def test_partitioned_writes_of_new_kinds_converge(cluster: MemoryCluster) -> None:
    async with cluster.client(0) as a, cluster.client(1) as b:
        arn = (await a.create_user(user_name="alice")).user.arn
        await a.create_instance_profile(instance_profile_name="p")
        assert await cluster.converged()
        cluster.partition([0], [1, 2])
        await a.attach_user_policy(user_name="alice", policy_arn=S3_READ)
        await b.tag_instance_profile(instance_profile_name="p", tags=[{"Key": "k", "Value": "v"}])
        await a.create_account_alias(account_alias="partitioned-alias")
        cluster.heal()
        assert await cluster.converged()
    for index in range(3):
        async with cluster.client(index) as c:
            attached = (await c.list_attached_user_policies(user_name="alice")).attached_policies
            assert [p.policy_arn for p in attached] == [S3_READ]
            decision = await c.authorize(
                principal_arn=arn, action="s3:GetObject", resource_arn="arn:aws:s3:::b/k"
            )
            assert decision.decision == "Allow"
            tags = (await c.list_instance_profile_tags(instance_profile_name="p")).tags
            assert [(t.key, t.value) for t in tags] == [("k", "v")]
            assert (await c.list_account_aliases()).account_aliases == ("partitioned-alias",)
            assert (await c.get_policy(policy_arn=S3_READ)).policy.attachment_count == 1
    # Another account may not take the alias, whichever node it asks.
    async with cluster.client(2) as management:
        made = (await management.create_account(account_name="other")).root_credentials
    assert made is not None
    assert await cluster.converged()
    for index in range(3):
        node = cluster.nodes[index].address or ""
        credentials = Credentials(made.access_key_id, made.secret_access_key)
        async with AsyncClient(node, credentials=credentials) as other:
            with pytest.raises(EntityAlreadyExistsError):
                await other.create_account_alias(account_alias="partitioned-alias")

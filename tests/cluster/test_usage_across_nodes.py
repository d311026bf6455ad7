"""Last use across the cluster: a key, a password and a service used on one node show in the
credential report, GetAccessKeyLastUsed and last-accessed reports asked of another, once
that node's usage stamps have replicated."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest

from iamstore.client import AsyncClient, Credentials
from iamstore.client.providers import sign_in
from iamstore.cluster.testing.memory import MemoryCluster
from iamstore.node.server import Node

pytestmark = pytest.mark.slow

PASSWORD = "Correct-horse-9!"


@pytest.fixture
def cluster_size() -> int:
    return 2


async def _flush(node: Node) -> None:
    """What the node's periodic flush does (every 30 s by default), done now."""
    services = node.components
    assert services is not None
    written = await services.usage.flush(services.writer, services.state.view, services.auth.usage)
    assert written > 0


async def test_uses_on_node_2_show_in_reports_made_on_node_1(cluster: MemoryCluster) -> None:
    async with cluster.client(0) as one, cluster.client(1) as two:
        account = (await one.get_caller_identity()).account
        arn = (await one.create_user(user_name="alice")).user.arn
        await one.create_login_profile(user_name="alice", password=PASSWORD)
        await one.put_user_policy(
            user_name="alice",
            policy_name="p",
            policy_document='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
            '"Action": ["iam:GetUser", "s3:GetObject"], "Resource": "*"}]}',
        )
        key = (await one.create_access_key(user_name="alice")).access_key
        assert key.secret_access_key is not None
        assert await cluster.converged()

        # On node 2 only: alice's key signs a call, her password signs in, Authorize asks.
        node_two = cluster.nodes[1].address
        assert node_two is not None
        alice = Credentials(key.access_key_id, key.secret_access_key)
        async with AsyncClient(node_two, credentials=alice) as as_alice:
            await as_alice.get_user()
        await asyncio.to_thread(
            sign_in, node_two, account=account, user_name="alice", password=PASSWORD
        )
        await two.authorize(principal_arn=arn, action="s3:GetObject", resource_arn="*")
        await _flush(cluster.nodes[1])
        assert await cluster.converged()

        last = (
            await one.get_access_key_last_used(access_key_id=key.access_key_id)
        ).access_key_last_used
        assert (last.service_name, last.region) == ("iam", "us-east-1")
        assert last.last_used_date is not None

        await one.generate_credential_report()
        report = (await one.get_credential_report()).content
        assert report is not None
        rows = {r["user"]: r for r in csv.DictReader(io.StringIO(report.decode()))}
        assert rows["alice"]["password_last_used"] != "N/A"
        assert rows["alice"]["access_key_1_last_used_date"] != "N/A"
        assert rows["alice"]["access_key_1_last_used_service"] == "iam"

        job = (await one.generate_service_last_accessed_details(arn=arn)).job_id
        details = await one.get_service_last_accessed_details(job_id=job)
        found = {s.service_namespace: s for s in details.services_last_accessed}
        assert found["s3"].last_authenticated_entity == arn
        assert found["iam"].last_authenticated is not None  # alice's GetUser on node 2


async def test_a_node_writes_its_last_uses_when_it_stops(cluster: MemoryCluster) -> None:
    async with cluster.client(0) as one:
        await one.create_user(user_name="bob")
        key = (await one.create_access_key(user_name="bob")).access_key
        assert key.secret_access_key is not None
        await one.put_user_policy(
            user_name="bob",
            policy_name="p",
            policy_document='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
            '"Action": "iam:GetUser", "Resource": "*"}]}',
        )
        assert await cluster.converged()
        node_two = cluster.nodes[1].address
        assert node_two is not None
        bob = Credentials(key.access_key_id, key.secret_access_key)
        async with AsyncClient(node_two, credentials=bob) as as_bob:
            await as_bob.get_user()
        await cluster.stop_node(1)  # no periodic flush has run: the shutdown writes it
        await cluster.restart_node(1)
        assert await cluster.converged()
        last = await one.get_access_key_last_used(access_key_id=key.access_key_id)
        assert last.access_key_last_used.last_used_date is not None

"""Findings of the third adversarial review: an import meets a link left by a merge.

Each test reproduces an open bug and is marked xfail(strict=True): it documents the bug, and
fails the moment the bug is fixed without the marker being removed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from iamstore.client import AccessDeniedError, AsyncClient, Credentials, IamError
from iamstore.cluster.testing.memory import MemoryCluster

ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
READ_ONLY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
)


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[MemoryCluster]:
    mem = MemoryCluster(tmp_path, 2)
    await mem.start()
    try:
        assert await mem.converged()
        yield mem
    finally:
        await mem.stop()


async def _account_root(cluster: MemoryCluster, name: str) -> Credentials:
    async with cluster.client(0) as management:
        made = (await management.create_account(account_name=name)).root_credentials
    assert made is not None
    return Credentials(made.access_key_id, made.secret_access_key)


def _client(cluster: MemoryCluster, index: int, credentials: Credentials) -> AsyncClient:
    return AsyncClient(cluster.nodes[index].address or "", credentials=credentials)


async def test_review3_a_dangling_attachment_does_not_reach_another_accounts_policy(
    cluster: MemoryCluster,
) -> None:
    victim_root = await _account_root(cluster, "victim")
    attacker_root = await _account_root(cluster, "attacker")
    async with (
        _client(cluster, 0, victim_root) as victim0,
        _client(cluster, 1, victim_root) as victim1,
    ):
        policy = (
            await victim0.create_policy(policy_name="reader", policy_document=READ_ONLY)
        ).policy
        assert policy.arn is not None
        await victim0.create_user(user_name="clerk")
        key = (await victim0.create_access_key(user_name="clerk")).access_key
        assert await cluster.converged()
        # Concurrently: the policy is deleted on node 0 and attached on node 1.
        cluster.partition([0], [1])
        await victim0.delete_policy(policy_arn=policy.arn)
        await victim1.attach_user_policy(user_name="clerk", policy_arn=policy.arn)
        cluster.heal()
        assert await cluster.converged()
    async with _client(cluster, 0, attacker_root) as attacker:
        account = (await attacker.get_caller_identity()).account or ""
        when = datetime(2020, 1, 1, tzinfo=UTC)
        planted = {
            "PolicyName": "planted",
            "PolicyId": policy.policy_id,  # the victim's deleted policy's id
            "Arn": f"arn:aws:iam::{account}:policy/planted",
            "Path": "/",
            "DefaultVersionId": "v1",
            "CreateDate": when,
            "UpdateDate": when,
            "PolicyVersionList": [
                {
                    "Document": ALLOW_ALL,
                    "VersionId": "v1",
                    "IsDefaultVersion": True,
                    "CreateDate": when,
                }
            ],
        }
        with contextlib.suppress(IamError):  # refused: one way to fix it
            await attacker.import_account(
                import_id="plant", account_id=account, commit=True, part_count=1, policies=[planted]
            )
    assert await cluster.converged()
    clerk = Credentials(key.access_key_id, key.secret_access_key)
    async with _client(cluster, 0, clerk) as user:
        # The clerk may read objects only; another account's policy must grant it nothing.
        try:
            await user.create_user(user_name="planted-admin")
        except AccessDeniedError:
            created = False
        else:
            created = True
    assert not created

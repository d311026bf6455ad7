"""A SAML provider and its role made on one node sign a directory user in on another."""

from __future__ import annotations

import json
import time

import pytest

from iamstore.client import AsyncClient, Credentials, IamError
from iamstore.cluster import saml_idp as idp
from iamstore.cluster.testing.memory import MemoryCluster


@pytest.fixture
def cluster_size() -> int:
    return 2


async def test_a_provider_replicates_and_an_assertion_is_once_per_node(
    cluster: MemoryCluster,
) -> None:
    key, cert = idp.key_pair()
    async with cluster.client(0) as admin:
        provider = (
            await admin.create_saml_provider(
                name="Corp", saml_metadata_document=idp.metadata([cert])
            )
        ).saml_provider_arn
        assert provider is not None
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider},
                    "Action": "sts:AssumeRoleWithSAML",
                }
            ],
        }
        role = (
            await admin.create_role(role_name="Dir", assume_role_policy_document=json.dumps(trust))
        ).role.arn
    assert await cluster.converged()
    spec = idp.AssertionSpec(role_arn=role, provider_arn=provider, subject="alice")
    assertion = idp.signed_response(spec, key, cert, time.time())
    nobody = Credentials("ANONYMOUS", "anonymous")
    arns = []
    for node in cluster.nodes:
        async with AsyncClient(node.address or "", credentials=nobody) as anonymous:
            made = await anonymous.assume_role_with_saml(
                role_arn=role, principal_arn=provider, saml_assertion=assertion
            )
            arns.append(made.assumed_role_user.arn)
            # The ids a node accepted are its own: a replay on the same node is refused.
            with pytest.raises(IamError) as replay:
                await anonymous.assume_role_with_saml(
                    role_arn=role, principal_arn=provider, saml_assertion=assertion
                )
            assert replay.value.code == "InvalidIdentityToken"
    # As documented: each node accepts a captured assertion once, within its lifetime.
    assert arns == [arns[0]] * len(cluster.nodes)

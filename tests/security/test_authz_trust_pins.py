"""A trust policy names a user or role by its unique id, pinned when the policy is saved.

Attack kept: a trust policy naming `user/alice` matched whoever later re-created the name
`alice`. AWS pins the principal's unique id when the policy is saved, shows the current ARN
while the principal exists and the bare id once it is deleted, and refuses an ARN naming no
principal (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from security_nodes import allow, doc, session_client, user_client

from iamstore.client import (
    AccessDeniedError,
    AsyncClient,
    Client,
    Credentials,
    MalformedPolicyDocumentError,
)
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.cluster.testing.memory import MemoryCluster

ASSUME = doc(allow("sts:AssumeRole"))


def _trusting(principal_arn: str) -> str:
    return doc({"Effect": "Allow", "Principal": {"AWS": principal_arn}, "Action": "sts:AssumeRole"})


def _trusted_principals(iam: Client, role: str) -> object:
    document = iam.get_role(role_name=role).role.assume_role_policy_document
    assert document is not None
    return json.loads(document)["Statement"][0]["Principal"]["AWS"]


def _delete_user(iam: Client, name: str) -> None:
    for key in iam.list_access_keys(user_name=name).access_key_metadata:
        assert key.access_key_id is not None
        iam.delete_access_key(user_name=name, access_key_id=key.access_key_id)
    for policy in iam.list_user_policies(user_name=name).policy_names:
        iam.delete_user_policy(user_name=name, policy_name=policy)
    iam.delete_user(user_name=name)


def test_a_re_created_user_is_not_trusted(iam_node: InProcessNode, iam: Client) -> None:
    account = iam.get_caller_identity().account
    alice_arn = f"arn:aws:iam::{account}:user/alice"
    with user_client(iam_node, iam, "alice", ASSUME) as alice:
        alice_id = iam.get_user(user_name="alice").user.user_id
        role_arn = iam.create_role(
            role_name="admin", assume_role_policy_document=_trusting(alice_arn)
        ).role.arn
        alice.assume_role(role_arn=role_arn, role_session_name="ok")
    assert _trusted_principals(iam, "admin") == alice_arn
    _delete_user(iam, "alice")
    # AWS shows the bare unique id once the principal is gone.
    assert _trusted_principals(iam, "admin") == alice_id
    with user_client(iam_node, iam, "alice", ASSUME) as impostor:
        with pytest.raises(AccessDeniedError):
            impostor.assume_role(role_arn=role_arn, role_session_name="mallory")
        # Saving the policy again pins the new alice, as in AWS.
        iam.update_assume_role_policy(role_name="admin", policy_document=_trusting(alice_arn))
        impostor.assume_role(role_arn=role_arn, role_session_name="now-trusted")


def test_a_renamed_user_is_still_trusted_under_its_new_arn(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account
    with user_client(iam_node, iam, "bob", ASSUME) as bob:
        role_arn = iam.create_role(
            role_name="ops",
            assume_role_policy_document=_trusting(f"arn:aws:iam::{account}:user/bob"),
        ).role.arn
        iam.update_user(user_name="bob", new_user_name="robert", new_path="/team/")
        assert _trusted_principals(iam, "ops") == f"arn:aws:iam::{account}:user/team/robert"
        bob.assume_role(role_arn=role_arn, role_session_name="renamed")


def test_a_re_created_role_is_not_trusted(iam_node: InProcessNode, iam: Client) -> None:
    account = iam.get_caller_identity().account
    root_trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "sts:AssumeRole",
        }
    )
    first = iam.create_role(role_name="hop", assume_role_policy_document=root_trust).role
    iam.put_role_policy(role_name="hop", policy_name="p", policy_document=ASSUME)
    target = iam.create_role(
        role_name="target", assume_role_policy_document=_trusting(first.arn)
    ).role.arn
    iam.delete_role_policy(role_name="hop", policy_name="p")
    iam.delete_role(role_name="hop")
    iam.create_role(role_name="hop", assume_role_policy_document=root_trust)
    iam.put_role_policy(role_name="hop", policy_name="p", policy_document=ASSUME)
    with user_client(iam_node, iam, "chainer", ASSUME) as chainer:
        hop = chainer.assume_role(role_arn=first.arn, role_session_name="hop").credentials
    with session_client(iam_node, hop) as session, pytest.raises(AccessDeniedError):
        session.assume_role(role_arn=target, role_session_name="escalate")
    assert _trusted_principals(iam, "target") == first.role_id


def test_a_principal_that_does_not_exist_is_refused(iam: Client) -> None:
    account = iam.get_caller_identity().account
    ghost = _trusting(f"arn:aws:iam::{account}:user/not-yet")
    with pytest.raises(MalformedPolicyDocumentError, match="Invalid principal"):
        iam.create_role(role_name="r", assume_role_policy_document=ghost)
    iam.create_role(role_name="r", assume_role_policy_document=_trusting(account))
    with pytest.raises(MalformedPolicyDocumentError, match="Invalid principal"):
        iam.update_assume_role_policy(role_name="r", policy_document=ghost)


async def test_a_user_deleted_while_a_trust_names_it_on_another_node(tmp_path: Path) -> None:
    # The trust policy pins the user as the other side of a partition still sees it; once
    # the partition heals the pin names a deleted user, and a re-created one is not trusted
    # on any node.
    cluster = MemoryCluster(tmp_path, 3)
    await cluster.start()
    try:
        async with cluster.client(0) as a, cluster.client(1) as b:
            account = (await a.get_caller_identity()).account
            alice_arn = f"arn:aws:iam::{account}:user/alice"
            old_id = (await a.create_user(user_name="alice")).user.user_id
            assert await cluster.converged()
            cluster.partition([0], [1, 2])
            await a.delete_user(user_name="alice")
            role_arn = (
                await b.create_role(
                    role_name="admin", assume_role_policy_document=_trusting(alice_arn)
                )
            ).role.arn
            cluster.heal()
            assert await cluster.converged()
            await a.create_user(user_name="alice")
            await a.put_user_policy(user_name="alice", policy_name="p", policy_document=ASSUME)
            key = (await a.create_access_key(user_name="alice")).access_key
            assert await cluster.converged()
        impostor = Credentials(key.access_key_id, key.secret_access_key)
        for node in cluster.nodes:
            assert node.address is not None
            async with AsyncClient(node.address, credentials=impostor) as client:
                with pytest.raises(AccessDeniedError):
                    await client.assume_role(role_arn=role_arn, role_session_name="mallory")
            async with cluster.client(cluster.nodes.index(node)) as root:
                shown = (await root.get_role(role_name="admin")).role.assume_role_policy_document
                assert shown is not None
                assert json.loads(shown)["Statement"][0]["Principal"]["AWS"] == old_id
    finally:
        await cluster.stop()

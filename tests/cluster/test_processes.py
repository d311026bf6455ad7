"""Replication between real node processes on 127.0.0.1: convergence, kill -9, catch-up after
a long absence, and read-your-writes across nodes with consistency tokens."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from iamstore.client import (
    Client,
    EntityAlreadyExistsError,
    NoSuchEntityError,
    NotYetReplicatedError,
)
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.local import LocalCluster

pytestmark = pytest.mark.slow

CONVERGE_S = 30.0  # generous: a bound on what a healthy cluster needs, not a timing claim
# How long a read with a consistency token waits at a node. Above the default 5 s: in the
# read-your-writes test the reads wait while the node holding the write restarts, and a node
# process needs several seconds to start on a busy machine (it imports the whole package).
# Below the client's 20 s timeout, so a read that never gets covered answers
# NotYetReplicated rather than a deadline.
AT_LEAST_TIMEOUT_S = 15


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[LocalCluster]:
    local = LocalCluster(tmp_path / "cluster", nodes=3, base_port=0)
    local.use_node_options("--at-least-timeout", str(AT_LEAST_TIMEOUT_S))
    try:
        local.start(timeout_s=30)
        local.wait_converged(CONVERGE_S)
        yield local
    finally:
        try:
            local.stop()
        finally:
            local.kill()


def client(cluster: LocalCluster, *names: str, read_your_writes: bool = False) -> Client:
    """The management root, on the named nodes (failover in that order)."""
    credentials = resolve_credentials(credentials_file=str(cluster.credentials_file))
    endpoints = [cluster.node(name).listen for name in names]
    return Client(endpoints, credentials=credentials, timeout=20, read_your_writes=read_your_writes)


def user_names(iam: Client) -> set[str]:
    return {
        user.user_name for page in iam.get_paginator("list_users").paginate() for user in page.users
    }


def create_users(cluster: LocalCluster, name: str, prefix: str, count: int) -> None:
    with client(cluster, name) as iam:
        for i in range(count):
            iam.create_user(user_name=f"{prefix}{i}")


def test_writes_on_every_node_converge_to_identical_digests(cluster: LocalCluster) -> None:
    expected = set()
    for index, name in enumerate(cluster.names, start=1):
        with client(cluster, name) as iam:
            iam.create_group(group_name=f"team{index}")
            for i in range(10):
                iam.create_user(user_name=f"n{index}-u{i}")
                iam.add_user_to_group(group_name=f"team{index}", user_name=f"n{index}-u{i}")
                expected.add(f"n{index}-u{i}")
            policy = iam.create_policy(
                policy_name=f"p{index}",
                policy_document='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                '"Action": "s3:GetObject", "Resource": "*"}]}',
            ).policy
            iam.attach_group_policy(group_name=f"team{index}", policy_arn=policy.arn or "")
            # The same name on every node: whichever way the merge goes, one user remains.
            # (EntityAlreadyExists: an earlier node's `shared` had already arrived here.)
            with contextlib.suppress(EntityAlreadyExistsError):
                iam.create_user(user_name="shared")
    expected.add("shared")

    view = cluster.wait_converged(CONVERGE_S)

    statuses = view.answered
    assert len(statuses) == 3
    assert len({s.digest for s in statuses}) == 1
    assert {s.node_id for s in statuses} == set(statuses[0].version_vector)  # all wrote
    for name in cluster.names:
        with client(cluster, name) as iam:
            assert user_names(iam) == expected
            attached = iam.list_attached_group_policies(group_name="team2").attached_policies
            assert [p.policy_name for p in attached] == ["p2"]


def test_node_killed_with_kill_9_catches_up_and_its_acknowledged_writes_spread(
    cluster: LocalCluster,
) -> None:
    create_users(cluster, "node3", "before-kill-", 20)
    cluster.kill_node("node3")  # SIGKILL right after the acknowledgements
    assert not cluster.is_running("node3")
    create_users(cluster, "node1", "while-dead-", 50)

    cluster.start_node("node3")
    cluster.wait_converged(CONVERGE_S)

    everyone = {f"before-kill-{i}" for i in range(20)} | {f"while-dead-{i}" for i in range(50)}
    for name in cluster.names:
        with client(cluster, name) as iam:
            assert user_names(iam) == everyone


def test_node_stopped_during_2000_commits_catches_up_after_restart(
    cluster: LocalCluster,
) -> None:
    assert cluster.stop_node("node2") == 0
    before = cluster.observe().nodes[0].status
    assert before is not None
    with ThreadPoolExecutor(2) as pool:
        done = [
            pool.submit(create_users, cluster, "node1", "a", 1000),
            pool.submit(create_users, cluster, "node3", "b", 1000),
        ]
        for future in done:
            future.result()

    restarted = time.monotonic()
    cluster.start_node("node2")
    view = cluster.wait_converged(CONVERGE_S)
    caught_up_s = time.monotonic() - restarted
    print(f"node2 caught up with 2,000 commits {caught_up_s:.2f} s after its restart")

    after = view.answered[1]
    gained = sum(after.version_vector.values()) - sum(before.version_vector.values())
    # The 2,000 creations, and any usage stamps a node wrote meanwhile (every 30 s).
    assert 2000 <= gained <= 2010
    with client(cluster, "node2") as iam:
        assert len(user_names(iam)) == 2000


def test_read_your_writes_across_nodes_with_consistency_tokens(cluster: LocalCluster) -> None:
    cluster.stop_node("node2")
    cluster.stop_node("node3")
    writer = client(cluster, "node1", "node3", read_your_writes=True)
    try:
        bob = writer.create_user(user_name="bob").user  # only node1 holds it
        token = writer.consistency_token
        assert token is not None
        cluster.stop_node("node1")
        cluster.start_node("node3")  # alone: nothing can reach it yet

        with client(cluster, "node3") as reader:
            with pytest.raises(NoSuchEntityError):
                reader.get_user(user_name="bob")  # without a token: node3's stale copy
            with ThreadPoolExecutor(2) as pool:
                # `writer` fails over from the stopped node1 to node3, carrying its tokens.
                own = pool.submit(lambda: writer.get_user(user_name="bob").user)
                other = pool.submit(lambda: reader.get_user(user_name="bob", at_least=token).user)
                threading.Event().wait(0.3)
                assert not own.done()  # both wait at node3 for node1's commit
                assert not other.done()
                cluster.start_node("node1")
                assert own.result().user_id == bob.user_id
                assert other.result().user_id == bob.user_id

            origin, _, seq = token.rpartition(":")
            with pytest.raises(NotYetReplicatedError, match=f"waited {AT_LEAST_TIMEOUT_S} s"):
                reader.get_user(user_name="bob", at_least=f"{origin}:{int(seq) + 1000}")
    finally:
        writer.close()

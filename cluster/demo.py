"""`scripts/demo`: a 3-node cluster on a local folder, the first things a newcomer does, then stop.

The nodes run as real processes under `.demo/` inside the checkout (wiped at each run, so the
demo always starts from a fresh account). Everything goes through the signed gRPC API with
the client library, as a user's own program would: writes go to node1, reads to node3. At
the end the same account is managed three ways: the aws CLI on node1 and boto3 on node2 over
HTTP (AWS's own Query protocol), iamstore's client on node3.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from iamstore.client import (
    AccessKey,
    Client,
    Credentials,
    IamError,
    NoSuchEntityError,
    NotYetReplicatedError,
    User,
)
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.demo_saml import directory_sign_in
from iamstore.cluster.local import LocalCluster
from iamstore.cluster.status import ClusterView

DEMO_DIR = Path(__file__).resolve().parent.parent / ".demo"

REPORTS_READER = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadReports",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/${aws:username}/*"],
        },
        {
            # AWS authorizes a user's calls about itself like any other: by policy.
            "Sid": "ViewOwnUser",
            "Effect": "Allow",
            "Action": ["iam:GetUser", "iam:ListGroupsForUser"],
            "Resource": [
                "arn:aws:iam::*:user/${aws:username}",
                "arn:aws:iam::*:user/*/${aws:username}",
            ],
        },
    ],
}


def step(text: str) -> None:
    bold, plain = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("", "")
    print(f"\n{bold}▸ {text}{plain}")


def show(label: str, value: object) -> None:
    print(f"    {label:<26} {value}")


def ms_since(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:.1f} ms"


def wait_until(seen: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Calls `seen` until it is true; NoSuchEntity counts as "not yet" (it has not arrived)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if seen():
                return
        except NoSuchEntityError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"not replicated within {timeout_s} s")
        time.sleep(0.001)


def main() -> int:
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    cluster = LocalCluster(DEMO_DIR, nodes=3, base_port=0)
    step("Starting 3 nodes under .demo/ (each its own process and SQLite replica)")
    started = time.perf_counter()
    exits: dict[str, int | None] = {}
    try:
        cluster.start()
        cluster.wait_converged()
        show("converged after", ms_since(started))
        for name, address in zip(cluster.names, cluster.addresses, strict=True):
            show(name, address)
        show("root credentials", cluster.credentials_file.relative_to(DEMO_DIR.parent))
        root = resolve_credentials(credentials_file=str(cluster.credentials_file))
        node1, node2, node3 = cluster.addresses
        with (
            Client(node1, credentials=root) as iam1,
            Client(node3, credentials=root) as iam3,
        ):
            alice_arn, policy_arn, key = write_on_node1(iam1, iam3)
            check_on_node3(iam3, node3, iam1.consistency_token, alice_arn, policy_arn, key)
            consistency_token(cluster, iam1, root)
            accounts(iam1, node2, root)
            three_ways(cluster, root, iam3)
            directory_sign_in(iam3, node3, step, show)
            step("GetAccountSummary on node3")
            summary = iam3.get_account_summary().summary_map
            for name in ("Users", "Groups", "Policies", "AccountAccessKeysPresent"):
                show(name, summary[name])
        step("Status of every node (after all the writes have spread)")
        print_status(cluster, cluster.wait_converged())
    finally:
        step("Stopping the nodes (SIGTERM)")
        exits = cluster.stop()
        cluster.kill()
        for name, status in exits.items():
            show(f"{name} exit status", status)
    print("\nDone. The nodes' logs are in .demo/node*/node.log")
    return 0 if all(status == 0 for status in exits.values()) else 1


def write_on_node1(iam1: Client, iam3: Client) -> tuple[str, str, AccessKey]:
    step("On node1, as the account root: a user, a group, a managed policy, an access key")
    show("caller", iam1.get_user().user.arn)
    alice = iam1.create_user(
        user_name="alice", path="/eng/", tags=[{"Key": "team", "Value": "data"}]
    )
    written = time.perf_counter()
    show("CreateUser", alice.user.arn)
    show("  unique id", alice.user.user_id)
    wait_until(lambda: iam3.get_user(user_name="alice").user.user_id == alice.user.user_id)
    show("  node3 saw alice after", ms_since(written))
    iam1.create_group(group_name="analysts")
    iam1.add_user_to_group(group_name="analysts", user_name="alice")
    show("AddUserToGroup", "alice → analysts")
    policy = iam1.create_policy(
        policy_name="ReadReports",
        policy_document=json.dumps(REPORTS_READER),
        description="read your own reports",
    )
    policy_arn = policy.policy.arn or ""
    show("CreatePolicy", f"{policy_arn} ({policy.policy.default_version_id})")
    iam1.attach_group_policy(group_name="analysts", policy_arn=policy_arn)
    attached = time.perf_counter()
    show("AttachGroupPolicy", "ReadReports → analysts")

    def attachment_on_node3() -> bool:
        names = [
            p.policy_name
            for p in iam3.list_attached_group_policies(group_name="analysts").attached_policies
        ]
        return "ReadReports" in names

    wait_until(attachment_on_node3)
    show("  node3 saw it after", ms_since(attached))
    key = iam1.create_access_key(user_name="alice").access_key
    show("CreateAccessKey", f"{key.access_key_id} (secret shown once)")

    step("A bad policy is refused with AWS's error, and changes nothing")
    try:
        iam1.create_policy(
            policy_name="Broken", policy_document='{"Statement": {"Effect": "Permit"}}'
        )
    except IamError as err:
        show("CreatePolicy", err)
    show("policies in account", len(iam1.list_policies(scope="Local").policies))
    return alice.user.arn, policy_arn, key


def check_on_node3(
    iam3: Client, node3: str, token: str | None, alice_arn: str, policy_arn: str, key: AccessKey
) -> None:
    step("On node3: alice calls with the access key node1 just made for her")
    # A node authenticates a caller before it waits for a token: so first make sure, with the
    # root's credentials, that node3 holds every write node1 acknowledged (the key included).
    iam3.ping(at_least=token)
    with Client(node3, credentials=Credentials(key.access_key_id, key.secret_access_key)) as me:
        who = me.get_user().user
        show("GetUser (no name)", who.arn)
        groups = me.list_groups_for_user(user_name="alice").groups
        show("ListGroupsForUser", ", ".join(g.group_name for g in groups))

    step("What alice may do: node3 answers Authorize from its own replica")
    requests = [
        ("s3:GetObject", "arn:aws:s3:::reports/alice/q3.csv"),
        ("s3:GetObject", "arn:aws:s3:::reports/bob/q3.csv"),
        ("s3:DeleteObject", "arn:aws:s3:::reports/alice/q3.csv"),
    ]
    for action, resource in requests:
        answer = iam3.authorize(principal_arn=alice_arn, action=action, resource_arn=resource)
        deciding = ", ".join(
            f"{m.policy_name} statement {m.statement_index} ({m.sid})"
            for m in answer.matched_statements
        )
        show(answer.decision, f"{action} {resource}")
        if deciding:
            show("  decided by", deciding)


def consistency_token(cluster: LocalCluster, iam1: Client, root: Credentials) -> None:
    step("A consistency token: node3 answers only once it holds node1's write")
    for name in ("node2", "node3"):
        cluster.stop_node(name)
    show("node2, node3", "stopped")
    iam1.create_user(user_name="bob")
    token = iam1.consistency_token
    show("CreateUser bob (node1)", f"token {token}")
    cluster.stop_node("node1")
    cluster.start_node("node3")
    show("node1 stopped", "node3 started alone: it cannot have bob yet")
    node3 = cluster.node("node3").listen
    with Client(node3, credentials=root) as iam3:
        try:
            iam3.get_user(user_name="bob")
            show("GetUser bob (no token)", "found")
        except NoSuchEntityError as err:
            show("GetUser bob (no token)", err.code)
        asked = time.perf_counter()

        def bob_once_replicated() -> User:
            # A node waits up to 5 s for a token it does not cover, then answers
            # NotYetReplicated ("retry"): node1's start may take longer on a busy machine.
            deadline = time.monotonic() + 60
            while True:
                try:
                    return iam3.get_user(user_name="bob", at_least=token).user
                except NotYetReplicatedError:
                    if time.monotonic() > deadline:
                        raise

        with ThreadPoolExecutor(1) as pool:
            answer = pool.submit(bob_once_replicated)
            time.sleep(0.3)
            show("GetUser bob (token)", "waiting…" if not answer.done() else "answered early")
            cluster.start_node("node1")
            show("node1", "started again")
            bob = answer.result()
        show("GetUser bob (token)", f"{bob.arn} after {ms_since(asked)}")
    cluster.start_node("node2")


def accounts(iam1: Client, node2: str, root: Credentials) -> None:
    step("Accounts are isolated: a member account (made on node1) sees none of this on node2")
    member = iam1.create_account(account_name="sandbox")
    creds = member.root_credentials
    assert creds is not None
    show("CreateAccount", member.account.account_id)
    with Client(node2, credentials=root) as management:
        # node2 must hold the account before it can authenticate the account's root key.
        wait_until(
            lambda: (
                member.account.account_id
                in {a.account_id for a in management.list_accounts().accounts}
            )
        )
    with Client(
        node2, credentials=Credentials(creds.access_key_id, creds.secret_access_key)
    ) as other:
        try:
            other.get_user(user_name="alice")
        except NoSuchEntityError as err:
            show("GetUser alice", err)


def three_ways(cluster: LocalCluster, root: Credentials, iam3: Client) -> None:
    """One account, three tools, three nodes: AWS's own tools speak to any node over HTTP."""
    import boto3

    step("The same account three ways: the aws CLI on node1, boto3 on node2, iamstore on node3")
    node1_url, node2_url = cluster.http_url("node1"), cluster.http_url("node2")
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(DEMO_DIR),
        "AWS_ACCESS_KEY_ID": root.access_key_id,
        "AWS_SECRET_ACCESS_KEY": root.secret_access_key,
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    command = ["aws", "iam", "create-user", "--user-name", "carol", "--endpoint-url", node1_url]
    show("$", " ".join(command))
    made = subprocess.run(
        [sys.executable, "-m", "awscli", *command[1:]],
        env=environment, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    show("aws CLI on node1 made", json.loads(made.stdout)["User"]["Arn"])
    iam2 = boto3.Session(
        aws_access_key_id=root.access_key_id,
        aws_secret_access_key=root.secret_access_key,
        region_name="us-east-1",
    ).client("iam", endpoint_url=node2_url)
    started = time.perf_counter()
    while "carol" not in {u["UserName"] for u in iam2.list_users()["Users"]}:
        if time.perf_counter() - started > 10:
            raise TimeoutError("carol did not reach node2 within 10 s")
        time.sleep(0.01)
    show("boto3 on node2 sees carol", f"after {ms_since(started)}")
    answer = iam2.create_user(UserName="dave", Tags=[{"Key": "made-by", "Value": "boto3"}])
    token = answer["ResponseMetadata"]["HTTPHeaders"]["x-iamstore-consistency-token"]
    show("boto3 on node2 made", answer["User"]["Arn"])
    show("its consistency token", token)
    dave = iam3.get_user(user_name="dave", at_least=token).user
    show("iamstore on node3 reads", f"{dave.arn} (tags {[(t.key, t.value) for t in dave.tags]})")


def print_status(cluster: LocalCluster, view: ClusterView) -> None:
    names = cluster.origin_names()
    for node in view.nodes:
        status = node.status
        if status is None:
            show(node.name, node.state.value)
            continue
        vector = " ".join(
            f"{names.get(o, o)}:{seq}" for o, seq in sorted(status.version_vector.items())
        )
        lag = max(status.lag_ms.values(), default=0)
        show(node.name, f"{vector}  digest {status.digest[:16]}  last lag {lag} ms")
    show("converged", "yes: same version vector and digest everywhere" if view.converged else "no")


if __name__ == "__main__":
    sys.exit(main())

"""`scripts/demo`: a node on a local data folder, the first things a newcomer does, then stop.

The node runs as a real process on `.demo/node1` inside the checkout (wiped at each run, so
the demo always starts from a fresh account). Everything goes through the signed gRPC API
with the client library, as a user's own program would.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from client import Client, Credentials, NoSuchEntityError
from client.credentials import resolve_credentials
from cluster.process import NodeProcess
from node.policy.simulate import simulate_lines

DEMO_DIR = Path(__file__).resolve().parent.parent / ".demo"

REPORTS_READER = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadReports",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/${aws:username}/*"],
        }
    ],
}


def step(text: str) -> None:
    bold, plain = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("", "")
    print(f"\n{bold}▸ {text}{plain}")


def show(label: str, value: object) -> None:
    print(f"    {label:<26} {value}")


def main() -> int:
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    node = NodeProcess(DEMO_DIR / "node1", listen="127.0.0.1:0")
    step("Starting a node on .demo/node1 (SQLite in a local folder)")
    started = time.perf_counter()
    address = node.start()
    show("listening on", address)
    show("ready after", f"{(time.perf_counter() - started) * 1000:.0f} ms")
    show("root credentials", node.credentials_file.relative_to(DEMO_DIR.parent))
    try:
        root = resolve_credentials(credentials_file=str(node.credentials_file))
        with Client(address, credentials=root) as iam:
            run_tour(iam, address)
    finally:
        step("Stopping the node (SIGTERM)")
        status = node.stop()
        show("exit status", status)
    print("\nDone. The node's log is in .demo/node1/node.log")
    return 0


def run_tour(iam: Client, address: str) -> None:
    step("As the account root: a user, a group, a managed policy, an access key")
    account_arn = iam.get_user().user.arn
    show("caller", account_arn)
    alice = iam.create_user(
        user_name="alice", path="/eng/", tags=[{"Key": "team", "Value": "data"}]
    )
    show("CreateUser", alice.user.arn)
    show("  unique id", alice.user.user_id)
    group = iam.create_group(group_name="analysts")
    show("CreateGroup", group.group.arn)
    iam.add_user_to_group(group_name="analysts", user_name="alice")
    show("AddUserToGroup", "alice → analysts")
    policy = iam.create_policy(
        policy_name="ReadReports",
        policy_document=json.dumps(REPORTS_READER),
        description="read your own reports",
    )
    policy_arn = policy.policy.arn or ""
    show("CreatePolicy", f"{policy_arn} ({policy.policy.default_version_id})")
    iam.attach_group_policy(group_name="analysts", policy_arn=policy_arn)
    show("AttachGroupPolicy", "ReadReports → analysts")
    key = iam.create_access_key(user_name="alice").access_key
    show("CreateAccessKey", f"{key.access_key_id} (secret shown once)")

    step("A bad policy is refused with AWS's error, and changes nothing")
    try:
        iam.create_policy(
            policy_name="Broken", policy_document='{"Statement": {"Effect": "Permit"}}'
        )
    except Exception as err:  # the demo prints whatever the node said
        show("CreatePolicy", err)
    show("policies in account", len(iam.list_policies(scope="Local").policies))

    step("Calling as alice, signed with her new access key")
    with Client(address, credentials=Credentials(key.access_key_id, key.secret_access_key)) as me:
        who = me.get_user().user
        show("GetUser (no name)", who.arn)
        groups = me.list_groups_for_user(user_name="alice").groups
        show("ListGroupsForUser", ", ".join(g.group_name for g in groups))

    step("What alice may do: her policies, evaluated by the policy engine")
    attached = iam.list_attached_group_policies(group_name="analysts").attached_policies
    documents = [
        iam.get_policy_version(policy_arn=p.policy_arn, version_id="v1").policy_version.document
        for p in attached
        if p.policy_arn is not None
    ]
    requests = [
        ("s3:GetObject", "arn:aws:s3:::reports/alice/q3.csv"),
        ("s3:GetObject", "arn:aws:s3:::reports/bob/q3.csv"),
        ("s3:DeleteObject", "arn:aws:s3:::reports/alice/q3.csv"),
    ]
    lines = [
        json.dumps(
            {
                "id": f"{action} {resource}",
                "identity_policies": documents,
                "principal_arn": alice.user.arn,
                "action": action,
                "resource_arn": resource,
                "context": {"aws:username": "alice"},
            }
        )
        for action, resource in requests
    ]
    for answer in map(json.loads, simulate_lines(lines)):
        show(answer.get("decision", answer.get("error")), answer["id"])

    step("Accounts are isolated: a member account sees none of this")
    member = iam.create_account(account_name="sandbox")
    assert member.root_credentials is not None
    show("CreateAccount", member.account.account_id)
    creds = member.root_credentials
    with Client(
        address, credentials=Credentials(creds.access_key_id, creds.secret_access_key)
    ) as other:
        try:
            other.get_user(user_name="alice")
        except NoSuchEntityError as err:
            show("GetUser alice", err)

    step("GetAccountSummary")
    summary = iam.get_account_summary().summary_map
    for name in ("Users", "Groups", "Policies", "AccountAccessKeysPresent"):
        show(name, summary[name])


if __name__ == "__main__":
    sys.exit(main())

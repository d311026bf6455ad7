"""Open findings of an adversarial review of the work one policy evaluation may cost.

The node runs as a child process here: the attack stops its event loop for longer than the
age of the universe, so the test kills the process instead of waiting for it to stop.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from iamstore.client import Client, Credentials
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.process import NodeProcess

# `*a*a...*a*b` against `aaa...a`: a backtracking regex tries every way to place the 30 `a`s
# of the pattern among the 3000 of the value (about 10^64 ways) before it gives up; a
# linear-time wildcard matcher answers at once.
PATHOLOGICAL_PATTERN = "*a" * 30 + "b"
PATHOLOGICAL_VALUE = "a" * 3000
# A bystander's calls must be answered well within this; it only separates "answered" from
# "the node is stuck", by many orders of magnitude either way.
BYSTANDER_DEADLINE_S = 20.0


def _account_root(address: str, management: Client, name: str) -> Client:
    root = management.create_account(account_name=name).root_credentials
    assert root is not None
    return Client(
        address,
        credentials=Credentials(root.access_key_id, root.secret_access_key),
        timeout=BYSTANDER_DEADLINE_S,
    )


@pytest.mark.xfail(
    strict=True,
    reason="StringLike (and Resource/ArnLike) wildcards compile to backtracking regexes "
    "(`.*a.*a...`) run on the event loop: one caller's policy with many `*` and a long value "
    "stops the node for every account",
)
def test_review_one_wildcard_condition_cannot_stop_the_node(tmp_path: Path) -> None:
    node = NodeProcess(tmp_path / "node")
    address = node.start()
    attack_done = threading.Event()
    try:
        management_credentials = resolve_credentials(credentials_file=str(node.credentials_file))
        with Client(address, credentials=management_credentials) as management:
            attacker = _account_root(address, management, "attacker")
            bystander = _account_root(address, management, "bystander")
        policy = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "*",
                        "Condition": {"StringLike": {"aws:UserAgent": PATHOLOGICAL_PATTERN}},
                    }
                ],
            }
        )

        def attack() -> None:
            try:
                attacker.simulate_custom_policy(
                    policy_input_list=[policy],
                    action_names=["s3:GetObject"],
                    context_entries=[
                        {
                            "ContextKeyName": "aws:UserAgent",
                            "ContextKeyValues": [PATHOLOGICAL_VALUE],
                            "ContextKeyType": "string",
                        }
                    ],
                )
            except Exception:
                pass  # the node is killed under it: only its effect on the bystander counts
            finally:
                attack_done.set()

        thread = threading.Thread(target=attack, daemon=True)
        thread.start()
        # A few calls, so that at least one lands after the attack reached the node.
        for _ in range(3):
            if attack_done.wait(1.0):
                break
            identity = bystander.get_caller_identity()
            assert identity.account
        assert attack_done.wait(BYSTANDER_DEADLINE_S)
        attacker.close()
        bystander.close()
    finally:
        node.kill()
        attack_done.wait(BYSTANDER_DEADLINE_S)

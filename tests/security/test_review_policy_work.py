"""Findings of an adversarial review of the work one policy evaluation may cost, now fixed.

The node runs as a child process here: the attacks stop its event loop for longer than the
age of the universe, so each test kills the process instead of waiting for it to stop.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

from iamstore.client import Client, Credentials
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.process import NodeProcess

# `*a*a...*a*b` against `aaa...a`: a backtracking regex tries every way to place the `a`s of
# the pattern among those of the value (about 10^64 ways for 30 in 3000, 10^13 for 16 in 64)
# before it gives up; a linear-time wildcard matcher answers at once.
PATHOLOGICAL_VALUE = "a" * 3000
LONGEST_USER_NAME = "a" * 64
# A bystander's calls must be answered well within this; it only separates "answered" from
# "the node is stuck", by many orders of magnitude either way.
BYSTANDER_DEADLINE_S = 20.0

Attack = Callable[[Client, Client], Callable[[], object]]


def _account_root(address: str, management: Client, name: str) -> Client:
    root = management.create_account(account_name=name).root_credentials
    assert root is not None
    return Client(
        address,
        credentials=Credentials(root.access_key_id, root.secret_access_key),
        timeout=BYSTANDER_DEADLINE_S,
    )


def _bystander_is_answered_during(tmp_path: Path, prepare: Attack) -> None:
    """Runs the attack `prepare(attacker_root, bystander_root)` returns, and has another
    account call the node while it runs; fails when the bystander is not answered."""
    node = NodeProcess(tmp_path / "node")
    address = node.start()
    attack_done = threading.Event()
    try:
        management_credentials = resolve_credentials(credentials_file=str(node.credentials_file))
        with Client(address, credentials=management_credentials) as management:
            attacker = _account_root(address, management, "attacker")
            bystander = _account_root(address, management, "bystander")
        attack = prepare(attacker, bystander)

        def run_attack() -> None:
            try:
                attack()
            except Exception:
                pass  # the node is killed under it: only its effect on the bystander counts
            finally:
                attack_done.set()

        thread = threading.Thread(target=run_attack, daemon=True)
        thread.start()
        # A few calls, so that at least one lands after the attack reached the node.
        for _ in range(3):
            if attack_done.wait(1.0):
                break
            assert bystander.get_caller_identity().account
        assert attack_done.wait(BYSTANDER_DEADLINE_S)
        attacker.close()
        bystander.close()
    finally:
        node.kill()
        attack_done.wait(BYSTANDER_DEADLINE_S)


def _policy(statement: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_review_one_wildcard_condition_cannot_stop_the_node(tmp_path: Path) -> None:
    def prepare(attacker: Client, bystander: Client) -> Callable[[], object]:
        policy = _policy(
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"StringLike": {"aws:UserAgent": "*a" * 30 + "b"}},
            }
        )
        return lambda: attacker.simulate_custom_policy(
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

    _bystander_is_answered_during(tmp_path, prepare)


def test_review_one_wildcard_resource_cannot_stop_the_node(tmp_path: Path) -> None:
    def prepare(attacker: Client, bystander: Client) -> Callable[[], object]:
        attacker.create_user(user_name="mallory")
        attacker.put_user_policy(
            user_name="mallory",
            policy_name="wildcards",
            policy_document=_policy(
                {
                    "Effect": "Allow",
                    "Action": "iam:GetUser",
                    "Resource": "arn:aws:iam::*:user/" + "*a" * 16 + "b",
                }
            ),
        )
        key = attacker.create_access_key(user_name="mallory").access_key
        mallory = Client(
            attacker.endpoints[0],
            credentials=Credentials(key.access_key_id, key.secret_access_key),
            timeout=BYSTANDER_DEADLINE_S,
        )
        return lambda: mallory.get_user(user_name=LONGEST_USER_NAME)

    _bystander_is_answered_during(tmp_path, prepare)

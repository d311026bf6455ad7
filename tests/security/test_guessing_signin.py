"""Sign-in guesses are counted as they start, and password hashing is bounded per node.

Attacks kept: the lock was checked before the slow password hash and the failure counted
after it, so a burst of 40 concurrent guesses was checked in full (the 36th, right, one signed
in); and every unauthenticated guess could start its own 64 MiB argon2 hash.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from iamstore.client import Client
from iamstore.client.errors import IamError
from iamstore.client.providers import sign_in
from iamstore.cluster.inproc import InProcessNode
from iamstore.node.api import signin
from iamstore.node.config import NodeConfig
from iamstore.node.domain.signin import SignInRules

PASSWORD = "Correct-horse-9"
RULES = SignInRules(
    free_failures=1,
    base_delay_s=0.01,
    max_delay_s=0.01,
    lock_after=4,
    lock_s=3600,
    max_concurrent_hashes=2,
    max_waiting_hashes=2,
)


@pytest.fixture(scope="module")
def iam_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    """This module's own node, with small sign-in limits (overrides the shared one)."""
    data_dir: Path = tmp_path_factory.mktemp("guessing-node")
    config = NodeConfig(data_dir=data_dir, listen="127.0.0.1:0", signin_rules=RULES)
    with InProcessNode(config) as node:
        yield node


class _CountingVerifier:
    """Wraps the node's password check: counts checks and the most running at once. Each
    check is held a while, so that concurrent guesses really overlap."""

    def __init__(self, real: Callable[[str, str], bool]) -> None:
        self.real = real
        self.lock = threading.Lock()
        self.checked: list[str] = []
        self.running = 0
        self.most_running = 0

    def __call__(self, password_hash: str, password: str) -> bool:
        with self.lock:
            self.checked.append(password)
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        try:
            time.sleep(0.2)
            return self.real(password_hash, password)
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def verifier(monkeypatch: pytest.MonkeyPatch) -> _CountingVerifier:
    counting = _CountingVerifier(signin.verify_password)
    monkeypatch.setattr(signin, "verify_password", counting)
    return counting


def _attempt(node: InProcessNode, account: str, name: str, password: str) -> str:
    """'ok', or the error code of a refused attempt."""
    try:
        sign_in(node.address, account=account, user_name=name, password=password)
    except IamError as err:
        return err.code
    return "ok"


def test_a_burst_of_guesses_is_checked_only_up_to_the_lock(
    iam_node: InProcessNode, iam: Client, verifier: _CountingVerifier
) -> None:
    account = iam.get_caller_identity().account
    iam.create_user(user_name="alice")
    iam.create_login_profile(user_name="alice", password=PASSWORD)
    guesses = [f"wrong-{i}" for i in range(40)]
    guesses[35] = PASSWORD
    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(lambda p: _attempt(iam_node, account, "alice", p), guesses))
    # No more passwords of one name are ever checked than the lock allows, however many
    # arrive at once; the right one, arriving after the lock, is refused unchecked.
    assert len(verifier.checked) <= RULES.lock_after
    assert PASSWORD not in verifier.checked
    assert "ok" not in answers
    assert set(answers) <= {"AccessDenied", "Throttling"}


def test_concurrent_password_hashing_is_bounded(
    iam_node: InProcessNode, iam: Client, verifier: _CountingVerifier
) -> None:
    account = iam.get_caller_identity().account
    names = [f"user{i}" for i in range(20)]  # one guess per name: no lock gets in the way
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        answers = list(pool.map(lambda n: _attempt(iam_node, account, n, "guess"), names))
    assert verifier.most_running <= RULES.max_concurrent_hashes
    # Beyond the running and waiting checks, attempts are refused at once, unchecked.
    assert answers.count("Throttling") >= 1
    assert answers.count("Throttling") + len(verifier.checked) == len(names)
    assert set(answers) == {"AccessDenied", "Throttling"}

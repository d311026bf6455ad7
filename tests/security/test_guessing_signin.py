"""Sign-in guesses are counted as they start, and password hashing is bounded per node.

Attacks kept: the lock was checked before the slow password hash and the failure counted
after it, so a burst of 40 concurrent guesses was checked in full (the 36th, right, one signed
in); and every unauthenticated guess could start its own 64 MiB argon2 hash.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from iamstore.client import Client
from iamstore.client.errors import IamError
from iamstore.client.providers import sign_in
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.api import signin
from iamstore.node.auth.passwords import verify_password
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


class _HeldVerifier:
    """Wraps the node's password check: counts the checks and the most running at once, and
    holds each until the test releases them, so concurrent guesses overlap for certain."""

    def __init__(self, real: Callable[[str, str], bool]) -> None:
        self.real = real
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.checked: list[str] = []
        self.running = 0
        self.most_running = 0

    def __call__(self, password_hash: str, password: str) -> bool:
        with self.lock:
            self.checked.append(password)
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        try:
            self.release.wait(timeout=60)
            return self.real(password_hash, password)
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def verifier(monkeypatch: pytest.MonkeyPatch) -> Iterator[_HeldVerifier]:
    held = _HeldVerifier(verify_password)
    monkeypatch.setattr(signin, "verify_password", held)
    yield held
    held.release.set()  # never leave a node thread waiting


def _attempt(node: InProcessNode, account: str, name: str, password: str) -> str:
    """'ok', or the error code of a refused attempt."""
    try:
        sign_in(node.address, account=account, user_name=name, password=password)
    except IamError as err:
        return err.code
    return "ok"


def _eventually(condition: Callable[[], bool]) -> bool:
    """Whether `condition` comes true while the checks are held (a generous deadline, so that
    the old behaviour, answering none of the attempts, fails instead of hanging)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def _answered(futures: list[Future[str]], count: int) -> bool:
    return _eventually(lambda: sum(f.done() for f in futures) >= count)


def test_a_burst_of_guesses_is_checked_only_up_to_the_lock(
    iam_node: InProcessNode, iam: Client, verifier: _HeldVerifier
) -> None:
    account = iam.get_caller_identity().account
    iam.create_user(user_name="alice")
    iam.create_login_profile(user_name="alice", password=PASSWORD)
    with ThreadPoolExecutor(max_workers=40) as pool:
        wrong = [pool.submit(_attempt, iam_node, account, "alice", f"wrong-{i}") for i in range(39)]
        # While the first guesses are still being checked, every later one is refused: each
        # guess counts from the moment its check starts.
        refused_at_once = _answered(wrong, len(wrong) - RULES.lock_after)
        right = pool.submit(_attempt, iam_node, account, "alice", PASSWORD).result(timeout=30)
        verifier.release.set()
        answers = [f.result() for f in wrong]
    assert refused_at_once
    assert right == "AccessDenied"  # the name is locked: the right password is not checked
    assert len(verifier.checked) == RULES.lock_after
    assert PASSWORD not in verifier.checked
    assert set(answers) == {"AccessDenied"}


def test_concurrent_password_hashing_is_bounded(
    iam_node: InProcessNode, iam: Client, verifier: _HeldVerifier
) -> None:
    account = iam.get_caller_identity().account
    names = [f"user{i}" for i in range(20)]  # one guess per name: no lock gets in the way
    admitted = RULES.max_concurrent_hashes + RULES.max_waiting_hashes
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        futures = [pool.submit(_attempt, iam_node, account, n, "guess") for n in names]
        # Beyond the running and waiting checks, attempts are refused at once, unchecked.
        throttled_at_once = _answered(futures, len(names) - admitted)
        limit_reached = _eventually(lambda: verifier.running == RULES.max_concurrent_hashes)
        most_running = verifier.most_running
        verifier.release.set()
        answers = [f.result() for f in futures]
    assert throttled_at_once
    assert limit_reached
    assert most_running == RULES.max_concurrent_hashes
    assert answers.count("Throttling") == len(names) - admitted
    assert answers.count("AccessDenied") == admitted
    assert len(verifier.checked) == admitted

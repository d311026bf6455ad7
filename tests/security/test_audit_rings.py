"""ListAuditEvents: unauthenticated noise never pushes an account's real events out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from iamstore.client import (
    Client,
    Credentials,
    InvalidClientTokenIdError,
    SignatureDoesNotMatchError,
)
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.audit import AuditCapacity, AuditDecision, AuditFilter, AuditLog
from iamstore.node.config import NodeConfig

SMALL = AuditCapacity(per_account=5, failures_per_account=3, unattributed_failures=4, accounts=3)
EVERYTHING = AuditFilter()


def _log() -> AuditLog:
    return AuditLog("n1", lambda: 0, capacity=SMALL)


def _change(log: AuditLog, account: str, name: str) -> None:
    log.record(
        account_id=account,
        principal=f"arn:aws:iam::{account}:root",
        action="iam:CreateUser",
        resource=f"arn:aws:iam::{account}:user/{name}",
        decision=AuditDecision.ALLOW,
    )


def _failure(log: AuditLog, account: str | None, principal: str = "AKIAEXAMPLE") -> None:
    log.record(
        account_id=account,
        principal=principal,
        action="iam:ListUsers",
        resource="*",
        decision=AuditDecision.AUTHENTICATION_FAILURE,
        error_code="SignatureDoesNotMatch",
    )


def _resources(log: AuditLog, account: str, *, with_unattributed: bool = False) -> list[str]:
    page = log.page(account, EVERYTHING, max_items=1000, with_unattributed=with_unattributed)
    return [e.resource.rsplit("/", 1)[-1] for e in page.events]


def test_failures_about_an_account_never_evict_its_authenticated_events() -> None:
    log = _log()
    for name in "abcde":
        _change(log, "111111111111", name)
    for _ in range(1000):  # anyone who knows an access key id can cause these
        _failure(log, "111111111111")
        _failure(log, None)
    events = log.page("111111111111", EVERYTHING, max_items=1000).events
    real = [e for e in events if e.decision is AuditDecision.ALLOW]
    assert [e.resource[-1] for e in real] == list("abcde")
    # The failures are kept too, bounded, and the newest of them.
    failures = [e for e in events if e.decision is AuditDecision.AUTHENTICATION_FAILURE]
    assert len(failures) == SMALL.failures_per_account
    assert failures[-1].seq == max(e.seq for e in events)


def test_each_account_has_its_own_bound() -> None:
    log = _log()
    for index in range(100):
        _change(log, "222222222222", f"noise{index}")
    _change(log, "111111111111", "quiet")
    assert _resources(log, "111111111111") == ["quiet"]
    assert len(_resources(log, "222222222222")) == SMALL.per_account


def test_unattributed_failures_are_bounded_and_seen_only_with_them() -> None:
    log = _log()
    _change(log, "111111111111", "mine")
    for index in range(50):
        _failure(log, None, f"AKIAUNKNOWN{index:09d}")
    assert _resources(log, "111111111111") == ["mine"]
    merged = log.page("111111111111", EVERYTHING, max_items=1000, with_unattributed=True).events
    assert len(merged) == 1 + SMALL.unattributed_failures
    assert [e.seq for e in merged] == sorted(e.seq for e in merged)  # oldest first, one order


def test_pages_walk_the_merged_rings_in_order() -> None:
    log = _log()
    _change(log, "111111111111", "a")
    _failure(log, "111111111111")
    _change(log, "111111111111", "b")
    _failure(log, None)
    _change(log, "111111111111", "c")
    seen: list[int] = []
    marker = None
    while True:
        page = log.page("111111111111", EVERYTHING, marker, 2, with_unattributed=True)
        seen += [e.seq for e in page.events]
        if not page.is_truncated:
            break
        marker = page.marker
    assert seen == [1, 2, 3, 4, 5]


def test_the_number_of_account_rings_is_bounded_least_recent_first() -> None:
    log = _log()
    for account in ("111111111111", "222222222222", "333333333333"):
        _change(log, account, "x")
    _change(log, "111111111111", "y")  # 111... is now the most recent
    _change(log, "444444444444", "x")
    assert _resources(log, "222222222222") == []  # dropped: recorded nothing for longest
    assert _resources(log, "111111111111") == ["x", "y"]
    assert _resources(log, "444444444444") == ["x"]


# --- through a node: a flood of bad signatures ---------------------------------------------


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    data_dir: Path = tmp_path_factory.mktemp("audit-node")
    config = NodeConfig(data_dir=data_dir, listen="127.0.0.1:0", audit_capacity=SMALL)
    with InProcessNode(config) as running:
        yield running


def test_a_flood_of_bad_signatures_leaves_every_accounts_real_events(node: InProcessNode) -> None:
    credentials = resolve_credentials(credentials_file=str(node.credentials_file))
    with Client(node.address, credentials=credentials) as management:
        root = management.create_account(account_name="victim").root_credentials
        assert root is not None
        victim = Client(
            node.address, credentials=Credentials(root.access_key_id, root.secret_access_key)
        )
        with victim:
            victim.create_user(user_name="real-change")
            forged = Credentials(root.access_key_id, "x" * 40)  # the key id is not a secret
            stranger = Credentials("AKIAUNKNOWNKEY000000", "y" * 40)
            with Client(node.address, credentials=forged) as forger:
                for _ in range(20):
                    with pytest.raises(SignatureDoesNotMatchError):
                        forger.list_users()
            with Client(node.address, credentials=stranger) as anonymous:
                for _ in range(20):
                    with pytest.raises(InvalidClientTokenIdError):
                        anonymous.list_users()
            events = victim.list_audit_events().events
            changes = [e for e in events if e.decision == "Allow"]
            assert [e.resource.rsplit("/", 1)[-1] for e in changes] == ["real-change"]
            failures = [e for e in events if e.decision == "AuthenticationFailure"]
            assert len(failures) == SMALL.failures_per_account
        # The management account's own events survive the unknown-key flood as well.
        own = management.list_audit_events(action="organizations:CreateAccount").events
        assert len(own) == 1

"""Wrong MFA codes given to STS are counted per device across the cluster, slowed and locked.

Attack kept: GetSessionToken and AssumeRole accepted unlimited wrong TOTP codes (1,141 guesses
a second on one node, about 5 minutes to hit a valid code).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from security_nodes import allow, doc, mfa_device, next_code, trust_account, user_client

from iamstore.client import AccessDeniedError, AsyncClient, Client, Credentials
from iamstore.client.providers import sign_in
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.cluster.testing.memory import MemoryCluster
from iamstore.node.api.mfa_attempts import MfaAttempts
from iamstore.node.config import NodeConfig
from iamstore.node.domain.entities import Change, MfaFailures
from iamstore.node.domain.signin import SignInRules
from iamstore.node.domain.view import View

PASSWORD = "Correct-horse-9"
RULES = SignInRules(free_failures=1, base_delay_s=0.01, max_delay_s=0.01, lock_after=4, lock_s=3600)


@pytest.fixture(scope="module")
def iam_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    """This module's own node, with small MFA limits (overrides the shared one)."""
    data_dir: Path = tmp_path_factory.mktemp("mfa-node")
    config = NodeConfig(data_dir=data_dir, listen="127.0.0.1:0", mfa_rules=RULES)
    with InProcessNode(config) as node:
        yield node


def _wrong_code(totp: pyotp.TOTP) -> str:
    """A code outside the node's ±1 step window."""
    step = int(time.time() // 30)
    valid = {totp.generate_otp(s) for s in range(step - 2, step + 3)}
    return next(
        c for c in ("000000", "000001", "000002", "000003", "000004", "000005") if c not in valid
    )


def _mfa_user(node: InProcessNode, iam: Client) -> tuple[Client, str, pyotp.TOTP]:
    client = user_client(node, iam, "alice", doc(allow("sts:AssumeRole")))
    serial, totp = mfa_device(iam, "alice")
    return client, serial, totp


def test_wrong_codes_lock_the_device_even_for_the_right_code(
    iam_node: InProcessNode, iam: Client
) -> None:
    alice, serial, totp = _mfa_user(iam_node, iam)
    with alice:
        for _ in range(RULES.lock_after):
            with pytest.raises(AccessDeniedError, match="invalid MFA one time pass code"):
                alice.get_session_token(serial_number=serial, token_code=_wrong_code(totp))
        with pytest.raises(AccessDeniedError, match="too many invalid codes"):
            alice.get_session_token(serial_number=serial, token_code=next_code(totp))
        # Without a code the user is not locked out of what needs none.
        assert alice.get_session_token().credentials is not None


def test_assume_role_counts_on_the_same_device(iam_node: InProcessNode, iam: Client) -> None:
    account = iam.get_caller_identity().account
    role_arn = iam.create_role(
        role_name="r", assume_role_policy_document=trust_account(account)
    ).role.arn
    assert role_arn is not None
    alice, serial, totp = _mfa_user(iam_node, iam)
    with alice:
        for _ in range(2):
            with pytest.raises(AccessDeniedError, match="invalid MFA"):
                alice.get_session_token(serial_number=serial, token_code=_wrong_code(totp))
        for _ in range(2):
            with pytest.raises(AccessDeniedError, match="invalid MFA"):
                alice.assume_role(
                    role_arn=role_arn,
                    role_session_name="s1",
                    serial_number=serial,
                    token_code=_wrong_code(totp),
                )
        with pytest.raises(AccessDeniedError, match="too many invalid codes"):
            alice.assume_role(
                role_arn=role_arn,
                role_session_name="s1",
                serial_number=serial,
                token_code=next_code(totp),
            )


def test_a_right_code_forgets_the_failures(iam_node: InProcessNode, iam: Client) -> None:
    alice, serial, totp = _mfa_user(iam_node, iam)
    with alice:
        for _ in range(RULES.lock_after - 1):
            with pytest.raises(AccessDeniedError, match="invalid MFA"):
                alice.get_session_token(serial_number=serial, token_code=_wrong_code(totp))
        alice.get_session_token(serial_number=serial, token_code=next_code(totp))
        for _ in range(RULES.lock_after - 1):  # counted from zero again: not locked
            with pytest.raises(AccessDeniedError, match="invalid MFA"):
                alice.get_session_token(serial_number=serial, token_code=_wrong_code(totp))


def test_failures_counted_by_other_nodes_count_here() -> None:
    # Another node's replicated count of the device, one short of the lock: one more failure
    # here locks the device, as the counts are summed across the cluster.
    view = View()
    now_ms = 1_000_000_000
    view.apply(Change.put(MfaFailures("GAMFA1", "node-b", RULES.lock_after - 1, now_ms)))
    here = MfaAttempts("node-a", RULES)
    assert not here.locked(view, "GAMFA1", now_ms / 1000)
    row, _ = here.failed(view, "GAMFA1", now_ms / 1000 + 1)
    view.apply(Change.put(row))
    here.written(row)
    assert here.locked(view, "GAMFA1", now_ms / 1000 + 2)
    # A device nobody else counted is not locked by the others' rows.
    assert not here.locked(view, "GAMFA2", now_ms / 1000 + 2)
    # A success deletes every node's count of the device.
    for change in here.forgotten(view, "GAMFA1"):
        view.apply(change)
    assert not here.locked(view, "GAMFA1", now_ms / 1000 + 3)


def _as(cluster: MemoryCluster, index: int, credentials: Credentials) -> AsyncClient:
    address = cluster.nodes[index].address
    assert address is not None
    return AsyncClient(address, credentials=credentials)


async def test_the_count_is_cluster_wide(tmp_path: Path) -> None:
    # Two wrong codes on each side of a partition: each side counts only two, but once the
    # partition heals the counts add up to the lock on every node. With per-node counters
    # (or one row that either side overwrites) each node would accept the right code.
    cluster = MemoryCluster(tmp_path, 3, mfa_rules=RULES)
    await cluster.start()
    try:
        async with cluster.client(0) as root:
            await root.create_user(user_name="alice")
            await root.put_user_policy(
                user_name="alice", policy_name="p", policy_document=doc(allow("sts:*"))
            )
            key = (await root.create_access_key(user_name="alice")).access_key
            device = (
                await root.create_virtual_mfa_device(virtual_mfa_device_name="alice")
            ).virtual_mfa_device
            assert device.base32_string_seed is not None
            totp = pyotp.TOTP(device.base32_string_seed.decode())
            step = int(time.time() // 30)
            await root.enable_mfa_device(
                user_name="alice",
                serial_number=device.serial_number,
                authentication_code1=totp.generate_otp(step - 1),
                authentication_code2=totp.generate_otp(step),
            )
        assert await cluster.converged()
        alice = Credentials(key.access_key_id, key.secret_access_key)
        cluster.partition([0], [1, 2])
        for index in (0, 0, 1, 1):
            async with _as(cluster, index, alice) as client:
                with pytest.raises(AccessDeniedError, match="invalid MFA"):
                    await client.get_session_token(
                        serial_number=device.serial_number, token_code=_wrong_code(totp)
                    )
        cluster.heal()
        assert await cluster.converged()
        for index in (0, 1, 2):
            async with _as(cluster, index, alice) as client:
                with pytest.raises(AccessDeniedError, match="too many invalid codes"):
                    await client.get_session_token(
                        serial_number=device.serial_number, token_code=next_code(totp)
                    )
    finally:
        await cluster.stop()


@pytest.mark.slow
def test_sign_in_is_no_way_around_the_lock(iam_node: InProcessNode, iam: Client) -> None:
    account = iam.get_caller_identity().account
    alice, serial, totp = _mfa_user(iam_node, iam)
    iam.create_login_profile(user_name="alice", password=PASSWORD)
    with alice:
        # Wrong codes given at sign-in count against the device too ...
        for _ in range(RULES.lock_after):
            with pytest.raises(AccessDeniedError):
                sign_in(
                    iam_node.address,
                    account=account,
                    user_name="alice",
                    password=PASSWORD,
                    token_code=_wrong_code(totp),
                )
        with pytest.raises(AccessDeniedError, match="too many invalid codes"):
            alice.get_session_token(serial_number=serial, token_code=next_code(totp))
    # ... and a locked device takes no code at sign-in either, not even the right one.
    with pytest.raises(AccessDeniedError):
        sign_in(
            iam_node.address,
            account=account,
            user_name="alice",
            password=PASSWORD,
            token_code=next_code(totp),
        )

"""AssumeRoleCredentials refreshes as botocore's RefreshableCredentials does: in the background
inside the advisory window, blocking only inside the mandatory window; one refresh at a time."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest
from client_fake_node import ACCESS_KEY_ID, SECRET_ACCESS_KEY, FakeNode

from iamstore.client import AsyncClient, Credentials, NoCredentialsError
from iamstore.client.providers import AssumeRoleCredentials, Expiring, RoleProfile, refresh_blocks
from iamstore.v1 import iam_pb2

ROLE = RoleProfile(role_arn="arn:aws:iam::123456789012:role/app", source_profile="base")
LIFETIME_S = 900.0
ADVISORY_S = 300.0
MANDATORY_S = 120.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeSts:
    """Issues credentials valid for LIFETIME_S of the clock; `fail` makes the next calls raise."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calls: list[str | None] = []
        self.threads: list[threading.Thread] = []
        self.fail = False
        self.gate: threading.Event | None = None  # when set up, each call waits for it

    def __call__(self, role: RoleProfile, session: str, code: str | None) -> Expiring:
        self.calls.append(code)
        self.threads.append(threading.current_thread())
        if self.gate is not None:
            assert self.gate.wait(30), "the test never opened the gate"
        if self.fail:
            raise ConnectionError("the node is unavailable")
        n = len(self.calls)
        issued = Credentials(f"ASIA{n}", f"secret{n}", f"token{n}")
        return Expiring(issued, self.clock() + LIFETIME_S)


class Deferred:
    """A background runner that runs nothing until the test says so."""

    def __init__(self) -> None:
        self.pending: list[Callable[[], None]] = []

    def __call__(self, function: Callable[[], None]) -> None:
        self.pending.append(function)

    def run(self) -> None:
        jobs, self.pending = self.pending, []
        for job in jobs:
            job()


def _credentials(
    clock: Clock,
    sts: FakeSts,
    background: Callable[[Callable[[], None]], None],
    role: RoleProfile = ROLE,
    **options: object,
) -> AssumeRoleCredentials:
    return AssumeRoleCredentials(
        role,
        assume=sts,
        clock=clock,
        advisory_refresh_s=ADVISORY_S,
        mandatory_refresh_s=MANDATORY_S,
        advisory_retry_s=30.0,
        background=background,
        **options,  # type: ignore[arg-type]
    )


def _into_advisory_window(clock: Clock) -> None:
    clock.now += LIFETIME_S - ADVISORY_S + 1  # 299 s left


def test_nothing_is_refreshed_before_the_advisory_window() -> None:
    clock, runner = Clock(), Deferred()
    sts = FakeSts(clock)
    creds = _credentials(clock, sts, runner)
    assert creds.frozen().access_key_id == "ASIA1"  # the first credentials: fetched at once
    clock.now += LIFETIME_S - ADVISORY_S  # exactly 300 s left: not yet less than the window
    assert creds.frozen().access_key_id == "ASIA1"
    assert (len(sts.calls), runner.pending) == (1, [])


def test_advisory_refresh_runs_in_the_background_while_callers_keep_going() -> None:
    clock, runner = Clock(), Deferred()
    sts = FakeSts(clock)
    creds = _credentials(clock, sts, runner)
    creds.frozen()
    _into_advisory_window(clock)
    # Callers get the still-valid credentials at once; one refresh is started, not one each.
    assert [creds.frozen().access_key_id for _ in range(3)] == ["ASIA1"] * 3
    assert len(runner.pending) == 1
    assert not refresh_blocks(creds)
    runner.run()
    assert creds.frozen().access_key_id == "ASIA2"
    assert len(sts.calls) == 2
    assert runner.pending == []  # the new credentials are fresh again


def test_a_failed_advisory_refresh_does_not_fail_callers_and_is_retried_later(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, runner = Clock(), Deferred()
    sts = FakeSts(clock)
    creds = _credentials(clock, sts, runner)
    creds.frozen()
    _into_advisory_window(clock)
    sts.fail = True
    creds.frozen()
    with caplog.at_level(logging.WARNING, logger="iamstore.client.providers"):
        runner.run()
    assert "advisory refresh period" in caplog.text
    assert creds.frozen().access_key_id == "ASIA1"
    assert runner.pending == []  # no new attempt on every call after a failure
    clock.now += 30
    sts.fail = False
    creds.frozen()
    runner.run()
    assert creds.frozen().access_key_id == "ASIA3"


def test_inside_the_mandatory_window_callers_block_and_errors_reach_them() -> None:
    clock, runner = Clock(), Deferred()
    sts = FakeSts(clock)
    creds = _credentials(clock, sts, runner)
    creds.frozen()
    clock.now += LIFETIME_S - MANDATORY_S + 1  # 119 s left
    assert refresh_blocks(creds)
    sts.fail = True
    with pytest.raises(ConnectionError):
        creds.frozen()
    sts.fail = False
    assert creds.frozen().access_key_id == "ASIA3"
    assert sts.threads[-1] is threading.current_thread()  # refreshed by the caller itself
    assert runner.pending == []


def test_a_blocked_caller_waits_for_the_refresh_in_flight_instead_of_starting_another() -> None:
    clock = Clock()
    sts = FakeSts(clock)
    background: list[threading.Thread] = []

    def in_thread(function: Callable[[], None]) -> None:
        thread = threading.Thread(target=function)
        background.append(thread)
        thread.start()

    creds = _credentials(clock, sts, in_thread)
    creds.frozen()
    sts.gate = threading.Event()
    _into_advisory_window(clock)
    assert creds.frozen().access_key_id == "ASIA1"  # the refresh now waits at the gate
    clock.now += ADVISORY_S - MANDATORY_S  # into the mandatory window
    seen: list[str] = []
    blocked = threading.Thread(target=lambda: seen.append(creds.frozen().access_key_id))
    blocked.start()
    sts.gate.set()
    blocked.join(30)
    for thread in background:
        thread.join(30)
    assert seen == ["ASIA2"]
    assert len(sts.calls) == 2  # the caller used the background refresh's credentials


def test_a_role_with_mfa_refreshes_only_when_it_must() -> None:
    # The code may need a person at a prompt: never asked for in the background.
    clock, runner = Clock(), Deferred()
    sts = FakeSts(clock)
    role = RoleProfile(ROLE.role_arn, "base", mfa_serial="arn:aws:iam::123456789012:mfa/u")
    creds = _credentials(clock, sts, runner, role, mfa_code=lambda: "123456")
    creds.frozen()
    _into_advisory_window(clock)
    assert creds.frozen().access_key_id == "ASIA1"
    assert runner.pending == []
    clock.now += ADVISORY_S
    assert creds.frozen().access_key_id == "ASIA2"
    assert sts.calls == ["123456", "123456"]


def test_credentials_already_expired_after_a_refresh_are_refused() -> None:
    clock, runner = Clock(), Deferred()

    def stale(role: RoleProfile, session: str, code: str | None) -> Expiring:
        return Expiring(Credentials("ASIA1", "s", "t"), clock() - 1)

    creds = AssumeRoleCredentials(ROLE, assume=stale, clock=clock, background=runner)
    with pytest.raises(NoCredentialsError, match="already expired"):
        creds.frozen()


def test_windows_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="mandatory_refresh_s"):
        AssumeRoleCredentials(
            ROLE, assume=FakeSts(Clock()), advisory_refresh_s=60, mandatory_refresh_s=120
        )


async def test_async_client_waits_for_a_blocking_refresh_off_its_event_loop(
    node: FakeNode,
) -> None:
    node.answer("DeleteUser", iam_pb2.DeleteUserResponse())
    loop_thread = threading.current_thread()
    assumed_in: list[threading.Thread] = []

    def assume(role: RoleProfile, session: str, code: str | None) -> Expiring:
        assumed_in.append(threading.current_thread())
        return Expiring(Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, "token"), 10**10)

    creds = AssumeRoleCredentials(ROLE, assume=assume)
    async with AsyncClient(node.endpoint, credentials=creds) as client:
        await client.delete_user(user_name="alice")
        await client.delete_user(user_name="bob")
    # The first call had no credentials yet: the AssumeRole ran in a worker thread, once.
    assert len(assumed_in) == 1
    assert assumed_in[0] is not loop_thread
    assert node.calls[-1].metadata["x-amz-security-token"] == "token"

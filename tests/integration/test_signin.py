"""SignIn through real gRPC: password (+ MFA) to temporary credentials, one failure message
for every wrong detail, per-node slow-down and lockout, password expiry, audited failures."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from iam_helpers import mfa_device

from iamstore.client import AccessDeniedError, Client
from iamstore.client import _transport as client_transport
from iamstore.client.credentials import resolve_credentials
from iamstore.client.errors import IamError
from iamstore.client.providers import SignInResult, sign_in
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.api.signin import FAILURE_MESSAGE, SignInService
from iamstore.node.config import NodeConfig
from iamstore.node.domain.signin import SignInRules

PASSWORD = "Correct-horse-9"
# Small numbers so the lockout is reached quickly: free 1, then 0.05 s, 0.1 s, locked at 4.
RULES = SignInRules(free_failures=1, base_delay_s=0.05, max_delay_s=0.1, lock_after=4, lock_s=3600)


# Every slow-down this module's node waited out, in order: recorded, so the tests count the
# waits instead of timing the calls.
SLEPT: list[float] = []


async def _recorded_sleep(seconds: float) -> None:
    SLEPT.append(seconds)
    await asyncio.sleep(seconds)


@pytest.fixture(scope="module")
def iam_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessNode]:
    """This module's own node, with fast sign-in throttling (overrides conftest's); its
    sign-in service waits through `_recorded_sleep`, made the default of SignInService's
    `sleep` parameter while the node is built."""
    data_dir: Path = tmp_path_factory.mktemp("signin-node")
    config = NodeConfig(data_dir=data_dir, listen="127.0.0.1:0", signin_rules=RULES)
    defaults = SignInService.__init__.__kwdefaults__
    assert defaults is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(defaults, "sleep", _recorded_sleep)
        with InProcessNode(config) as node:
            yield node


def _user(iam: Client, name: str = "alice") -> str:
    iam.create_user(user_name=name)
    iam.create_login_profile(user_name=name, password=PASSWORD)
    return iam.get_caller_identity().account


def _sign_in(
    node: InProcessNode, account: str, name: str, password: str, token_code: str | None = None
) -> SignInResult:
    return sign_in(
        node.address, account=account, user_name=name, password=password, token_code=token_code
    )


def test_sign_in_gives_credentials_that_act_as_the_user(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = _user(iam)
    result = _sign_in(iam_node, account, "alice", PASSWORD)
    assert result.arn == f"arn:aws:iam::{account}:user/alice"
    assert result.credentials.access_key_id.startswith("ASIA")
    assert not result.mfa_authenticated
    with Client(iam_node.address, credentials=result.credentials) as session:
        assert session.get_caller_identity().arn == result.arn
        # Like GetSessionToken credentials: without MFA, no IAM calls (AWS).
        with pytest.raises(AccessDeniedError):
            session.list_users()


def test_every_failure_reads_the_same(iam_node: InProcessNode, iam: Client) -> None:
    account = _user(iam)
    iam.create_user(user_name="nopassword")
    answers = []
    for account_given, name, password in [
        (account, "alice", "Wrong-password-1"),  # wrong password
        (account, "nobody", PASSWORD),  # no such user
        (account, "nopassword", PASSWORD),  # user without a login profile
        ("999999999999", "alice", PASSWORD),  # no such account
    ]:
        with pytest.raises(AccessDeniedError) as refused:
            _sign_in(iam_node, account_given, name, password)
        answers.append((refused.value.code, refused.value.message, refused.value.field))
    assert set(answers) == {("AccessDenied", FAILURE_MESSAGE, None)}
    # ... and every failure is in the audit stream, with its real reason.
    events = iam.list_audit_events(action="iamstore:SignIn").events
    reasons = [e.error_code for e in events if e.decision == "AuthenticationFailure"]
    assert sorted(r or "" for r in reasons) == ["InvalidPassword", "NoPassword", "NoSuchUser"]


def test_account_name_stands_in_for_an_alias(iam_node: InProcessNode, management: Client) -> None:
    made = management.create_account(account_name="signin-alias")
    root = made.root_credentials
    assert root is not None
    from iamstore.client import Credentials

    with Client(
        iam_node.address, credentials=Credentials(root.access_key_id, root.secret_access_key)
    ) as iam:
        _user(iam, "bob")
    assert _sign_in(iam_node, "signin-alias", "bob", PASSWORD).arn.endswith(":user/bob")


def test_failures_slow_down_then_lock_even_the_right_password(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = _user(iam)
    earlier = len(SLEPT)
    for _ in range(RULES.lock_after):
        with pytest.raises(AccessDeniedError):
            _sign_in(iam_node, account, "alice", "Wrong-password-1")
    # The failures after the free one waited out a delay, doubling up to the maximum.
    assert SLEPT[earlier:] == [RULES.base_delay_s, RULES.max_delay_s, RULES.max_delay_s]
    with pytest.raises(AccessDeniedError, match="authentication information is incorrect"):
        _sign_in(iam_node, account, "alice", PASSWORD)
    events = iam.list_audit_events(action="iamstore:SignIn").events
    assert events[-1].error_code == "Locked"
    # The lock is per name: another user of the account still signs in.
    iam.create_user(user_name="carol")
    iam.create_login_profile(user_name="carol", password=PASSWORD)
    assert _sign_in(iam_node, account, "carol", PASSWORD).arn.endswith(":user/carol")


def test_success_forgets_earlier_failures(iam_node: InProcessNode, iam: Client) -> None:
    account = _user(iam)
    for _ in range(RULES.lock_after - 1):
        with pytest.raises(AccessDeniedError):
            _sign_in(iam_node, account, "alice", "Wrong-password-1")
    _sign_in(iam_node, account, "alice", PASSWORD)
    for _ in range(RULES.lock_after - 1):
        with pytest.raises(AccessDeniedError):
            _sign_in(iam_node, account, "alice", "Wrong-password-1")
    assert _sign_in(iam_node, account, "alice", PASSWORD).arn.endswith(":user/alice")


def test_mfa_is_required_when_the_user_has_a_device(iam_node: InProcessNode, iam: Client) -> None:
    account = _user(iam)
    _, totp = mfa_device(iam, "alice")
    step = int(time.time() // 30)
    with pytest.raises(AccessDeniedError, match="authentication information is incorrect"):
        _sign_in(iam_node, account, "alice", PASSWORD)
    with pytest.raises(AccessDeniedError):
        _sign_in(iam_node, account, "alice", PASSWORD, token_code="000000")
    result = _sign_in(iam_node, account, "alice", PASSWORD, token_code=totp.generate_otp(step + 1))
    assert result.mfa_authenticated
    # AWS: session credentials with MFA may call IAM (here, as far as alice's policies go).
    with (
        Client(iam_node.address, credentials=result.credentials) as session,
        pytest.raises(AccessDeniedError, match="iam:ListUsers"),
    ):
        session.list_users()


def test_password_flagged_for_reset_must_be_changed_first(
    iam_node: InProcessNode, iam: Client
) -> None:
    account = iam.get_caller_identity().account
    iam.create_user(user_name="dave")
    iam.create_login_profile(user_name="dave", password=PASSWORD, password_reset_required=True)
    with pytest.raises(IamError) as refused:
        _sign_in(iam_node, account, "dave", PASSWORD)
    assert refused.value.code == "PasswordResetRequired"
    # Only a right password learns that: a wrong one reads like every other failure.
    with pytest.raises(AccessDeniedError):
        _sign_in(iam_node, account, "dave", "Wrong-password-1")


def test_the_login_profiles_signin_duration_bounds_the_session(
    iam_node: InProcessNode, iam: Client
) -> None:
    # AWS's LoginProfile.MaxSigninSessionDuration: the longest sign-in session through this
    # password. Here it lowers SignIn's default (12 h) and maximum (36 h).
    account = iam.get_caller_identity().account
    iam.create_user(user_name="frank")
    iam.create_login_profile(user_name="frank", password=PASSWORD)
    assert _sign_in_for(iam_node, account, "frank", 7200).arn.endswith(":user/frank")
    iam.update_login_profile(user_name="frank", max_signin_session_duration=3600)
    with pytest.raises(IamError, match="3600 seconds") as refused:
        _sign_in_for(iam_node, account, "frank", 7200)
    assert (refused.value.code, refused.value.field) == ("ValidationError", "DurationSeconds")
    # Without DurationSeconds the session lasts the profile's maximum, not SignIn's 12 hours.
    issued = _sign_in(iam_node, account, "frank", PASSWORD)
    with Client(iam_node.address, credentials=issued.credentials) as session:
        assert session.get_caller_identity().arn == issued.arn
    latest = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=3600)
    assert issued.expiration <= latest
    iam.update_login_profile(user_name="frank", reset_max_signin_session_duration=True)
    assert _sign_in_for(iam_node, account, "frank", 7200).arn.endswith(":user/frank")


def _sign_in_for(node: InProcessNode, account: str, name: str, seconds: int) -> SignInResult:
    return sign_in(
        node.address, account=account, user_name=name, password=PASSWORD, duration_seconds=seconds
    )


DAY = datetime.timedelta(days=1)


class _TwoDaysLater(datetime.datetime):
    """The client's signing clock, moved as far as the restarted node's."""

    @classmethod
    def now(cls, tz: datetime.tzinfo | None = None) -> _TwoDaysLater:
        moved = datetime.datetime.now(tz) + 2 * DAY
        return cls.fromtimestamp(moved.timestamp(), tz)


def test_max_password_age_counts_from_the_last_password_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # AWS: with MaxPasswordAge, a password expires that many days after it was set, and a
    # new password starts its age over.
    config = NodeConfig(data_dir=tmp_path / "node", listen="127.0.0.1:0", signin_rules=RULES)
    with InProcessNode(config) as node, _root(node) as iam:
        account = _user(iam, "erin")
        iam.update_account_password_policy(max_password_age=1)
    later = dataclasses.replace(config, clock_skew_ms=int(2 * DAY.total_seconds() * 1000))
    monkeypatch.setattr(client_transport, "datetime", _TwoDaysLater)
    with InProcessNode(later) as node:
        with pytest.raises(IamError, match="expired") as refused:
            _sign_in(node, account, "erin", PASSWORD)
        assert refused.value.code == "PasswordResetRequired"
        with _root(node) as iam:
            iam.update_login_profile(user_name="erin", password="Fresh-horse-10")
        assert _sign_in(node, account, "erin", "Fresh-horse-10").arn.endswith(":user/erin")


def _root(node: InProcessNode) -> Client:
    credentials = resolve_credentials(credentials_file=str(node.credentials_file))
    return Client(node.address, credentials=credentials)

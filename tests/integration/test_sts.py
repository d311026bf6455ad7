"""STS through real gRPC: caller identity, session tokens, the AssumeRole matrix, bad tokens."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from iam_helpers import assert_lasts, mfa_device

from iamstore.client import (
    AccessDeniedError,
    Client,
    Credentials,
    ExpiredTokenError,
    InvalidClientTokenIdError,
    ValidationError,
)
from iamstore.client.models import PolicyDescriptorType, TemporaryCredentials
from iamstore.cluster.testing.inproc import InProcessNode
from iamstore.node.auth.sessions import Session, SessionKind, SessionSealer, new_key_id, new_secret


def doc(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(principal: dict[str, object], **extra: object) -> str:
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra})


ALLOW_ASSUME = doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})


def account_id(client: Client) -> str:
    return client.get_caller_identity().account


def user_client(iam_node: InProcessNode, iam: Client, name: str) -> tuple[Client, str]:
    """A client signing as a new user of `iam`'s account, and the user's ARN."""
    arn = iam.create_user(user_name=name).user.arn
    key = iam.create_access_key(user_name=name).access_key
    return Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    ), arn


def session_client(iam_node: InProcessNode, creds: TemporaryCredentials) -> Client:
    return Client(
        iam_node.address,
        credentials=Credentials(creds.access_key_id, creds.secret_access_key, creds.session_token),
    )


def role(iam: Client, name: str, trust_policy: str, max_session: int | None = None) -> str:
    return iam.create_role(
        role_name=name, assume_role_policy_document=trust_policy, max_session_duration=max_session
    ).role.arn


@pytest.fixture
def admin(iam_node: InProcessNode, iam: Client) -> Iterator[Client]:
    """A user of `iam`'s account whose identity policy allows sts:AssumeRole on any role
    (AWS: the root user may not assume roles)."""
    client, _ = user_client(iam_node, iam, "admin")
    iam.put_user_policy(user_name="admin", policy_name="assume", policy_document=ALLOW_ASSUME)
    with client:
        yield client


def next_code(totp: pyotp.TOTP) -> str:
    return totp.generate_otp(int(time.time() // 30) + 1)


# --- GetCallerIdentity --------------------------------------------------------------


def test_caller_identity_of_root_user_and_role_session(
    iam_node: InProcessNode, iam: Client, admin: Client
) -> None:
    # AWS GetCallerIdentity: UserId is the account id for root, AIDA... for a user,
    # ROLEID:SESSION for a role session, whose Arn is the assumed-role ARN.
    me = iam.get_caller_identity()
    assert me.arn == f"arn:aws:iam::{me.account}:root"
    assert me.user_id == me.account
    alice, alice_arn = user_client(iam_node, iam, "alice")
    with alice:
        them = alice.get_caller_identity()
        assert them.arn == alice_arn
        assert them.user_id.startswith("AIDA")
    made = iam.create_role(
        role_name="r", assume_role_policy_document=trust({"AWS": f"arn:aws:iam::{me.account}:root"})
    ).role
    assumed = admin.assume_role(role_arn=made.arn, role_session_name="sess")
    assert assumed.assumed_role_user.arn == f"arn:aws:sts::{me.account}:assumed-role/r/sess"
    assert assumed.assumed_role_user.assumed_role_id == f"{made.role_id}:sess"
    assert assumed.credentials.access_key_id.startswith("ASIA")
    with session_client(iam_node, assumed.credentials) as session:
        seen = session.get_caller_identity()
    assert (seen.arn, seen.user_id, seen.account) == (
        assumed.assumed_role_user.arn,
        f"{made.role_id}:sess",
        me.account,
    )


# --- GetSessionToken -----------------------------------------------------------------


def test_session_token_acts_as_the_user_but_iam_needs_mfa(
    iam_node: InProcessNode, iam: Client
) -> None:
    alice, alice_arn = user_client(iam_node, iam, "alice")
    with alice:
        asked = time.time()
        made = alice.get_session_token(duration_seconds=900)
    creds = made.credentials
    assert creds.access_key_id.startswith("ASIA")
    assert len(creds.secret_access_key) == 40
    assert_lasts(creds.expiration, 900, asked)
    with session_client(iam_node, creds) as session:
        assert session.get_caller_identity().arn == alice_arn
        # AWS: GetSessionToken credentials without MFA cannot call IAM operations ...
        with pytest.raises(AccessDeniedError):
            session.list_users()
        # ... nor GetSessionToken again.
        with pytest.raises(AccessDeniedError, match="session credentials"):
            session.get_session_token()


def test_session_token_with_mfa_may_call_iam(iam_node: InProcessNode, iam: Client) -> None:
    alice, _ = user_client(iam_node, iam, "alice")
    serial, totp = mfa_device(iam, "alice")
    iam.put_user_policy(
        user_name="alice",
        policy_name="all",
        policy_document=doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    )
    with alice:
        with pytest.raises(AccessDeniedError, match="MFA"):
            alice.get_session_token(serial_number=serial, token_code="000000")
        made = alice.get_session_token(serial_number=serial, token_code=next_code(totp))
    with session_client(iam_node, made.credentials) as session:
        assert any(u.user_name == "alice" for u in session.list_users().users)


@pytest.mark.parametrize("seconds", [899, 129_601])
def test_session_token_duration_bounds(iam_node: InProcessNode, iam: Client, seconds: int) -> None:
    # AWS GetSessionToken: DurationSeconds 900 to 129,600 for IAM users.
    alice, _ = user_client(iam_node, iam, "alice")
    with alice, pytest.raises(ValidationError):
        alice.get_session_token(duration_seconds=seconds)


def test_root_session_token_is_limited_to_one_hour(iam: Client) -> None:
    # AWS: the root user's GetSessionToken sessions last at most one hour (3600 s); asking
    # for more gives one hour, within the API's 900 to 129,600 s range.
    asked = time.time()
    longer = iam.get_session_token(duration_seconds=3601).credentials
    assert_lasts(longer.expiration, 3600, asked)
    with pytest.raises(ValidationError):
        iam.get_session_token(duration_seconds=129_601)
    with pytest.raises(ValidationError):
        iam.get_session_token(duration_seconds=899)


# --- AssumeRole: who may ---------------------------------------------------------------


def test_same_account_trust_naming_the_user_needs_no_identity_policy(
    iam_node: InProcessNode, iam: Client
) -> None:
    # AWS: in one account, a trust policy naming the user ARN is enough on its own.
    alice, alice_arn = user_client(iam_node, iam, "alice")
    arn = role(iam, "r", trust({"AWS": alice_arn}))
    with alice:
        assert alice.assume_role(
            role_arn=arn, role_session_name="sess"
        ).assumed_role_user.arn.endswith("assumed-role/r/sess")


def test_trust_naming_the_account_delegates_to_identity_policy(
    iam_node: InProcessNode, iam: Client
) -> None:
    # AWS: a trust policy naming the account root delegates to the account's identity policies.
    acct = account_id(iam)
    alice, alice_arn = user_client(iam_node, iam, "alice")
    arn = role(iam, "r", trust({"AWS": f"arn:aws:iam::{acct}:root"}))
    with alice:
        with pytest.raises(AccessDeniedError) as denied:
            alice.assume_role(role_arn=arn, role_session_name="sess")
        assert denied.value.message == (
            f"User: {alice_arn} is not authorized to perform: sts:AssumeRole on resource: {arn}"
        )
        iam.put_user_policy(user_name="alice", policy_name="p", policy_document=ALLOW_ASSUME)
        alice.assume_role(role_arn=arn, role_session_name="sess")


def test_unknown_role_is_access_denied_like_aws(iam: Client, admin: Client) -> None:
    acct = account_id(iam)
    with pytest.raises(AccessDeniedError, match="not authorized to perform: sts:AssumeRole"):
        admin.assume_role(role_arn=f"arn:aws:iam::{acct}:role/missing", role_session_name="sess")


def test_root_may_not_assume_roles(iam: Client) -> None:
    # AWS refuses AssumeRole with root credentials: "Roles may not be assumed by root accounts."
    arn = role(iam, "r", trust({"AWS": f"arn:aws:iam::{account_id(iam)}:root"}))
    with pytest.raises(AccessDeniedError, match="root accounts"):
        iam.assume_role(role_arn=arn, role_session_name="sess")


def test_cross_account_needs_trust_and_identity_policy(
    iam_node: InProcessNode, iam: Client, other_account: Client
) -> None:
    # AWS cross-account: the role's trust must name the caller (or its account) AND the
    # caller's own identity policies must allow sts:AssumeRole on the role.
    alice, alice_arn = user_client(iam_node, iam, "alice")
    arn = role(other_account, "shared", trust({"AWS": alice_arn}))
    other = account_id(other_account)
    with alice:
        with pytest.raises(AccessDeniedError):
            alice.assume_role(role_arn=arn, role_session_name="sess")
        iam.put_user_policy(user_name="alice", policy_name="p", policy_document=ALLOW_ASSUME)
        assumed = alice.assume_role(role_arn=arn, role_session_name="sess")
    assert assumed.assumed_role_user.arn == f"arn:aws:sts::{other}:assumed-role/shared/sess"
    with session_client(iam_node, assumed.credentials) as session:
        assert session.get_caller_identity().account == other
    # A role trusting nobody of this account stays closed whatever the identity policy says.
    closed = role(other_account, "closed", trust({"AWS": f"arn:aws:iam::{other}:root"}))
    with alice, pytest.raises(AccessDeniedError):
        alice.assume_role(role_arn=closed, role_session_name="sess")


def test_external_id_condition(iam: Client, other_account: Client, admin: Client) -> None:
    # AWS's confused-deputy guard: Condition StringEquals sts:ExternalId.
    caller = f"arn:aws:iam::{account_id(iam)}:root"
    arn = role(
        other_account,
        "vendor",
        trust({"AWS": caller}, Condition={"StringEquals": {"sts:ExternalId": "ext-123"}}),
    )
    with pytest.raises(AccessDeniedError):
        admin.assume_role(role_arn=arn, role_session_name="sess")
    with pytest.raises(AccessDeniedError):
        admin.assume_role(role_arn=arn, role_session_name="sess", external_id="ext-999")
    admin.assume_role(role_arn=arn, role_session_name="sess", external_id="ext-123")


def test_mfa_required_trust(iam_node: InProcessNode, iam: Client) -> None:
    # AWS: Bool aws:MultiFactorAuthPresent true admits only MFA-authenticated callers, given
    # either as SerialNumber+TokenCode on AssumeRole or by an MFA GetSessionToken session.
    alice, alice_arn = user_client(iam_node, iam, "alice")
    serial, totp = mfa_device(iam, "alice")
    arn = role(
        iam,
        "admin",
        trust({"AWS": alice_arn}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
    )
    with alice:
        with pytest.raises(AccessDeniedError):
            alice.assume_role(role_arn=arn, role_session_name="sess")
        alice.assume_role(
            role_arn=arn, role_session_name="sess", serial_number=serial, token_code=next_code(totp)
        )
        plain = alice.get_session_token().credentials
    with session_client(iam_node, plain) as session, pytest.raises(AccessDeniedError):
        session.assume_role(role_arn=arn, role_session_name="sess")


def test_mfa_session_satisfies_mfa_required_trust(iam_node: InProcessNode, iam: Client) -> None:
    alice, alice_arn = user_client(iam_node, iam, "alice")
    serial, totp = mfa_device(iam, "alice")
    arn = role(
        iam,
        "admin",
        trust({"AWS": alice_arn}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
    )
    with alice:
        creds = alice.get_session_token(
            serial_number=serial, token_code=next_code(totp)
        ).credentials
    with session_client(iam_node, creds) as session:
        session.assume_role(role_arn=arn, role_session_name="sess")


def test_role_session_name_condition(iam: Client, admin: Client) -> None:
    caller = f"arn:aws:iam::{account_id(iam)}:root"
    arn = role(
        iam, "r", trust({"AWS": caller}, Condition={"StringLike": {"sts:RoleSessionName": "ci-*"}})
    )
    with pytest.raises(AccessDeniedError):
        admin.assume_role(role_arn=arn, role_session_name="laptop")
    admin.assume_role(role_arn=arn, role_session_name="ci-42")


# --- sessions: policies, chaining, durations ---------------------------------------------


def _two_roles(iam: Client) -> tuple[str, str]:
    """`first` may assume anything; `second` trusts the account (so identity policy decides)."""
    root = f"arn:aws:iam::{account_id(iam)}:root"
    first = role(iam, "first", trust({"AWS": root}), max_session=43_200)
    iam.put_role_policy(role_name="first", policy_name="assume", policy_document=ALLOW_ASSUME)
    second = role(iam, "second", trust({"AWS": root}), max_session=43_200)
    return first, second


def test_session_policy_narrows_the_role(
    iam_node: InProcessNode, iam: Client, admin: Client
) -> None:
    # AWS: a session's permissions are the role's intersected with the session policies.
    first, second = _two_roles(iam)
    only_s3 = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    narrowed = admin.assume_role(role_arn=first, role_session_name="nn", policy=only_s3)
    with (
        session_client(iam_node, narrowed.credentials) as session,
        pytest.raises(AccessDeniedError),
    ):
        session.assume_role(role_arn=second, role_session_name="chained")
    full = admin.assume_role(role_arn=first, role_session_name="ff")
    with session_client(iam_node, full.credentials) as session:
        session.assume_role(role_arn=second, role_session_name="chained")


def test_managed_session_policy_by_arn_narrows_too(
    iam_node: InProcessNode, iam: Client, admin: Client
) -> None:
    first, second = _two_roles(iam)
    policy_arn = iam.create_policy(
        policy_name="s3only",
        policy_document=doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
    ).policy.arn
    narrowed = admin.assume_role(
        role_arn=first, role_session_name="nn", policy_arns=[PolicyDescriptorType(arn=policy_arn)]
    )
    with (
        session_client(iam_node, narrowed.credentials) as session,
        pytest.raises(AccessDeniedError),
    ):
        session.assume_role(role_arn=second, role_session_name="chained")


def test_role_chaining_is_limited_to_one_hour(
    iam_node: InProcessNode, iam: Client, admin: Client
) -> None:
    # AWS: role chaining limits a session to one hour, whatever MaxSessionDuration says.
    first, second = _two_roles(iam)
    asked = time.time()
    long = admin.assume_role(role_arn=first, role_session_name="long", duration_seconds=7200)
    assert_lasts(long.credentials.expiration, 7200, asked)
    with session_client(iam_node, long.credentials) as session:
        with pytest.raises(ValidationError, match="role chaining"):
            session.assume_role(role_arn=second, role_session_name="cc", duration_seconds=3601)
        session.assume_role(role_arn=second, role_session_name="cc", duration_seconds=3600)


def test_duration_above_max_session_duration_is_refused(iam: Client, admin: Client) -> None:
    arn = role(iam, "short", trust({"AWS": f"arn:aws:iam::{account_id(iam)}:root"}))
    with pytest.raises(ValidationError, match="MaxSessionDuration"):
        admin.assume_role(role_arn=arn, role_session_name="sess", duration_seconds=3601)


def test_role_session_is_never_taken_for_the_root(
    iam_node: InProcessNode, iam: Client, admin: Client
) -> None:
    # AWS: CreateAccessKey without UserName from non-user credentials is a ValidationError
    # ("Must specify userName when calling with non-User credentials"); never the root's key.
    first, _ = _two_roles(iam)
    creds = admin.assume_role(role_arn=first, role_session_name="sess").credentials
    with session_client(iam_node, creds) as session, pytest.raises(ValidationError):
        session.create_access_key()
    assert len(iam.list_access_keys().access_key_metadata) == 1


def test_token_issue_time_deny_revokes_older_sessions(
    iam_node: InProcessNode, iam: Client, admin: Client
) -> None:
    # AWS "Revoking IAM role temporary security credentials": deny everything to sessions
    # whose aws:TokenIssueTime is before the revocation time.
    first, second = _two_roles(iam)
    old = admin.assume_role(role_arn=first, role_session_name="old").credentials
    time.sleep(1.1)
    cutoff = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    time.sleep(1.1)
    iam.put_role_policy(
        role_name="first",
        policy_name="revoke",
        policy_document=doc(
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}},
            }
        ),
    )
    fresh = admin.assume_role(role_arn=first, role_session_name="new").credentials
    with session_client(iam_node, old) as session, pytest.raises(AccessDeniedError):
        session.assume_role(role_arn=second, role_session_name="cc")
    with session_client(iam_node, fresh) as session:
        session.assume_role(role_arn=second, role_session_name="cc")


# --- tokens the node must refuse ----------------------------------------------------------


def _sealed(iam_node: InProcessNode, key: bytes, expires_in: int, account: str) -> Credentials:
    now = int(time.time())
    session = Session(
        access_key_id=new_key_id(account),
        secret_access_key=new_secret(),
        kind=SessionKind.ROOT,
        account_id=account,
        principal_id=account,
        principal_name="",
        issued_at=now - 3600,
        expires_at=now + expires_in,
    )
    token = SessionSealer(key).seal(session)
    return Credentials(session.access_key_id, session.secret_access_key, token)


def _node_key(iam_node: InProcessNode) -> bytes:
    return Path(iam_node.credentials_file).parent.joinpath("secrets.key").read_bytes()


def test_expired_session_is_refused(iam_node: InProcessNode, iam: Client) -> None:
    creds = _sealed(iam_node, _node_key(iam_node), -1, account_id(iam))
    with (
        Client(iam_node.address, credentials=creds) as session,
        pytest.raises(ExpiredTokenError, match="expired"),
    ):
        session.get_caller_identity()
    fresh = _sealed(iam_node, _node_key(iam_node), 60, account_id(iam))
    with Client(iam_node.address, credentials=fresh) as session:
        assert session.get_caller_identity().account == account_id(iam)


def test_foreign_cluster_token_is_refused(iam_node: InProcessNode, iam: Client) -> None:
    creds = _sealed(iam_node, b"\x01" * 32, 600, account_id(iam))
    with (
        Client(iam_node.address, credentials=creds) as session,
        pytest.raises(InvalidClientTokenIdError),
    ):
        session.get_caller_identity()


def test_tampered_token_and_swapped_key_id_are_refused(
    iam_node: InProcessNode, iam: Client
) -> None:
    creds = iam.get_session_token(duration_seconds=900).credentials
    token = creds.session_token
    flipped = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    tampered = Credentials(creds.access_key_id, creds.secret_access_key, flipped)
    # The token is bound to its access key id (associated data): another id does not open it.
    other_id = Credentials(
        new_key_id(iam.get_caller_identity().account), creds.secret_access_key, token
    )
    for bad in (tampered, other_id):
        with (
            Client(iam_node.address, credentials=bad) as session,
            pytest.raises(InvalidClientTokenIdError),
        ):
            session.get_caller_identity()

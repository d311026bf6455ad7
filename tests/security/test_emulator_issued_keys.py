"""The emulator takes a made-up key for the account root, never a key it issued.

Attacks kept: a deleted access key, a key of a deleted user, a key or session issued before a
reset, a tampered session token and a key another node issued acted as the account root in
the emulator (each was taken for an unknown "dummy" key).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from iamstore.cluster.pytest_plugin import RunningEmulator
from iamstore.node.access_key_ids import long_term_key_id, temporary_key_id

ROOT_ARN = "arn:aws:iam::123456789012:root"


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    running = RunningEmulator().start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def root(emulator: RunningEmulator) -> Any:
    emulator.reset()
    return _client("iam", emulator, "testing", "testing")


def _client(
    service: str, emulator: RunningEmulator, key: str, secret: str, token: str | None = None
) -> Any:
    return boto3.client(
        service,
        endpoint_url=emulator.url,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        region_name="us-east-1",
    )


def _refused(client: Any) -> str:
    with pytest.raises(ClientError) as refused:
        client.get_caller_identity()
    code: str = refused.value.response["Error"]["Code"]
    return code


def _user_key(root: Any, user_name: str) -> dict[str, str]:
    root.create_user(UserName=user_name)
    key: dict[str, str] = root.create_access_key(UserName=user_name)["AccessKey"]
    return key


def test_made_up_keys_still_act_as_the_root(emulator: RunningEmulator, root: Any) -> None:
    for key_id in ("testing", "AKIAIOSFODNN7EXAMPLE", "AKIAANYTHING", "ASIAIOSFODNN7EXAMPLE"):
        sts = _client(
            "sts", emulator, key_id, "whatever", "dummy" if key_id[:4] == "ASIA" else None
        )
        assert sts.get_caller_identity()["Arn"] == ROOT_ARN, key_id


def test_keys_of_a_deleted_user_are_refused(emulator: RunningEmulator, root: Any) -> None:
    key = _user_key(root, "leaver")
    sts = _client("sts", emulator, key["AccessKeyId"], key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"].endswith(":user/leaver")
    root.delete_access_key(UserName="leaver", AccessKeyId=key["AccessKeyId"])
    root.delete_user(UserName="leaver")
    assert _refused(sts) == "InvalidClientTokenId"
    iam = _client("iam", emulator, key["AccessKeyId"], key["SecretAccessKey"])
    with pytest.raises(ClientError) as refused:
        iam.create_user(UserName="back-door")
    assert refused.value.response["Error"]["Code"] == "InvalidClientTokenId"
    assert [u["UserName"] for u in root.list_users()["Users"]] == []


def test_keys_and_sessions_from_before_a_reset_are_refused(
    emulator: RunningEmulator, root: Any
) -> None:
    key = _user_key(root, "old")
    sts = _client("sts", emulator, key["AccessKeyId"], key["SecretAccessKey"])
    issued = sts.get_session_token(DurationSeconds=900)["Credentials"]
    session = _client(
        "sts", emulator, issued["AccessKeyId"], issued["SecretAccessKey"], issued["SessionToken"]
    )
    assert session.get_caller_identity()["Arn"].endswith(":user/old")
    emulator.reset()
    assert _refused(sts) == "InvalidClientTokenId"
    assert _refused(session) == "InvalidClientTokenId"


def test_a_tampered_session_token_is_refused(emulator: RunningEmulator, root: Any) -> None:
    key = _user_key(root, "holder")
    sts = _client("sts", emulator, key["AccessKeyId"], key["SecretAccessKey"])
    issued = sts.get_session_token(DurationSeconds=900)["Credentials"]
    token = issued["SessionToken"]
    flipped = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    tampered = _client("sts", emulator, issued["AccessKeyId"], issued["SecretAccessKey"], flipped)
    assert _refused(tampered) == "InvalidClientTokenId"


def test_a_key_another_node_issued_is_refused(emulator: RunningEmulator, root: Any) -> None:
    # Ids of iamstore's shape this node never held: a long-term key and a session (whose
    # token this node cannot open), as another member would issue them before replicating.
    long_term = _client("sts", emulator, long_term_key_id(b"\x07" * 8), "x" * 40)
    assert _refused(long_term) == "InvalidClientTokenId"
    token = base64.urlsafe_b64encode(b"\x00" * 64).decode()
    temporary_id = temporary_key_id("123456789012", b"\x07" * 4)
    temporary = _client("sts", emulator, temporary_id, "x" * 40, token)
    assert _refused(temporary) == "InvalidClientTokenId"


def test_a_deleted_roles_session_is_not_the_root(emulator: RunningEmulator, root: Any) -> None:
    # Checked, not a hole: the session opens, and its role's absence grants nothing.
    trust = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}'
    )
    role_arn = root.create_role(RoleName="gone", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    root.put_role_policy(
        RoleName="gone",
        PolicyName="all",
        PolicyDocument='{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
    )
    key = _user_key(root, "assumer")
    root.put_user_policy(
        UserName="assumer",
        PolicyName="assume",
        PolicyDocument='{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}',
    )
    sts = _client("sts", emulator, key["AccessKeyId"], key["SecretAccessKey"])
    issued = sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")["Credentials"]
    session = _client(
        "iam", emulator, issued["AccessKeyId"], issued["SecretAccessKey"], issued["SessionToken"]
    )
    session.list_users()
    root.delete_role_policy(RoleName="gone", PolicyName="all")
    root.delete_role(RoleName="gone")
    with pytest.raises(ClientError) as refused:
        session.create_user(UserName="back-door")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert "back-door" not in [u["UserName"] for u in root.list_users()["Users"]]

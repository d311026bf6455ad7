"""Helpers the integration tests share: accounts, MFA devices, policy documents, profiles."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pyotp

from iamstore.client import Client, Credentials
from iamstore.cluster.testing.inproc import InProcessNode


def account_client(iam_node: InProcessNode, management: Client) -> Client:
    made = management.create_account(account_name="test")
    root = made.root_credentials
    assert root is not None
    return Client(
        iam_node.address,
        credentials=Credentials(root.access_key_id, root.secret_access_key),
    )


def mfa_device(iam: Client, user: str) -> tuple[str, pyotp.TOTP]:
    """An MFA device enabled for `user` with codes of the previous and the current step, so the
    next step's code is both unused and inside the node's ±1 step window."""
    device = iam.create_virtual_mfa_device(virtual_mfa_device_name=user).virtual_mfa_device
    assert device.base32_string_seed is not None
    totp = pyotp.TOTP(device.base32_string_seed.decode())
    step = int(time.time() // 30)
    iam.enable_mfa_device(
        user_name=user,
        serial_number=device.serial_number,
        authentication_code1=totp.generate_otp(step - 1),
        authentication_code2=totp.generate_otp(step),
    )
    return device.serial_number, totp


ALLOW_S3 = (
    '{"Version": "2012-10-17", "Statement": '
    '[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
)
TRUST_EC2 = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
)


def role_profile_files(
    iam: Client, folder: Path, *, trusted: str, role: str, profile: str, session_name: str
) -> str:
    """User `ops`, allowed to assume roles, with its key as profile `ops` in folder/credentials;
    a role `role` whose trust policy names `trusted` (an ARN); and profile `profile` in
    folder/config assuming that role from `ops`. Returns the role's ARN."""
    iam.create_user(user_name="ops")
    iam.put_user_policy(
        user_name="ops",
        policy_name="assume",
        policy_document='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "sts:AssumeRole", "Resource": "*"}]}',
    )
    key = iam.create_access_key(user_name="ops").access_key
    trust = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": '
        f'{{"AWS": "{trusted}"}}, "Action": "sts:AssumeRole"}}]}}'
    )
    role_arn = iam.create_role(role_name=role, assume_role_policy_document=trust).role.arn
    assert role_arn is not None
    (folder / "credentials").write_text(
        f"[ops]\naws_access_key_id = {key.access_key_id}\n"
        f"aws_secret_access_key = {key.secret_access_key}\n"
    )
    (folder / "config").write_text(
        f"[profile {profile}]\nrole_arn = {role_arn}\nsource_profile = ops\n"
        f"role_session_name = {session_name}\n"
    )
    return role_arn


def assert_lasts(expiration: datetime.datetime, seconds: int, asked: float) -> None:
    """Credentials asked for at `asked` (time.time() just before the call) expire `seconds`
    after some moment between then and now (the node keeps whole seconds): bracketed by the
    call, so no bound on how long it took."""
    assert asked - 1 + seconds <= expiration.timestamp() <= time.time() + seconds

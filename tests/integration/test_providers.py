"""Role profiles (role_arn + source_profile) resolved to self-refreshing credentials."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from iamstore.client import Client, Credentials, NoCredentialsError
from iamstore.client.providers import AssumeRoleCredentials, Expiring, RoleProfile, resolve
from iamstore.cluster.testing.inproc import InProcessNode

ROLE = RoleProfile(role_arn="arn:aws:iam::123456789012:role/app", source_profile="base")


class FakeSts:
    """Counts AssumeRole calls; each issues credentials valid for 900 s of the fake clock."""

    def __init__(self, clock: list[float]) -> None:
        self.clock = clock
        self.calls: list[tuple[str, str | None]] = []

    def __call__(self, role: RoleProfile, session: str, code: str | None) -> Expiring:
        self.calls.append((session, code))
        n = len(self.calls)
        return Expiring(Credentials(f"ASIA{n}", f"secret{n}", f"token{n}"), self.clock[0] + 900)


def test_concurrent_callers_share_one_refresh() -> None:
    now = [0.0]
    sts = FakeSts(now)
    creds = AssumeRoleCredentials(ROLE, assume=sts, clock=lambda: now[0])
    seen: list[str] = []
    threads = [
        threading.Thread(target=lambda: seen.append(creds.frozen().access_key_id))
        for _ in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == ["ASIA1"] * 16
    assert len(sts.calls) == 1


def test_mfa_serial_asks_for_a_code_on_every_refresh() -> None:
    now = [0.0]
    sts = FakeSts(now)
    role = RoleProfile(ROLE.role_arn, "base", mfa_serial="arn:aws:iam::123456789012:mfa/u")
    with pytest.raises(NoCredentialsError, match="mfa_code"):
        AssumeRoleCredentials(role, assume=sts, clock=lambda: now[0]).frozen()
    creds = AssumeRoleCredentials(role, assume=sts, mfa_code=lambda: "123456", clock=lambda: now[0])
    creds.frozen()
    assert sts.calls[-1][1] == "123456"


def _files(tmp_path: Path, credentials: str, config: str) -> dict[str, str]:
    (tmp_path / "credentials").write_text(credentials)
    (tmp_path / "config").write_text(config)
    return {
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "HOME": str(tmp_path),
    }


def test_source_profile_cycle_is_an_error(tmp_path: Path) -> None:
    env = _files(
        tmp_path,
        "",
        "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
        "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
    )
    with pytest.raises(NoCredentialsError, match="cycle"):
        resolve(profile="a", environ=env)


def test_role_profile_assumes_the_role_over_grpc(
    iam_node: InProcessNode, iam: Client, tmp_path: Path
) -> None:
    account = iam.get_caller_identity().account
    iam.create_user(user_name="deployer")
    iam.put_user_policy(
        user_name="deployer",
        policy_name="assume",
        policy_document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
            }
        ),
    )
    key = iam.create_access_key(user_name="deployer").access_key
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:user/deployer"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": "ext-1"}},
                }
            ],
        }
    )
    role_arn = iam.create_role(role_name="app", assume_role_policy_document=trust).role.arn
    env = _files(
        tmp_path,
        f"[base]\naws_access_key_id = {key.access_key_id}\n"
        f"aws_secret_access_key = {key.secret_access_key}\n",
        f"[profile app]\nrole_arn = {role_arn}\nsource_profile = base\n"
        "external_id = ext-1\nrole_session_name = worker\nduration_seconds = 900\n",
    )
    creds = resolve(profile="app", environ=env, endpoints=iam_node.address)
    assert isinstance(creds, AssumeRoleCredentials)
    with Client(iam_node.address, credentials=creds) as app:
        identity = app.get_caller_identity()
    assert identity.arn == f"arn:aws:sts::{account}:assumed-role/app/worker"
    # The application signed with temporary credentials only.
    assert creds.access_key_id.startswith("ASIA")
    assert creds.expires_at is not None

"""`iamstore sts <operation>` against a real node: aws-sts-shaped commands and output."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from click.testing import CliRunner
from iam_helpers import role_profile_files

from iamstore.client import Client
from iamstore.client.cli import cli
from iamstore.cluster.testing.inproc import InProcessNode


def _iamstore(
    node: InProcessNode, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--endpoint", node.address, *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_get_caller_identity_like_aws_sts(iam_node: InProcessNode, management: Client) -> None:
    code, out, _ = _iamstore(
        iam_node,
        "--credentials-file",
        str(iam_node.credentials_file),
        "sts",
        "get-caller-identity",
    )
    assert code == 0
    identity = json.loads(out)
    account = management.get_caller_identity().account
    assert identity == {
        "UserId": account,
        "Account": account,
        "Arn": f"arn:aws:iam::{account}:root",
    }


def test_get_session_token_and_its_bounds(iam_node: InProcessNode) -> None:
    base = ["--credentials-file", str(iam_node.credentials_file), "sts"]
    code, out, _ = _iamstore(iam_node, *base, "get-session-token", "--duration-seconds", "900")
    assert code == 0
    credentials = json.loads(out)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert credentials["SessionToken"]
    # AWS: the root's session tokens last at most one hour; asking more gets one hour.
    code, out, _ = _iamstore(iam_node, *base, "get-session-token", "--duration-seconds", "7200")
    assert code == 0
    issued = json.loads(out)["Credentials"]["Expiration"]
    lifetime = datetime.datetime.fromisoformat(issued) - datetime.datetime.now(datetime.UTC)
    assert lifetime <= datetime.timedelta(hours=1)
    code, _, err = _iamstore(iam_node, *base, "get-session-token", "--duration-seconds", "899")
    assert code == 255
    assert "(ValidationError) when calling the GetSessionToken operation" in err


def test_assume_role_through_a_role_profile(
    iam_node: InProcessNode, iam: Client, tmp_path: Path
) -> None:
    account = iam.get_caller_identity().account
    role_arn = role_profile_files(
        iam,
        tmp_path,
        trusted=f"arn:aws:iam::{account}:root",
        role="cli-role",
        profile="role",
        session_name="from-cli",
    )
    env = {
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
    }
    code, out, err = _iamstore(
        iam_node,
        "--profile",
        "ops",
        "sts",
        "assume-role",
        "--role-arn",
        role_arn,
        "--role-session-name",
        "explicit",
        env=env,
    )
    assert code == 0, err
    assert json.loads(out)["AssumedRoleUser"]["Arn"].endswith(":assumed-role/cli-role/explicit")
    code, out, err = _iamstore(
        iam_node, "--profile", "role", "--output", "table", "sts", "get-caller-identity", env=env
    )
    assert code == 0, err
    assert f"arn:aws:sts::{account}:assumed-role/cli-role/from-cli" in out


def test_web_identity_needs_no_credentials(iam_node: InProcessNode, tmp_path: Path) -> None:
    env = {
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_ACCESS_KEY_ID": "",
    }
    code, _, err = _iamstore(
        iam_node,
        "sts",
        "assume-role-with-web-identity",
        "--role-arn",
        "arn:aws:iam::123456789012:role/x",
        "--role-session-name",
        "s",
        "--web-identity-token",
        "not-a-jwt",
        env=env,
    )
    # The node answered (about the token), rather than the CLI refusing for lack of keys.
    assert code == 255
    assert "when calling the AssumeRoleWithWebIdentity operation" in err

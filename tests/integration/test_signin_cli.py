"""`iamstore signin` against a real node: the password asked without echo, credentials printed
like `aws sts get-session-token`, as shell exports, or written to a credentials profile."""

from __future__ import annotations

import json
import re
import shlex
import time
from pathlib import Path

from click.testing import CliRunner
from iam_helpers import mfa_device

from iamstore.client import Client, Credentials
from iamstore.client.cli import cli
from iamstore.cluster.testing.inproc import InProcessNode

PASSWORD = "Correct-horse-9"


def _iamstore(node: InProcessNode, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--endpoint", node.address, *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def _alice(iam: Client) -> str:
    iam.create_user(user_name="alice")
    iam.create_login_profile(user_name="alice", password=PASSWORD)
    return iam.get_caller_identity().account


def _acts_as_alice(node: InProcessNode, credentials: Credentials, account: str) -> None:
    with Client(node.address, credentials=credentials) as session:
        assert session.get_caller_identity().arn == f"arn:aws:iam::{account}:user/alice"


def test_signin_asks_for_the_password_without_echo(iam_node: InProcessNode, iam: Client) -> None:
    account = _alice(iam)
    code, out, err = _iamstore(
        iam_node, "signin", "--account", account, "--user-name", "alice", input=PASSWORD + "\n"
    )
    assert code == 0, err
    assert "Password" in err
    assert PASSWORD not in out + err
    printed = json.loads(out)
    assert printed["Arn"] == f"arn:aws:iam::{account}:user/alice"
    assert printed["MfaAuthenticated"] is False
    issued = printed["Credentials"]
    assert issued["AccessKeyId"].startswith("ASIA")
    assert issued["Expiration"]
    _acts_as_alice(
        iam_node,
        Credentials(issued["AccessKeyId"], issued["SecretAccessKey"], issued["SessionToken"]),
        account,
    )


def test_signin_prints_shell_exports(iam_node: InProcessNode, iam: Client) -> None:
    account = _alice(iam)
    code, out, err = _iamstore(
        iam_node,
        "signin",
        "--account",
        account,
        "--user-name",
        "alice",
        "--password-stdin",
        "--export",
        input=PASSWORD + "\n",
    )
    assert code == 0, err
    exported = {}
    for line in out.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        exported[name] = shlex.split(value)[0]
    assert sorted(exported) == ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    _acts_as_alice(
        iam_node,
        Credentials(
            exported["AWS_ACCESS_KEY_ID"],
            exported["AWS_SECRET_ACCESS_KEY"],
            exported["AWS_SESSION_TOKEN"],
        ),
        account,
    )


def test_signin_writes_a_profile_other_commands_use(
    iam_node: InProcessNode, iam: Client, tmp_path: Path
) -> None:
    account = _alice(iam)
    credentials_file = tmp_path / "credentials"
    code, out, err = _iamstore(
        iam_node,
        "--credentials-file",
        str(credentials_file),
        "signin",
        "--account",
        account,
        "--user-name",
        "alice",
        "--password",
        PASSWORD,
        "--write-profile",
        "alice",
    )
    assert code == 0, err
    assert out == ""
    assert "profile `alice`" in err
    assert credentials_file.stat().st_mode & 0o777 == 0o600
    code, out, err = _iamstore(
        iam_node,
        "--credentials-file",
        str(credentials_file),
        "--profile",
        "alice",
        "sts",
        "get-caller-identity",
    )
    assert code == 0, err
    assert json.loads(out)["Arn"] == f"arn:aws:iam::{account}:user/alice"


def test_signin_failure_reads_like_the_aws_cli(iam_node: InProcessNode, iam: Client) -> None:
    account = _alice(iam)
    code, out, err = _iamstore(
        iam_node, "signin", "--account", account, "--user-name", "alice", "--password", "nope"
    )
    assert code == 255
    assert out == ""
    assert "An error occurred (AccessDenied) when calling the SignIn operation" in err
    assert "--token-code" in err


def test_signin_with_an_mfa_code(iam_node: InProcessNode, iam: Client) -> None:
    account = _alice(iam)
    _, totp = mfa_device(iam, "alice")
    step = int(time.time() // 30)
    # --mfa asks for the code after the password.
    code, out, err = _iamstore(
        iam_node,
        "--output",
        "table",
        "signin",
        "--account",
        account,
        "--user-name",
        "alice",
        "--mfa",
        input=f"{PASSWORD}\n{totp.generate_otp(step + 1)}\n",
    )
    assert code == 0, err
    assert "MFA code" in err
    assert re.search(r"\|\s*MfaAuthenticated\s*\|\s*True\s*\|", out)


def test_conflicting_options_are_usage_errors(iam_node: InProcessNode) -> None:
    for extra in (["--export", "--write-profile", "p"], ["--token-code", "1", "--mfa"]):
        code, _, err = _iamstore(
            iam_node, "signin", "--account", "1", "--user-name", "u", "--password", "p", *extra
        )
        assert code == 2
        assert "do not go together" in err

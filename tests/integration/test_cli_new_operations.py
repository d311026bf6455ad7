"""The CLI serves the operations added for AWS's whole IAM model with the aws CLI's spelling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from iamstore.client import Client
from iamstore.client.cli import cli
from iamstore.cluster.testing.inproc import InProcessNode


@pytest.fixture
def credentials(management: Client, tmp_path: Path) -> Path:
    root = management.create_account(account_name="cli-new").root_credentials
    assert root is not None
    path = tmp_path / "credentials"
    path.write_text(
        "[default]\n"
        f"aws_access_key_id = {root.access_key_id}\n"
        f"aws_secret_access_key = {root.secret_access_key}\n"
    )
    return path


def _iamstore(node: InProcessNode, credentials: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, [*args, "--endpoint", node.address, "--credentials-file", str(credentials)]
    )
    assert result.exit_code == 0, f"{args} exited {result.exit_code}: {result.output}"
    return result.stdout


def test_aliases_aws_policies_and_authorization_details(
    iam_node: InProcessNode, credentials: Path
) -> None:
    _iamstore(iam_node, credentials, "iam", "create-account-alias", "--account-alias", "cli-corp")
    aliases = json.loads(_iamstore(iam_node, credentials, "iam", "list-account-aliases"))
    assert aliases["AccountAliases"] == ["cli-corp"]
    listed = json.loads(
        _iamstore(
            iam_node,
            credentials,
            "iam",
            "list-policies",
            "--scope",
            "AWS",
            "--path-prefix",
            "/job-function/",
        )
    )
    names = {p["PolicyName"] for p in listed["Policies"]}
    assert "ViewOnlyAccess" in names
    _iamstore(iam_node, credentials, "iam", "create-user", "--user-name", "u")
    _iamstore(iam_node, credentials, "iam", "attach-user-policy", "--user-name", "u",
              "--policy-arn", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")  # fmt: skip
    details = json.loads(
        _iamstore(
            iam_node,
            credentials,
            "iam",
            "get-account-authorization-details",
            "--filter",
            "User",
            "AWSManagedPolicy",
        )
    )
    assert [u["UserName"] for u in details["UserDetailList"]] == ["u"]
    assert [p["PolicyName"] for p in details["Policies"]] == ["ViewOnlyAccess"]
    # Documents print as JSON objects, as the aws CLI prints them.
    assert isinstance(details["Policies"][0]["PolicyVersionList"][0]["Document"], dict)

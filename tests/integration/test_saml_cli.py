"""Directory sign-in with `iamstore` commands only: the developer IdP, IAM, STS, and back."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from iamstore.client.cli import cli
from iamstore.cluster.testing.inproc import InProcessNode


def _run(node: InProcessNode, *args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(cli, ["--endpoint", node.address, *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_directory_user_signs_in_with_iamstore_commands(
    iam_node: InProcessNode, tmp_path: Path
) -> None:
    admin = ["--credentials-file", str(iam_node.credentials_file)]
    key, cert, metadata = tmp_path / "idp.key", tmp_path / "idp.pem", tmp_path / "idp.xml"
    _run(iam_node, "saml", "keygen", "--key", str(key), "--cert", str(cert))
    metadata.write_text(_run(iam_node, "saml", "metadata", "--cert", str(cert)))
    created = _run(
        iam_node,
        *admin,
        "iam",
        "create-saml-provider",
        "--name",
        "CliCorp",
        "--saml-metadata-document",
        f"file://{metadata}",
    )
    provider = json.loads(created)["SAMLProviderArn"]  # AWS's spelling, as the aws CLI
    listed = json.loads(_run(iam_node, *admin, "iam", "list-saml-providers"))
    assert [p["Arn"] for p in listed["SAMLProviderList"]] == [provider]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider},
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": {"StringEquals": {"saml:sub": "alice"}},
            }
        ],
    }
    role = json.loads(
        _run(
            iam_node,
            *admin,
            "iam",
            "create-role",
            "--role-name",
            "CliDirectory",
            "--assume-role-policy-document",
            json.dumps(trust),
        )
    )["Role"]["Arn"]
    assertion = _run(
        iam_node,
        "saml",
        "idp",
        "--key",
        str(key),
        "--cert",
        str(cert),
        "--role-arn",
        role,
        "--provider-arn",
        provider,
        "--subject",
        "alice",
    ).strip()
    nobody = {"AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_PROFILE": ""}
    signed_in = json.loads(  # unsigned, as in AWS: the directory user has no credentials
        _run(
            iam_node,
            "sts",
            "assume-role-with-saml",
            "--role-arn",
            role,
            "--principal-arn",
            provider,
            "--saml-assertion",
            assertion,
            env=nobody,
        )
    )
    assert signed_in["Subject"] == "alice"
    creds = signed_in["Credentials"]
    env = {
        "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
        "AWS_SESSION_TOKEN": creds["SessionToken"],
    }
    identity = json.loads(_run(iam_node, "sts", "get-caller-identity", env=env))
    assert identity["Arn"].endswith(":assumed-role/CliDirectory/alice")

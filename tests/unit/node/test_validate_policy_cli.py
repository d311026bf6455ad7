"""`iamstore validate-policy`: found through the CLI's command registry, no node needed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from iamstore.client.cli import cli

GOOD = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        ],
    }
)
TYPO = GOOD.replace("s3:GetObject", "s3:GetObjekt")
PASS_ROLE = GOOD.replace("s3:GetObject", "iam:PassRole").replace("arn:aws:s3:::b/*", "*")


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate-policy", *args], input=stdin)
    return result.exit_code, result.stdout


def test_clean_document_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(GOOD)
    assert _run(str(path)) == (0, "no findings\n")


def test_error_exits_1_and_the_table_names_it() -> None:
    code, out = _run("-", stdin=TYPO)
    assert code == 1
    header, row = out.splitlines()
    assert header.split()[:3] == ["TYPE", "CODE", "LOCATION"]
    assert row.split()[:3] == ["ERROR", "INVALID_ACTION", "Statement[0].Action"]
    assert "did you mean `s3:GetObject`?" in row


def test_warnings_alone_exit_0_and_json_has_aws_shape() -> None:
    code, out = _run("--output", "json", "-", stdin=PASS_ROLE)
    assert code == 0
    (finding,) = json.loads(out)["findings"]
    assert finding["findingType"] == "SECURITY_WARNING"
    assert finding["issueCode"] == "PASS_ROLE_WITH_STAR_IN_RESOURCE"
    assert finding["locations"] == [
        {"path": [{"value": "Statement"}, {"index": 0}, {"value": "Resource"}]}
    ]
    assert finding["learnMoreLink"].endswith(
        "#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource"
    )


def test_policy_type_changes_the_grammar() -> None:
    document = json.loads(GOOD)
    document["Statement"][0]["Principal"] = {"AWS": "123456789012"}
    text = json.dumps(document)
    code, out = _run("--output", "json", "-", stdin=text)
    assert code == 1
    assert [f["issueCode"] for f in json.loads(out)["findings"]] == ["UNSUPPORTED_PRINCIPAL"]
    assert _run("--policy-type", "RESOURCE_POLICY", "-", stdin=text)[0] == 0


def test_trust_policy_flag() -> None:
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}],
        }
    )
    code, out = _run("--trust-policy", "--output", "json", "-", stdin=trust)
    assert code == 1
    codes = [f["issueCode"] for f in json.loads(out)["findings"]]
    assert codes == ["ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL"]


def test_too_large_document_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["validate-policy", "-"], input=" " * 300_000)
    assert result.exit_code == 1
    assert "at most 262144 are validated" in result.stderr

"""ValidatePolicy over gRPC: Access Analyzer's findings, authorized as
access-analyzer:ValidatePolicy on `*`; writes stay as permissive as AWS's."""

from __future__ import annotations

import json

import pytest

from iamstore.client import AccessDeniedError, Client, Credentials
from iamstore.client.errors import ValidationError
from iamstore.cluster.testing.inproc import InProcessNode

TYPO = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjekt"], "Resource": "*"}
        ],
    }
)


def _user(iam: Client, iam_node: InProcessNode, name: str, *actions: str) -> Client:
    iam.create_user(user_name=name)
    if actions:
        document = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
        }
        iam.put_user_policy(user_name=name, policy_name="p", policy_document=json.dumps(document))
    key = iam.create_access_key(user_name=name).access_key
    return Client(
        iam_node.address, credentials=Credentials(key.access_key_id, key.secret_access_key)
    )


def test_findings_with_codes_types_and_locations(iam: Client) -> None:
    found = iam.validate_policy(policy_document=TYPO, policy_type="IDENTITY_POLICY")
    (finding,) = found.findings
    assert finding.issue_code == "INVALID_ACTION"
    assert finding.finding_type == "ERROR"
    assert "did you mean `s3:GetObject`?" in finding.finding_details
    (location,) = finding.locations
    assert [(p.index, p.value) for p in location.path] == [
        (None, "Statement"), (0, None), (None, "Action"), (1, None),
    ]  # fmt: skip


def test_trust_policy_resource_type(iam: Client) -> None:
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    found = iam.validate_policy(
        policy_document=trust,
        policy_type="RESOURCE_POLICY",
        validate_policy_resource_type="AWS::IAM::AssumeRolePolicyDocument",
    )
    codes = [(f.finding_type, f.issue_code) for f in found.findings]
    assert codes == [("SECURITY_WARNING", "ROLE_TRUST_POLICY_WILDCARD_PRINCIPAL_WITHOUT_CONDITION")]


def test_bad_policy_type_is_a_validation_error(iam: Client) -> None:
    with pytest.raises(ValidationError) as refused:
        iam.validate_policy(policy_document=TYPO, policy_type="TRUST_POLICY")
    assert "PolicyType" in str(refused.value)
    with pytest.raises(ValidationError):
        iam.validate_policy(
            policy_document=TYPO,
            policy_type="RESOURCE_POLICY",
            validate_policy_resource_type="AWS::EC2::Instance",
        )
    with pytest.raises(ValidationError):
        iam.validate_policy(
            policy_document=TYPO,
            policy_type="IDENTITY_POLICY",
            validate_policy_resource_type="AWS::IAM::AssumeRolePolicyDocument",
        )


def test_too_large_is_a_validation_error(iam: Client) -> None:
    with pytest.raises(ValidationError) as refused:
        iam.validate_policy(policy_document=" " * 300_000, policy_type="IDENTITY_POLICY")
    assert "at most 262144" in str(refused.value)


def test_a_user_needs_access_analyzer_validate_policy(iam: Client, iam_node: InProcessNode) -> None:
    with (
        _user(iam, iam_node, "nobody", "iam:*") as nobody,
        pytest.raises(AccessDeniedError) as refused,
    ):
        nobody.validate_policy(policy_document=TYPO, policy_type="IDENTITY_POLICY")
    assert "access-analyzer:ValidatePolicy on resource: *" in str(refused.value)
    with _user(iam, iam_node, "checker", "access-analyzer:ValidatePolicy") as checker:
        found = checker.validate_policy(policy_document=TYPO, policy_type="IDENTITY_POLICY")
    assert [f.issue_code for f in found.findings] == ["INVALID_ACTION"]


def test_writes_accept_what_aws_accepts(iam: Client) -> None:
    # An unknown action is an ERROR finding, yet AWS's CreatePolicy accepts it: so does ours.
    made = iam.create_policy(policy_name="typo", policy_document=TYPO)
    assert made.policy.arn

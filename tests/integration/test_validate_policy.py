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


def _unknown_services(count: int) -> str:
    """A document with one finding per action (services that do not exist)."""
    actions = [f"s{i}:G" for i in range(count)]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
        }
    )


def test_findings_are_paged_with_next_token(iam: Client) -> None:
    document = _unknown_services(250)
    first = iam.validate_policy(policy_document=document, policy_type="IDENTITY_POLICY")
    assert len(first.findings) == 100  # the default page
    assert first.next_token is not None
    seen = list(first.findings)
    token: str | None = None
    pages = 0
    while True:
        page = iam.validate_policy(
            policy_document=document,
            policy_type="IDENTITY_POLICY",
            max_results=40,
            next_token=token,
        )
        pages += 1
        assert len(page.findings) <= 40
        if token is None:
            assert page.findings == first.findings[:40]
        token = page.next_token
        if token is None:
            break
        assert page.findings  # only the last page may be short
    assert pages == 7  # 250 findings, 40 a page
    # Every finding once, in order: the pages together are the whole answer.
    everything: list[object] = []
    token = None
    while True:
        page = iam.validate_policy(
            policy_document=document, policy_type="IDENTITY_POLICY", next_token=token
        )
        everything.extend(page.findings)
        token = page.next_token
        if token is None:
            break
    assert len(everything) == 250
    assert everything[:100] == seen
    locations = [f.locations[0].path[-1].index for f in everything]  # type: ignore[attr-defined]
    assert locations == list(range(250))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_results": 0}, "MaxResults"),
        ({"max_results": 1001}, "MaxResults"),
        ({"next_token": "x1"}, "NextToken"),
        ({"next_token": "999"}, "NextToken"),  # beyond this document's findings
    ],
)
def test_bad_paging_parameters_are_validation_errors(
    iam: Client, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        iam.validate_policy(
            policy_document=_unknown_services(3),
            policy_type="IDENTITY_POLICY",
            **changes,  # type: ignore[arg-type]
        )
    assert field in str(refused.value)

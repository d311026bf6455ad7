"""What a policy validation reports: findings with AWS's issue codes, types and locations."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from iamstore.node.policy.document import PolicyKind

# The issue codes, finding types and their meaning follow IAM Access Analyzer's policy check
# reference: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
CHECK_REFERENCE = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
)
TRUST_POLICY_RESOURCE_TYPE = "AWS::IAM::AssumeRolePolicyDocument"
# ValidatePolicyResourceType in AWS's Access Analyzer model (botocore's `accessanalyzer`).
RESOURCE_TYPES = frozenset(
    {
        "AWS::S3::Bucket",
        "AWS::S3::AccessPoint",
        "AWS::S3::MultiRegionAccessPoint",
        "AWS::S3ObjectLambda::AccessPoint",
        TRUST_POLICY_RESOURCE_TYPE,
        "AWS::DynamoDB::Table",
    }
)


class FindingType(enum.Enum):
    """AWS's ValidatePolicyFinding.findingType, most severe first."""

    ERROR = "ERROR"
    SECURITY_WARNING = "SECURITY_WARNING"
    WARNING = "WARNING"
    SUGGESTION = "SUGGESTION"


class PolicyType(enum.Enum):
    """AWS's ValidatePolicy policyType."""

    IDENTITY_POLICY = "IDENTITY_POLICY"
    RESOURCE_POLICY = "RESOURCE_POLICY"
    SERVICE_CONTROL_POLICY = "SERVICE_CONTROL_POLICY"


def policy_kind(policy_type: PolicyType, resource_type: str | None) -> PolicyKind:
    """The grammar a document of `policy_type` is read with: a RESOURCE_POLICY of the
    `AWS::IAM::AssumeRolePolicyDocument` resource type is a role trust policy."""
    if policy_type is PolicyType.IDENTITY_POLICY:
        return PolicyKind.IDENTITY
    if policy_type is PolicyType.SERVICE_CONTROL_POLICY:
        return PolicyKind.SCP
    if resource_type == TRUST_POLICY_RESOURCE_TYPE:
        return PolicyKind.TRUST
    return PolicyKind.RESOURCE


# The codes iamstore reports that Access Analyzer's reference does not list (docs/authorization.md
# says why each is there). Every other code is one of AWS's.
IAMSTORE_CODES = frozenset(
    {
        "ALLOW_WITH_NOT_ACTION",
        "ALLOW_WITH_NOT_RESOURCE",
        "ROLE_TRUST_POLICY_WILDCARD_PRINCIPAL_WITHOUT_CONDITION",
        "OUTDATED_VERSION",
        "CHECK_LIMIT_REACHED",
    }
)

_ANCHOR_TYPE = {
    FindingType.ERROR: "error",
    FindingType.SECURITY_WARNING: "security-warning",
    FindingType.WARNING: "general-warning",
    FindingType.SUGGESTION: "suggestion",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding; `path` leads from the document's root to the element it is about
    (element names and object keys as text, list positions as numbers), as AWS's locations do.
    """

    code: str
    finding_type: FindingType
    details: str
    path: tuple[str | int, ...] = ()

    @property
    def learn_more_link(self) -> str:
        """The section of AWS's check reference for an AWS code; "" for iamstore's own."""
        if self.code in IAMSTORE_CODES:
            return ""
        words = self.code.lower().replace("_", "-")
        return (
            f"{CHECK_REFERENCE}#access-analyzer-reference-policy-checks-"
            f"{_ANCHOR_TYPE[self.finding_type]}-{words}"
        )

    def to_json(self) -> dict[str, object]:
        """AWS's ValidatePolicyFinding shape (one location, without the text span)."""
        path = [{"index": p} if isinstance(p, int) else {"value": p} for p in self.path]
        return {
            "findingType": self.finding_type.value,
            "issueCode": self.code,
            "findingDetails": self.details,
            "learnMoreLink": self.learn_more_link,
            "locations": [{"path": path}],
        }


_ORDER = {kind: rank for rank, kind in enumerate(FindingType)}


def ordered(findings: list[Finding]) -> tuple[Finding, ...]:
    """Most severe first, then by location (list positions before element names); stable."""
    return tuple(
        sorted(findings, key=lambda f: (_ORDER[f.finding_type], [_path_key(p) for p in f.path]))
    )


def _path_key(part: str | int) -> tuple[int, int, str]:
    return (0, part, "") if isinstance(part, int) else (1, 0, part)

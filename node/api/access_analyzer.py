"""Handler for IAM Access Analyzer's ValidatePolicy (served on the Authz service)."""

from __future__ import annotations

from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, registrar
from iamstore.node.domain.errors import ValidationError
from iamstore.node.policy.validation import (
    Finding,
    PolicyTooLargeError,
    PolicyType,
    validate_policy,
)
from iamstore.node.policy.validation.findings import RESOURCE_TYPES
from iamstore.node.service_catalog import shared_catalog
from iamstore.v1 import authz_pb2 as apb

HANDLERS: dict[str, Handler] = {}
op = registrar(HANDLERS)
# Authorized before it runs as access-analyzer:ValidatePolicy on `*` (node/auth/admin.py).


def _finding(finding: Finding) -> apb.ValidatePolicyFinding:
    path = [
        apb.FindingPathElement(index=p) if isinstance(p, int) else apb.FindingPathElement(value=p)
        for p in finding.path
    ]
    return apb.ValidatePolicyFinding(
        finding_details=finding.details,
        finding_type=finding.finding_type.value,
        issue_code=finding.code,
        learn_more_link=finding.learn_more_link,
        locations=[apb.FindingLocation(path=path)],
    )


@op("ValidatePolicy")
async def validate_policy_handler(
    call: Call, req: apb.ValidatePolicyRequest
) -> apb.ValidatePolicyResponse:
    try:
        policy_type = PolicyType(req.policy_type)
    except ValueError:
        choices = ", ".join(t.value for t in PolicyType)
        raise ValidationError(
            f"`PolicyType` must be one of {choices}, got `{req.policy_type}`", "PolicyType"
        ) from None
    resource_type = (
        req.validate_policy_resource_type if req.HasField("validate_policy_resource_type") else None
    )
    if resource_type is not None and resource_type not in RESOURCE_TYPES:
        choices = ", ".join(sorted(RESOURCE_TYPES))
        raise ValidationError(
            f"`ValidatePolicyResourceType` must be one of {choices}, got `{resource_type}`",
            "ValidatePolicyResourceType",
        )
    if resource_type is not None and policy_type is not PolicyType.RESOURCE_POLICY:
        raise ValidationError(
            "`ValidatePolicyResourceType` applies to a RESOURCE_POLICY only",
            "ValidatePolicyResourceType",
        )
    text = req.policy_document
    catalog = shared_catalog()

    def work() -> tuple[Finding, ...]:
        return validate_policy(text, policy_type, catalog, resource_type=resource_type)

    try:
        # Pure and bounded (node.policy.validation.budget), but it may read the catalog's
        # files the first time a service is named: off the event loop.
        findings = await call.components.evaluations.run(work)
    except PolicyTooLargeError as err:
        raise ValidationError(str(err), "PolicyDocument") from None
    return apb.ValidatePolicyResponse(findings=[_finding(f) for f in findings])

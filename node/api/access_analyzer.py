"""Handler for IAM Access Analyzer's ValidatePolicy (served on the Authz service)."""

from __future__ import annotations

from iamstore.node.api.call import Call
from iamstore.node.api.dispatch import Handler, opt_int, opt_str, registrar
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

# Findings are paged, as Access Analyzer's ValidatePolicy pages them (`maxResults` and
# `nextToken`, Access Analyzer API reference, ValidatePolicy): a legal 256 KiB document can
# have tens of thousands of findings, several MB, more than one answer can carry. A page
# ends at `max_results` findings or before PAGE_BYTES of them (a page holds at least one).
DEFAULT_PAGE_FINDINGS = 100
MAX_PAGE_FINDINGS = 1000
PAGE_BYTES = 1 << 20


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
    page_size = opt_int(req, "max_results")
    if page_size is None:
        page_size = DEFAULT_PAGE_FINDINGS
    elif not 1 <= page_size <= MAX_PAGE_FINDINGS:
        raise ValidationError(
            f"`MaxResults` must be from 1 to {MAX_PAGE_FINDINGS}, got `{page_size}`", "MaxResults"
        )
    token = opt_str(req, "next_token")
    start = 0
    if token is not None:
        if not (token.isascii() and token.isdigit() and len(token) <= 9):
            raise ValidationError(f"invalid `NextToken` `{token[:64]}`", "NextToken")
        start = int(token)
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
    if start > len(findings):
        raise ValidationError(f"invalid `NextToken` `{token}`", "NextToken")
    return _page(findings, start, page_size)


def _page(findings: tuple[Finding, ...], start: int, page_size: int) -> apb.ValidatePolicyResponse:
    """Findings from `start`: at most `page_size`, and at least one, within PAGE_BYTES."""
    response = apb.ValidatePolicyResponse()
    used = 0
    end = start
    for finding in findings[start : start + page_size]:
        message = _finding(finding)
        size = message.ByteSize()
        if end > start and used + size > PAGE_BYTES:
            break
        response.findings.append(message)
        used += size
        end += 1
    if end < len(findings):
        # The token is a position: validation is pure, so the same document and type give
        # the same findings in the same order on every call and every node.
        response.next_token = str(end)
    return response

"""Validates one policy document against the grammar, AWS's catalog and best practice, as
IAM Access Analyzer's ValidatePolicy does; pure (the catalog is handed in)."""

from __future__ import annotations

from iamstore.node.policy.errors import MalformedPolicyDocumentError, PolicyError
from iamstore.node.policy.parse import load_policy_json, parse_policy_object
from iamstore.node.policy.validation.actions import check_resources, resolve_actions
from iamstore.node.policy.validation.budget import Budget
from iamstore.node.policy.validation.catalog import Catalog
from iamstore.node.policy.validation.conditions import check_conditions
from iamstore.node.policy.validation.findings import (
    Finding,
    FindingType,
    PolicyType,
    ordered,
    policy_kind,
)
from iamstore.node.policy.validation.grammar import parse_finding, prepare
from iamstore.node.policy.validation.redundancy import (
    redundant_actions,
    redundant_resources,
    redundant_statements,
)
from iamstore.node.policy.validation.security import check_security

# The largest document validated: twice what IAM's model allows a policy document (131,072
# characters), for AWS managed policies as published with their whitespace; larger texts are
# refused before any is read.
MAX_DOCUMENT_CHARS = 262_144
_LIST_ELEMENTS = ("Action", "NotAction", "Resource", "NotResource")


class PolicyTooLargeError(PolicyError):
    def __init__(self, size: int) -> None:
        super().__init__(
            f"the policy document has {size} characters; at most {MAX_DOCUMENT_CHARS} are validated"
        )


def validate_policy(
    text: str,
    policy_type: PolicyType,
    catalog: Catalog,
    *,
    resource_type: str | None = None,
    budget: Budget | None = None,
) -> tuple[Finding, ...]:
    """The findings for `text`, most severe first; () for a clean document.

    A grammar error stops the checks at the first one (the rest of the document cannot be
    read reliably); every other check reports all it finds. Raises PolicyTooLargeError.
    """
    if len(text) > MAX_DOCUMENT_CHARS:
        raise PolicyTooLargeError(len(text))
    budget = budget if budget is not None else Budget()
    kind = policy_kind(policy_type, resource_type)
    try:
        document = load_policy_json(text)
    except MalformedPolicyDocumentError as err:
        return (parse_finding(err, []),)
    if not isinstance(document, dict):
        message = "the policy document must be a JSON object"
        return (Finding("DATA_TYPE_MISMATCH", FindingType.ERROR, message),)
    prepared = prepare(document)
    findings = list(prepared.findings)
    if prepared.empty:
        return ordered(findings)
    try:
        policy = parse_policy_object(prepared.document, kind)
    except MalformedPolicyDocumentError as err:
        findings.append(parse_finding(err, prepared.statements, prepared.document))
        return ordered(findings)
    raw = prepared.document["Statement"]
    raw_statements = raw if isinstance(raw, list) else [raw]
    for i, statement in enumerate(policy.statements):
        index = prepared.statements[i]
        single = _single_elements(raw_statements[i])
        resolved = resolve_actions(index, statement, single, catalog, budget, findings)
        check_resources(index, statement, single, resolved, budget, findings)
        check_conditions(index, statement, resolved, catalog, budget, findings)
        check_security(index, statement, kind, findings)
        redundant_actions(index, statement, budget, findings)
        redundant_resources(index, statement, budget, findings)
    redundant_statements(policy.statements, prepared.statements, findings)
    if budget.exhausted:
        findings.append(
            Finding(
                "CHECK_LIMIT_REACHED",
                FindingType.WARNING,
                "the document is too large for every check within one validation's work limit; "
                "some wildcard and redundancy checks were skipped",
            )
        )
    return ordered(findings)


def _single_elements(raw: object) -> frozenset[str]:
    """The list elements the statement gives as one string (their paths have no position)."""
    if not isinstance(raw, dict):
        return frozenset()
    return frozenset(e for e in _LIST_ELEMENTS if isinstance(raw.get(e), str))


def has_errors(findings: tuple[Finding, ...]) -> bool:
    return any(f.finding_type is FindingType.ERROR for f in findings)

"""Policy validation in the manner of IAM Access Analyzer's ValidatePolicy: findings with
AWS's issue codes against the grammar, AWS's catalog of actions, resources and condition keys,
and best practice. Pure: the catalog is handed in (node.service_catalog reads AWS's)."""

from iamstore.node.policy.validation.budget import Budget
from iamstore.node.policy.validation.catalog import Catalog
from iamstore.node.policy.validation.findings import Finding, FindingType, PolicyType
from iamstore.node.policy.validation.validate import (
    MAX_DOCUMENT_CHARS,
    PolicyTooLargeError,
    has_errors,
    validate_policy,
)

__all__ = [
    "MAX_DOCUMENT_CHARS",
    "Budget",
    "Catalog",
    "Finding",
    "FindingType",
    "PolicyTooLargeError",
    "PolicyType",
    "has_errors",
    "validate_policy",
]

"""Caps on the Authz service's caller-supplied inputs: AWS's own where AWS documents one.

Every list a caller sends is capped, and so is the work one call may ask for: with the
linear-time wildcard matcher, one decision costs at most in proportion to the size of its
policies times the length of the values it matches, so capping the number of decisions and
the size of each input bounds a call. docs/security.md ("Bounded work") lists them.
"""

from __future__ import annotations

from collections.abc import Sized

from iamstore.node.domain.errors import ValidationError

# AWS's IAM API model (botocore's iam service-2.json, as shipped): a policy document is at
# most 131,072 characters (policyDocumentType, the simulators' ResourcePolicy and inputs), a
# resource ARN at most 2,048 (ResourceNameType), an action name at most 128 (ActionNameType),
# and a tag list at most 50 tags (tagListType). Authorize takes the same sizes.
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
POLICY_DOCUMENT_MAX_CHARS = 131_072
RESOURCE_ARN_MAX_CHARS = 2048
ACTION_NAME_MAX_CHARS = 128
MAX_TAGS = 50

# AWS documents no cap on these lists; these are iamstore's own, each far above what a
# legitimate caller needs in one call (a batch of questions, a simulation page).
AUTHORIZE_BATCH_MAX_REQUESTS = 1000
SIMULATION_MAX_ACTIONS = 1000
SIMULATION_MAX_RESOURCES = 1000
SIMULATION_MAX_POLICY_INPUTS = 100
MAX_CONTEXT_ENTRIES = 100
MAX_CONTEXT_VALUES = 100

# A simulator page evaluates at most this many (action, resource) pairs: fewer actions than
# MaxItems when there are many resources. AWS allows a page to hold fewer results than
# MaxItems while IsTruncated is true, and asks callers to check IsTruncated:
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
SIMULATION_PAGE_EVALUATIONS = 1000

# Calls asking at most this many decisions, over caller-supplied documents of at most this
# many characters in all, are answered on the event loop; larger ones on the node's
# evaluation worker (node/api/offload.py), so the loop keeps its latency.
INLINE_MAX_DECISIONS = 16
INLINE_MAX_DOCUMENT_CHARS = 8192
# ... and whose resource ARNs and context values are at most this long: a decision costs up
# to (patterns in the principal's policies) x (length of the values they match), and the
# principal's policies are written by its account's administrators, not bounded here.
INLINE_MAX_VALUE_CHARS = 256
# ... and whose decisions match at most this many patterns (pattern_count of the policies,
# weighed by the resource ARN's length in 64-character steps) in all.
INLINE_MAX_WORK = 5000


def matching_work(patterns: int, value: str) -> int:
    """A decision's worst matching work: its policies' patterns, each against `value`."""
    return patterns * (1 + len(value) // 64)


def check_count(items: Sized, cap: int, field: str) -> None:
    """ValidationError, in AWS's words, when a caller's list is longer than `cap`."""
    if len(items) > cap:
        raise ValidationError(
            f"1 validation error detected: Value at '{field}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {cap}",
            field,
        )


def check_length(text: str, cap: int, field: str) -> None:
    """ValidationError, in AWS's words, when a caller's string is longer than `cap`."""
    if len(text) > cap:
        raise ValidationError(
            f"1 validation error detected: Value at '{field}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {cap}",
            field,
        )

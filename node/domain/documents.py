"""Checks a policy document against the IAM policy grammar when it is written."""

from __future__ import annotations

from iamstore.node.domain.errors import MalformedPolicyDocument
from iamstore.node.policy import MalformedPolicyDocumentError, PolicyKind, parse_policy


def check(document: str, kind: PolicyKind, field: str = "PolicyDocument") -> None:
    """Raises MalformedPolicyDocument naming what is wrong and where (a JSON pointer)."""
    try:
        parse_policy(document, kind)
    except MalformedPolicyDocumentError as err:
        where = f" (at `{err.pointer}`)" if err.pointer else ""
        raise MalformedPolicyDocument(f"{err.message}{where}", field) from None

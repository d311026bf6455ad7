"""Encoded authorization failure messages: what DecodeAuthorizationMessage reveals, and its size.

AWS services return some denials with an encoded message that only a principal allowed
sts:DecodeAuthorizationMessage may read (STS API reference, DecodeAuthorizationMessage):
whether the request was allowed, whether an explicit deny decided it, the statements that
took part, and the request context (principal, action, resource, condition keys). The
message is sealed with a key derived from the cluster's secrets key for the principal's
account (node.auth.sessions.SessionSealer.seal_message), so no caller can read or forge it,
and it opens in that account only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from iamstore.node.auth.request_context import PrincipalFacts
from iamstore.node.policy import Decision, Outcome

# AWS's EncodedMessage is at most 10,240 characters; the JSON is kept well under that
# before compression and sealing (the condition keys are what gets cut).
MAX_MESSAGE_JSON = 6000
MAX_DECODED_BYTES = 64 * 1024  # what DecodeAuthorizationMessage inflates at most


def _statement(decision: Decision) -> list[dict[str, object]]:
    effect = "DENY" if decision.outcome is Outcome.EXPLICIT_DENY else "ALLOW"
    return [
        {
            "statementId": m.sid or "",
            "effect": effect,
            "policyType": m.policy_kind.value,
            "policyName": m.policy_name,
            "statementIndex": m.statement_index,
        }
        for m in decision.matched
    ]


def failure_message(
    decision: Decision,
    principal: PrincipalFacts,
    action: str,
    resource: str,
    context: Mapping[str, str | tuple[str, ...]],
) -> bytes:
    """AWS's DecodedMessage JSON for a decision, bounded to MAX_MESSAGE_JSON bytes."""
    conditions: list[dict[str, object]] = []
    message: dict[str, object] = {
        "allowed": decision.outcome is Outcome.ALLOW,
        "explicitDeny": decision.outcome is Outcome.EXPLICIT_DENY,
        "matchedStatements": {"items": _statement(decision)},
        "failures": {"items": []},
        "context": {
            "principal": {"id": principal.user_id, "arn": principal.arn},
            "action": action,
            "resource": resource,
            "conditions": {"items": conditions},
        },
    }
    encoded = json.dumps(message, separators=(",", ":")).encode()
    for key in sorted(context):
        value = context[key]
        values = [value] if isinstance(value, str) else list(value)
        item: dict[str, object] = {
            "key": key,
            "values": {"items": [{"value": v} for v in values]},
        }
        grown = len(encoded) + len(json.dumps(item, separators=(",", ":"))) + 1
        if grown > MAX_MESSAGE_JSON:
            message["truncated"] = True  # the rest of the keys did not fit
            break
        conditions.append(item)
        encoded = json.dumps(message, separators=(",", ":")).encode()
    return json.dumps(message, separators=(",", ":")).encode()

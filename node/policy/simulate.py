"""Offline simulator: one JSON request per line in, one JSON decision per line out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from iamstore.node.policy.compile import CompiledPolicy, PolicyGroup, compile_policy
from iamstore.node.policy.document import PolicyKind
from iamstore.node.policy.errors import MalformedPolicyDocumentError
from iamstore.node.policy.evaluate import PolicySet, evaluate
from iamstore.node.policy.parse import parse_policy, parse_policy_object
from iamstore.node.policy.principals import make_request

_FIELDS = frozenset(
    {
        "id",
        "identity_policies",
        "resource_policy",
        "permission_boundary",
        "session_policy",
        "scps",
        "principal_arn",
        "action",
        "resource_arn",
        "resource_account",
        "context",
    }
)


class InvalidInputError(ValueError):
    """A simulator line whose request fields (not policies) are wrong."""


def _policy(doc: object, kind: PolicyKind, name: str) -> CompiledPolicy:
    try:
        if isinstance(doc, str):
            policy = parse_policy(doc, kind)
        elif isinstance(doc, dict):
            policy = parse_policy_object(doc, kind)
        else:
            raise MalformedPolicyDocumentError("policy document must be a json object", "")
    except MalformedPolicyDocumentError as exc:
        raise MalformedPolicyDocumentError(
            f"{name}: {exc.message}", f"/{name}{exc.pointer}"
        ) from None
    return compile_policy(policy, name)


def _string(line: dict[str, object], key: str) -> str:
    value = line.get(key)
    if not isinstance(value, str):
        raise InvalidInputError(f"`{key}` must be a string")
    return value


def _context(raw: object) -> dict[str, str | list[str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidInputError("`context` must be an object")
    out: dict[str, str | list[str]] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            out[key] = value
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[key] = list(value)
        else:
            raise InvalidInputError(f"context key `{key}` must be a string or a list of strings")
    return out


def simulate_case(line: dict[str, object]) -> dict[str, object]:
    """Decide one request given as a decoded simulator line (see `simulate_lines`)."""
    case_id = line.get("id")
    try:
        unknown = sorted(set(line) - _FIELDS)
        if unknown:
            raise InvalidInputError(f"unknown field `{unknown[0]}`")
        action = _string(line, "action")
        resource_account = line.get("resource_account")
        if resource_account is not None and not isinstance(resource_account, str):
            raise InvalidInputError("`resource_account` must be a string or null")
        request = make_request(
            _string(line, "principal_arn"),
            action,
            _string(line, "resource_arn"),
            resource_account=resource_account,
            context=_context(line.get("context")),
        )
        identity_docs = line.get("identity_policies") or []
        if not isinstance(identity_docs, list):
            raise InvalidInputError("`identity_policies` must be a list")
        # A role's resource policy is its trust policy, asked about by STS actions
        # (sts:AssumeRole*, sts:TagSession, sts:SetSourceIdentity, ...).
        resource_kind = (
            PolicyKind.TRUST
            if action.lower().startswith("sts:") and ":role/" in _string(line, "resource_arn")
            else PolicyKind.RESOURCE
        )
        scps_raw = line.get("scps")
        if scps_raw is not None and not (
            isinstance(scps_raw, list) and all(isinstance(level, list) for level in scps_raw)
        ):
            raise InvalidInputError("`scps` must be a list of lists or null")

        def optional(key: str, kind: PolicyKind) -> CompiledPolicy | None:
            doc = line.get(key)
            return None if doc is None else _policy(doc, kind, key)

        session = optional("session_policy", PolicyKind.SESSION)
        identity = tuple(
            _policy(doc, PolicyKind.IDENTITY, f"identity_policies/{i}")
            for i, doc in enumerate(identity_docs)
        )
        policies = PolicySet(
            # One group, as a node scans a principal's identity policies.
            identity=(PolicyGroup(identity),),
            resource=optional("resource_policy", resource_kind),
            boundary=optional("permission_boundary", PolicyKind.BOUNDARY),
            session=() if session is None else (session,),
            scps=None
            if scps_raw is None
            else tuple(
                tuple(_policy(doc, PolicyKind.SCP, f"scps/{i}/{j}") for j, doc in enumerate(level))
                for i, level in enumerate(scps_raw)
            ),
        )
    except MalformedPolicyDocumentError as exc:
        error = {"code": "MalformedPolicyDocument", "message": exc.message, "pointer": exc.pointer}
        return {"id": case_id, "error": error}
    except InvalidInputError as exc:
        return {"id": case_id, "error": {"code": "InvalidInput", "message": str(exc)}}
    decision = evaluate(request, policies)
    return {
        "id": case_id,
        "decision": decision.outcome.value,
        "matched": [m.to_json() for m in decision.matched],
    }


def simulate_lines(lines: Iterable[str]) -> Iterator[str]:
    """One output line per non-blank input line; a bad line yields an error line, not a stop."""
    for text in lines:
        if not text.strip():
            continue
        try:
            line = json.loads(text)
        except (ValueError, RecursionError):
            line = None
        if not isinstance(line, dict):
            error = {"code": "InvalidInput", "message": "line is not a json object"}
            yield json.dumps({"id": None, "error": error})
            continue
        yield json.dumps(simulate_case(line), separators=(",", ":"))

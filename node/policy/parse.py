"""JSON policy text -> validated `Policy` tree; every grammar rule lives here."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from iamstore.node.policy.document import (
    VERSION_2008,
    VERSION_2012,
    ConditionClause,
    Effect,
    Policy,
    PolicyKind,
    PrincipalKey,
    PrincipalSpec,
    Statement,
)
from iamstore.node.policy.errors import MalformedPolicyDocumentError
from iamstore.node.policy.operators import parse_operator

_TOP_LEVEL = frozenset({"Version", "Id", "Statement"})
_STATEMENT_KEYS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
_VERSIONS = (VERSION_2012, VERSION_2008)
_ALNUM_SID = re.compile(r"[A-Za-z0-9]*\Z")
# [0-9], not \d: Python's \d matches any script's digits; account ids are ASCII.
_ACCOUNT_ID = re.compile(r"[0-9]{12}\Z")
_AWS_PRINCIPAL_ARN = re.compile(
    r"arn:[a-z0-9-]+:(?:iam::[0-9]{12}:(?:root|user/.+|role/.+)"
    r"|sts::[0-9]{12}:(?:assumed-role/[^/]+/.+|federated-user/.+))\Z",
    re.DOTALL,
)
# Identity-family policies are stored as IAM managed/inline policies, whose Sids are alphanumeric.
_ALNUM_SID_KINDS = frozenset({PolicyKind.IDENTITY, PolicyKind.BOUNDARY, PolicyKind.SESSION})
_NO_PRINCIPAL_KINDS = frozenset(
    {PolicyKind.IDENTITY, PolicyKind.BOUNDARY, PolicyKind.SESSION, PolicyKind.SCP}
)
_PRINCIPAL_KINDS = frozenset({PolicyKind.RESOURCE, PolicyKind.TRUST})


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pointer(*parts: str | int) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _fail(message: str, *parts: str | int) -> MalformedPolicyDocumentError:
    return MalformedPolicyDocumentError(message, _pointer(*parts))


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _reject_constant(name: str) -> object:
    raise ValueError(name)


def _load_json(text: str) -> object:
    if not isinstance(text, str):
        raise MalformedPolicyDocumentError("policy document must be text", "")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except _DuplicateKeyError as exc:
        raise MalformedPolicyDocumentError(f"duplicate key `{exc.key}`", "") from None
    except (ValueError, RecursionError):
        raise MalformedPolicyDocumentError("policy document is not valid json", "") from None


def load_policy_json(text: str) -> object:
    """The JSON value of a policy text, decoded as parse_policy decodes it (duplicate keys
    and NaN refused); for readers that look at the raw document before parse_policy_object."""
    return _load_json(text)


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _string_list(value: object, what: str, *where: str | int) -> tuple[str, ...]:
    """A string or a non-empty list of strings, as a tuple."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        if not value:
            raise _fail(f"{what} must not be an empty list", *where)
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise _fail(f"{what} entries must be strings, got {_type_name(item)}", *where, i)
        return tuple(value)
    raise _fail(f"{what} must be a string or a list of strings, got {_type_name(value)}", *where)


def _condition_value(value: object, where: tuple[str | int, ...]) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    raise _fail(
        f"condition values must be strings, numbers or booleans, got {_type_name(value)}", *where
    )


def _parse_condition(raw: object, index: int) -> tuple[ConditionClause, ...]:
    base: tuple[str | int, ...] = ("Statement", index, "Condition")
    if not isinstance(raw, dict):
        raise _fail(f"statement {index}: `Condition` must be an object", *base)
    clauses: list[ConditionClause] = []
    for operator, block in raw.items():
        if parse_operator(operator) is None:
            message = f"statement {index}: unknown condition operator `{operator}`"
            raise _fail(message, *base, operator)
        if not isinstance(block, dict) or not block:
            raise _fail(
                f"statement {index}: condition operator `{operator}` must map keys to values",
                *base,
                operator,
            )
        for key, values in block.items():
            where = (*base, operator, key)
            if not key:
                raise _fail(f"statement {index}: condition key must not be empty", *where)
            if isinstance(values, str):
                items: tuple[str, ...] = (values,)
            elif isinstance(values, list):
                if not values:
                    raise _fail(f"statement {index}: condition key `{key}` has no values", *where)
                if all(isinstance(v, str) for v in values):
                    items = tuple(values)  # the common case; same result as the general one
                else:
                    items = tuple(_condition_value(v, (*where, i)) for i, v in enumerate(values))
            else:
                items = (_condition_value(values, where),)
            clauses.append(ConditionClause(operator, key, items))
    return tuple(clauses)


def _check_aws_principal(value: str, where: tuple[str | int, ...]) -> None:
    if value == "*" or _ACCOUNT_ID.match(value):
        return
    if "*" in value or "?" in value:
        raise _fail(f"invalid principal `{value}`: wildcards may only stand alone as `*`", *where)
    if not _AWS_PRINCIPAL_ARN.match(value):
        raise _fail(f"invalid principal `{value}`", *where)


def _parse_principal(raw: object, element: str, index: int) -> PrincipalSpec:
    where: tuple[str | int, ...] = ("Statement", index, element)
    if raw == "*":
        return PrincipalSpec(wildcard=True)
    if not isinstance(raw, dict) or not raw:
        raise _fail(
            f"statement {index}: `{element}` must be `*` or an object of principal types", *where
        )
    entries: list[tuple[PrincipalKey, tuple[str, ...]]] = []
    for key, value in raw.items():
        try:
            principal_key = PrincipalKey(key)
        except ValueError:
            raise _fail(f"statement {index}: unknown principal type `{key}`", *where, key) from None
        values = _string_list(value, f"statement {index}: `{element}.{key}`", *where, key)
        for i, item in enumerate(values):
            item_where = (*where, key) if isinstance(value, str) else (*where, key, i)
            if not item:
                raise _fail(f"statement {index}: principal must not be empty", *item_where)
            if principal_key is PrincipalKey.AWS:
                _check_aws_principal(item, item_where)
        entries.append((principal_key, values))
    return PrincipalSpec(wildcard=False, entries=tuple(entries))


def _check_action(value: str, where: tuple[str | int, ...], index: int) -> None:
    if value == "*":
        return
    service, sep, name = value.partition(":")
    if not sep or not service or not name:
        raise _fail(f"statement {index}: action `{value}` must be `*` or `service:action`", *where)


def _check_resource(value: str, where: tuple[str | int, ...], index: int) -> None:
    if value != "*" and not value.startswith("arn:"):
        raise _fail(f"statement {index}: resource `{value}` must be `*` or an arn", *where)


def _parse_list_element(
    raw: dict[str, object],
    element: str,
    index: int,
    check: Callable[[str, tuple[str | int, ...], int], None],
) -> tuple[str, ...] | None:
    if element not in raw:
        return None
    value = raw[element]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        values = tuple(value)  # the common case, without building a message up front
    else:
        values = _string_list(value, f"statement {index}: `{element}`", "Statement", index, element)
    where: tuple[str | int, ...] = ("Statement", index, element)
    for i, item in enumerate(values):
        check(item, where if isinstance(value, str) else (*where, i), index)
    return values


def _parse_statement(raw: object, index: int, kind: PolicyKind) -> Statement:
    if not isinstance(raw, dict):
        raise _fail(f"statement {index} must be an object", "Statement", index)
    for key in raw:
        if key not in _STATEMENT_KEYS:
            raise _fail(f"statement {index}: unknown element `{key}`", "Statement", index, key)

    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise _fail(f"statement {index}: `Sid` must be a string", "Statement", index, "Sid")
    if sid is not None and kind in _ALNUM_SID_KINDS and not _ALNUM_SID.match(sid):
        raise _fail(
            f"statement {index}: `Sid` must be alphanumeric, got `{sid}`", "Statement", index, "Sid"
        )

    if "Effect" not in raw:
        raise _fail(f"statement {index}: `Effect` is required", "Statement", index)
    effect_raw = raw["Effect"]
    if effect_raw not in ("Allow", "Deny"):
        shown = effect_raw if isinstance(effect_raw, str) else _type_name(effect_raw)
        raise _fail(
            f"statement {index}: `Effect` must be `Allow` or `Deny`, got `{shown}`",
            "Statement",
            index,
            "Effect",
        )
    effect = Effect(effect_raw)

    has_principal = "Principal" in raw or "NotPrincipal" in raw
    if "Principal" in raw and "NotPrincipal" in raw:
        raise _fail(
            f"statement {index}: `Principal` and `NotPrincipal` cannot both be present",
            "Statement",
            index,
        )
    if kind in _NO_PRINCIPAL_KINDS and has_principal:
        element = "Principal" if "Principal" in raw else "NotPrincipal"
        raise _fail(
            f"statement {index}: `{element}` is not allowed in a {kind.value} policy",
            "Statement",
            index,
            element,
        )
    if kind in _PRINCIPAL_KINDS and not has_principal:
        raise _fail(
            f"statement {index}: a {kind.value} policy needs `Principal` or `NotPrincipal`",
            "Statement",
            index,
        )
    principal = (
        _parse_principal(raw["Principal"], "Principal", index) if "Principal" in raw else None
    )
    not_principal = (
        _parse_principal(raw["NotPrincipal"], "NotPrincipal", index)
        if "NotPrincipal" in raw
        else None
    )

    if ("Action" in raw) == ("NotAction" in raw):
        raise _fail(
            f"statement {index}: exactly one of `Action` and `NotAction` is required",
            "Statement",
            index,
        )
    actions = _parse_list_element(raw, "Action", index, _check_action)
    not_actions = _parse_list_element(raw, "NotAction", index, _check_action)

    if "Resource" in raw and "NotResource" in raw:
        raise _fail(
            f"statement {index}: `Resource` and `NotResource` cannot both be present",
            "Statement",
            index,
        )
    has_resource = "Resource" in raw or "NotResource" in raw
    if kind is PolicyKind.TRUST and has_resource:
        element = "Resource" if "Resource" in raw else "NotResource"
        raise _fail(
            f"statement {index}: `{element}` is not allowed in a trust policy",
            "Statement",
            index,
            element,
        )
    if kind is not PolicyKind.TRUST and not has_resource:
        raise _fail(
            f"statement {index}: one of `Resource` and `NotResource` is required",
            "Statement",
            index,
        )
    resources = _parse_list_element(raw, "Resource", index, _check_resource)
    not_resources = _parse_list_element(raw, "NotResource", index, _check_resource)

    conditions = _parse_condition(raw["Condition"], index) if "Condition" in raw else ()
    return Statement(
        effect=effect,
        sid=sid,
        principal=principal,
        not_principal=not_principal,
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        conditions=conditions,
    )


def parse_policy(text: str, kind: PolicyKind) -> Policy:
    """Parse and validate policy JSON text for a policy attached as `kind`.

    Raises MalformedPolicyDocumentError (with a JSON pointer) for any violation.
    """
    document = _load_json(text)
    if not isinstance(document, dict):
        raise MalformedPolicyDocumentError(
            f"policy document must be a json object, got {_type_name(document)}", ""
        )
    return parse_policy_object(document, kind)


def parse_policy_object(document: dict[str, object], kind: PolicyKind) -> Policy:
    """Validate an already-decoded policy document (a JSON object)."""
    for key in document:
        if key not in _TOP_LEVEL:
            raise _fail(f"unknown policy element `{key}`", key)

    version = document.get("Version", VERSION_2008)
    if not isinstance(version, str) or version not in _VERSIONS:
        shown = version if isinstance(version, str) else _type_name(version)
        message = f"`Version` must be `{VERSION_2012}` or `{VERSION_2008}`, got `{shown}`"
        raise _fail(message, "Version")
    if kind is PolicyKind.SCP and version != VERSION_2012:
        raise _fail(f"a service control policy needs `Version` `{VERSION_2012}`", "Version")

    policy_id = document.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise _fail("`Id` must be a string", "Id")

    if "Statement" not in document:
        raise MalformedPolicyDocumentError("`Statement` is required", "")
    raw_statements = document["Statement"]
    if isinstance(raw_statements, dict):
        statements: tuple[Statement, ...] = (_parse_statement(raw_statements, 0, kind),)
    elif isinstance(raw_statements, list):
        if not raw_statements:
            raise _fail("`Statement` must not be an empty list", "Statement")
        statements = tuple(_parse_statement(raw, i, kind) for i, raw in enumerate(raw_statements))
    else:
        raise _fail(
            f"`Statement` must be an object or a list, got {_type_name(raw_statements)}",
            "Statement",
        )

    seen: dict[str, int] = {}
    for i, statement in enumerate(statements):
        if statement.sid:
            if statement.sid in seen:
                first = seen[statement.sid]
                message = f"statement {i}: `Sid` `{statement.sid}` repeats statement {first}"
                raise _fail(message, "Statement", i, "Sid")
            seen[statement.sid] = i
    return Policy(kind=kind, version=version, statements=statements, id=policy_id)

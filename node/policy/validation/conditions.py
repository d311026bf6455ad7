"""Condition findings: keys that do not exist, operators of the wrong type for their key,
values the operator cannot read, qualifiers that do not fit the key, and keys the
statement's actions never carry."""

from __future__ import annotations

from iamstore.node.policy.conditions import (
    parse_binary,
    parse_bool,
    parse_date,
    parse_network,
    parse_number,
)
from iamstore.node.policy.document import ConditionClause, Statement
from iamstore.node.policy.match import fold
from iamstore.node.policy.operators import (
    Comparison,
    OperatorSpec,
    SetQualifier,
    ValueType,
    parse_operator,
)
from iamstore.node.policy.validation.actions import ResolvedAction
from iamstore.node.policy.validation.budget import Budget
from iamstore.node.policy.validation.catalog import Catalog, ConditionKey
from iamstore.node.policy.validation.findings import Finding, FindingType
from iamstore.node.policy.validation.global_keys import (
    DEPRECATED_KEYS,
    EXTRA_OPERATOR_TYPES,
    GLOBAL_KEYS,
)

_E, _SW, _W, _S = (
    FindingType.ERROR,
    FindingType.SECURITY_WARNING,
    FindingType.WARNING,
    FindingType.SUGGESTION,
)
_OPERATOR_FAMILY = {
    ValueType.STRING: "String",
    ValueType.ARN: "Arn",
    ValueType.BOOL: "Bool",
    ValueType.NUMERIC: "Numeric",
    ValueType.DATE: "Date",
    ValueType.IP: "IpAddress",
    ValueType.BINARY: "Binary",
}
# Operators that may compare a key of each type: AWS's String operators also read ARNs
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).
_ACCEPTED = {
    ValueType.ARN: frozenset({ValueType.ARN, ValueType.STRING}),
}
_UNREADABLE_VALUE = {
    ValueType.NUMERIC: ("TYPE_MISMATCH_NUMBER", "a number"),
    ValueType.DATE: ("TYPE_MISMATCH_DATE", "an ISO 8601 date or epoch seconds"),
    ValueType.BOOL: ("TYPE_MISMATCH_BOOLEAN", "`true` or `false`"),
    ValueType.IP: ("TYPE_MISMATCH_IP_RANGE", "an IP address or CIDR range"),
    ValueType.BINARY: ("TYPE_MISMATCH_STRING", "base64 text"),
}


def _readable(value_type: ValueType, value: str) -> bool:
    if value_type is ValueType.NUMERIC:
        return parse_number(value) is not None
    if value_type is ValueType.DATE:
        return parse_date(value) is not None
    if value_type is ValueType.BOOL:
        return parse_bool(value) is not None
    if value_type is ValueType.IP:
        return parse_network(value) is not None
    if value_type is ValueType.BINARY:
        return parse_binary(value) is not None
    return True


def check_conditions(
    index: int,
    statement: Statement,
    resolved: tuple[ResolvedAction, ...],
    catalog: Catalog,
    budget: Budget,
    findings: list[Finding],
) -> None:
    for clause in statement.conditions:
        spec = parse_operator(clause.operator)
        if spec is None:  # the parser admits only valid operators
            continue
        path: tuple[str | int, ...] = ("Statement", index, "Condition", clause.operator, clause.key)
        _check_values(clause, spec, path, findings)
        key = _known_key(clause.key, catalog, path, findings)
        if key is None:
            continue
        _check_type(clause, spec, key, path, findings)
        _check_qualifier(clause, spec, key, path, findings)
        _check_actions(clause, spec, resolved, path, budget, findings)


def _known_key(
    key: str, catalog: Catalog, path: tuple[str | int, ...], findings: list[Finding]
) -> ConditionKey | None:
    """The catalog's entry for `key`, or None (with a finding when it does not exist)."""
    folded = fold(key)
    if folded in DEPRECATED_KEYS:
        findings.append(
            Finding(
                "DEPRECATED_GLOBAL_CONDITION_KEY",
                _W,
                f"`{key}` is deprecated: use `{DEPRECATED_KEYS[folded]}`",
                path,
            )
        )
        return None
    found = GLOBAL_KEYS.find(key)
    if found is not None:
        return found
    prefix, colon, name = key.partition(":")
    if not colon or not prefix or not name:
        findings.append(
            Finding(
                "INVALID_CONDITION_KEY_FORMAT",
                _E,
                f"the condition key `{key}` is not of the form `service:name`",
                path,
            )
        )
        return None
    if fold(prefix) == "aws":
        findings.append(
            Finding(
                "INVALID_GLOBAL_CONDITION_KEY",
                _E,
                f"the condition key `{key}` does not exist",
                path,
            )
        )
        return None
    service = catalog.service(fold(prefix))
    if service is None:
        # A prefix that is no service: an identity provider's claims (`accounts.google.com:aud`)
        # or keys AWS files under another service (`catalog:ChangeType`).
        for owner in catalog.key_services(fold(prefix)):
            owning = catalog.service(owner)
            found = owning.condition_keys.find(key) if owning is not None else None
            if found is not None:
                return found
        if "." in prefix or "/" in prefix:
            return None  # any OIDC provider may be registered: its claims are not listed
        findings.append(
            Finding(
                "INVALID_SERVICE",
                _E,
                f"the service `{prefix}` of the condition key `{key}` does not exist",
                path,
            )
        )
        return None
    found = service.condition_keys.find(key)
    if found is None:
        findings.append(
            Finding(
                "INVALID_SERVICE_CONDITION_KEY",
                _E,
                f"the condition key `{key}` does not exist in the service `{prefix}`",
                path,
            )
        )
    return found


def _check_values(
    clause: ConditionClause,
    spec: OperatorSpec,
    path: tuple[str | int, ...],
    findings: list[Finding],
) -> None:
    value_type = spec.base.value_type
    unreadable = _UNREADABLE_VALUE.get(value_type)
    values = [v for v in clause.values if "${" not in v]  # policy variables: known only later
    if unreadable is not None:
        code, expected = unreadable
        for value in values:
            if not _readable(value_type, value):
                message = f"`{value}` is not {expected}, as `{clause.operator}` needs"
                findings.append(Finding(code, _W, message, path))
                break
    if value_type is ValueType.BOOL and len(clause.values) > 1:
        findings.append(
            Finding(
                "INVALID_CONDITION_MULTIPLE_BOOLEAN",
                _E,
                f"`{clause.key}` is given several Boolean values: use one",
                path,
            )
        )
    exact = spec.base.comparison in (Comparison.EQUALS, Comparison.EQUALS_IGNORE_CASE)
    wildcard = any("*" in v or "?" in v for v in values)
    if value_type is ValueType.STRING and exact and wildcard:
        findings.append(
            Finding(
                "WILDCARD_WITHOUT_LIKE_OPERATOR",
                _W,
                f"a value of `{clause.key}` holds `*` or `?`, which `{clause.operator}` "
                "compares as plain text; use a `Like` operator for wildcards",
                path,
            )
        )
    if value_type is ValueType.NUMERIC and spec.base.comparison in _BOUNDS and len(values) > 1:
        numbers = [parse_number(v) for v in values]
        if all(n is not None for n in numbers):
            keep = _BOUNDS[spec.base.comparison](n for n in numbers if n is not None)
            findings.append(
                Finding(
                    "REDUNDANT_CONDITION_VALUE_NUM",
                    _S,
                    f"several values of `{clause.key}` under `{clause.operator}` are redundant: "
                    f"the single value `{keep}` allows the same",
                    path,
                )
            )


_BOUNDS = {
    Comparison.LESS: max,
    Comparison.LESS_EQUALS: max,
    Comparison.GREATER: min,
    Comparison.GREATER_EQUALS: min,
}


def _check_type(
    clause: ConditionClause,
    spec: OperatorSpec,
    key: ConditionKey,
    path: tuple[str | int, ...],
    findings: list[Finding],
) -> None:
    operator_type = spec.base.value_type
    if operator_type is ValueType.NULL:
        return
    accepted = EXTRA_OPERATOR_TYPES.get(
        fold(key.name), _ACCEPTED.get(key.value_type, frozenset({key.value_type}))
    )
    if operator_type not in accepted:
        family = _OPERATOR_FAMILY[key.value_type]
        findings.append(
            Finding(
                "TYPE_MISMATCH",
                _W,
                f"`{clause.key}` is of type {family}: use an operator of the {family} family "
                f"instead of `{clause.operator}`",
                path,
            )
        )


def _check_qualifier(
    clause: ConditionClause,
    spec: OperatorSpec,
    key: ConditionKey,
    path: tuple[str | int, ...],
    findings: list[Finding],
) -> None:
    if spec.qualifier is SetQualifier.FOR_ALL_VALUES and not key.multivalued:
        findings.append(
            Finding(
                "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
                _SW,
                f"`ForAllValues` with the single-valued key `{clause.key}` is also true when "
                "the request has no value for it; remove `ForAllValues:`",
                path,
            )
        )
    if (
        key.multivalued
        and spec.qualifier is SetQualifier.NONE
        and spec.base.value_type is not ValueType.NULL
    ):
        findings.append(
            Finding(
                "MISSING_QUALIFIER",
                _E,
                f"`{clause.key}` may have several values in a request: use `ForAllValues:` or "
                f"`ForAnyValue:` with `{clause.operator}`",
                path,
            )
        )


def _check_actions(
    clause: ConditionClause,
    spec: OperatorSpec,
    resolved: tuple[ResolvedAction, ...],
    path: tuple[str | int, ...],
    budget: Budget,
    findings: list[Finding],
) -> None:
    """Named actions that never carry a service's own key: for them the condition is never
    true (AWS skips actions given with wildcards here, and so does iamstore)."""
    prefix = fold(clause.key.partition(":")[0])
    if prefix == "aws" or "." in prefix or "/" in prefix or "/" in clause.key:
        # Templated keys (`s3:ExistingObjectTag/<key>`) are spelled unevenly in the
        # reference's per-action lists; an error must not come from a gap in the data.
        return
    if spec.if_exists or spec.base.value_type is ValueType.NULL:
        return  # a missing key is what these test for, or what they let through
    if GLOBAL_KEYS.find(clause.key) is not None:
        return
    # Each clause looks at each named action: many of both would multiply.
    if not budget.spend(len(resolved)):
        return
    lacking = [
        entry.text
        for entry in resolved
        if entry.element == "Action"
        and entry.explicit
        and entry.actions
        and entry.actions[0].condition_keys.find(clause.key) is None
    ]
    if lacking:
        shown = ", ".join(f"`{a}`" for a in lacking[:5])
        more = f" and {len(lacking) - 5} more" if len(lacking) > 5 else ""
        findings.append(
            Finding(
                "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
                _E,
                f"{shown}{more} never carry the condition key `{clause.key}`, so the condition "
                "is never true for them; move them to a statement without it",
                path,
            )
        )

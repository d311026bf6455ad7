"""The condition operator vocabulary: names, qualifiers (ForAnyValue/ForAllValues, IfExists)."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass


class ValueType(enum.Enum):
    STRING = "string"
    NUMERIC = "numeric"
    DATE = "date"
    BOOL = "bool"
    BINARY = "binary"
    IP = "ip"
    ARN = "arn"
    NULL = "null"


class Comparison(enum.Enum):
    EQUALS = "equals"
    EQUALS_IGNORE_CASE = "equals_ignore_case"
    LIKE = "like"
    LESS = "less"
    LESS_EQUALS = "less_equals"
    GREATER = "greater"
    GREATER_EQUALS = "greater_equals"
    IN_NETWORK = "in_network"
    IS_NULL = "is_null"


class SetQualifier(enum.Enum):
    NONE = ""
    FOR_ANY_VALUE = "ForAnyValue"
    FOR_ALL_VALUES = "ForAllValues"


@dataclass(frozen=True, slots=True)
class BaseOperator:
    value_type: ValueType
    comparison: Comparison
    negated: bool


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """A fully qualified operator such as `ForAllValues:StringLikeIfExists`."""

    name: str
    base: BaseOperator
    qualifier: SetQualifier
    if_exists: bool


_T, _C = ValueType, Comparison

BASE_OPERATORS: dict[str, BaseOperator] = {
    "StringEquals": BaseOperator(_T.STRING, _C.EQUALS, False),
    "StringNotEquals": BaseOperator(_T.STRING, _C.EQUALS, True),
    "StringEqualsIgnoreCase": BaseOperator(_T.STRING, _C.EQUALS_IGNORE_CASE, False),
    "StringNotEqualsIgnoreCase": BaseOperator(_T.STRING, _C.EQUALS_IGNORE_CASE, True),
    "StringLike": BaseOperator(_T.STRING, _C.LIKE, False),
    "StringNotLike": BaseOperator(_T.STRING, _C.LIKE, True),
    "NumericEquals": BaseOperator(_T.NUMERIC, _C.EQUALS, False),
    "NumericNotEquals": BaseOperator(_T.NUMERIC, _C.EQUALS, True),
    "NumericLessThan": BaseOperator(_T.NUMERIC, _C.LESS, False),
    "NumericLessThanEquals": BaseOperator(_T.NUMERIC, _C.LESS_EQUALS, False),
    "NumericGreaterThan": BaseOperator(_T.NUMERIC, _C.GREATER, False),
    "NumericGreaterThanEquals": BaseOperator(_T.NUMERIC, _C.GREATER_EQUALS, False),
    "DateEquals": BaseOperator(_T.DATE, _C.EQUALS, False),
    "DateNotEquals": BaseOperator(_T.DATE, _C.EQUALS, True),
    "DateLessThan": BaseOperator(_T.DATE, _C.LESS, False),
    "DateLessThanEquals": BaseOperator(_T.DATE, _C.LESS_EQUALS, False),
    "DateGreaterThan": BaseOperator(_T.DATE, _C.GREATER, False),
    "DateGreaterThanEquals": BaseOperator(_T.DATE, _C.GREATER_EQUALS, False),
    "Bool": BaseOperator(_T.BOOL, _C.EQUALS, False),
    "BinaryEquals": BaseOperator(_T.BINARY, _C.EQUALS, False),
    "IpAddress": BaseOperator(_T.IP, _C.IN_NETWORK, False),
    "NotIpAddress": BaseOperator(_T.IP, _C.IN_NETWORK, True),
    # AWS documents ArnEquals and ArnLike as the same test (each ARN segment may use wildcards).
    "ArnEquals": BaseOperator(_T.ARN, _C.LIKE, False),
    "ArnLike": BaseOperator(_T.ARN, _C.LIKE, False),
    "ArnNotEquals": BaseOperator(_T.ARN, _C.LIKE, True),
    "ArnNotLike": BaseOperator(_T.ARN, _C.LIKE, True),
    "Null": BaseOperator(_T.NULL, _C.IS_NULL, False),
}

_IF_EXISTS = "IfExists"


def parse_operator(name: str) -> OperatorSpec | None:
    """The operator named `name`, or None when it is not a valid (case-sensitive) operator."""
    # Memoized only for names as long as a real operator's: names come from caller text.
    return _operator(name) if len(name) <= _OPERATOR_MEMO_CHARS else _operator.__wrapped__(name)


_OPERATOR_MEMO_CHARS = 64  # `ForAllValues:StringNotEqualsIgnoreCaseIfExists` is 46


@functools.lru_cache(maxsize=1024)  # a handful of operator names recur in every policy
def _operator(name: str) -> OperatorSpec | None:
    rest = name
    qualifier = SetQualifier.NONE
    for candidate in (SetQualifier.FOR_ANY_VALUE, SetQualifier.FOR_ALL_VALUES):
        prefix = candidate.value + ":"
        if rest.startswith(prefix):
            qualifier, rest = candidate, rest[len(prefix) :]
            break
    if_exists = False
    base = BASE_OPERATORS.get(rest)
    if base is None and rest.endswith(_IF_EXISTS):
        base = BASE_OPERATORS.get(rest[: -len(_IF_EXISTS)])
        if_exists = True
    if base is None:
        return None
    if base.value_type is ValueType.NULL and (if_exists or qualifier is not SetQualifier.NONE):
        return None
    return OperatorSpec(name, base, qualifier, if_exists)

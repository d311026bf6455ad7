"""Condition operators compiled to closures over the request context; they never raise."""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from iamstore.node.policy.document import ConditionClause
from iamstore.node.policy.errors import MalformedPolicyDocumentError
from iamstore.node.policy.glob import compile_glob
from iamstore.node.policy.match import ArnPattern
from iamstore.node.policy.memo import sized_memo
from iamstore.node.policy.operators import (
    BaseOperator,
    Comparison,
    OperatorSpec,
    SetQualifier,
    ValueType,
    parse_operator,
)
from iamstore.node.policy.variables import Context, has_variables, literal_text, resolve, tokenize

Predicate = Callable[[Context], bool]
# A policy value compiled for one operator: (request value, context) -> match?, where None
# means the request value cannot be read as the operator's type.
ValueTest = Callable[[str, Context], bool | None]

_EPOCH = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")
# Request values (source addresses, the current time) recur from one question to the next;
# the parsers are pure and their results immutable, so they are memoized, bounded in entries
# and, as request values are the caller's, in size: longer values are parsed afresh.
_PARSE_CACHE = 4096
_PARSE_MEMO_CHARS = 64


def parse_number(text: str) -> Decimal | None:
    return _number(text) if len(text) <= _PARSE_MEMO_CHARS else _number.__wrapped__(text)


@functools.lru_cache(maxsize=_PARSE_CACHE)
def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_date(text: str) -> float | None:
    """Seconds since the epoch for an ISO 8601 date/time or an epoch number; naive means UTC."""
    return _date(text) if len(text) <= _PARSE_MEMO_CHARS else _date.__wrapped__(text)


@functools.lru_cache(maxsize=_PARSE_CACHE)
def _date(text: str) -> float | None:
    text = text.strip()
    if _EPOCH.match(text):
        return float(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.timestamp()
    except (OverflowError, ValueError):
        return None


def parse_bool(text: str) -> bool | None:
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    return None


def parse_binary(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    return _ip(text) if len(text) <= _PARSE_MEMO_CHARS else _ip.__wrapped__(text)


@functools.lru_cache(maxsize=_PARSE_CACHE)
def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _ordered(comparison: Comparison) -> Callable[[float | Decimal, float | Decimal], bool]:
    if comparison is Comparison.LESS:
        return lambda a, b: a < b
    if comparison is Comparison.LESS_EQUALS:
        return lambda a, b: a <= b
    if comparison is Comparison.GREATER:
        return lambda a, b: a > b
    if comparison is Comparison.GREATER_EQUALS:
        return lambda a, b: a >= b
    return lambda a, b: a == b


def _string_test(base: BaseOperator, value: str, variables: bool) -> ValueTest:
    comparison = base.comparison
    like = comparison is Comparison.LIKE
    tokens = tokenize(value, variables=variables, wildcards=like)
    if like:
        # StringLike is case-sensitive:
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
        if not has_variables(tokens):
            glob = compile_glob(tokens)
            return lambda request, context: glob.matches(request)

        def like_test(request: str, context: Context) -> bool | None:
            resolved = resolve(tokens, context)
            return resolved is not None and compile_glob(resolved).matches(request)

        return like_test
    fold = comparison is Comparison.EQUALS_IGNORE_CASE
    if not has_variables(tokens):
        expected = literal_text(tokens)
        if fold:
            expected = expected.lower()
            return lambda request, context: request.lower() == expected
        return lambda request, context: request == expected

    def equals_test(request: str, context: Context) -> bool | None:
        resolved = resolve(tokens, context)
        if resolved is None:
            return False
        text = literal_text(resolved)
        return request.lower() == text.lower() if fold else request == text

    return equals_test


# Value tests are pure functions of (operator, policy value): equal pairs share one; the memo
# is bounded in size (memo.py).
@sized_memo()
def _value_test(base: BaseOperator, value: str, variables: bool) -> ValueTest | None:
    """None when the policy value cannot be read as the operator's type."""
    value_type = base.value_type
    if value_type is ValueType.STRING:
        return _string_test(base, value, variables)
    if value_type is ValueType.ARN:
        pattern = ArnPattern.compile(value, variables=variables)
        return lambda request, context: (
            pattern.matches(request, context) if request.count(":") >= 5 else None
        )
    compare = _ordered(base.comparison)
    if value_type is ValueType.NUMERIC:
        number = parse_number(value)
        if number is None:
            return None
        return lambda request, context: (
            None if (parsed := parse_number(request)) is None else compare(parsed, number)
        )
    if value_type is ValueType.DATE:
        moment = parse_date(value)
        if moment is None:
            return None
        return lambda request, context: (
            None if (parsed := parse_date(request)) is None else compare(parsed, moment)
        )
    if value_type is ValueType.BOOL:
        flag = parse_bool(value)
        if flag is None:
            return None
        return lambda request, context: (
            None if (parsed := parse_bool(request)) is None else parsed is flag
        )
    if value_type is ValueType.BINARY:
        data = parse_binary(value)
        if data is None:
            return None
        return lambda request, context: (
            None if (parsed := parse_binary(request)) is None else parsed == data
        )
    if value_type is ValueType.IP:
        network = parse_network(value)
        if network is None:
            return None
        return lambda request, context: (
            None if (parsed := parse_ip(request)) is None else parsed in network
        )
    return None


def _never(context: Context) -> bool:
    return False


def _null_predicate(key: str, values: tuple[str, ...]) -> Predicate:
    flags = [parse_bool(v) for v in values]
    if any(f is None for f in flags):
        return _never
    wanted = frozenset(f for f in flags if f is not None)

    def null_test(context: Context) -> bool:
        present = context.get(key)
        absent = present is None or present == ()
        return absent in wanted

    return null_test


def _exact_strings(
    spec: OperatorSpec, values: tuple[str, ...], variables: bool
) -> frozenset[str] | None:
    """The values as a set when the operator is a plain case-sensitive string equality."""
    if (
        spec.base.value_type is not ValueType.STRING
        or spec.base.comparison is not Comparison.EQUALS
    ):
        return None
    tokens = [tokenize(v, variables=variables, wildcards=False) for v in values]
    if any(has_variables(t) for t in tokens):
        return None
    return frozenset(literal_text(t) for t in tokens)


def compile_clause(clause: ConditionClause, *, variables: bool) -> Predicate:
    """The clause as a predicate; invalid policy values make it always false."""
    return _compile_clause(clause, variables)


# Predicates are pure functions of the clause, so equal clauses share one; the memo is bounded
# in size (memo.py).


@sized_memo()
def _compile_clause(clause: ConditionClause, variables: bool) -> Predicate:
    spec = parse_operator(clause.operator)
    if spec is None:  # the parser rejects unknown operators; reaching here is a caller bug
        raise MalformedPolicyDocumentError(f"unknown condition operator `{clause.operator}`")
    key = clause.key.lower()  # condition key names are case-insensitive
    if spec.base.value_type is ValueType.NULL:
        return _null_predicate(key, clause.values)
    compiled = [_value_test(spec.base, v, variables) for v in clause.values]
    tests = [t for t in compiled if t is not None]
    if len(tests) != len(compiled):
        return _never
    negated = spec.base.negated
    qualifier = spec.qualifier
    if_exists = spec.if_exists
    exact = _exact_strings(spec, clause.values, variables)

    def any_policy_value(request: str, context: Context) -> bool | None:
        for test in tests:
            result = test(request, context)
            if result is None:
                return None
            if result:
                return True
        return False

    def predicate(context: Context) -> bool:
        raw = context.get(key)
        if exact is not None and isinstance(raw, str):
            return (raw in exact) != negated  # fast path, same result as the general one
        if raw is None or raw == ():
            if if_exists:
                return True
            if qualifier is SetQualifier.FOR_ALL_VALUES:
                return True
            if qualifier is SetQualifier.FOR_ANY_VALUE:
                return False
            return negated  # a missing key matches only the negated operators
        if isinstance(raw, str):  # one value: every qualifier below reduces to its outcome
            result = any_policy_value(raw, context)
            return False if result is None else result != negated
        requests = raw
        outcomes: list[bool] = []
        for request in requests:
            result = any_policy_value(request, context)
            if result is None:
                return False  # an unreadable request value makes the condition false
            outcomes.append(result != negated)
        if qualifier is SetQualifier.FOR_ALL_VALUES:
            return all(outcomes)
        if qualifier is SetQualifier.FOR_ANY_VALUE:
            return any(outcomes)
        # Without a set qualifier a negated operator asks that no value matches at all.
        return all(outcomes) if negated else any(outcomes)

    return predicate


def compile_conditions(clauses: tuple[ConditionClause, ...], *, variables: bool) -> Predicate:
    """All clauses AND-ed together."""
    return _compile_conditions(clauses, variables)


@sized_memo()
def _compile_conditions(clauses: tuple[ConditionClause, ...], variables: bool) -> Predicate:
    predicates = [compile_clause(c, variables=variables) for c in clauses]
    if not predicates:
        return lambda context: True
    if len(predicates) == 1:
        return predicates[0]

    def every(context: Context) -> bool:
        for predicate in predicates:  # noqa: SIM110 - all(...) would build a generator per call
            if not predicate(context):
                return False
        return True

    return every

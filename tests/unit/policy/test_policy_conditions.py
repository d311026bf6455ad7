"""Unit tests for node.policy.conditions (IAM JSON policy elements: Condition operators)."""

from __future__ import annotations

import pytest

from iamstore.node.policy.conditions import compile_clause, compile_conditions, parse_date
from iamstore.node.policy.document import ConditionClause
from iamstore.node.policy.principals import normalize_context


def holds(
    operator: str,
    key: str,
    values: str | list[str],
    context: dict[str, str | list[str]],
    *,
    variables: bool = True,
) -> bool:
    clause = ConditionClause(operator, key, (values,) if isinstance(values, str) else tuple(values))
    return compile_clause(clause, variables=variables)(normalize_context(context))


@pytest.mark.parametrize(
    ("operator", "values", "request_value", "expected"),
    [
        ("StringEquals", "a", "a", True),
        ("StringEquals", "a", "A", False),
        ("StringEquals", ["x", "a"], "a", True),  # values are OR-ed
        ("StringEquals", "a*", "abc", False),  # no wildcards in StringEquals
        ("StringNotEquals", "a", "b", True),
        ("StringNotEquals", ["a", "b"], "b", False),
        ("StringEqualsIgnoreCase", "ABC", "abc", True),
        ("StringNotEqualsIgnoreCase", "ABC", "abc", False),
        ("StringLike", "a*c", "abbbc", True),
        ("StringLike", "a?c", "abbc", False),
        ("StringLike", "a*", "A", False),  # StringLike is case-sensitive
        ("StringLike", "a.c", "abc", False),
        ("StringNotLike", ["x*", "y*"], "zz", True),
        ("StringNotLike", ["x*", "y*"], "yz", False),
        ("NumericEquals", "10", "10.0", True),
        ("NumericNotEquals", "10", "11", True),
        ("NumericLessThan", "10", "9", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericGreaterThan", "10", "10.5", True),
        ("NumericGreaterThanEquals", "10", "9.99", False),
        ("NumericEquals", "10", "ten", False),  # unreadable request value -> false
        ("NumericNotEquals", "10", "ten", False),
        ("NumericEquals", "ten", "10", False),  # unreadable policy value -> false
        ("DateLessThan", "2020-01-01T00:00:00Z", "2019-12-31T23:59:59Z", True),
        ("DateLessThan", "2020-01-01T00:00:00Z", "2020-01-01T01:00:00+02:00", True),
        ("DateGreaterThan", "2020-01-01", "2020-01-01T00:00:01Z", True),
        ("DateEquals", "1577836800", "2020-01-01T00:00:00Z", True),  # epoch seconds
        ("DateNotEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", False),
        ("DateLessThanEquals", "2020-01-01T00:00:00Z", "not a date", False),
        ("DateGreaterThanEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", True),
        ("Bool", "true", "true", True),
        ("Bool", "true", "TRUE", True),
        ("Bool", "true", "false", False),
        ("Bool", "false", "yes", False),
        ("BinaryEquals", "QmluYXJ5", "QmluYXJ5", True),
        ("BinaryEquals", "QmluYXJ5", "QmluYXJ6", False),
        ("BinaryEquals", "QmluYXJ5", "%%%", False),
        ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
        ("IpAddress", "203.0.113.0/24", "203.0.114.7", False),
        ("IpAddress", "203.0.113.9", "203.0.113.9", True),
        ("IpAddress", "2001:db8::/32", "2001:db8::1", True),
        ("IpAddress", "203.0.113.0/24", "2001:db8::1", False),
        ("IpAddress", "203.0.113.0/24", "garbage", False),
        ("NotIpAddress", "203.0.113.0/24", "198.51.100.1", True),
        ("NotIpAddress", "203.0.113.0/24", "203.0.113.1", False),
        ("NotIpAddress", "203.0.113.0/24", "garbage", False),
        ("ArnLike", "arn:aws:iam::*:role/x*", "arn:aws:iam::111122223333:role/xy", True),
        ("ArnEquals", "arn:aws:iam::*:role/x*", "arn:aws:iam::111122223333:role/xy", True),
        ("ArnLike", "arn:aws:iam::*:role/x", "arn:aws:iam::1:2:role/x", False),
        ("ArnNotLike", "arn:aws:iam::*:role/x", "arn:aws:iam::111122223333:role/y", True),
        ("ArnNotEquals", "arn:aws:iam::*:role/x", "not-an-arn", False),
        ("ArnLike", "arn:aws:s3:::b", "arn:aws:s3:::B", False),
    ],
)
def test_single_valued_operators(
    operator: str, values: str | list[str], request_value: str, expected: bool
) -> None:
    assert holds(operator, "k", values, {"k": request_value}) is expected


def test_condition_key_names_are_case_insensitive() -> None:
    assert holds("StringEquals", "AWS:SourceVpc", "vpc-1", {"aws:sourcevpc": "vpc-1"})
    assert holds("StringEquals", "aws:sourcevpc", "vpc-1", {"AWS:SOURCEVPC": "vpc-1"})


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", False),
        ("StringNotEquals", True),  # negated operators match a missing key
        ("StringLike", False),
        ("StringNotLike", True),
        ("NumericEquals", False),
        ("NumericNotEquals", True),
        ("NotIpAddress", True),
        ("ArnNotLike", True),
        ("StringEqualsIfExists", True),
        ("NumericLessThanIfExists", True),
        ("ForAnyValue:StringEquals", False),
        ("ForAllValues:StringEquals", True),  # ForAllValues is true for a missing key
        ("ForAnyValue:StringEqualsIfExists", True),
    ],
)
def test_missing_key(operator: str, expected: bool) -> None:
    value = "10.0.0.0/8" if "Ip" in operator else "1"
    assert holds(operator, "k", value, {}) is expected


def test_if_exists_still_tests_present_key() -> None:
    assert not holds("StringEqualsIfExists", "k", "a", {"k": "b"})
    assert holds("StringEqualsIfExists", "k", "a", {"k": "a"})


@pytest.mark.parametrize(
    ("operator", "values", "request_values", "expected"),
    [
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "b"], True),
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "d"], False),
        ("ForAnyValue:StringEquals", ["a"], [], False),  # empty set
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "b"], True),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "c"], False),
        ("ForAllValues:StringEquals", ["a"], [], True),  # empty set
        ("ForAllValues:StringLike", ["a*"], ["ab", "ac"], True),
        ("ForAnyValue:StringNotEquals", ["a", "b"], ["a", "c"], True),
        ("ForAnyValue:StringNotEquals", ["a", "b"], ["a", "b"], False),
        ("ForAllValues:StringNotEquals", ["a", "b"], ["c", "d"], True),
        ("ForAllValues:StringNotEquals", ["a", "b"], ["c", "a"], False),
        ("ForAnyValue:NumericGreaterThan", ["5"], ["1", "9"], True),
        ("ForAllValues:NumericGreaterThan", ["5"], ["1", "9"], False),
        ("ForAllValues:NumericGreaterThan", ["5"], ["6", "x"], False),  # unreadable value
        ("StringEquals", ["a"], ["b", "a"], True),  # no qualifier: any value
        ("StringNotEquals", ["a"], ["b", "a"], False),  # negated: no value may match
    ],
)
def test_multivalued_keys(
    operator: str, values: list[str], request_values: list[str], expected: bool
) -> None:
    assert holds(operator, "k", values, {"k": request_values}) is expected


def test_set_operators_treat_a_single_value_as_a_set_of_one() -> None:
    assert holds("ForAllValues:StringEquals", "k", ["a", "b"], {"k": "a"})
    assert not holds("ForAnyValue:StringEquals", "k", ["a", "b"], {"k": "c"})


@pytest.mark.parametrize(
    ("value", "context", "expected"),
    [
        ("true", {}, True),
        ("true", {"k": "x"}, False),
        ("false", {"k": "x"}, True),
        ("false", {}, False),
        ("true", {"k": []}, True),
        (["true", "false"], {"k": "x"}, True),
        ("maybe", {}, False),
    ],
)
def test_null(value: str | list[str], context: dict[str, str | list[str]], expected: bool) -> None:
    assert holds("Null", "k", value, context) is expected


def test_string_variables() -> None:
    ctx: dict[str, str | list[str]] = {"aws:username": "bob", "s3:prefix": "home/bob/x"}
    assert holds("StringLike", "s3:prefix", "home/${aws:username}/*", ctx)
    assert not holds(
        "StringLike", "s3:prefix", "home/${aws:username}/*", {"s3:prefix": "home/bob/x"}
    )
    assert holds("StringEquals", "k", "${aws:username}", {"k": "bob", "aws:username": "bob"})
    # A variable without a value never matches, so the negated operator holds.
    assert holds("StringNotEquals", "k", "${aws:username}", {"k": "bob"})
    assert holds("StringEquals", "k", "${aws:username, 'x'}", {"k": "x"})
    assert holds("StringLike", "k", "a${*}", {"k": "a*"})
    assert not holds("StringLike", "k", "a${*}", {"k": "ab"})


def test_variables_ignored_under_2008_version() -> None:
    ctx: dict[str, str | list[str]] = {"k": "${aws:username}", "aws:username": "bob"}
    assert holds("StringEquals", "k", "${aws:username}", ctx, variables=False)
    assert not holds("StringEquals", "k", "${aws:username}", ctx, variables=True)


def test_variables_only_in_string_and_arn_operators() -> None:
    assert not holds("NumericEquals", "k", "${n}", {"k": "1", "n": "1"})


def test_clauses_are_and_ed() -> None:
    predicate = compile_conditions(
        (
            ConditionClause("StringEquals", "a", ("1",)),
            ConditionClause("StringEquals", "b", ("2",)),
        ),
        variables=True,
    )
    assert predicate({"a": "1", "b": "2"})
    assert not predicate({"a": "1", "b": "3"})


def test_parse_date_forms() -> None:
    assert parse_date("2020-01-01T00:00:00Z") == 1577836800.0
    assert parse_date("2020-01-01") == 1577836800.0
    assert parse_date("1577836800") == 1577836800.0
    assert parse_date("2020-13-01") is None

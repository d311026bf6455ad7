"""Unit tests for node.policy.variables: tokenizing and resolving policy variables."""

from __future__ import annotations

from iamstore.node.policy.variables import (
    PatternToken,
    PatternTokenKind,
    literal_text,
    resolve,
    tokenize,
)

LIT, STAR, QM, VAR = (
    PatternTokenKind.LITERAL,
    PatternTokenKind.STAR,
    PatternTokenKind.QUESTION,
    PatternTokenKind.VARIABLE,
)


def test_plain_text_with_wildcards() -> None:
    assert tokenize("a*b?", variables=True, wildcards=True) == (
        PatternToken(LIT, "a"),
        PatternToken(STAR),
        PatternToken(LIT, "b"),
        PatternToken(QM),
    )


def test_wildcards_off_keeps_them_literal() -> None:
    assert tokenize("a*b?", variables=True, wildcards=False) == (PatternToken(LIT, "a*b?"),)


def test_variable_with_default_and_spaces() -> None:
    assert tokenize("x/${aws:PrincipalTag/team , 'none'}", variables=True, wildcards=True) == (
        PatternToken(LIT, "x/"),
        PatternToken(VAR, "aws:principaltag/team", "none"),
    )


def test_escapes_become_literals_and_merge() -> None:
    assert tokenize("a${*}${?}${$}", variables=True, wildcards=True) == (PatternToken(LIT, "a*?$"),)


def test_malformed_variables_stay_literal() -> None:
    for text in ("${}", "${a, default}", "${unclosed"):
        assert literal_text(tokenize(text, variables=True, wildcards=False)) == text


def test_disabled_variables_are_literal() -> None:
    assert tokenize("${aws:username}", variables=False, wildcards=False) == (
        PatternToken(LIT, "${aws:username}"),
    )


def test_resolve_uses_single_values_only() -> None:
    tokens = tokenize("${k}", variables=True, wildcards=False)
    assert resolve(tokens, {"k": "v"}) == (PatternToken(LIT, "v"),)
    assert resolve(tokens, {"k": ("a", "b")}) is None
    assert resolve(tokens, {}) is None
    with_default = tokenize("${k, 'd'}", variables=True, wildcards=False)
    assert resolve(with_default, {}) == (PatternToken(LIT, "d"),)
